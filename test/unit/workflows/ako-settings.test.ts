import { describe, expect, it } from "vitest";
import { akoSettings, parseValues } from "../../../src/workflows/ako/settings.js";
import { expectedShares, parseSplit } from "../../../src/workflows/amko/traffic-split.js";
import { toInfraSettingOptions } from "../../../src/workflows/infra-setting/create.js";

describe("akoSettings", () => {
  it("reads the current layout (vipNetworkList with cidr)", () => {
    const v = parseValues(
      `AKOSettings:\n  clusterName: S1-AZ1\n  cniPlugin: antrea\n` +
        `ControllerSettings:\n  controllerHost: 10.10.20.43\n  cloudName: Default-Cloud\n  serviceEngineGroupName: S1-AZ1-SE-Group\n` +
        `NetworkSettings:\n  vipNetworkList:\n    - networkName: AVI_FRONTEND_3025\n      cidr: 10.10.25.0/24\n  defaultDomain: avi.iberia.local\n` +
        `L7Settings:\n  shardVSSize: SMALL\n`,
      "values.yaml",
    );
    expect(akoSettings(v)).toMatchObject({
      clusterName: "S1-AZ1",
      controllerHost: "10.10.20.43",
      cloudName: "Default-Cloud",
      seGroup: "S1-AZ1-SE-Group",
      vipNetworks: [{ name: "AVI_FRONTEND_3025", cidr: "10.10.25.0/24" }],
      defaultDomain: "avi.iberia.local",
      shardVSSize: "SMALL",
      cniPlugin: "antrea",
    });
  });
  it("reads the 1.2–1.3 layout (networkName, subnetIP/subnetPrefix, controllerIP, L4 default domain)", () => {
    const v = parseValues(
      `ControllerSettings:\n  controllerIP: 10.10.20.43\n` +
        `NetworkSettings:\n  networkName: AVI_FRONTEND_3025\n  subnetIP: 10.10.25.0\n  subnetPrefix: 24\nL4Settings:\n  defaultDomain: avi.iberia.local\n`,
      "old.yaml",
    );
    expect(akoSettings(v)).toMatchObject({
      controllerHost: "10.10.20.43",
      vipNetworks: [{ name: "AVI_FRONTEND_3025", cidr: "10.10.25.0/24" }],
      defaultDomain: "avi.iberia.local",
    });
  });
  it("refuses duplicate keys with the file name", () => {
    expect(() => parseValues("a: 1\na: 2\n", "dup.yaml")).toThrow(/dup\.yaml is not valid YAML/);
  });
});

describe("amko traffic split", () => {
  it("accepts weights 1–20 and rejects 0, 21 and duplicates", () => {
    expect(parseSplit(["s1az1=6", "s1az2=3", "s2=1"])).toEqual([
      { cluster: "s1az1", weight: 6 },
      { cluster: "s1az2", weight: 3 },
      { cluster: "s2", weight: 1 },
    ]);
    expect(parseSplit(["s1az1=20,s2=1"])).toHaveLength(2);
    expect(() => parseSplit(["s1az1=0"])).toThrow(/weight 0 for s1az1 must be a whole number from 1 to 20/);
    expect(() => parseSplit(["s1az1=21"])).toThrow(/weight 21 for s1az1/);
    expect(() => parseSplit(["s1az1=2.5"])).toThrow(/whole number/);
    expect(() => parseSplit(["s1az1=1", "s1az1=2"])).toThrow(/given twice/);
    expect(() => parseSplit([])).toThrow(/at least one/);
  });
  it("expects shares by weight among the best priority", () => {
    expect(
      expectedShares([
        { cluster: "a", weight: 6 },
        { cluster: "b", weight: 3 },
        { cluster: "c", weight: 1 },
      ]).map((s) => s.share),
    ).toEqual([0.6, 0.3, 0.1]);
    expect(
      expectedShares([
        { cluster: "a", weight: 1, priority: 5 },
        { cluster: "b", weight: 9, priority: 10 },
      ]).map((s) => s.share),
    ).toEqual([1, 0]);
  });
});

describe("infra-setting options", () => {
  it("validates names, shard size and RHI prerequisites", () => {
    expect(
      toInfraSettingOptions("critical.infra", {
        seGroup: "SEG",
        network: ["AVI_FRONTEND_3025=10.10.25.0/24"],
        shardSize: "dedicated",
        ingressClass: "critical-ic",
      }),
    ).toMatchObject({
      networks: [{ name: "AVI_FRONTEND_3025", cidr: "10.10.25.0/24" }],
      shardSize: "DEDICATED",
    });
    expect(() => toInfraSettingOptions("Critical", { seGroup: "x" })).toThrow(/lower-case DNS name/);
    expect(() => toInfraSettingOptions("x", { shardSize: "HUGE" })).toThrow(/--shard-size must be one of/);
    expect(() => toInfraSettingOptions("x", { bgpPeerLabel: ["p"] })).toThrow(/needs --enable-rhi/);
    expect(() => toInfraSettingOptions("x", {})).toThrow(/say what the setting changes/);
    expect(() => toInfraSettingOptions("x", { network: ["N=10.10.25.1/24"] })).toThrow(/not a network address/);
  });
});
