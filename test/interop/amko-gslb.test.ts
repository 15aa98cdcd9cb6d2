import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { akoConfig, runAko } from "../helpers/ako-pod.js";
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

describe.skipIf(Boolean(missing))("AMKO installed with the real chart on every member cluster of the lab", () => {
  let g: Awaited<ReturnType<typeof startGslbLab>>;
  const kubectl = (ctx: string, ...args: string[]) =>
    exec(kubectlBin.path!, ["--context", ctx, ...args], { env: { ...process.env, KUBECONFIG: g.lab.state.kubeconfig }, timeout: 60_000 });
  const apply = async (ctx: string, name: string, doc: { items: unknown[] }) => {
    for (const [i, item] of doc.items.entries()) {
      const file = join(g.dir, `${ctx}-${name}-${i}.json`);
      writeFileSync(file, JSON.stringify(item));
      await kubectl(ctx, "apply", "-f", file);
    }
  };
  const amko = (args: string[]) =>
    g.cli(
      "lab-leader",
      [
        "-o",
        "json",
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
        CLUSTERS.map(([c, , , , w]) => `${c}=${w}`).join(","),
        "--ttl",
        "5",
        "--chart",
        join(chartsDir, "amko-1.13.1.tgz"),
        ...args,
      ],
      { env: { AVICTL_HELM: helmBin.path! }, timeoutMs: 300_000 },
    );
  beforeAll(async () => {
    g = await startGslbLab();
    await g.setupGslb();
    for (const [ctx] of CLUSTERS) {
      await apply(ctx, "app", {
        items: [
          {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "hello", namespace: "default" },
            spec: { type: "NodePort", selector: { app: "hello" }, ports: [{ port: 80, targetPort: 8080 }] },
          },
          {
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
          },
        ],
      });
    }
  }, 240_000);
  afterAll(async () => {
    await g?.close();
  });

  it("refuses before AKO runs in every member cluster, naming them, and writes nothing", async () => {
    const r = await amko(["--followers", "all"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/AKO is not running in member clusters s1az1 \(no pod ako-0\), s1az2 \(no pod ako-0\), s2 \(no pod ako-0\)/);
    expect(r.stderr).toMatch(/ako install --kube-context s1az1/);
    for (const [ctx] of CLUSTERS) await expect(kubectl(ctx, "get", "namespace", "avi-system")).rejects.toThrow(/NotFound/);
  }, 120_000);

  it("with AKO running everywhere: followers first, then the leader; only the leader's AMKO makes the 6:3:1 GSLB service", async () => {
    // AKO as its chart runs it: ConfigMap avi-k8s-config and the ako StatefulSet in avi-system.
    for (const [ctx, , cluster, network] of CLUSTERS) await runAko(g.lab.state.kubeconfig!, ctx, akoConfig(cluster, network));
    // AKO's VS for the ingress at each site: its VIP is what AMKO puts in the GSLB service.
    const vips: string[] = [];
    for (const [, site, cluster] of CLUSTERS) {
      const s = g.ctrl(site);
      let ip: string | undefined;
      await until(`AKO's VS for ${cluster}`, () => {
        const vs = s.store
          .list("virtualservice")
          .find(
            (v) =>
              String(v.name).startsWith(`${cluster}--`) &&
              JSON.stringify(s.store.get("vsvip", String(v.vsvip_ref).split("/").pop()!) ?? {}).includes(HOST),
          );
        const vsvip = vs && s.store.get("vsvip", String(vs.vsvip_ref).split("/").pop()!);
        ip = (vsvip?.vip as { ip_address?: { addr?: string } }[] | undefined)?.[0]?.ip_address?.addr;
        return Boolean(ip);
      });
      vips.push(ip!);
    }

    const install = await amko(["--followers", "all"]);
    expect(install.code, install.stderr).toBe(0);
    const result = JSON.parse(install.stdout) as { installed: { member: string; role: string }[] };
    expect(result.installed.map((x) => [x.member, x.role])).toEqual([
      ["s1az2", "follower"],
      ["s2", "follower"],
      ["s1az1", "leader"],
    ]);
    for (const [ctx] of CLUSTERS) {
      const fed = JSON.parse(
        (await kubectl(ctx, "-n", "avi-system", "get", "amkocluster", "amkocluster-federation", "-o", "json")).stdout,
      ) as {
        spec: { isLeader: boolean; clusterContext: string };
      };
      expect([fed.spec.clusterContext, fed.spec.isLeader]).toEqual([ctx, ctx === "s1az1"]);
    }

    await until("the GSLB service on site1", () => Boolean(g.ctrl("site1").store.findByName("gslbservice", HOST)), 60_000);
    const services = g.ctrl("leader").store.list("gslbservice");
    expect(services.map((x) => x.name)).toEqual([HOST]);
    const gs = services[0]!;
    expect(gs.created_by).toMatch(/^amko-/);
    expect(gs.ttl).toBe(5);
    const members = (gs.groups as { members: { ip: { addr: string }; ratio: number }[] }[])[0]!.members;
    expect(members.map((m) => [m.ip.addr, m.ratio])).toEqual(vips.map((ip, i) => [ip, CLUSTERS[i]![4]]));

    const st = await g.cli(
      "lab-leader",
      ["-o", "json", "amko", "status", "--kubeconfig", g.lab.state.kubeconfig!, "--kube-context", "s1az1"],
      { env: { AVICTL_HELM: helmBin.path! } },
    );
    expect(st.code, st.stderr).toBe(0);
    const made = (JSON.parse(st.stdout) as { gslbServices: { name: string; members: { ratio: number; site: string }[] }[] }).gslbServices;
    expect(made.map((x) => [x.name, x.members.map((m) => [m.site, m.ratio])])).toEqual([
      [
        HOST,
        [
          ["gslb-site1", 6],
          ["gslb-site1", 3],
          ["gslb-site2", 1],
        ],
      ],
    ]);

    expect((JSON.parse(st.stdout) as { federation: { role: string } }).federation.role).toBe("leader");
    const follower = await g.cli(
      "lab-leader",
      ["-o", "json", "amko", "status", "--kubeconfig", g.lab.state.kubeconfig!, "--kube-context", "s2"],
      { env: { AVICTL_HELM: helmBin.path! } },
    );
    expect(follower.code, follower.stderr).toBe(0);
    expect((JSON.parse(follower.stdout) as { federation: { role: string; currentCluster: string } }).federation).toMatchObject({
      role: "follower",
      currentCluster: "s2",
    });

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

    // A re-run keeps the GSLB service (same AMKO uuid) and changes nothing on the controller.
    const writes = g.ctrl("leader").writes;
    const again = await amko(["--followers", "all"]);
    expect(again.code, again.stderr).toBe(0);
    await new Promise((res) => setTimeout(res, 3000));
    expect(
      g
        .ctrl("leader")
        .store.list("gslbservice")
        .map((x) => x.uuid),
    ).toEqual([gs.uuid]);
    expect(g.ctrl("leader").writes).toBe(writes);

    // A traffic split changed on the leader reaches the followers' GDP through the leader AMKO's federator.
    const split = await g.cli(
      "lab-leader",
      ["amko", "traffic-split", "s1az1=6", "s1az2=3", "s2=20", "--kubeconfig", g.lab.state.kubeconfig!, "--kube-context", "s1az1"],
      { env: { AVICTL_HELM: helmBin.path! } },
    );
    expect(split.code, split.stderr).toBe(0);
    const followerSplit = async (ctx: string) =>
      (
        JSON.parse((await kubectl(ctx, "-n", "avi-system", "get", "globaldeploymentpolicy", "global-gdp", "-o", "json")).stdout) as {
          spec: { trafficSplit: { cluster: string; weight: number }[] };
        }
      ).spec.trafficSplit.map((t) => t.weight);
    await until("the split federated to s2", async () => (await followerSplit("s2")).join() === "6,3,20");
    expect(await followerSplit("s1az2")).toEqual([6, 3, 20]);
    await until(
      "the leader's GSLB service at 6:3:20",
      () =>
        (g.ctrl("leader").store.findByName("gslbservice", HOST)!.groups as { members: { ratio: number }[] }[])[0]!.members
          .map((m) => m.ratio)
          .join() === "6,3,20",
    );
  }, 600_000);
});
