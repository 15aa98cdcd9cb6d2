import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_FIELDS } from "../../src/workflows/export-logs/rows.js";
import { startAkoLab } from "../helpers/ako-cluster.js";
import { until } from "../helpers/gslb-lab.js";
import { runCli } from "../helpers/run-cli.js";

let lab: Awaited<ReturnType<typeof startAkoLab>>;
const dir = mkdtempSync(join(tmpdir(), "avictl-app-logs-"));
const cli = (args: string[]) => runCli(args, { env: lab.env, timeoutMs: 120_000 });
const podIps = (app: string) =>
  lab.cluster.kube
    .objects("v1", "Pod")
    .filter((p) => (p.metadata as { labels?: Record<string, string> } | undefined)?.labels?.app === app)
    .map((p) => (p as { status?: { podIP?: string } }).status?.podIP);
const podNames = (app: string) =>
  lab.cluster.kube
    .objects("v1", "Pod")
    .filter((p) => (p.metadata as { labels?: Record<string, string> } | undefined)?.labels?.app === app)
    .map((p) => String((p.metadata as { name?: string } | undefined)?.name))
    .sort();
const window = () => ["--start", new Date(Date.now() - 120_000).toISOString(), "--end", new Date(Date.now() + 1000).toISOString()];

beforeAll(async () => {
  lab = await startAkoLab(mkdtempSync(join(tmpdir(), "avictl-app-logs-lab-")));
  await lab.cluster.deployment("default", "hello", 2, "paulbouwer/hello-kubernetes:1.8");
  await lab.cluster.deployment("default", "kuard", 1);
}, 180_000);
afterAll(async () => lab?.close());

describe("requests served by the lab's VIP listeners are logged by their virtual service", () => {
  it("an ingress's shared L7 VS: one application log per request, with the API's fields; an unknown host's 503 is significant", async () => {
    const made = await cli(["dummy-ingress", "1", "apply", "hello", "--wait", "--kube-context", "s1az1", "-o", "json"]);
    expect(made.code, made.stderr).toBe(0);
    const { host, vip, vs } = (JSON.parse(made.stdout) as { pairs: { host: string; vip: string; vs: string }[] }).pairs[0]!;
    // AKO's VS logs only significant requests until the operator turns non-significant logs on.
    expect((await lab.http(vip, 80, host)).status).toBe(200);
    const on = await cli(["vs", "analytics", vs, "--non-significant-logs", "on", "--log-throttle", "off"]);
    expect(on.code, on.stderr).toBe(0);
    const pods = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const page = await lab.http(vip, 80, host);
      expect(page.status).toBe(200);
      pods.add(page.pod!);
    }
    // This lab's pods answered (the VIP is a shared loopback address another lab on the host could hold).
    expect([...pods].sort()).toEqual(podNames("hello"));
    expect((await lab.http(vip, 80, "nobody.avi.iberia.local")).status).toBe(503);

    const out = join(dir, "app.csv");
    const r = await cli(["export-logs", "--vs", vs, ...window(), "--type", "app", "--out", out, "--analyze", "--by", "server_ip"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const rows = parse(readFileSync(out, "utf8"), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(APP_FIELDS);
    // The 200 sent before logging was turned on is not there; 12 served + the 503 are.
    expect(rows).toHaveLength(13);
    const ok = rows.filter((x) => x.response_code === "200");
    expect(ok).toHaveLength(12);
    expect(new Set(ok.map((x) => x.host))).toEqual(new Set([host]));
    expect(new Set(ok.map((x) => x.method))).toEqual(new Set(["GET"]));
    expect(new Set(ok.map((x) => x.uri_path))).toEqual(new Set(["/"]));
    expect(new Set(ok.map((x) => x.server_ip))).toEqual(new Set(podIps("hello")));
    expect(ok.every((x) => x.pool_name!.includes("hello") && x.significant === "0" && /^\d+$/.test(x.total_time!))).toBe(true);
    expect(ok.every((x) => /^127\./.test(x.client_ip!))).toBe(true);
    const failed = rows.find((x) => x.response_code === "503")!;
    expect(failed).toMatchObject({ host: "nobody.avi.iberia.local", server_ip: "", significant: "1" });
    // Round robin over the two pods: 6 requests each, as the analysis counts them.
    expect(r.stdout).toMatch(/server_ip: 12 values in 13 records/);
    for (const ip of podIps("hello")) expect(r.stdout).toMatch(new RegExp(`${ip!.replace(/\./g, "\\.")}\\s+6\\s+50\\.0%`));

    const json = await cli(["export-logs", "--vs", vs, ...window(), "--type", "app", "--significant-only", "--format", "json"]);
    const [sig] = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(sig).toMatchObject({
      method: "GET",
      host: "nobody.avi.iberia.local",
      response_code: 503,
      significant: "1",
      significant_log: ["ADF_REQUEST_NO_POOL"],
      client_dest_port: 80,
      vs_ip: vip,
      http_version: "1.1",
    });
    expect(sig!.server_ip).toBeUndefined();
  });

  it("a LoadBalancer service's L4 VS writes connection logs, not application logs", async () => {
    await lab.cluster.call("POST", "/api/v1/namespaces/default/services", {
      metadata: { name: "kuard" },
      spec: { type: "LoadBalancer", selector: { app: "kuard" }, ports: [{ port: 8080, targetPort: 8080 }] },
    });
    const vs = "S1-AZ1--default-kuard";
    // AKO has synced the service once its pool has the pod.
    await until(
      "kuard's pool",
      () => ((lab.lab.ctrl.store.findByName("pool", `${vs}--8080`)?.servers as unknown[] | undefined) ?? []).length > 0,
    );
    const vsObj = lab.lab.ctrl.store.findByName("virtualservice", vs)!;
    const vip = (lab.lab.ctrl.store.get("vsvip", String(vsObj.vsvip_ref).split("/").pop()!)!.vip as { ip_address: { addr: string } }[])[0]!
      .ip_address.addr;
    expect((await cli(["vs", "analytics", vs, "--non-significant-logs", "on", "--log-throttle", "off"])).code).toBe(0);
    for (let i = 0; i < 5; i++) expect(await lab.http(vip, 8080)).toMatchObject({ status: 200, pod: podNames("kuard")[0] });
    const conn = await cli(["export-logs", "--vs", vs, ...window(), "--type", "conn", "--format", "json"]);
    expect(conn.code, conn.stderr).toBe(0);
    const logs = JSON.parse(conn.stdout) as Record<string, unknown>[];
    expect(logs).toHaveLength(5);
    expect(logs[0]).toMatchObject({ protocol: "PROTOCOL_TCP", vs_ip: vip, client_dest_port: 8080, server_ip: podIps("kuard")[0] });
    expect(logs[0]!.method).toBeUndefined();
    const app = await cli(["export-logs", "--vs", vs, ...window(), "--type", "app", "--format", "json"]);
    expect([app.code, app.stdout]).toEqual([0, "[]\n"]);
  });
});
