import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuidOf } from "../../src/lab/avi/refs.js";
import { shardIndex, SHARD_SIZES } from "../../src/base/ako-naming.js";
import { akoObjectsChecked, startAkoLab } from "../helpers/ako-cluster.js";
import { LAB_SITE1 } from "../helpers/blog.js";
import { runCli } from "../helpers/run-cli.js";
import { SwaggerConformance } from "../helpers/swagger-conformance.js";

let lab: Awaited<ReturnType<typeof startAkoLab>>;
const dir = mkdtempSync(join(tmpdir(), "avictl-infra-shards-"));
const cli = (args: string[]) => runCli(args, { env: lab.env, timeoutMs: 120_000 });
const SEG = "SE-Group-AKO-CRITICAL";
const checker = SwaggerConformance.available() ? new SwaggerConformance() : undefined;

interface Result {
  pairs: { host: string; vip?: string; vs?: string; predicted?: string }[];
  shards: { vip: string; vs?: string; hosts: number }[];
  elsewhere: unknown[];
}

beforeAll(async () => {
  // The cluster's own shards stay LARGE: the class's AviInfraSetting alone decides.
  lab = await startAkoLab(dir);
  expect((await cli(["seg", "create", SEG])).code).toBe(0);
  // The AviInfraSetting CRD as AKO's chart ships it (served v1beta1; network.vipNetworks since 1.5.1).
  const object = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  await lab.cluster.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
    metadata: { name: "aviinfrasettings.ako.vmware.com" },
    spec: {
      group: "ako.vmware.com",
      scope: "Cluster",
      names: { plural: "aviinfrasettings", singular: "aviinfrasetting", kind: "AviInfraSetting", listKind: "AviInfraSettingList" },
      versions: [
        {
          name: "v1beta1",
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: {
                  type: "object",
                  properties: { network: { type: "object", properties: { vipNetworks: { type: "array", items: object } } } },
                },
                status: object,
              },
              "x-kubernetes-preserve-unknown-fields": true,
            },
          },
        },
      ],
    },
  });
  await lab.cluster.deployment("default", "hello", 2, "paulbouwer/hello-kubernetes:1.8");
}, 180_000);
afterAll(async () => lab?.close());

describe("AviInfraSetting shardSize through an IngressClass (the 004 post's shard test)", () => {
  it.each(["LARGE", "MEDIUM", "SMALL", "DEDICATED"] as const)(
    "20 ingresses of a class whose AviInfraSetting is %s: shard count, SE group and network are the setting's; --predict agrees",
    async (size) => {
      const infra = `${size.toLowerCase()}.infra`;
      const cls = `${size.toLowerCase()}-ic`;
      // DEDICATED needs 20 VIPs: the AZ1 pool; the shared sizes take the other zone's network, unlike the cluster's default.
      const net = size === "DEDICATED" ? LAB_SITE1.az1Vip : LAB_SITE1.az2Vip;
      const create = await cli([
        "infra-setting",
        "create",
        infra,
        "--se-group",
        SEG,
        "--network",
        net.name,
        "--shard-size",
        size,
        "--ingress-class",
        cls,
        "--kube-context",
        "s1az1",
      ]);
      expect(create.code, create.stderr).toBe(0);
      const apply = await cli([
        "dummy-ingress",
        "20",
        "apply",
        "hello",
        "--ingress-class",
        cls,
        "--cluster-name",
        "S1-AZ1",
        "--wait",
        "--kube-context",
        "s1az1",
        "-o",
        "json",
      ]);
      expect(apply.code, apply.stderr).toBe(0);
      const out = JSON.parse(apply.stdout) as Result;
      const store = lab.lab.ctrl.store;
      const vses = store.list("virtualservice").filter((v) => v.created_by === "ako-S1-AZ1" && String(v.name).includes(`${infra}-`));
      const names = vses.map((v) => String(v.name)).sort();
      // Shard count as AKO's hash spreads these 20 hosts (≤ 8, ≤ 4, 1; one VS per host for DEDICATED).
      const buckets = new Set(out.pairs.map((p) => (size === "DEDICATED" ? p.host : shardIndex(p.host, SHARD_SIZES[size]))));
      expect(names).toHaveLength(buckets.size);
      if (size === "DEDICATED") expect(names).toHaveLength(20);
      else expect(names.length).toBeLessThanOrEqual(SHARD_SIZES[size]);
      expect(out.shards.map((s) => s.vs).sort()).toEqual(names);
      expect(out.elsewhere).toEqual([]);
      // The setting's SE group and VIP network.
      const seg = store.findByName("serviceenginegroup", SEG)!;
      const network = store.findByName("network", net.name)!;
      for (const vs of vses) {
        expect(uuidOf(vs.se_group_ref)).toBe(seg.uuid);
        const vip = store.get("vsvip", uuidOf(vs.vsvip_ref))!;
        expect((vip.vip as { ipam_network_subnet?: { network_ref?: string } }[])[0]!.ipam_network_subnet?.network_ref).toBe(network.url);
      }
      const prefix = net.pool.split("-")[0]!.split(".").slice(0, 3).join(".");
      for (const p of out.pairs) expect(p.vip!.startsWith(`${prefix}.`)).toBe(true);
      // Every object AKO made for the class is valid against the official schemas.
      if (!checker) return expect.fail("the Avi schemas are not beside the project (../shared/avi-swagger)");
      const owned = akoObjectsChecked(store, checker, ["virtualservice", "poolgroup", "pool", "vsvip"]);
      expect(new Set(owned.map((o) => o.type)).size).toBe(4);
      expect(owned.flatMap((o) => o.problems)).toEqual([]);
      // --predict with the class reads the same setting and names the same VS per host.
      const predict = await cli([
        "dummy-ingress",
        "20",
        "apply",
        "hello",
        "--predict",
        "--ingress-class",
        cls,
        "--cluster-name",
        "S1-AZ1",
        "--kube-context",
        "s1az1",
        "-o",
        "json",
      ]);
      expect(predict.code, predict.stderr).toBe(0);
      const predicted = new Map((JSON.parse(predict.stdout) as Result).pairs.map((p) => [p.host, p.predicted]));
      for (const p of out.pairs) expect(p.vs).toBe(predicted.get(p.host));

      const del = await cli(["dummy-ingress", "20", "delete", "hello", "--kube-context", "s1az1", "-o", "json"]);
      expect(del.code, del.stderr).toBe(0);
      expect(store.list("virtualservice").filter((v) => v.created_by === "ako-S1-AZ1")).toEqual([]);
      expect(store.list("poolgroup").filter((v) => v.created_by === "ako-S1-AZ1")).toEqual([]);
      expect(store.list("pool").filter((v) => v.created_by === "ako-S1-AZ1")).toEqual([]);
      expect(store.list("vsvip").filter((v) => String(v.name).startsWith("S1-AZ1--"))).toEqual([]);
    },
    240_000,
  );
});
