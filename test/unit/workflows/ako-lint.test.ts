import { describe, expect, it } from "vitest";
import { lintAkoValues, lintWithHelm, type LintResult } from "../../../src/workflows/ako/lint.js";
import { renderAkoValues } from "../../../src/workflows/ako/render.js";

/** Chart defaults in the shape of the published values.yaml files (a subset, written for the tests). */
const DEFAULTS_1_4 = `
replicaCount: 1
AKOSettings:
  logLevel: "WARN"
  clusterName: "my-cluster"
  cniPlugin: ""
  servicesAPI: false
  disableStaticRouteSync: "false"
NetworkSettings:
  subnetIP: ""
  subnetPrefix: ""
  vipNetworkList: []
L7Settings:
  defaultIngController: "true"
  serviceType: ClusterIP
  shardVSSize: "LARGE"
  passthroughShardSize: "SMALL"
L4Settings:
  defaultDomain: ""
  autoFQDN: "default"
ControllerSettings:
  serviceEngineGroupName: "Default-Group"
  controllerVersion: "18.2.10"
  cloudName: "Default-Cloud"
  controllerHost: ""
  tenantName: "admin"
podSecurityContext: {}
avicredentials:
  username:
  password:
`;
const DEFAULTS_1_13 = `
replicaCount: 1
featureGates:
  GatewayAPI: false
AKOSettings:
  primaryInstance: true
  logLevel: "WARN"
  clusterName: "my-cluster"
  cniPlugin: ""
  servicesAPI: false
  disableStaticRouteSync: "false"
NetworkSettings:
  vipNetworkList: []
  defaultDomain: ""
  bgpPeerLabels: []
L7Settings:
  defaultIngController: "true"
  serviceType: ClusterIP
  shardVSSize: "LARGE"
L4Settings:
  defaultDomain: ""
  autoFQDN: "default"
ControllerSettings:
  serviceEngineGroupName: "Default-Group"
  controllerVersion: ""
  cloudName: "Default-Cloud"
  controllerHost: ""
  tenantName: "admin"
nodeSelector: {}
avicredentials:
  username: ""
  password: ""
  authtoken:
`;
const chart142 = { version: "1.4.2", defaultValues: DEFAULTS_1_4 };
const chart1134 = { version: "1.13.4", defaultValues: DEFAULTS_1_13 };
const lint = (text: string, chart = chart1134) => lintAkoValues(text, "values.yaml", chart);

describe("lintAkoValues", () => {
  it("suggests the closest key for a misspelling, with its full path", () => {
    const r = lint("AKOSettings:\n  clustrName: S1-AZ1\n");
    expect(r.findings).toEqual([
      { path: "AKOSettings.clustrName", severity: "error", message: "unknown key; did you mean AKOSettings.clusterName?" },
    ]);
    expect(r.passed).toBe(false);
  });

  it("reports a misspelled section once, at the section, whatever it holds", () => {
    const r = lint("ControlerSettings:\n  controllerHost: 10.10.20.43\n  cloudName: Default-Cloud\n");
    expect(r.findings).toEqual([
      { path: "ControlerSettings", severity: "error", message: "unknown key; did you mean ControllerSettings?" },
    ]);
  });

  it("makes no suggestion for a key nothing resembles", () => {
    expect(lint("AKOSettings:\n  enableTurbo: true\n").findings).toEqual([
      { path: "AKOSettings.enableTurbo", severity: "error", message: "unknown key for AKO 1.13.4" },
    ]);
  });

  it("gives the fix for keys moved between versions: subnetIP/subnetPrefix on 1.5.1+, networkName, controllerIP", () => {
    const r = lint(
      "NetworkSettings:\n  subnetIP: 10.10.25.0\n  subnetPrefix: 24\n  networkName: AVI_FRONTEND_3025\nControllerSettings:\n  controllerIP: 10.10.20.43\n",
    );
    expect(r.findings).toEqual([
      {
        path: "NetworkSettings.subnetIP",
        severity: "error",
        message: "subnetIP was replaced by NetworkSettings.vipNetworkList[].cidr in 1.5.1",
      },
      {
        path: "NetworkSettings.subnetPrefix",
        severity: "error",
        message: "subnetPrefix was replaced by NetworkSettings.vipNetworkList[].cidr in 1.5.1",
      },
      {
        path: "NetworkSettings.networkName",
        severity: "error",
        message: "networkName was replaced by NetworkSettings.vipNetworkList[].networkName in 1.4.1",
      },
      {
        path: "ControllerSettings.controllerIP",
        severity: "error",
        message: "controllerIP was renamed ControllerSettings.controllerHost in 1.3.1",
      },
    ]);
  });

  it("accepts subnetIP/subnetPrefix on 1.4.2, where they belong", () => {
    expect(lint('NetworkSettings:\n  subnetIP: 10.10.25.0\n  subnetPrefix: "24"\n', chart142)).toEqual({
      chartVersion: "1.4.2",
      findings: [],
      passed: true,
    });
  });

  it("warns (without failing) about L4Settings.defaultDomain from 1.13.1, and not before", () => {
    const r = lint("L4Settings:\n  defaultDomain: avi.iberia.local\n");
    expect(r).toMatchObject({
      passed: true,
      findings: [
        {
          path: "L4Settings.defaultDomain",
          severity: "warning",
          message: "defaultDomain was deprecated in favour of NetworkSettings.defaultDomain in 1.13.1",
        },
      ],
    });
    expect(lint("L4Settings:\n  defaultDomain: avi.iberia.local\n", chart142).findings).toEqual([]);
  });

  it("checks the enums of serviceType, shardVSSize, cniPlugin and logLevel (case matters to AKO)", () => {
    const r = lint("L7Settings:\n  serviceType: LoadBalancer\n  shardVSSize: HUGE\nAKOSettings:\n  cniPlugin: weave\n  logLevel: info\n");
    expect(r.findings.map((f) => [f.path, f.message])).toEqual([
      ["L7Settings.serviceType", '"LoadBalancer" is not one of ClusterIP, NodePort, NodePortLocal'],
      ["L7Settings.shardVSSize", '"HUGE" is not one of LARGE, MEDIUM, SMALL, DEDICATED'],
      ["AKOSettings.cniPlugin", expect.stringMatching(/^"weave" is not one of calico, canal, flannel, openshift, antrea/)],
      ["AKOSettings.logLevel", '"info" is not one of INFO, DEBUG, WARN, ERROR'],
    ]);
  });

  it("checks the YAML types the chart templates compare", () => {
    const r = lint(
      'L7Settings:\n  defaultIngController: true\nreplicaCount: "2"\n' +
        'NetworkSettings:\n  vipNetworkList:\n    networkName: AVI_FRONTEND_3025\n    cidr: 10.10.25.0/24\nAKOSettings:\n  primaryInstance: "true"\n',
    );
    expect(r.findings.map((f) => f.path)).toEqual([
      "L7Settings.defaultIngController",
      "replicaCount",
      "NetworkSettings.vipNetworkList",
      "AKOSettings.primaryInstance",
    ]);
    expect(r.findings[0]!.message).toMatch(/^must be a YAML string, not boolean \(true\)/);
    expect(r.findings[1]!.message).toMatch(/^must be a YAML integer, not string \("2"\)/);
    // A map where a list belongs: one finding at the key, not one "unknown key" per field under it.
    expect(r.findings[2]!.message).toMatch(/^must be a YAML list, not map/);
    expect(lint("NetworkSettings:\n  vipNetworkList: {}\n").findings).toEqual([
      expect.objectContaining({ path: "NetworkSettings.vipNetworkList", message: expect.stringMatching(/not map/) }),
    ]);
    // A key this chart does not have is unknown, whatever its type.
    expect(lint('featureGates:\n  GatewayAPI: "true"\n', chart142).findings).toEqual([
      { path: "featureGates", severity: "error", message: "unknown key for AKO 1.4.2" },
    ]);
  });

  it("accepts any key under maps the chart leaves open (empty or null by default)", () => {
    expect(lint("nodeSelector:\n  kubernetes.io/os: linux\n").findings).toEqual([]);
    expect(lint("podSecurityContext:\n  runAsUser: 1000\n", chart142).findings).toEqual([]);
  });

  it("warns about credentials in a values file", () => {
    const r = lint("avicredentials:\n  username: admin\n  password: password01\n");
    expect(r).toMatchObject({
      passed: true,
      findings: [
        {
          path: "avicredentials.password",
          severity: "warning",
          message: expect.stringMatching(/leave them out, avictl manages avi-secret/),
        },
      ],
    });
    expect(JSON.stringify(r)).not.toContain("password01");
  });

  it("finds nothing in the values avictl renders for either layout", () => {
    const input = {
      controllerHost: "10.10.20.43",
      controllerVersion: "20.1.5",
      cloudName: "Default-Cloud",
      clusterName: "S1-AZ1",
      vipNetwork: { name: "AVI_FRONTEND_3025", cidr: "10.10.25.0/24" },
      seGroup: "S1-AZ1-SE-Group",
      defaultDomain: "avi.iberia.local",
      cni: "antrea",
      shardSize: "SMALL" as const,
    };
    expect(lint(renderAkoValues({ ...input, chartVersion: "1.4.2" }), chart142).findings).toEqual([]);
    // autoFQDN is in our template; the 1.13 subset above has it too.
    expect(lint(renderAkoValues({ ...input, chartVersion: "1.13.4" }), chart1134).findings).toEqual([]);
  });

  it("refuses a file that is not YAML, naming it", () => {
    expect(() => lintAkoValues("a: 1\na: 2\n", "dup.yaml", chart1134)).toThrow(/dup\.yaml is not valid YAML/);
  });
});

describe("lintWithHelm", () => {
  const clean: LintResult = { chartVersion: "1.13.4", findings: [], passed: true };

  it("keeps the result when helm renders the chart", async () => {
    expect(await lintWithHelm(clean, () => Promise.resolve("---"))).toEqual(clean);
  });

  it("adds helm's own sentence as an error when the templates fail", async () => {
    const r = await lintWithHelm(clean, () => Promise.reject(new Error("helm template failed: incompatible types for comparison")));
    expect(r).toEqual({
      chartVersion: "1.13.4",
      passed: false,
      findings: [{ path: "-", severity: "error", message: "helm template failed: incompatible types for comparison" }],
    });
  });

  it("only warns when helm is missing, so lint still works without it", async () => {
    const r = await lintWithHelm(clean, () => Promise.reject(new Error("helm is not installed (helm not found)")));
    expect(r.passed).toBe(true);
    expect(r.findings).toEqual([
      { path: "-", severity: "warning", message: "helm is not installed: the chart's templates were not rendered" },
    ]);
  });
});
