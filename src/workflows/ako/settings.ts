import type { Network, VrfContext } from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import { uuidOfRef } from "../../clients/avi/types.js";
import type { Kube } from "../../clients/k8s.js";

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
  /** AKO's own API port (liveness and /api/status). */
  apiServerPort: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined =>
  typeof v === "string" && v !== "" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;

export { parseValues } from "../values-doc.js";

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
    ? list
        .filter((n) => str(n.networkName))
        .map((n, i) => ({ name: str(n.networkName)!, cidr: str(n.cidr) ?? (i === 0 ? legacyCidr : undefined) }))
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
    apiServerPort: Number(str(ako.apiServerPort) ?? 8080) || 8080,
  };
}

/** The VRF of the cluster's first VIP network and the static routes AKO keeps there ("<clusterName>-<n>"). */
export async function akoRoutes(avi: AviClient, s: AkoSettings): Promise<{ vrf?: string; routes: string[] }> {
  const cloud = s.cloudName ? await avi.getByName("cloud", s.cloudName) : undefined;
  const net =
    cloud?.uuid && s.vipNetworks[0] ? await avi.getByName<Network>("network", s.vipNetworks[0].name, { cloudUuid: cloud.uuid }) : undefined;
  const vrf = net?.vrf_context_ref ? await avi.getByUuid<VrfContext>("vrfcontext", uuidOfRef(net.vrf_context_ref)) : undefined;
  const routes = (vrf?.static_routes ?? [])
    .filter((r) => r.route_id.startsWith(`${s.clusterName}-`))
    .map((r) => `${r.prefix.ip_addr.addr}/${r.prefix.mask}`);
  return { vrf: vrf?.name, routes };
}

export interface AkoConnection {
  status: "CONNECTED" | "DISCONNECTED" | "INITIATING" | "UNKNOWN";
  errors: string[];
  /** Where the answer came from: AKO's /api/status through the pod proxy, else its log. */
  source: "api/status" | "log";
}

/**
 * Is AKO connected to the controller? Its /api/status (read through the API server's pod proxy)
 * says so directly; when the proxy is not allowed or not served, the log is the fallback.
 */
export async function akoConnection(kube: Kube, namespace: string, pod: string, port: number): Promise<AkoConnection> {
  try {
    const body = (await kube.podProxy(namespace, pod, port, "api/status")) as
      { avi_api?: { connection_status?: string; errors?: { error: string }[] } } | undefined;
    const status = body?.avi_api?.connection_status;
    if (status === "CONNECTED" || status === "DISCONNECTED" || status === "INITIATING")
      return { status, errors: (body?.avi_api?.errors ?? []).map((e) => e.error), source: "api/status" };
  } catch {
    // fall through to the log
  }
  const lines = (await kube.podLog(namespace, pod, { tailLines: 300 }).catch(() => "")).split("\n").filter(Boolean);
  const lastBad = lines.findLastIndex((l) => /Invalid input detected|shutting down AKO|sync will be disabled/i.test(l));
  const lastGood = lines.findLastIndex((l) => /Started the Kubernetes Controller|AKO is now listening/i.test(l));
  const errors = lines.filter((l) => /\b(ERROR|WARN)\b|Invalid input|shutting down/i.test(l)).slice(-5);
  return { status: lastGood > lastBad ? "CONNECTED" : lastBad >= 0 ? "DISCONNECTED" : "UNKNOWN", errors, source: "log" };
}
