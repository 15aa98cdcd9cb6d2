import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLab, type Lab } from "../../src/lab/index.js";
import { chartsDir, chartsMissing, realBinary } from "../helpers/helm-binary.js";
import { isolatedConfig, runCli, type CliResult } from "../helpers/run-cli.js";

const run = promisify(execFile);
const helm = realBinary("helm");
const kubectl = realBinary("kubectl");
const missing = helm.reason ?? kubectl.reason ?? chartsMissing;
if (missing) console.warn(`skipping AKO/AMKO lab tests: ${missing}`);

let lab: Lab;
let env: Record<string, string>;
let password: string;
const outputs: CliResult[] = [];
const dir = mkdtempSync(join(tmpdir(), "avictl-ako-"));
const ako13 = join(chartsDir, "ako-1.13.4.tgz");

async function cli(args: string[]): Promise<CliResult> {
  const r = await runCli(args, { env, timeoutMs: 120_000 });
  outputs.push(r);
  return r;
}
async function k(args: string[]): Promise<string> {
  return (await run(kubectl.path!, args, { env: { ...process.env, KUBECONFIG: env.KUBECONFIG } })).stdout;
}
const podUid = async (ctx: string) =>
  (JSON.parse(await k(["--context", ctx, "get", "pod", "ako-0", "-n", "avi-system", "-o", "json"])) as { metadata: { uid: string } })
    .metadata.uid;
const routes = () =>
  (lab.controllers[0]!.store.findByName("vrfcontext", "VRF_AZ1")?.static_routes as { route_id: string }[] | undefined)?.map(
    (r) => r.route_id,
  ) ?? [];

// helm upgrades and pod restarts on a loaded machine take minutes, not the default minute.
describe.skipIf(Boolean(missing))("AKO and AMKO on the lab with the real helm and charts", { timeout: 240_000 }, () => {
  beforeAll(async () => {
    lab = await startLab({ dir });
    const c = lab.state.controllers[0]!;
    password = readFileSync(c.passwordFile, "utf8").trim();
    env = {
      AVICTL_CONFIG: isolatedConfig(),
      AVI_CONTROLLER: c.url,
      AVI_USERNAME: c.username,
      AVI_PASSWORD_FILE: c.passwordFile,
      AVI_CA_CERT: c.caCert,
      KUBECONFIG: lab.state.kubeconfig!,
      AVICTL_HELM: helm.path!,
    };
    for (const args of [
      ["bootstrap", "cloud", "--dns-domain", "avi.iberia.local"],
      ["create-vrf", "VRF_AZ1", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.25.40-127.10.25.59"],
      ["create-vrf", "VRF_AZ2", "--network", "AVI_FRONTEND_3026=127.10.26.0/24@127.10.26.40-127.10.26.59"],
      ["seg", "create", "S1-AZ1-SE-Group", "--cluster-label", "S1-AZ1"],
      ["seg", "create", "S1-AZ2-SE-Group"],
      ["seg", "create", "SE-Group-AKO-CRITICAL"],
    ])
      expect((await cli(args)).code).toBe(0);
  });
  afterAll(async () => {
    await lab?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ako install: preflight, secret, CRDs, helm install, AKO connected, static routes on the controller", async () => {
    const r = await cli([
      "ako",
      "install",
      "--chart",
      ako13,
      "--cluster-name",
      "S1-AZ1",
      "--vip-network",
      "AVI_FRONTEND_3025",
      "--se-group",
      "S1-AZ1-SE-Group",
      "--cni",
      "antrea",
      "--default-domain",
      "avi.iberia.local",
      "--kube-context",
      "s1az1",
      "-o",
      "json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      connected: boolean;
      revision: string;
      routes: { vrf: string; expected: number; found: number };
    };
    expect(result).toMatchObject({ connected: true, revision: "1", routes: { vrf: "VRF_AZ1", expected: 3, found: 3 } });
    expect(routes()).toEqual(["S1-AZ1-1", "S1-AZ1-2", "S1-AZ1-3"]);
    // avictl made avi-secret; the chart's values and the release hold no password.
    const secret = JSON.parse(await k(["--context", "s1az1", "get", "secret", "avi-secret", "-n", "avi-system", "-o", "json"])) as {
      data: Record<string, string>;
    };
    expect(Buffer.from(secret.data.password!, "base64").toString()).toBe(password);
    const values = (
      await run(helm.path!, ["get", "values", "ako", "-n", "avi-system", "--kube-context", "s1az1", "-o", "json"], {
        env: { ...process.env, KUBECONFIG: env.KUBECONFIG },
      })
    ).stdout;
    expect(values).not.toContain(password);
    const crds = await k(["--context", "s1az1", "get", "crd", "-o", "name"]);
    expect(crds).toContain("aviinfrasettings.ako.vmware.com");
    const status = await cli(["ako", "status", "--kube-context", "s1az1", "-o", "json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      connection: "CONNECTED",
      connectionSource: "api/status",
      healthy: true,
      controller: { staticRoutes: 3, seGroupLabel: "S1-AZ1" },
    });
    // The same endpoint kubectl reaches through the API server's pod proxy.
    expect(
      JSON.parse(await k(["--context", "s1az1", "get", "--raw", "/api/v1/namespaces/avi-system/pods/ako-0:8080/proxy/api/status"])),
    ).toEqual({ avi_api: { connection_status: "CONNECTED", errors: [] } });
  });

  it("ako reload with changed values upgrades in place and restarts the pod", async () => {
    const file = join(dir, "values.yaml");
    const rendered = await cli([
      "ako",
      "values",
      "--cluster-name",
      "S1-AZ1",
      "--vip-network",
      "AVI_FRONTEND_3025",
      "--se-group",
      "S1-AZ1-SE-Group",
      "--cni",
      "antrea",
      "--default-domain",
      "avi.iberia.local",
      "--out",
      file,
    ]);
    expect(rendered.code, rendered.stderr).toBe(0);
    writeFileSync(file, readFileSync(file, "utf8").replace(`logLevel: "WARN"`, `logLevel: "INFO"`));
    const before = await podUid("s1az1");
    // --dry-run: the plan against the installed release, nothing written.
    const dry = await cli(["ako", "reload", "-f", file, "--chart", ako13, "--kube-context", "s1az1", "--dry-run", "-o", "json"]);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as {
      chart: unknown;
      values: { path: string; from?: unknown; to?: unknown }[];
      crds: { action: string }[];
      restart: { yes: boolean };
      unchanged: boolean;
    };
    expect(plan).toMatchObject({ chart: { from: "ako-1.13.4", to: "ako-1.13.4" }, restart: { yes: true }, unchanged: false });
    expect(plan.values).toEqual([{ path: "AKOSettings.logLevel", from: "WARN", to: "INFO" }]);
    expect(plan.crds.length).toBeGreaterThan(0);
    expect(plan.crds.every((c) => c.action === "apply")).toBe(true);
    expect(await podUid("s1az1")).toBe(before);
    const r = await cli(["ako", "reload", "-f", file, "--chart", ako13, "--kube-context", "s1az1", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      revision: "2",
      previousRevision: "1",
      connected: true,
      steps: expect.arrayContaining([expect.objectContaining({ step: "restart" })]),
    });
    const restarted = await podUid("s1az1");
    expect(restarted).not.toBe(before);
    // The same values and chart again: no new helm revision, no restart.
    const again = await cli(["ako", "reload", "-f", file, "--chart", ako13, "--kube-context", "s1az1", "-o", "json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ unchanged: true, revision: "2", connected: true });
    expect(await podUid("s1az1")).toBe(restarted);
  });

  it("a reload that fails rolls back and leaves the previous AKO running (exit 1); a bad chart path changes nothing", async () => {
    const file = join(dir, "bad-cloud.yaml");
    writeFileSync(file, readFileSync(join(dir, "values.yaml"), "utf8").replace('cloudName: "Default-Cloud"', 'cloudName: "No-Such-Cloud"'));
    const r = await cli([
      "ako",
      "reload",
      "-f",
      file,
      "--chart",
      ako13,
      "--kube-context",
      "s1az1",
      "--skip-preflight",
      "--wait-timeout",
      "5s",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cloud No-Such-Cloud not found; rolled back to revision 2, the previous AKO is running/);
    const status = JSON.parse((await cli(["ako", "status", "--kube-context", "s1az1", "-o", "json"])).stdout) as {
      connection: string;
      release: { revision: string };
    };
    expect(status).toMatchObject({ connection: "CONNECTED", release: { revision: "4" } });
    const noChart = await cli([
      "ako",
      "reload",
      "-f",
      join(dir, "values.yaml"),
      "--chart",
      join(dir, "missing.tgz"),
      "--kube-context",
      "s1az1",
    ]);
    expect(noChart.code).toBe(1);
    expect(noChart.stderr).toMatch(/^error: chart .*missing\.tgz does not exist/);
    expect(JSON.parse((await cli(["ako", "status", "--kube-context", "s1az1", "-o", "json"])).stdout)).toMatchObject({
      release: { revision: "4" },
    });
  });

  it("refuses a shardVSSize change without --force and explains the cleanup", async () => {
    const file = join(dir, "dedicated.yaml");
    writeFileSync(file, readFileSync(join(dir, "values.yaml"), "utf8").replace(`shardVSSize: "LARGE"`, `shardVSSize: "DEDICATED"`));
    const r = await cli(["ako", "reload", "-f", file, "--chart", ako13, "--kube-context", "s1az1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/shardVSSize changes from LARGE to DEDICATED/);
    expect(r.stderr).toMatch(/deleteConfig/);
  });

  it("preflight fails (exit 3) for an SE group labelled for another cluster and installs nothing", async () => {
    const r = await cli([
      "ako",
      "install",
      "--chart",
      ako13,
      "--cluster-name",
      "S1-AZ2",
      "--vip-network",
      "AVI_FRONTEND_3026",
      "--se-group",
      "S1-AZ1-SE-Group",
      "--kube-context",
      "s1az2",
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/SE group\s+fail\s+S1-AZ1-SE-Group is labelled for AKO cluster S1-AZ1/);
    expect(await k(["--context", "s1az2", "get", "statefulsets", "-A", "-o", "name"])).toBe("");
  });

  it("installs the blog's AKO 1.4.2 with the credentials passed on helm's stdin", async () => {
    const r = await cli([
      "ako",
      "install",
      "--chart",
      join(chartsDir, "ako-1.4.2.tgz"),
      "--cluster-name",
      "S1-AZ2",
      "--vip-network",
      "AVI_FRONTEND_3026",
      "--se-group",
      "S1-AZ2-SE-Group",
      "--kube-context",
      "s1az2",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const cm = JSON.parse(await k(["--context", "s1az2", "get", "configmap", "avi-k8s-config", "-n", "avi-system", "-o", "json"])) as {
      data: Record<string, string>;
    };
    expect(cm.data).toMatchObject({ clusterName: "S1-AZ2", subnetIP: "127.10.26.0", subnetPrefix: "24" });
    const routes2 = (lab.controllers[0]!.store.findByName("vrfcontext", "VRF_AZ2")?.static_routes as { route_id: string }[]).map(
      (x) => x.route_id,
    );
    expect(routes2).toEqual(["S1-AZ2-1", "S1-AZ2-2", "S1-AZ2-3"]);
  });

  /** amko install on s1az1 with members s1az1 and s1az2 (where AKO runs), plus EXTRA. */
  const amkoInstall = (extra: string[]) =>
    cli([
      "amko",
      "install",
      "--leader-context",
      "s1az1",
      "--member",
      "s1az1=s1az1",
      "--member",
      "s1az2=s1az2",
      ...extra,
      "--chart",
      join(chartsDir, "amko-1.13.1.tgz"),
    ]);

  it("amko install refuses a member cluster without AKO and installs nothing", async () => {
    const r = await amkoInstall(["--member", "s2=s2"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/AKO is not running in member clusters? s2 \(no pod ako-0\)/);
    expect(r.stderr).not.toMatch(/s1az1 \(|s1az2 \(/);
    await expect(k(["--context", "s1az1", "get", "secret", "gslb-config-secret", "-n", "avi-system"])).rejects.toThrow(/NotFound/);
  });

  it("amko install builds gslb-members and the GDP; traffic-split changes it and rejects 0 and 21", async () => {
    const r = await amkoInstall(["--split", "s1az1=6,s1az2=3"]);
    expect(r.code, r.stderr).toBe(0);
    const members = JSON.parse(
      await k(["--context", "s1az1", "get", "secret", "gslb-config-secret", "-n", "avi-system", "-o", "json"]),
    ) as { data: Record<string, string> };
    expect(Buffer.from(members.data["gslb-members"]!, "base64").toString()).toMatch(/name: s1az2\n/);
    const gdp = () =>
      k(["--context", "s1az1", "get", "globaldeploymentpolicies.amko.vmware.com", "global-gdp", "-n", "avi-system", "-o", "json"]).then(
        (t) => (JSON.parse(t) as { spec: { trafficSplit: { cluster: string; weight: number }[] } }).spec.trafficSplit,
      );
    expect(await gdp()).toEqual([
      { cluster: "s1az1", weight: 6 },
      { cluster: "s1az2", weight: 3 },
    ]);
    const split = await cli(["amko", "traffic-split", "s1az1=4", "--kube-context", "s1az1", "-o", "json"]);
    expect(split.code, split.stderr).toBe(0);
    expect((JSON.parse(split.stdout) as { shares: { cluster: string; share: number }[] }).shares.map((s) => [s.cluster, s.share])).toEqual([
      ["s1az1", 0.5714],
      ["s1az2", 0.4286],
    ]);
    const afterSplit = [
      { cluster: "s1az1", weight: 4 },
      { cluster: "s1az2", weight: 3 },
    ];
    expect(await gdp()).toEqual(afterSplit);
    for (const bad of ["s1az1=0", "s1az1=21"]) {
      const b = await cli(["amko", "traffic-split", bad, "--kube-context", "s1az1"]);
      expect(b.code).toBe(2);
      expect(b.stderr).toMatch(/must be a whole number from 1 to 20/);
    }
    expect(await gdp()).toEqual(afterSplit);
    const status = await cli(["amko", "status", "--kube-context", "s1az1", "-o", "json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      healthy: true,
      pod: { ready: true },
      gslbConfig: { state: "success: gslb config accepted", members: ["s1az1", "s1az2"] },
      gdp: { status: "success", shares: afterSplit },
    });
  });

  it("infra-setting creates the AviInfraSetting and its IngressClass, then converges", async () => {
    const args = [
      "infra-setting",
      "create",
      "critical.infra",
      "--se-group",
      "SE-Group-AKO-CRITICAL",
      "--network",
      "AVI_FRONTEND_3025=127.10.25.0/24",
      "--shard-size",
      "DEDICATED",
      "--ingress-class",
      "critical-ic",
      "--kube-context",
      "s1az1",
      "-o",
      "json",
    ];
    const missingGroup = await cli([
      "infra-setting",
      "create",
      "typo.infra",
      "--se-group",
      "SE-Group-AKO-CRITICL",
      "--ingress-class",
      "typo-ic",
      "--kube-context",
      "s1az1",
    ]);
    expect(missingGroup.code).toBe(2);
    expect(missingGroup.stderr).toContain('SE group "SE-Group-AKO-CRITICL" does not exist');
    expect(await k(["--context", "s1az1", "get", "ingressclass", "-o", "name"])).not.toContain("typo-ic");
    const first = await cli(args);
    expect(first.code, first.stderr).toBe(0);
    expect((JSON.parse(first.stdout) as { plan: { action: string }[] }).plan.map((p) => p.action)).toEqual(["create", "create"]);
    const again = await cli(args);
    expect((JSON.parse(again.stdout) as { plan: { action: string }[] }).plan.map((p) => p.action)).toEqual(["unchanged", "unchanged"]);
    const ic = JSON.parse(await k(["--context", "s1az1", "get", "ingressclass", "critical-ic", "-o", "json"])) as { spec: unknown };
    expect(ic.spec).toEqual({
      controller: "ako.vmware.com/avi-lb",
      parameters: { apiGroup: "ako.vmware.com", kind: "AviInfraSetting", name: "critical.infra" },
    });
  });

  it("no output of this suite holds the controller password", () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const o of outputs) expect(o.stdout + o.stderr).not.toContain(password);
  });
});
