import type { Network, ServiceEngineGroup } from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import { UsageError } from "../../base/errors.js";
import { parseCidr } from "../infra/net.js";
import { requireCloud, requireNetwork } from "../infra/common.js";
import { CNI_PLUGINS, renderAkoValues, SERVICE_TYPES, SHARD_SIZES, type AkoValuesInput } from "./render.js";

/** The newest AKO chart avictl renders for by default. */
export const DEFAULT_AKO_CHART = "1.13.4";

export interface AkoValuesOptions {
  clusterName: string;
  vipNetwork: { name: string; cidr?: string };
  seGroup: string;
  cloud: string;
  chartVersion: string;
  controllerVersion?: string;
  defaultDomain?: string;
  cni?: string;
  serviceType?: AkoValuesInput["serviceType"];
  shardSize?: AkoValuesInput["shardSize"];
  servicesApi?: boolean;
  base?: { text: string; file: string };
}

export function toAkoValuesOptions(raw: {
  clusterName?: string;
  vipNetwork?: string;
  seGroup?: string;
  cloud?: string;
  chartVersion?: string;
  controllerVersion?: string;
  defaultDomain?: string;
  cni?: string;
  serviceType?: string;
  shardSize?: string;
  servicesApi?: boolean;
}): AkoValuesOptions {
  if (!raw.clusterName) throw new UsageError("--cluster-name is required: the AKO clusterName, unique per cluster on the controller");
  if (!/^[a-zA-Z0-9_-]+$/.test(raw.clusterName))
    throw new UsageError(`--cluster-name "${raw.clusterName}" may only hold letters, digits, '-' and '_' (AKO refuses others)`);
  if (!raw.vipNetwork) throw new UsageError("--vip-network is required: NAME or NAME=CIDR of the VIP network");
  if (!raw.seGroup) throw new UsageError("--se-group is required: one SE group per AKO cluster");
  const [name, cidr] = raw.vipNetwork.split("=", 2) as [string, string | undefined];
  const serviceType =
    raw.serviceType === undefined ? undefined : SERVICE_TYPES.find((t) => t.toLowerCase() === raw.serviceType!.toLowerCase());
  if (raw.serviceType !== undefined && !serviceType)
    throw new UsageError(`--service-type must be one of ${SERVICE_TYPES.join(", ")}, not "${raw.serviceType}"`);
  const shardSize = raw.shardSize?.toUpperCase() as AkoValuesInput["shardSize"];
  if (shardSize !== undefined && !SHARD_SIZES.includes(shardSize))
    throw new UsageError(`--shard-size must be one of ${SHARD_SIZES.join(", ")}, not "${raw.shardSize}"`);
  if (raw.cni !== undefined && !(CNI_PLUGINS as readonly string[]).includes(raw.cni))
    throw new UsageError(`--cni must be one of ${CNI_PLUGINS.filter(Boolean).join(", ")}, not "${raw.cni}"`);
  if (serviceType === "NodePortLocal" && raw.cni !== "antrea") throw new UsageError("--service-type NodePortLocal needs --cni antrea");
  if (raw.chartVersion !== undefined && !/^\d+\.\d+\.\d+$/.test(raw.chartVersion))
    throw new UsageError(`--chart-version "${raw.chartVersion}" must look like 1.13.4`);
  return {
    clusterName: raw.clusterName,
    vipNetwork: { name, ...(cidr ? { cidr: parseCidr(cidr, `--vip-network ${name}`).text } : {}) },
    seGroup: raw.seGroup,
    cloud: raw.cloud ?? "Default-Cloud",
    chartVersion: raw.chartVersion ?? DEFAULT_AKO_CHART,
    controllerVersion: raw.controllerVersion,
    defaultDomain: raw.defaultDomain,
    cni: raw.cni,
    serviceType,
    shardSize,
    servicesApi: raw.servicesApi,
  };
}

/** True when everything needed is on the command line, so values can be rendered without a controller. */
export function offline(o: AkoValuesOptions): boolean {
  return Boolean(o.vipNetwork.cidr && o.controllerVersion);
}

/**
 * Render AKO values; with a controller, fill the VIP subnet and the controller version from it and
 * check that the cloud, the network and the SE group exist (and that the group is free or ours).
 */
export async function akoValues(
  o: AkoValuesOptions,
  controllerHost: string,
  avi?: AviClient,
): Promise<{ yaml: string; warnings: string[] }> {
  const warnings: string[] = [];
  let cidr = o.vipNetwork.cidr;
  let controllerVersion = o.controllerVersion;
  if (avi) {
    const cloud = await requireCloud(avi, o.cloud);
    const [net, seg] = await Promise.all([
      requireNetwork(avi, o.vipNetwork.name, cloud),
      avi.getByName<ServiceEngineGroup>("serviceenginegroup", o.seGroup, { cloudUuid: cloud.uuid }),
    ]);
    const subnets = (net as Network).configured_subnets ?? [];
    const first = subnets[0]?.prefix;
    if (!cidr) {
      if (!first)
        throw new UsageError(
          `network ${o.vipNetwork.name} has no configured subnet`,
          `configure it: avictl create-vrf VRF --network ${o.vipNetwork.name}=CIDR@BEGIN-END, or pass --vip-network ${o.vipNetwork.name}=CIDR`,
        );
      cidr = `${first.ip_addr.addr}/${first.mask}`;
    } else if (first && !subnets.some((s) => `${s.prefix.ip_addr.addr}/${s.prefix.mask}` === cidr)) {
      warnings.push(`${cidr} is not a configured subnet of ${o.vipNetwork.name} on the controller`);
    }
    if (!seg)
      warnings.push(
        `SE group ${o.seGroup} does not exist yet on cloud ${o.cloud}: create it with avictl seg create ${o.seGroup} --cluster-label ${o.clusterName}`,
      );
    const label = seg?.labels?.find((l) => l.key === "clustername")?.value;
    if (label && label !== o.clusterName)
      warnings.push(`SE group ${o.seGroup} belongs to AKO cluster ${label}; AKO would refuse it (use one SE group per cluster)`);
    controllerVersion ??= avi.controllerVersion;
  }
  if (!cidr || !controllerVersion) throw new UsageError("without a controller, give --vip-network NAME=CIDR and --controller-version");
  const yaml = renderAkoValues({
    chartVersion: o.chartVersion,
    controllerHost,
    controllerVersion,
    cloudName: o.cloud,
    clusterName: o.clusterName,
    vipNetwork: { name: o.vipNetwork.name, cidr },
    seGroup: o.seGroup,
    defaultDomain: o.defaultDomain,
    cni: o.cni,
    serviceType: o.serviceType,
    shardSize: o.shardSize,
    servicesApi: o.servicesApi,
    base: o.base,
  });
  return { yaml, warnings };
}

/** "https://10.10.20.43:443" → "10.10.20.43:443"; AKO wants a host[:port]. */
export function controllerHostOf(controller: string): string {
  return controller.replace(/^https?:\/\//i, "").replace(/\/.*$/, "");
}
