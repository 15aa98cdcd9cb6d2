import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { AviClient, AviObject } from "../../../src/clients/avi/types.js";
import { BLOG_AMKO } from "../../helpers/blog.js";
import { renderAmkoValues } from "../../../src/workflows/amko/render.js";
import { amkoOffline, amkoValues, toAmkoValuesOptions } from "../../../src/workflows/amko/values.js";

interface Values {
  configs: Record<string, unknown>;
  federation?: Record<string, unknown>;
  globalDeploymentPolicy: {
    appSelector?: { label?: Record<string, string> };
    namespaceSelector?: unknown;
    matchClusters?: unknown[];
    trafficSplit?: unknown[];
    ttl?: number;
  };
  gslbLeaderCredentials?: Record<string, unknown>;
}
const values = (text: string) => parse(text) as Values;

const commentLines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("#"));

describe("renderAmkoValues", () => {
  it("1.4.1: leader, members, GDP; no federation (it came with 1.4.2)", () => {
    const v = values(renderAmkoValues({ ...BLOG_AMKO, chartVersion: "1.4.1" }));
    expect(v.configs).toMatchObject({
      gslbLeaderController: "10.10.20.42",
      controllerVersion: "20.1.5",
      memberClusters: [{ clusterContext: "s1az1" }, { clusterContext: "s1az2" }, { clusterContext: "s2" }],
    });
    expect(v).not.toHaveProperty("federation");
    // GDP v1alpha2 (AMKO 1.4.1+) wants matchClusters as objects, not the old strings.
    expect(v.globalDeploymentPolicy).toEqual({
      appSelector: { label: { app: "gslb" } },
      matchClusters: [{ cluster: "s1az1" }, { cluster: "s1az2" }, { cluster: "s2" }],
      trafficSplit: BLOG_AMKO.trafficSplit,
    });
  });

  it("1.13.1: federation names this cluster and makes it the leader (the chart's default is a follower)", () => {
    const v = values(renderAmkoValues({ ...BLOG_AMKO, chartVersion: "1.13.1", ttl: 30 }));
    expect(v.federation).toEqual({ currentCluster: "s1az1", currentClusterIsLeader: true, memberClusters: ["s1az1", "s1az2", "s2"] });
    expect(v.globalDeploymentPolicy.ttl).toBe(30);
  });

  it("keeps configs.amkoUUID only for 1.11.1+ and a well-formed UUID", () => {
    const uuid = "0f6a3c3e-5d7b-4a53-9a57-6c1b7d9e2f10";
    expect(values(renderAmkoValues({ ...BLOG_AMKO, chartVersion: "1.13.1", amkoUUID: uuid })).configs.amkoUUID).toBe(uuid);
    expect(values(renderAmkoValues({ ...BLOG_AMKO, chartVersion: "1.4.2", amkoUUID: uuid })).configs).not.toHaveProperty("amkoUUID");
    expect(values(renderAmkoValues({ ...BLOG_AMKO, chartVersion: "1.13.1", amkoUUID: "short" })).configs).not.toHaveProperty("amkoUUID");
  });

  it("never carries credentials: the secret's fields are empty strings", () => {
    for (const chartVersion of ["1.4.1", "1.13.1"])
      expect(values(renderAmkoValues({ ...BLOG_AMKO, chartVersion })).gslbLeaderCredentials).toEqual({ username: "", password: "" });
  });

  it.each([
    ["1.4.1", "values-1.4.yaml"],
    ["1.13.1", "values.yaml"],
  ])("%s keeps every comment of %s", (chartVersion, template) => {
    const text = readFileSync(resolve(import.meta.dirname, "../../../templates/amko", template), "utf8");
    const out = renderAmkoValues({ ...BLOG_AMKO, chartVersion });
    expect(commentLines(text).length).toBeGreaterThan(5);
    for (const line of commentLines(text)) expect(out).toContain(line);
  });
});

describe("toAmkoValuesOptions", () => {
  const members = ["s1az1", "s1az2=kind-s1az2", "s2"];

  it("takes member names (NAME=CONTEXT too), the first as the current cluster, leaves unset flags unset", () => {
    const o = toAmkoValuesOptions({ member: members });
    expect(o).toMatchObject({
      members: ["s1az1", "s1az2", "s2"],
      currentCluster: "s1az1",
      leader: true,
      syncVipOnly: [],
      chartVersion: "1.13.1",
    });
    expect(o.split).toBeUndefined();
    expect(o.selector).toBeUndefined();
    expect(
      toAmkoValuesOptions({
        member: members,
        currentCluster: "s2",
        follower: true,
        split: "s1az1=6,s1az2=3,s2=1",
        selector: "gslb=true",
        ttl: "30",
      }),
    ).toMatchObject({
      currentCluster: "s2",
      leader: false,
      split: [
        { cluster: "s1az1", weight: 6 },
        { cluster: "s1az2", weight: 3 },
        { cluster: "s2", weight: 1 },
      ],
      selector: { gslb: "true" },
      ttl: 30,
    });
  });

  it.each([
    [{ member: [] }, /give the GSLB member clusters/],
    [{ member: ["S1AZ1"] }, /lower-case NAME/],
    [{ currentCluster: "s3" }, /--current-cluster names s3, not a --member; members: s1az1, s1az2, s2/],
    [{ split: "s1az1=6,s3=1" }, /--split names s3, not a --member/],
    [{ split: "s1az1=30" }, /weight 30 for s1az1 must be a whole number from 1 to 20/],
    [{ syncVipOnly: ["s9"] }, /--sync-vip-only names s9/],
    [{ selector: "app" }, /--selector "app" must look like KEY=VALUE/],
    [{ ttl: "0" }, /--ttl must be a whole number from 1 to 86400/],
    [{ chartVersion: "v1" }, /--chart-version "v1" must look like/],
    [{ follower: true, chartVersion: "1.4.1" }, /AMKO 1.4.1 has no federation/],
    [{ amkoUuid: "1234" }, /--amko-uuid "1234" must be a UUID/],
    [{ amkoUuid: "0f6a3c3e-5d7b-4a53-9a57-6c1b7d9e2f10", chartVersion: "1.10.1" }, /--amko-uuid needs chart 1.11.1 or newer/],
  ])("refuses %j", (change, message) => {
    expect(() => toAmkoValuesOptions({ member: members, ...change })).toThrow(message);
  });

  it("is offline when the controller version is given", () => {
    expect(amkoOffline(toAmkoValuesOptions({ member: members, controllerVersion: "20.1.5" }))).toBe(true);
    expect(amkoOffline(toAmkoValuesOptions({ member: members }))).toBe(false);
  });
});

/** A controller that answers the two reads the GSLB role check makes. */
function fakeAvi(gslbs: AviObject[], clusterUuid = "cluster-leader"): AviClient {
  const avi = {
    controller: "https://10.10.20.42",
    controllerVersion: "22.1.3",
    get: (path: string) =>
      path === "cluster" ? Promise.resolve({ uuid: clusterUuid }) : Promise.reject(new Error(`unexpected GET ${path}`)),
    list: (type: string) => (type === "gslb" ? Promise.resolve(gslbs) : Promise.reject(new Error(`unexpected list ${type}`))),
  };
  return avi as unknown as AviClient;
}

describe("amkoValues", () => {
  const opts = (raw: Parameters<typeof toAmkoValuesOptions>[0] = {}) =>
    toAmkoValuesOptions({ member: ["s1az1", "s1az2", "s2"], controllerVersion: "20.1.5", ...raw });

  it("renders offline with an equal split and the app=gslb selector by default", async () => {
    const { yaml, warnings } = await amkoValues(opts(), "10.10.20.42");
    const v = values(yaml);
    expect(v.globalDeploymentPolicy.trafficSplit).toEqual([
      { cluster: "s1az1", weight: 1 },
      { cluster: "s1az2", weight: 1 },
      { cluster: "s2", weight: 1 },
    ]);
    expect(v.globalDeploymentPolicy.appSelector).toEqual({ label: { app: "gslb" } });
    expect(v.configs).toMatchObject({ gslbLeaderController: "10.10.20.42", controllerVersion: "20.1.5" });
    expect(warnings).toEqual([]);
  });

  it("renders a follower's values: same GDP, currentClusterIsLeader false", async () => {
    const v = values((await amkoValues(opts({ currentCluster: "s2", follower: true }), "10.10.20.42")).yaml);
    expect(v.federation).toEqual({ currentCluster: "s2", currentClusterIsLeader: false, memberClusters: ["s1az1", "s1az2", "s2"] });
  });

  it("marks --sync-vip-only members in matchClusters", async () => {
    const v = values((await amkoValues(opts({ syncVipOnly: ["s2"] }), "10.10.20.42")).yaml);
    expect(v.globalDeploymentPolicy.matchClusters).toEqual([
      { cluster: "s1az1" },
      { cluster: "s1az2" },
      { cluster: "s2", syncVipOnly: true },
    ]);
  });

  describe("with a base values file", () => {
    const base = (text: string) => ({ text, file: "amko-base.yaml" });
    const blogBase = [
      "configs:",
      "  gslbLeaderController: 10.0.0.1",
      "  memberClusters:",
      "    - clusterContext: cluster1-admin",
      "  logLevel: DEBUG",
      "gslbLeaderCredentials:",
      "  username: admin",
      "  password: password01",
      "globalDeploymentPolicy:",
      "  appSelector:",
      "    label:",
      "      team: web",
      "  namespaceSelector:",
      "    label:",
      "      ns: gslb",
      "  trafficSplit:",
      "    - cluster: s1az1",
      "      weight: 8",
      "    - cluster: s2",
      "      weight: 2",
      "",
    ].join("\n");

    it("keeps its other keys and its selector/split when no flag says otherwise; the members and leader come from the flags", async () => {
      const o = opts();
      o.base = base(blogBase);
      const { yaml, warnings } = await amkoValues(o, "10.10.20.42");
      const v = values(yaml);
      expect(v.configs).toMatchObject({
        gslbLeaderController: "10.10.20.42",
        logLevel: "DEBUG",
        memberClusters: [{ clusterContext: "s1az1" }, { clusterContext: "s1az2" }, { clusterContext: "s2" }],
      });
      // The base's selector replaces the default rather than being ANDed with app=gslb.
      expect(v.globalDeploymentPolicy.appSelector).toEqual({ label: { team: "web" } });
      expect(v.globalDeploymentPolicy.namespaceSelector).toEqual({ label: { ns: "gslb" } });
      expect(v.globalDeploymentPolicy.trafficSplit).toEqual([
        { cluster: "s1az1", weight: 8 },
        { cluster: "s2", weight: 2 },
      ]);
      expect(v.gslbLeaderCredentials).toEqual({ username: "", password: "" });
      expect(yaml).not.toContain("password01");
      expect(warnings).toEqual([
        "amko-base.yaml: gslbLeaderCredentials.username left out; avictl passes the leader's credentials at install time",
        "amko-base.yaml: gslbLeaderCredentials.password left out; avictl passes the leader's credentials at install time",
      ]);
    });

    it("gives way to --split and --selector", async () => {
      const o = opts({ split: "s1az1=6,s1az2=3,s2=1", selector: "app=gslb" });
      o.base = base(blogBase);
      const v = values((await amkoValues(o, "10.10.20.42")).yaml);
      expect(v.globalDeploymentPolicy.trafficSplit).toEqual([
        { cluster: "s1az1", weight: 6 },
        { cluster: "s1az2", weight: 3 },
        { cluster: "s2", weight: 1 },
      ]);
      expect(v.globalDeploymentPolicy.appSelector).toEqual({ label: { app: "gslb" } });
    });

    it("is checked like the flags: weights 1-20 for members only, a non-empty selector, valid YAML", async () => {
      const check = async (text: string) => {
        const o = opts();
        o.base = base(text);
        return amkoValues(o, "10.10.20.42");
      };
      await expect(check("globalDeploymentPolicy:\n  trafficSplit:\n    - cluster: s1az1\n      weight: 50\n")).rejects.toThrow(
        /trafficSplit weight 50 for s1az1 must be a whole number from 1 to 20/,
      );
      await expect(check("globalDeploymentPolicy:\n  trafficSplit:\n    - cluster: cluster1-admin\n      weight: 5\n")).rejects.toThrow(
        /trafficSplit names cluster1-admin, not a --member/,
      );
      await expect(check("globalDeploymentPolicy:\n  appSelector:\n    label: {}\n")).rejects.toThrow(
        /appSelector.label is empty: AMKO would select nothing/,
      );
      await expect(check("configs: [\n")).rejects.toThrow(/amko-base\.yaml is not valid YAML/);
    });
  });

  it("with a controller: reads its version and checks it is the GSLB leader", async () => {
    const leader = await amkoValues(
      opts({ controllerVersion: undefined }),
      "10.10.20.42",
      fakeAvi([{ name: "Default", leader_cluster_uuid: "cluster-leader" }]),
    );
    expect(values(leader.yaml).configs.controllerVersion).toBe("22.1.3");
    expect(leader.warnings).toEqual([]);
    const follower = await amkoValues(opts(), "10.10.20.42", fakeAvi([{ name: "Default", leader_cluster_uuid: "cluster-other" }]));
    expect(values(follower.yaml).configs.controllerVersion).toBe("20.1.5");
    expect(follower.warnings).toEqual([expect.stringMatching(/^https:\/\/10\.10\.20\.42 is a GSLB follower: AMKO needs the leader/)]);
    expect((await amkoValues(opts(), "10.10.20.42", fakeAvi([]))).warnings).toEqual([
      expect.stringMatching(/^GSLB is not configured on https:\/\/10\.10\.20\.42/),
    ]);
  });

  it("needs the leader's address and version", async () => {
    await expect(amkoValues(opts(), undefined)).rejects.toThrow(/no GSLB leader controller: pass --leader-controller/);
    await expect(amkoValues(opts({ controllerVersion: undefined }), "10.10.20.42")).rejects.toThrow(
      /without a controller, give --controller-version/,
    );
  });
});
