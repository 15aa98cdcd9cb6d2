import { UsageError } from "../../base/errors.js";
import type { Cloud, IpAddrPrefix, Network, StaticRoute, VrfContext } from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import { uuidOfRef } from "../../clients/avi/types.js";
import { ensureListEntries, type EnsureOutcome, type PlanItem } from "../ensure.js";
import { isOwnDefaultRoute, routeKey, type Cidr } from "./net.js";

/** What every infrastructure workflow returns: the plan (done or, with --dry-run, to do) and warnings. */
export interface InfraResult {
  dryRun: boolean;
  plan: PlanItem[];
  warnings: string[];
  writes: number;
}

export async function requireCloud(avi: AviClient, name: string): Promise<Cloud & { uuid: string }> {
  const cloud = await avi.getByName<Cloud>("cloud", name);
  if (!cloud?.uuid)
    throw new UsageError(`cloud "${name}" does not exist on the controller`, "list clouds with 'avictl status' or pass --cloud");
  return cloud as Cloud & { uuid: string };
}

export async function requireNetwork(
  avi: AviClient,
  name: string,
  cloud: { uuid: string; name?: string },
): Promise<Network & { uuid: string }> {
  const net = await avi.getByName<Network>("network", name, { cloudUuid: cloud.uuid });
  if (!net?.uuid)
    throw new UsageError(
      `network "${name}" is not discovered on cloud ${cloud.name ?? cloud.uuid}`,
      "check the port group name in vCenter and the cloud's discovery",
    );
  return net as Network & { uuid: string };
}

/** A ref for an object that may not exist yet: its real ref, or on --dry-run a name ref the controller also accepts. */
export function refOrName(avi: AviClient, type: string, uuid: string | undefined, name: string): string {
  return uuid ? avi.ref(type, uuid) : `/api/${type}?name=${encodeURIComponent(name)}`;
}

/**
 * Refuse a subnet that is not one the cloud discovered on the network (a typo there misroutes every
 * VIP and SE address); --force accepts it when the discovery itself is wrong.
 */
export async function assertDiscoveredSubnet(avi: AviClient, net: Network, subnet: Cidr, force: boolean): Promise<void> {
  if (force || !net.vimgrnw_ref) return;
  const runtime = await avi.getByUuid<{ discovered_subnet?: IpAddrPrefix[] }>("vimgrnwruntime", uuidOfRef(net.vimgrnw_ref));
  const discovered = (runtime?.discovered_subnet ?? [])
    .filter((p) => p.ip_addr.type !== "V6")
    .map((p) => `${p.ip_addr.addr}/${Number(p.mask)}`);
  if (discovered.length === 0 || discovered.includes(`${subnet.addr}/${subnet.mask}`)) return;
  throw new UsageError(
    `network ${net.name}: subnet ${subnet.text} differs from the subnet the cloud discovered on it (${discovered.join(", ")})`,
    `use ${discovered[0]}, or pass --force if the discovery is wrong`,
  );
}

/**
 * Static routes added next to whatever the VRF holds (AKO's included). A wanted default route
 * replaces the VRF's other non-AKO default route, so a changed gateway leaves exactly one.
 */
export function ensureRoutes(
  avi: AviClient,
  vrf: VrfContext,
  routes: StaticRoute[],
  opts: { dryRun: boolean },
): Promise<EnsureOutcome<VrfContext>> {
  const setsDefault = routes.some(isOwnDefaultRoute);
  return ensureListEntries<VrfContext, StaticRoute>(
    avi,
    "vrfcontext",
    vrf,
    "static_routes",
    routes,
    { key: routeKey, replaces: (r) => setsDefault && isOwnDefaultRoute(r) },
    opts,
  );
}
