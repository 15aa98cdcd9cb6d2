import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { OperationError } from "../../src/cli/errors.js";
import { Helm } from "../../src/clients/helm.js";
import { lintAkoValues } from "../../src/workflows/ako/lint.js";
import { renderAkoValues } from "../../src/workflows/ako/render.js";
import { renderAmkoValues } from "../../src/workflows/amko/render.js";
import { loadChart } from "../../src/workflows/charts.js";
import { BLOG_AMKO, S1AZ1 } from "../helpers/blog.js";
import { chartsDir, chartsMissing, realBinary } from "../helpers/helm-binary.js";
import { runCli } from "../helpers/run-cli.js";

const helmBin = realBinary("helm");
const skip = helmBin.reason ?? chartsMissing;
if (skip) console.warn(`skipping helm/chart interop tests: ${skip}`);
const helm = new Helm({ binary: helmBin.path });
const dir = mkdtempSync(join(tmpdir(), "avictl-helm-"));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
};
type Manifest = { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: Record<string, unknown> };
const manifests = (text: string) =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest)
    .filter(Boolean);

/** Rendered values hold no credential: the key is absent or its fields are empty. */
function noCredentials(text: string, key: string): boolean {
  const v = (parseAllDocuments(text)[0]!.toJS() as Record<string, Record<string, string> | undefined>)[key];
  return !v || Object.values(v).every((x) => x === "" || x === null);
}

describe("Helm client", () => {
  /** A stand-in helm that records its arguments and fails like helm does when asked to. */
  const stub = () =>
    write(
      "fake-helm",
      `#!/bin/sh\necho "$@" > "${join(dir, "fake-helm.args")}"\n` +
        `if [ "$1" = lint ]; then echo "walk.go:74: found symbolic link" >&2; echo "Error: 1 chart(s) linted, 1 chart(s) failed" >&2; ` +
        `echo "Use --debug for details" >&2; exit 1; fi\necho "[]"\n`,
    );
  const args = () => readFileSync(join(dir, "fake-helm.args"), "utf8").trim();

  it("takes the binary from the option, else AVICTL_HELM, else helm on PATH", () => {
    expect(new Helm({ binary: "/opt/helm", env: { AVICTL_HELM: "/env/helm" } }).binary).toBe("/opt/helm");
    expect(new Helm({ env: { AVICTL_HELM: "/env/helm" } }).binary).toBe("/env/helm");
    expect(new Helm({ env: {} }).binary).toBe("helm");
  });

  it("says in one sentence that helm is missing, with what to do", async () => {
    const err = await new Helm({ binary: join(dir, "no-such-helm") }).version().then(
      () => undefined,
      (e: unknown) => e as OperationError,
    );
    expect(err).toBeInstanceOf(OperationError);
    expect(err?.message).toBe(`helm is not installed (${join(dir, "no-such-helm")} not found)`);
    expect(err?.hint).toMatch(/AVICTL_HELM/);
  });

  it("reports helm's own Error: line, not its hints", async () => {
    chmodSync(stub(), 0o755);
    await expect(new Helm({ binary: join(dir, "fake-helm") }).lint("chart", ["v.yaml"])).rejects.toThrow(
      /^helm lint failed: 1 chart\(s\) linted, 1 chart\(s\) failed$/,
    );
  });

  it("passes kubeconfig and context to cluster commands, values as files, never on a shell", async () => {
    chmodSync(stub(), 0o755);
    const helm = new Helm({ binary: join(dir, "fake-helm"), kubeconfig: "/k/config", kubeContext: "s1az1" });
    await helm.upgradeInstall("ako", "/charts/ako", {
      namespace: "avi-system",
      valuesFiles: ["values.yaml", "credentials.yaml"],
      version: "1.13.4",
      timeout: "300s",
    });
    expect(args()).toBe(
      "upgrade --install ako /charts/ako -n avi-system --create-namespace -f values.yaml -f credentials.yaml --version 1.13.4 --timeout 300s --kubeconfig /k/config --kube-context s1az1",
    );
    expect(await helm.list("avi-system")).toEqual([]);
    expect(args()).toBe("list -n avi-system --deployed --failed --pending -o json --kubeconfig /k/config --kube-context s1az1");
    // A value with shell metacharacters reaches helm as one argument.
    await helm.rollback("ako; rm -rf /", 3, "avi-system");
    expect(args()).toBe("rollback ako; rm -rf / 3 -n avi-system --kubeconfig /k/config --kube-context s1az1");
  });
});

describe.skipIf(Boolean(skip))("rendered values against the real charts and helm", () => {
  it.each(["ako-1.4.2", "ako-1.13.4"])("%s: helm lint passes and the ConfigMap carries the S1-AZ1 settings", async (name) => {
    const chart = await loadChart(join(chartsDir, `${name}.tgz`));
    const values = renderAkoValues({ ...S1AZ1, chartVersion: chart.version });
    expect(noCredentials(values, "avicredentials")).toBe(true);
    const file = write(`${name}.yaml`, values);
    await helm.lint(chart.path, [file]);
    const out = manifests(await helm.template("ako", chart.path, { namespace: "avi-system", valuesFiles: [file] }));
    const cm = out.find((m) => m.kind === "ConfigMap" && m.metadata.name === "avi-k8s-config")!;
    expect(cm.data).toMatchObject({
      clusterName: "S1-AZ1",
      controllerIP: "10.10.20.43",
      serviceEngineGroupName: "S1-AZ1-SE-Group",
      cloudName: "Default-Cloud",
      cniPlugin: "antrea",
      shardVSSize: "SMALL",
      defaultDomain: "avi.iberia.local",
    });
    const vip = JSON.parse(cm.data!.vipNetworkList!) as { networkName: string; cidr?: string }[];
    expect(vip[0]?.networkName).toBe("AVI_FRONTEND_3025");
    if (chart.version === "1.4.2") expect([cm.data!.subnetIP, cm.data!.subnetPrefix]).toEqual(["127.10.25.0", "24"]);
    else expect(vip[0]?.cidr).toBe("127.10.25.0/24");
    // No credential was rendered into the chart's secret (1.4.2) or the secret is not rendered at all (1.13.4).
    const secret = out.find((m) => m.kind === "Secret" && m.metadata.name === "avi-secret") as
      { data?: Record<string, string> } | undefined;
    expect(Buffer.from(secret?.data?.password ?? "", "base64").toString()).toBe("");
    // Our own lint agrees with the chart's defaults.
    expect(lintAkoValues(values, file, chart).findings).toEqual([]);
  });

  it.each(["amko-1.4.1", "amko-1.13.1"])(
    "%s: helm lint passes; GSLBConfig and GDP carry leader, members, selector and weights",
    async (name) => {
      const chart = await loadChart(join(chartsDir, `${name}.tgz`));
      const values = renderAmkoValues({ ...BLOG_AMKO, chartVersion: chart.version });
      const file = write(`${name}.yaml`, values);
      await helm.lint(chart.path, [file]);
      const out = manifests(await helm.template("amko", chart.path, { namespace: "avi-system", valuesFiles: [file] }));
      const gc = out.find((m) => m.kind === "GSLBConfig")!;
      expect(gc.spec).toMatchObject({
        gslbLeader: { controllerIP: "10.10.20.42", controllerVersion: "20.1.5" },
        memberClusters: [{ clusterContext: "s1az1" }, { clusterContext: "s1az2" }, { clusterContext: "s2" }],
      });
      const gdp = out.find((m) => m.kind === "GlobalDeploymentPolicy")!;
      expect(gdp.spec).toMatchObject({
        matchRules: { appSelector: { label: { app: "gslb" } } },
        matchClusters: [{ cluster: "s1az1" }, { cluster: "s1az2" }, { cluster: "s2" }],
        trafficSplit: [
          { cluster: "s1az1", weight: 6 },
          { cluster: "s1az2", weight: 3 },
          { cluster: "s2", weight: 1 },
        ],
      });
      if (chart.version !== "1.4.1")
        expect(out.find((m) => m.kind === "AMKOCluster")?.spec).toMatchObject({ clusterContext: "s1az1", isLeader: true });
      expect(noCredentials(values, "gslbLeaderCredentials")).toBe(true);
    },
  );
});

describe.skipIf(Boolean(skip))("avictl ako values / amko values, offline, through the real charts", () => {
  it.each(["ako-1.4.2", "ako-1.13.4"])(
    "ako values for S1-AZ1 with a base file renders on %s with the base's keys and no credential",
    async (name) => {
      const chart = await loadChart(join(chartsDir, `${name}.tgz`));
      const base = write(
        `${name}-base.yaml`,
        "AKOSettings:\n  logLevel: INFO\n  clusterName: ignored\navicredentials:\n  username: admin\n  password: password01\n",
      );
      const out = join(dir, `${name}-cli.yaml`);
      const r = await runCli([
        "ako",
        "values",
        "--cluster-name",
        "S1-AZ1",
        "--vip-network",
        "AVI_FRONTEND_3025=10.10.25.0/24",
        "--se-group",
        "S1-AZ1-SE-Group",
        "--controller",
        "10.10.20.43",
        "--controller-version",
        "20.1.5",
        "--chart-version",
        chart.version,
        "--default-domain",
        "avi.iberia.local",
        "-f",
        base,
        "--out",
        out,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const rendered = manifests(await helm.template("ako", chart.path, { namespace: "avi-system", valuesFiles: [out] }));
      const cm = rendered.find((m) => m.kind === "ConfigMap" && m.metadata.name === "avi-k8s-config")!;
      expect(cm.data).toMatchObject({
        clusterName: "S1-AZ1",
        logLevel: "INFO",
        controllerIP: "10.10.20.43",
        serviceEngineGroupName: "S1-AZ1-SE-Group",
      });
      expect(rendered.map((m) => JSON.stringify(m)).join("\n")).not.toContain(Buffer.from("password01").toString("base64"));
    },
  );

  it("amko values for a follower, one member VIP-only, on amko-1.13.1: AMKOCluster follower, GDP as asked", async () => {
    const chart = await loadChart(join(chartsDir, "amko-1.13.1.tgz"));
    const r = await runCli([
      "amko",
      "values",
      "--member",
      "s1az1",
      "--member",
      "s1az2",
      "--member",
      "s2",
      "--current-cluster",
      "s2",
      "--follower",
      "--sync-vip-only",
      "s2",
      "--split",
      "s1az1=6,s1az2=3,s2=1",
      "--ttl",
      "30",
      "--leader-controller",
      "10.10.20.42",
      "--controller-version",
      "20.1.5",
      "--chart-version",
      chart.version,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const file = write("amko-follower.yaml", r.stdout);
    await helm.lint(chart.path, [file]);
    const out = manifests(await helm.template("amko", chart.path, { namespace: "avi-system", valuesFiles: [file] }));
    expect(out.find((m) => m.kind === "AMKOCluster")?.spec).toMatchObject({
      clusterContext: "s2",
      isLeader: false,
      clusters: ["s1az1", "s1az2", "s2"],
    });
    expect(out.find((m) => m.kind === "GlobalDeploymentPolicy")?.spec).toMatchObject({
      matchClusters: [{ cluster: "s1az1" }, { cluster: "s1az2" }, { cluster: "s2", syncVipOnly: true }],
      ttl: 30,
    });
  });

  it("amko values turns a blog-style base (string matchClusters, no selector) into values amko-1.4.1 accepts", async () => {
    const chart = await loadChart(join(chartsDir, "amko-1.4.1.tgz"));
    const base = write(
      "amko-blog-base.yaml",
      "configs:\n  logLevel: DEBUG\ngslbLeaderCredentials:\n  username: admin\n  password: password01\n" +
        "globalDeploymentPolicy:\n  matchClusters:\n    - s1az1\n    - s2\n  trafficSplit:\n    - cluster: s1az1\n      weight: 6\n    - cluster: s2\n      weight: 2\n",
    );
    const r = await runCli([
      "amko",
      "values",
      "--member",
      "s1az1",
      "--member",
      "s2",
      "--leader-controller",
      "10.10.20.42",
      "--controller-version",
      "20.1.5",
      "--chart-version",
      chart.version,
      "-f",
      base,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("gslbLeaderCredentials.password left out");
    const file = write("amko-blog.yaml", r.stdout);
    await helm.lint(chart.path, [file]);
    const out = manifests(await helm.template("amko", chart.path, { namespace: "avi-system", valuesFiles: [file] }));
    expect(out.find((m) => m.kind === "GSLBConfig")?.spec).toMatchObject({
      logLevel: "DEBUG",
      memberClusters: [{ clusterContext: "s1az1" }, { clusterContext: "s2" }],
    });
    expect(out.find((m) => m.kind === "GlobalDeploymentPolicy")?.spec).toMatchObject({
      matchRules: { appSelector: { label: { app: "gslb" } } },
      matchClusters: [{ cluster: "s1az1" }, { cluster: "s2" }],
      trafficSplit: [
        { cluster: "s1az1", weight: 6 },
        { cluster: "s2", weight: 2 },
      ],
    });
    const secret = out.find((m) => m.kind === "Secret" && m.metadata.name === "gslb-avi-secret") as
      { data?: Record<string, string> } | undefined;
    expect(Buffer.from(secret?.data?.password ?? "", "base64").toString()).toBe("");
  });
});

describe.skipIf(Boolean(skip))("avictl ako lint", () => {
  it("exits 3 with our finding and helm's own error for a value the templates cannot compare; 0 for clean values", async () => {
    const bad = write("bad-type.yaml", "L7Settings:\n  serviceType: 5\n");
    const r = await runCli(["ako", "lint", "-f", bad, "--chart", join(chartsDir, "ako-1.13.4.tgz"), "-o", "json"], {
      env: { AVICTL_HELM: helmBin.path! },
    });
    expect(r.code).toBe(3);
    const findings = (JSON.parse(r.stdout) as { findings: { path: string; message: string }[] }).findings;
    expect(findings.map((f) => f.path)).toEqual(["L7Settings.serviceType", "-"]);
    expect(findings[1]!.message).toMatch(/^helm template failed: .*incompatible types for comparison/);
    const good = write("good.yaml", 'NetworkSettings:\n  subnetIP: 10.10.25.0\n  subnetPrefix: "24"\n');
    const ok = await runCli(["ako", "lint", "-f", good, "--chart", join(chartsDir, "ako-1.4.2.tgz")], {
      env: { AVICTL_HELM: helmBin.path! },
    });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
  });
});

describe.skipIf(Boolean(skip))("--latest", () => {
  it("picks the newest chart version of a classic repository by semver, not the listing order", async () => {
    const { createServer } = await import("node:http");
    const { readFileSync } = await import("node:fs");
    const files: Record<string, Buffer> = {
      "/ako-1.4.2.tgz": readFileSync(join(chartsDir, "ako-1.4.2.tgz")),
      "/ako-1.13.4.tgz": readFileSync(join(chartsDir, "ako-1.13.4.tgz")),
    };
    const server = createServer((req, res) => {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      if (req.url === "/index.yaml") {
        const entry = (v: string) =>
          `  - name: ako\n    version: ${v}\n    appVersion: ${v}\n    apiVersion: v2\n    urls: ["${base}/ako-${v}.tgz"]\n`;
        res.end(`apiVersion: v1\nentries:\n  ako:\n${entry("1.4.2")}${entry("1.13.4")}`);
      } else if (req.url && files[req.url]) res.end(files[req.url]);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const saved = { ...process.env };
    Object.assign(process.env, {
      AVICTL_HELM: helmBin.path!,
      HELM_REPOSITORY_CONFIG: join(dir, "repositories.yaml"),
      HELM_REPOSITORY_CACHE: join(dir, "repo-cache"),
      HELM_CACHE_HOME: join(dir, "cache"),
      HELM_CONFIG_HOME: join(dir, "config"),
    });
    try {
      await new Helm({ binary: helmBin.path }).run([
        "repo",
        "add",
        "labrepo",
        `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      ]);
      const { latestVersion, resolveChart } = await import("../../src/workflows/charts.js");
      expect(await latestVersion("labrepo/ako", helm)).toBe("1.13.4");
      const chart = await resolveChart({ chart: "labrepo/ako", latest: true }, "ako", helm);
      expect([chart.version, chart.crds.length]).toEqual(["1.13.4", 11]);
      await expect(latestVersion("oci://example.invalid/ako", helm)).rejects.toThrow(/cannot list the versions/);
    } finally {
      process.env = saved;
      server.close();
    }
  });
});

describe.skipIf(Boolean(chartsMissing))("ako lint against the chart's own defaults", () => {
  it("flags a misspelled key with the right one, and subnetIP on a 1.5.1+ chart with the fix", async () => {
    const chart = await loadChart(join(chartsDir, "ako-1.13.4.tgz"));
    const r = lintAkoValues(
      "AKOSettings:\n  clustrName: S1-AZ1\nNetworkSettings:\n  subnetIP: 10.10.25.0\n  subnetPrefix: 24\nL7Settings:\n  shardVSSize: HUGE\n  defaultIngController: true\n",
      "v.yaml",
      chart,
    );
    expect(r.passed).toBe(false);
    expect(r.findings).toEqual(
      expect.arrayContaining([
        { path: "AKOSettings.clustrName", severity: "error", message: "unknown key; did you mean AKOSettings.clusterName?" },
        {
          path: "NetworkSettings.subnetIP",
          severity: "error",
          message: "subnetIP was replaced by NetworkSettings.vipNetworkList[].cidr in 1.5.1",
        },
        expect.objectContaining({
          path: "L7Settings.shardVSSize",
          message: expect.stringMatching(/"HUGE" is not one of LARGE, MEDIUM, SMALL, DEDICATED/),
        }),
        expect.objectContaining({
          path: "L7Settings.defaultIngController",
          message: expect.stringMatching(/must be a YAML string, not boolean/),
        }),
      ]),
    );
  });
  it("accepts subnetIP on the 1.4.2 chart, where it belongs", async () => {
    const chart = await loadChart(join(chartsDir, "ako-1.4.2.tgz"));
    expect(lintAkoValues('NetworkSettings:\n  subnetIP: 10.10.25.0\n  subnetPrefix: "24"\n', "v.yaml", chart).findings).toEqual([]);
  });
});
