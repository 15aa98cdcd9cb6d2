import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAkoLab } from "../helpers/ako-cluster.js";
import { runCli } from "../helpers/run-cli.js";

let lab: Awaited<ReturnType<typeof startAkoLab>>;
const dir = mkdtempSync(join(tmpdir(), "avictl-ingress-"));
const cli = (args: string[]) => runCli(args, { env: lab.env, timeoutMs: 120_000 });
const shared = () =>
  lab.lab.ctrl.store
    .list("virtualservice")
    .filter((v) => String(v.name).startsWith("S1-AZ1--") && String(v.name).includes("-L7-"))
    .map((v) => String(v.name))
    .sort();

interface Result {
  pairs: { name: string; host: string; action: string; vip?: string; vs?: string; predicted?: string }[];
  shards: { vip: string; vs?: string; hosts: number }[];
  elsewhere: unknown[];
  writes: number;
}

beforeAll(async () => {
  lab = await startAkoLab(dir);
  await lab.cluster.deployment("default", "hello", 2, "paulbouwer/hello-kubernetes:1.8");
}, 180_000);
afterAll(async () => lab?.close());

describe("dummy-ingress against the lab's AKO: shards as AKO's hashing picks them", () => {
  it.each([
    ["LARGE", 8],
    ["MEDIUM", 4],
    ["SMALL", 1],
    ["DEDICATED", 20],
  ] as const)(
    "20 ingresses with %s land on at most %i virtual services; printed = controller = --predict",
    async (size, most) => {
      if (size !== "LARGE") await lab.reconfigure({ shardVSSize: size });
      const r = await cli([
        "dummy-ingress",
        "20",
        "apply",
        "hello",
        "--wait",
        "--cluster-name",
        "S1-AZ1",
        "--shard-size",
        size,
        "--kube-context",
        "s1az1",
        "-o",
        "json",
      ]);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Result;
      expect(out.pairs.filter((p) => p.action === "created")).toHaveLength(20);
      const vses = shared();
      expect(vses.length).toBeLessThanOrEqual(most);
      if (size === "SMALL" || size === "DEDICATED") expect(vses).toHaveLength(most);
      // The printed distribution is the controller's: one shard row per VS, hosts summing to 20.
      expect(out.shards.map((s) => s.vs).sort()).toEqual(vses);
      expect(out.shards.reduce((n, s) => n + s.hosts, 0)).toBe(20);
      expect(out.elsewhere).toEqual([]);
      // Sorted by VIP, and every VIP is its VS's.
      const ips = out.pairs.map((p) =>
        p
          .vip!.split(".")
          .map(Number)
          .reduce((a, o) => a * 256 + o, 0),
      );
      expect(ips).toEqual([...ips].sort((a, b) => a - b));
      const predicted = JSON.parse(
        (await cli(["dummy-ingress", "20", "apply", "hello", "--predict", "--cluster-name", "S1-AZ1", "--shard-size", size, "-o", "json"]))
          .stdout,
      ) as Result;
      const byHost = new Map(predicted.pairs.map((p) => [p.host, p.predicted]));
      for (const p of out.pairs) expect(p.vs).toBe(byHost.get(p.host));
      // Each host answers on its VIP (port 80) by its Host header; an unknown host gets the SE's 503.
      const first = out.pairs[0]!;
      const page = await lab.http(first.vip!, 80, first.host);
      expect([page.status, page.pod]).toEqual([200, expect.stringMatching(/^hello-/)]);
      expect((await lab.http(first.vip!, 80, "nobody.avi.iberia.local")).status).toBe(503);
      expect(predicted.shards.map((s) => s.vs).sort()).toEqual(vses);

      const again = await cli(["dummy-ingress", "20", "apply", "hello", "--no-wait", "--kube-context", "s1az1", "-o", "json"]);
      expect(JSON.parse(again.stdout)).toMatchObject({ writes: 0 });
      const del = await cli(["dummy-ingress", "20", "delete", "hello", "--kube-context", "s1az1", "-o", "json"]);
      expect(del.code, del.stderr).toBe(0);
      expect(JSON.parse(del.stdout)).toMatchObject({ writes: 40 });
      expect(shared()).toEqual([]);
      expect(lab.lab.ctrl.store.list("pool").filter((p) => String(p.name).includes("hello"))).toEqual([]);
    },
    180_000,
  );

  it("refuses bad input with exit 2 before creating anything", async () => {
    for (const args of [
      ["0", "apply", "hello"],
      ["x", "apply", "hello"],
      ["3", "create", "hello"],
      ["3", "apply", "hello", "--ingress-class", "no-such-class"],
    ]) {
      const r = await cli(["dummy-ingress", ...args, "--kube-context", "s1az1"]);
      expect(r.code, r.stderr).toBe(2);
    }
    expect(await lab.cluster.call<{ items: unknown[] }>("GET", "/apis/networking.k8s.io/v1/namespaces/default/ingresses")).toMatchObject({
      items: [],
    });
  });

  it("vs list and vs show name the Kubernetes object behind a virtual service", async () => {
    await lab.reconfigure({ shardVSSize: "LARGE" });
    expect((await cli(["dummy-ingress", "3", "apply", "hello", "--no-wait", "--kube-context", "s1az1"])).code).toBe(0);
    await lab.cluster.call("POST", "/api/v1/namespaces/default/services", {
      metadata: { name: "kuard" },
      spec: { type: "LoadBalancer", selector: { app: "hello" }, ports: [{ port: 8080, targetPort: 8080 }] },
    });
    const list = await cli(["vs", "list", "--cluster", "S1-AZ1", "-o", "json"]);
    expect(list.code, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout) as {
      name: string;
      state: string;
      members: { up: number; total: number };
      kube?: { kind: string; namespace?: string; name?: string; hosts: string[] };
    }[];
    expect(rows.find((v) => v.name === "S1-AZ1--default-kuard")).toMatchObject({
      state: "OPER_UP",
      members: { up: 2, total: 2 },
      kube: { kind: "Service", namespace: "default", name: "kuard" },
    });
    const shard = rows.find((v) => v.kube?.hosts.includes("hello1.avi.iberia.local"))!;
    expect(shard).toMatchObject({ kube: { kind: "shared" }, state: "OPER_UP" });
    const show = await cli(["vs", "show", shard.name, "-o", "json"]);
    expect(JSON.parse(show.stdout)).toMatchObject({
      name: shard.name,
      fqdns: expect.arrayContaining(["hello1.avi.iberia.local"]),
      pools: expect.arrayContaining([expect.objectContaining({ host: "hello1.avi.iberia.local", total: 2 })]),
    });
    expect((await cli(["vs", "show", "no-such-vs"])).code).toBe(1);
  });

  it("ako trace: ok for a healthy service; names the first broken link for each fault (exit 3)", async () => {
    const dns = `${lab.server.host}:${lab.server.port}`;
    const trace = (kind: string, ref: string) => cli(["ako", "trace", kind, ref, "--kube-context", "s1az1", "--dns-server", dns]);
    const ok = await trace("service", "default/kuard");
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/kuard\.default\.avi\.iberia\.local → 127\.10\.25\./);
    expect((await trace("ingress", "default/hello2")).code).toBe(0);

    const missing = await trace("service", "default/nope");
    expect([missing.code, missing.stdout]).toEqual([3, expect.stringMatching(/service default\/nope does not exist/)]);
    await lab.cluster.call("POST", "/api/v1/namespaces/default/services", {
      metadata: { name: "internal" },
      spec: { selector: { app: "hello" }, ports: [{ port: 80 }] },
    });
    expect((await trace("service", "default/internal")).stdout).toMatch(/AKO only makes virtual services for type LoadBalancer/);

    await lab.cluster.scale("default", "hello", 0);
    const empty = await trace("service", "default/kuard");
    expect(empty.code).toBe(3);
    expect(empty.stdout).toMatch(/pool has 0 servers: deployment hello has 0 ready replicas/);
    await lab.cluster.scale("default", "hello", 2);

    await lab.reconfigure({ autoFQDN: "disabled" });
    const noFqdn = await trace("service", "default/kuard");
    expect([noFqdn.code, noFqdn.stdout]).toEqual([3, expect.stringMatching(/no DNS record: autoFQDN disabled/)]);

    // AKO stopped: a new LoadBalancer Service gets no status.
    await lab.cluster.call("DELETE", "/apis/apps/v1/namespaces/avi-system/statefulsets/ako");
    await lab.cluster.call("POST", "/api/v1/namespaces/default/services", {
      metadata: { name: "late" },
      spec: { type: "LoadBalancer", selector: { app: "hello" }, ports: [{ port: 8080 }] },
    });
    const late = await trace("service", "default/late");
    expect([late.code, late.stdout]).toEqual([3, expect.stringMatching(/status\.loadBalancer empty: AKO has not synced/)]);
  });
});
