import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { AviClient, AviObject } from "../../../src/clients/avi/types.js";
import { S1AZ1 } from "../../helpers/blog.js";
import { akoLayout, renderAkoValues, type AkoValuesInput } from "../../../src/workflows/ako/render.js";
import { akoValues, controllerHostOf, offline, toAkoValuesOptions } from "../../../src/workflows/ako/values.js";

type Values = Record<string, Record<string, unknown> | undefined>;
const render = (chartVersion: string, extra: Partial<AkoValuesInput> = {}) => renderAkoValues({ ...S1AZ1, chartVersion, ...extra });
const values = (text: string) => parse(text) as Values;
const templateText = (name: string) => readFileSync(resolve(import.meta.dirname, "../../../templates/ako", name), "utf8");
const commentLines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("#"));

/** Any non-empty value under a key that names a secret. */
function secretValues(v: unknown, path = ""): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => secretValues(x, `${path}[${i}]`));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => secretValues(x, path ? `${path}.${k}` : k));
  return /password|authtoken|token|secret/i.test(path) && v !== "" && v !== null && v !== undefined ? [path] : [];
}

describe("renderAkoValues", () => {
  it("1.4.x layout: VIP network by name in vipNetworkList, its subnet in subnetIP/subnetPrefix, domain in L4Settings", () => {
    const v = values(render("1.4.2"));
    expect(v.NetworkSettings).toEqual({
      vipNetworkList: [{ networkName: "AVI_FRONTEND_3025" }],
      subnetIP: "127.10.25.0",
      subnetPrefix: "24",
    });
    expect(v.L4Settings?.defaultDomain).toBe("avi.iberia.local");
    expect(v.AKOSettings).toMatchObject({ clusterName: "S1-AZ1", cniPlugin: "antrea" });
    expect(v.L7Settings).toMatchObject({ serviceType: "ClusterIP", shardVSSize: "SMALL" });
    expect(v.ControllerSettings).toMatchObject({
      controllerHost: "10.10.20.43",
      controllerVersion: "20.1.5",
      cloudName: "Default-Cloud",
      serviceEngineGroupName: "S1-AZ1-SE-Group",
    });
  });

  it("1.5.1 layout: the CIDR moves into vipNetworkList and subnetIP/subnetPrefix are gone", () => {
    const v = values(render("1.5.1"));
    expect(v.NetworkSettings).toEqual({ vipNetworkList: [{ networkName: "AVI_FRONTEND_3025", cidr: "127.10.25.0/24" }] });
    // defaultDomain moved to NetworkSettings only in 1.13.1.
    expect(v.L4Settings?.defaultDomain).toBe("avi.iberia.local");
  });

  it("1.13.1 and newer: defaultDomain under NetworkSettings, not L4Settings", () => {
    const v = values(render("1.13.4"));
    expect(v.NetworkSettings?.defaultDomain).toBe("avi.iberia.local");
    expect(v.L4Settings).not.toHaveProperty("defaultDomain");
    expect(akoLayout("1.13.0")).toEqual({ legacy: false, networkDomain: false });
    expect(akoLayout("1.4.3")).toEqual({ legacy: true, networkDomain: false });
  });

  it("without a default domain no empty domain key is left behind", () => {
    expect(values(render("1.4.2", { defaultDomain: undefined })).L4Settings).not.toHaveProperty("defaultDomain");
    expect(values(render("1.13.4", { defaultDomain: undefined })).NetworkSettings).not.toHaveProperty("defaultDomain");
  });

  it.each([
    ["1.4.2", "values-1.4.yaml"],
    ["1.13.4", "values.yaml"],
  ])("%s keeps every comment of %s", (version, template) => {
    const out = render(version);
    expect(commentLines(templateText(template)).length).toBeGreaterThan(10);
    for (const line of commentLines(templateText(template))) expect(out).toContain(line);
  });

  it("quotes strings, so a version such as 22.1 stays a string and flags the charts compare with eq stay strings", () => {
    const out = render("1.13.4", { controllerVersion: "22.1" });
    expect(out).toContain('controllerVersion: "22.1"');
    expect(values(out).ControllerSettings?.controllerVersion).toBe("22.1");
    expect(values(out).AKOSettings?.disableStaticRouteSync).toBe("false");
  });

  it("charts before 1.12.1 get empty credentials (their secret template needs the fields); newer ones none at all", () => {
    expect(values(render("1.4.2")).avicredentials).toEqual({ username: "", password: "" });
    expect(values(render("1.13.4"))).not.toHaveProperty("avicredentials");
  });

  it("merges a base values file underneath: its other keys survive, the flags win, its credentials are dropped", () => {
    const base = [
      "AKOSettings:",
      "  clusterName: other-cluster",
      "  logLevel: INFO",
      "L7Settings:",
      "  passthroughShardSize: MEDIUM",
      "avicredentials:",
      "  username: admin",
      "  password: password01",
      "  authtoken: abc123",
      "",
    ].join("\n");
    for (const version of ["1.4.2", "1.13.4"]) {
      const out = render(version, { base: { text: base, file: "base.yaml" } });
      const v = values(out);
      expect(v.AKOSettings).toMatchObject({ clusterName: "S1-AZ1", logLevel: "INFO" });
      expect(v.L7Settings?.passthroughShardSize).toBe("MEDIUM");
      expect(secretValues(v)).toEqual([]);
      expect(out).not.toMatch(/password01|abc123/);
    }
  });

  it("refuses a base file that is not YAML, naming it", () => {
    expect(() => render("1.13.4", { base: { text: "a: 1\na: 2\n", file: "dup.yaml" } })).toThrow(/dup\.yaml is not valid YAML/);
  });

  it("no output holds a password-like value", () => {
    for (const version of ["1.4.2", "1.5.1", "1.11.1", "1.12.1", "1.13.4"]) expect(secretValues(values(render(version)))).toEqual([]);
  });
});

describe("toAkoValuesOptions", () => {
  const ok = { clusterName: "S1-AZ1", vipNetwork: "AVI_FRONTEND_3025", seGroup: "S1-AZ1-SE-Group" };

  it("splits NAME=CIDR, normalises case of service type and shard size, defaults cloud and chart", () => {
    const o = toAkoValuesOptions({
      ...ok,
      vipNetwork: "AVI_FRONTEND_3025=10.10.25.0/24",
      serviceType: "nodeportlocal",
      cni: "antrea",
      shardSize: "small",
    });
    expect(o).toMatchObject({
      vipNetwork: { name: "AVI_FRONTEND_3025", cidr: "10.10.25.0/24" },
      serviceType: "NodePortLocal",
      shardSize: "SMALL",
      cloud: "Default-Cloud",
    });
    expect(o.chartVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(toAkoValuesOptions(ok).vipNetwork).toEqual({ name: "AVI_FRONTEND_3025" });
  });

  it.each([
    [{ clusterName: undefined }, /--cluster-name is required/],
    [{ clusterName: "S1 AZ1" }, /may only hold letters, digits/],
    [{ vipNetwork: undefined }, /--vip-network is required/],
    [{ seGroup: undefined }, /--se-group is required/],
    [{ serviceType: "LoadBalancer" }, /--service-type must be one of ClusterIP, NodePort, NodePortLocal/],
    [{ shardSize: "HUGE" }, /--shard-size must be one of LARGE, MEDIUM, SMALL, DEDICATED/],
    [{ cni: "weave" }, /--cni must be one of/],
    [{ serviceType: "NodePortLocal", cni: "calico" }, /NodePortLocal needs --cni antrea/],
    [{ chartVersion: "latest" }, /--chart-version "latest" must look like/],
    [{ vipNetwork: "N=10.10.25.7/24" }, /--vip-network N/],
  ])("refuses %j", (change, message) => {
    expect(() => toAkoValuesOptions({ ...ok, ...change })).toThrow(message);
  });

  it("is offline only with both the CIDR and the controller version", () => {
    expect(offline(toAkoValuesOptions({ ...ok, vipNetwork: "N=10.10.25.0/24", controllerVersion: "20.1.5" }))).toBe(true);
    expect(offline(toAkoValuesOptions({ ...ok, vipNetwork: "N=10.10.25.0/24" }))).toBe(false);
    expect(offline(toAkoValuesOptions({ ...ok, controllerVersion: "20.1.5" }))).toBe(false);
  });
});

/** A controller holding named objects; only reads, and a record of the scopes asked for. */
function fakeAvi(objects: Record<string, AviObject[]>, version = "20.1.5"): AviClient & { asked: string[] } {
  const asked: string[] = [];
  const avi = {
    controller: "https://10.10.20.43",
    controllerVersion: version,
    asked,
    getByName(type: string, name: string, scope?: { cloudUuid?: string }) {
      asked.push(`${type}/${name}${scope?.cloudUuid ? `@${scope.cloudUuid}` : ""}`);
      return Promise.resolve((objects[type] ?? []).find((o) => o.name === name && (!scope?.cloudUuid || o.cloud_ref === scope.cloudUuid)));
    },
  };
  return avi as unknown as AviClient & { asked: string[] };
}

const subnet = (addr: string, mask: number) => ({ prefix: { ip_addr: { addr, type: "V4" }, mask } });
const lab = (extra: Record<string, AviObject[]> = {}) =>
  fakeAvi({
    cloud: [{ name: "Default-Cloud", uuid: "cloud-1" }],
    network: [
      {
        name: "AVI_FRONTEND_3025",
        uuid: "net-1",
        cloud_ref: "cloud-1",
        configured_subnets: [subnet("10.10.25.0", 24), subnet("10.10.26.0", 24)],
      },
    ],
    serviceenginegroup: [
      { name: "S1-AZ1-SE-Group", uuid: "seg-1", cloud_ref: "cloud-1", labels: [{ key: "clustername", value: "S1-AZ1" }] },
    ],
    ...extra,
  });
const opts = (raw: Record<string, string> = {}) =>
  toAkoValuesOptions({
    clusterName: "S1-AZ1",
    vipNetwork: "AVI_FRONTEND_3025",
    seGroup: "S1-AZ1-SE-Group",
    chartVersion: "1.13.4",
    ...raw,
  });

describe("akoValues", () => {
  it("fills the VIP CIDR from the network's first configured subnet and the version from the controller", async () => {
    const avi = lab();
    const { yaml, warnings } = await akoValues(opts(), "10.10.20.43", avi);
    const v = values(yaml);
    expect(v.NetworkSettings?.vipNetworkList).toEqual([{ networkName: "AVI_FRONTEND_3025", cidr: "10.10.25.0/24" }]);
    expect(v.ControllerSettings).toMatchObject({
      controllerHost: "10.10.20.43",
      controllerVersion: "20.1.5",
      serviceEngineGroupName: "S1-AZ1-SE-Group",
    });
    expect(warnings).toEqual([]);
    // Network and SE group are looked up in the cloud, not anywhere on the controller.
    expect(avi.asked).toEqual(
      expect.arrayContaining(["cloud/Default-Cloud", "network/AVI_FRONTEND_3025@cloud-1", "serviceenginegroup/S1-AZ1-SE-Group@cloud-1"]),
    );
  });

  it("keeps a given CIDR; warns when the network has no such subnet; the flag's version wins", async () => {
    const second = await akoValues(
      opts({ vipNetwork: "AVI_FRONTEND_3025=10.10.26.0/24", controllerVersion: "20.1.2" }),
      "10.10.20.43",
      lab(),
    );
    expect(values(second.yaml).ControllerSettings?.controllerVersion).toBe("20.1.2");
    expect(values(second.yaml).NetworkSettings?.vipNetworkList).toEqual([{ networkName: "AVI_FRONTEND_3025", cidr: "10.10.26.0/24" }]);
    expect(second.warnings).toEqual([]);
    const stray = await akoValues(opts({ vipNetwork: "AVI_FRONTEND_3025=10.10.99.0/24" }), "10.10.20.43", lab());
    expect(stray.warnings).toEqual(["10.10.99.0/24 is not a configured subnet of AVI_FRONTEND_3025 on the controller"]);
  });

  it("warns when the SE group is missing or belongs to another AKO cluster", async () => {
    const missing = await akoValues(opts({ seGroup: "S9-SE-Group" }), "10.10.20.43", lab());
    expect(missing.warnings).toEqual([
      expect.stringMatching(
        /^SE group S9-SE-Group does not exist yet on cloud Default-Cloud: create it with avictl seg create S9-SE-Group --cluster-label S1-AZ1/,
      ),
    ]);
    const taken = await akoValues(opts({ clusterName: "S1-AZ2" }), "10.10.20.43", lab());
    expect(taken.warnings).toEqual([expect.stringMatching(/SE group S1-AZ1-SE-Group belongs to AKO cluster S1-AZ1/)]);
  });

  it("refuses a network without a configured subnet when no CIDR was given, and an unknown cloud or network", async () => {
    const bare = lab({ network: [{ name: "AVI_FRONTEND_3025", uuid: "net-1", cloud_ref: "cloud-1" }] });
    await expect(akoValues(opts(), "10.10.20.43", bare)).rejects.toThrow(/network AVI_FRONTEND_3025 has no configured subnet/);
    await expect(akoValues(opts({ cloud: "Other-Cloud" }), "10.10.20.43", lab())).rejects.toThrow(/cloud "Other-Cloud" does not exist/);
    await expect(akoValues(opts({ vipNetwork: "NOPE" }), "10.10.20.43", lab())).rejects.toThrow(
      /network "NOPE" is not discovered on cloud Default-Cloud/,
    );
  });

  it("renders without a controller only from NAME=CIDR and --controller-version", async () => {
    const { yaml } = await akoValues(
      opts({ vipNetwork: "AVI_FRONTEND_3025=10.10.25.0/24", controllerVersion: "20.1.5", chartVersion: "1.4.2" }),
      "10.10.20.43",
    );
    expect(values(yaml).NetworkSettings).toMatchObject({ subnetIP: "10.10.25.0", subnetPrefix: "24" });
    await expect(akoValues(opts(), "10.10.20.43")).rejects.toThrow(
      /without a controller, give --vip-network NAME=CIDR and --controller-version/,
    );
  });

  it("takes the controller's host[:port] from its URL", () => {
    expect(controllerHostOf("https://10.10.20.43")).toBe("10.10.20.43");
    expect(controllerHostOf("https://ctrl.avi.iberia.local:8443/api")).toBe("ctrl.avi.iberia.local:8443");
  });
});
