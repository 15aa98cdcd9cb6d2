import type { AviClient } from "../../clients/avi/types.js";
import type { Kube, KubeObject } from "../../clients/k8s.js";
import { UsageError } from "../../base/errors.js";
import { diffOwned, type PlanItem } from "../ensure.js";
import { crdVersion } from "../k8s/crd.js";
import { parseCidr } from "../infra/net.js";

export const SHARD_SIZES = ["SMALL", "MEDIUM", "LARGE", "DEDICATED"] as const;
const AKO_CONTROLLER = "ako.vmware.com/avi-lb";

export interface InfraSettingOptions {
  name: string;
  seGroup?: string;
  networks: { name: string; cidr?: string }[];
  enableRhi: boolean;
  bgpPeerLabels: string[];
  shardSize?: (typeof SHARD_SIZES)[number];
  ingressClass?: string;
  gatewayClass?: string;
  dryRun: boolean;
}

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function toInfraSettingOptions(
  name: string,
  raw: {
    seGroup?: string;
    network?: string[];
    enableRhi?: boolean;
    bgpPeerLabel?: string[];
    shardSize?: string;
    ingressClass?: string;
    gatewayClass?: string;
    dryRun?: boolean;
  },
): InfraSettingOptions {
  for (const [what, v] of [
    ["name", name],
    ["--ingress-class", raw.ingressClass],
    ["--gateway-class", raw.gatewayClass],
  ] as const) {
    if (v !== undefined && (!DNS1123.test(v) || v.length > 253))
      throw new UsageError(`${what} "${v}" must be a lower-case DNS name (letters, digits, '-', '.')`);
  }
  const shardSize = raw.shardSize?.toUpperCase();
  if (shardSize !== undefined && !(SHARD_SIZES as readonly string[]).includes(shardSize))
    throw new UsageError(`--shard-size must be one of ${SHARD_SIZES.join(", ")}, not "${raw.shardSize}"`);
  const networks = (raw.network ?? []).map((spec) => {
    const [n, cidr] = spec.split("=", 2) as [string, string | undefined];
    if (!n) throw new UsageError(`--network "${spec}" must be NAME or NAME=CIDR`);
    return { name: n, ...(cidr ? { cidr: parseCidr(cidr, `--network ${n}`).text } : {}) };
  });
  if ((raw.bgpPeerLabel ?? []).length && !raw.enableRhi)
    throw new UsageError("--bgp-peer-label needs --enable-rhi (AKO rejects the setting otherwise)");
  if (!raw.seGroup && networks.length === 0 && !shardSize && !raw.enableRhi)
    throw new UsageError("say what the setting changes: --se-group, --network, --shard-size or --enable-rhi");
  return {
    name,
    seGroup: raw.seGroup,
    networks,
    enableRhi: Boolean(raw.enableRhi),
    bgpPeerLabels: raw.bgpPeerLabel ?? [],
    shardSize: shardSize as InfraSettingOptions["shardSize"],
    ingressClass: raw.ingressClass,
    gatewayClass: raw.gatewayClass,
    dryRun: Boolean(raw.dryRun),
  };
}

export interface InfraSettingResult {
  dryRun: boolean;
  plan: PlanItem[];
  warnings: string[];
}

type Crd = KubeObject & {
  spec?: {
    versions?: {
      name: string;
      schema?: { openAPIV3Schema?: { properties?: { spec?: { properties?: { network?: { properties?: Record<string, unknown> } } } } } };
    }[];
  };
};

/** AviInfraSetting plus the IngressClass / GatewayClass that point at it, in the API versions the cluster serves. */
export async function createInfraSetting(
  o: InfraSettingOptions,
  kube: Kube,
  avi: Pick<AviClient, "getByName">,
): Promise<InfraSettingResult> {
  // AKO would accept the setting and then fail every virtual service of the class: refuse it here.
  if (o.seGroup && !(await avi.getByName("serviceenginegroup", o.seGroup))) {
    throw new UsageError(`SE group "${o.seGroup}" does not exist on the controller`, `create it first: avictl seg create ${o.seGroup}`);
  }
  const version = await crdVersion(
    kube,
    "aviinfrasettings",
    "ako.vmware.com",
    "install AKO first: its chart ships the AviInfraSetting CRD",
  );
  const crd = await kube.get<Crd>("apiextensions.k8s.io/v1", "CustomResourceDefinition", "aviinfrasettings.ako.vmware.com");
  const schema =
    crd?.spec?.versions?.find((v) => `ako.vmware.com/${v.name}` === version)?.schema?.openAPIV3Schema?.properties?.spec?.properties?.network
      ?.properties ?? {};
  // AKO 1.5.1 replaced network.names by vipNetworks[{networkName, cidr}]; the CRD schema says which one this cluster has.
  const legacy = "names" in schema && !("vipNetworks" in schema);
  const warnings: string[] = [];
  const spec: Record<string, unknown> = {};
  if (o.seGroup) spec.seGroup = { name: o.seGroup };
  if (o.networks.length || o.enableRhi) {
    const network: Record<string, unknown> = {};
    if (o.networks.length) {
      if (legacy) {
        network.names = o.networks.map((n) => n.name);
        if (o.networks.some((n) => n.cidr))
          warnings.push("this AKO's AviInfraSetting (before 1.5.1) takes network names only; the CIDRs were left out");
      } else network.vipNetworks = o.networks.map((n) => ({ networkName: n.name, ...(n.cidr ? { cidr: n.cidr } : {}) }));
    }
    if (o.enableRhi) network.enableRhi = true;
    if (o.bgpPeerLabels.length) network.bgpPeerLabels = o.bgpPeerLabels;
    spec.network = network;
  }
  if (o.shardSize) spec.l7Settings = { shardSize: o.shardSize };

  const desired: KubeObject[] = [{ apiVersion: version, kind: "AviInfraSetting", metadata: { name: o.name }, spec }];
  const parameters = { kind: "AviInfraSetting", name: o.name };
  if (o.ingressClass) {
    desired.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      metadata: { name: o.ingressClass },
      spec: { controller: AKO_CONTROLLER, parameters: { apiGroup: "ako.vmware.com", ...parameters } },
    });
  }
  if (o.gatewayClass) {
    const gw = await gatewayApi(kube);
    if (!gw)
      throw new UsageError(
        `cluster ${kube.context} serves no Gateway API (gateway.networking.k8s.io or networking.x-k8s.io)`,
        "install the Gateway API CRDs, or leave --gateway-class out",
      );
    desired.push(
      gw.startsWith("networking.x-k8s.io")
        ? {
            apiVersion: gw,
            kind: "GatewayClass",
            metadata: { name: o.gatewayClass },
            spec: { controller: AKO_CONTROLLER, parametersRef: { group: "ako.vmware.com", ...parameters } },
          }
        : {
            apiVersion: gw,
            kind: "GatewayClass",
            metadata: { name: o.gatewayClass },
            spec: { controllerName: AKO_CONTROLLER, parametersRef: { group: "ako.vmware.com", ...parameters } },
          },
    );
  }

  const plan: PlanItem[] = [];
  for (const obj of desired) {
    const name = String(obj.metadata?.name);
    const actual = await kube.get(String(obj.apiVersion), String(obj.kind), name);
    const diff = actual ? diffOwned(obj.spec, actual.spec, "spec") : [{ path: "spec", to: obj.spec }];
    const item: PlanItem = {
      kind: String(obj.kind).toLowerCase(),
      name,
      action: !actual ? "create" : diff.length ? "update" : "unchanged",
      diff,
    };
    if (item.action !== "unchanged" && !o.dryRun) await kube.apply(obj);
    plan.push(item);
  }
  return { dryRun: o.dryRun, plan, warnings };
}

/** The Gateway API group/version the cluster serves, newest first. */
async function gatewayApi(kube: Kube): Promise<string | undefined> {
  for (const gv of ["gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1", "networking.x-k8s.io/v1alpha1"])
    if (await kube.serves(gv)) return gv;
  return undefined;
}
