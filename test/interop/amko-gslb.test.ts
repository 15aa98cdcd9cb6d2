import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartsDir, chartsMissing, realBinary } from "../helpers/helm-binary.js";
import { AMKO_CLUSTERS, startGslbLab, until } from "../helpers/gslb-lab.js";
import { runCli } from "../helpers/run-cli.js";

const exec = promisify(execFile);
const helmBin = realBinary("helm");
const kubectlBin = realBinary("kubectl");
const missing = helmBin.reason ?? kubectlBin.reason ?? chartsMissing;
if (missing) console.warn(`skipping the AMKO-on-the-lab GSLB test: ${missing}`);

const HOST = "hello.avi.iberia.local";
const CLUSTERS = AMKO_CLUSTERS;

describe.skipIf(Boolean(missing))("AMKO installed with the real chart on the lab turns labelled ingresses into a GSLB service", () => {
  let g: Awaited<ReturnType<typeof startGslbLab>>;
  beforeAll(async () => {
    g = await startGslbLab();
    await g.setupGslb();
  }, 240_000);
  afterAll(async () => {
    await g?.close();
  });

  it("amko install with weights 6:3:1 → GSLB service on the leader, replicated, answered 6:3:1 by a follower's DNS VS", async () => {
    const kubectl = (ctx: string, ...args: string[]) =>
      exec(kubectlBin.path!, ["--context", ctx, ...args], { env: { ...process.env, KUBECONFIG: g.lab.state.kubeconfig }, timeout: 60_000 });
    const vips: string[] = [];
    const ingress = join(g.dir, "ingress.json");
    writeFileSync(
      ingress,
      JSON.stringify({
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "hello", namespace: "default", labels: { app: "gslb" } },
        spec: {
          rules: [
            {
              host: HOST,
              http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "hello", port: { number: 80 } } } }] },
            },
          ],
        },
      }),
    );
    for (const [cluster, site, network] of CLUSTERS) {
      // What AKO makes for the ingress at the cluster's site (AKO's data plane is emulated elsewhere).
      vips.push((await g.akoVs(site, cluster, network, HOST)).ip);
      await kubectl(cluster, "apply", "-f", ingress);
    }
    const install = await g.cli(
      "lab-leader",
      [
        "amko",
        "install",
        "--leader-context",
        "s1az1",
        "--kubeconfig",
        g.lab.state.kubeconfig!,
        ...CLUSTERS.flatMap(([c]) => ["--member", `${c}=${c}`]),
        "--selector",
        "app=gslb",
        "--split",
        CLUSTERS.map(([c, , , w]) => `${c}=${w}`).join(","),
        "--ttl",
        "5",
        "--chart",
        join(chartsDir, "amko-1.13.1.tgz"),
      ],
      { env: { AVICTL_HELM: helmBin.path! }, timeoutMs: 240_000 },
    );
    expect(install.code, install.stderr).toBe(0);

    await until("the GSLB service on site1", () => Boolean(g.ctrl("site1").store.findByName("gslbservice", HOST)), 60_000);
    const gs = g.ctrl("leader").store.findByName("gslbservice", HOST)!;
    expect(gs.created_by).toMatch(/^amko-/);
    expect(gs.ttl).toBe(5);
    const members = (gs.groups as { members: { ip: { addr: string }; ratio: number }[] }[])[0]!.members;
    expect(members.map((m) => [m.ip.addr, m.ratio])).toEqual(vips.map((ip, i) => [ip, CLUSTERS[i]![3]]));

    const st = await g.cli(
      "lab-leader",
      ["-o", "json", "amko", "status", "--kubeconfig", g.lab.state.kubeconfig!, "--kube-context", "s1az1"],
      { env: { AVICTL_HELM: helmBin.path! } },
    );
    expect(st.code, st.stderr).toBe(0);
    const made = (JSON.parse(st.stdout) as { gslbServices: { name: string; members: { ratio: number }[] }[] }).gslbServices;
    expect(made.map((x) => [x.name, x.members.map((m) => m.ratio)])).toEqual([[HOST, [6, 3, 1]]]);

    const dns = g.lab.state.dns.find((d) => d.vs === "g-dns-site1")!;
    const labels = vips.flatMap((ip, i) => ["--label", `${ip}=${CLUSTERS[i]![0]}`]);
    const r = await runCli(
      [
        "check-dns",
        HOST,
        "0",
        "--no-http",
        "--server",
        `${dns.host}:${dns.port}`,
        "--count",
        "300",
        ...labels,
        "--expect",
        "s1az1=6,s1az2=3,s2=1",
      ],
      { env: { AVICTL_CONFIG: g.config }, timeoutMs: 120_000 },
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 300_000);
});
