import type { AviObject } from "../clients/avi/types.js";
import type { KubeNode } from "./kube/index.js";
import type { LabStore } from "./types.js";
import { uuidOf } from "./avi/refs.js";
import { vipNetworks } from "./ako-dataplane.js";

type Obj = Record<string, unknown>;

/**
 * What a starting AKO does on the controller, as the lab's emulation: validate its settings the way
 * AKO does at boot, label its SE group with the cluster name, and sync one static route per node
 * (pod CIDR via the node's address) into the VIP network's VRF.
 */
export function akoStarted(
  store: LabStore,
  base: string,
  config: Record<string, string>,
  nodes: KubeNode[],
): { connected: boolean; message: string } {
  const clusterName = config.clusterName ?? "";
  if (!/^[a-zA-Z0-9_-]+$/.test(clusterName))
    return {
      connected: false,
      message: `Invalid input detected, AKO will be rebooted to retry: clusterName "${clusterName}" is not valid`,
    };
  const cloud = store.findByName("cloud", config.cloudName ?? "");
  if (!cloud?.uuid)
    return {
      connected: false,
      message: `Invalid input detected, AKO will be rebooted to retry: Cloud ${config.cloudName ?? ""} not found`,
    };
  const nets = vipNetworks(config);
  if (nets.length === 0)
    return {
      connected: false,
      message: "Invalid input detected, AKO will be rebooted to retry: No user input detected for vipNetworkList",
    };
  const net = store.findByName("network", nets[0]!, cloud.uuid);
  if (!net)
    return { connected: false, message: `Invalid input detected, AKO will be rebooted to retry: Error in getting VIP network ${nets[0]}` };

  if (config.disableStaticRouteSync !== "true" && (config.serviceType ?? "ClusterIP") === "ClusterIP") {
    const segName = config.serviceEngineGroupName || "Default-Group";
    const seg = store.findByName("serviceenginegroup", segName, cloud.uuid);
    if (!seg) return { connected: false, message: `Invalid input detected, AKO will be rebooted to retry: SE Group ${segName} not found` };
    const labels = (seg.labels as { key: string; value?: string }[] | undefined) ?? [];
    const mine = labels.find((l) => l.key === "clustername");
    if (mine && mine.value !== clusterName)
      return {
        connected: false,
        message: "Invalid input detected, sync will be disabled: Labels do not match with cluster name for SE group",
      };
    if (!mine) store.put("serviceenginegroup", { ...seg, labels: [...labels, { key: "clustername", value: clusterName }] });

    const vrf = store.get("vrfcontext", uuidOf(net.vrf_context_ref)) ?? store.findByName("vrfcontext", "global", cloud.uuid);
    if (vrf) store.put("vrfcontext", { ...vrf, static_routes: syncRoutes(vrf, clusterName, nodes) } as AviObject);
  }
  return { connected: true, message: `AKO is connected to the controller at ${base}` };
}

/** The VRF's routes with this cluster's replaced by one per node; other clusters' routes stay. */
function syncRoutes(vrf: Obj, clusterName: string, nodes: KubeNode[]): Obj[] {
  const others = ((vrf.static_routes as Obj[] | undefined) ?? []).filter((r) => !String(r.route_id ?? "").startsWith(`${clusterName}-`));
  const ours = nodes.map((n, i) => {
    const [addr, mask] = n.podCIDR.split("/");
    return {
      route_id: `${clusterName}-${i + 1}`,
      prefix: { ip_addr: { addr, type: "V4" }, mask: Number(mask) },
      next_hop: { addr: n.internalIP, type: "V4" },
      labels: [{ key: "clustername", value: clusterName }],
    };
  });
  return [...others, ...ours];
}
