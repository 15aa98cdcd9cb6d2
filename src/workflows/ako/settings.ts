import { parse } from "yaml";
import { UsageError } from "../../cli/errors.js";

/** What avictl needs to know from an AKO values file, whichever chart layout it uses. */
export interface AkoSettings {
  clusterName?: string;
  controllerHost?: string;
  controllerVersion?: string;
  cloudName?: string;
  seGroup?: string;
  tenant?: string;
  vipNetworks: { name: string; cidr?: string }[];
  defaultDomain?: string;
  serviceType?: string;
  shardVSSize?: string;
  cniPlugin?: string;
  disableStaticRouteSync: boolean;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);

export function parseValues(text: string, file: string): Obj {
  try {
    return obj(parse(text, { uniqueKeys: true }));
  } catch (err) {
    throw new UsageError(`${file} is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** Read the settings from both layouts: vipNetworkList (≥ 1.4.1) and networkName/subnetIP (older). */
export function akoSettings(values: Obj): AkoSettings {
  const ako = obj(values.AKOSettings);
  const ctrl = obj(values.ControllerSettings);
  const net = obj(values.NetworkSettings);
  const l7 = obj(values.L7Settings);
  const l4 = obj(values.L4Settings);
  const list = Array.isArray(net.vipNetworkList) ? net.vipNetworkList.map(obj) : [];
  // 1.4.x: names in vipNetworkList, the subnet in subnetIP/subnetPrefix.
  const legacyCidr = str(net.subnetIP) && str(net.subnetPrefix) ? `${str(net.subnetIP)}/${str(net.subnetPrefix)}` : undefined;
  const vipNetworks = list.length
    ? list.filter((n) => str(n.networkName)).map((n, i) => ({ name: str(n.networkName)!, cidr: str(n.cidr) ?? (i === 0 ? legacyCidr : undefined) }))
    : str(net.networkName)
      ? [{ name: str(net.networkName)!, cidr: legacyCidr }]
      : [];
  return {
    clusterName: str(ako.clusterName),
    controllerHost: str(ctrl.controllerHost) ?? str(ctrl.controllerIP),
    controllerVersion: str(ctrl.controllerVersion),
    cloudName: str(ctrl.cloudName),
    seGroup: str(ctrl.serviceEngineGroupName),
    tenant: str(ctrl.tenantName),
    vipNetworks,
    defaultDomain: str(net.defaultDomain) ?? str(l4.defaultDomain),
    serviceType: str(l7.serviceType),
    shardVSSize: str(l7.shardVSSize),
    cniPlugin: str(ako.cniPlugin),
    disableStaticRouteSync: str(ako.disableStaticRouteSync) === "true",
  };
}
