import { OperationError } from "../../base/errors.js";
import type { AviClient } from "../../clients/avi/types.js";
import type { Gslb } from "../../clients/avi/models.js";

export type { Gslb, GslbMember, GslbService, GslbSite } from "../../clients/avi/models.js";

export interface SiteRuntime {
  site_info?: {
    name?: string;
    cluster_uuid?: string;
    role?: string;
    state?: string;
    oper_status?: { state?: string; reason?: string[] };
    sw_version?: string;
    dns_info?: { dns_active?: boolean; dns_vs_states?: { uuid?: string; name?: string; oper_status?: { state?: string } }[] };
  };
  site_cfg?: { sync_info?: { sync_state?: string; reason?: string; recommendation?: string } };
}

export async function clusterUuid(avi: AviClient): Promise<string> {
  const c = await avi.get<{ uuid?: string }>("cluster");
  if (!c.uuid) throw new OperationError(`controller ${host(avi)} did not report its cluster uuid`);
  return c.uuid;
}

export const host = (avi: AviClient) => new URL(avi.controller).host;

/** The controller's Gslb object; refuses to go on when this controller is not the leader. */
export async function leaderGslb(avi: AviClient, leaderUuid: string): Promise<Gslb | undefined> {
  const [g] = await avi.list<Gslb>("gslb");
  if (g && g.leader_cluster_uuid !== leaderUuid) {
    const leaderSite = g.sites?.find((s) => s.cluster_uuid === g.leader_cluster_uuid);
    throw new OperationError(
      `controller ${host(avi)} is not the GSLB leader (the leader is ${leaderSite?.name ?? g.leader_cluster_uuid})`,
      "point --context/--controller at the leader; GSLB configuration is written there only",
    );
  }
  return g;
}

/** Runtime of the Gslb: the controller answers one object or a list of them. */
export async function gslbRuntime(avi: AviClient, uuid: string): Promise<SiteRuntime[]> {
  const r = await avi.get<{ site?: SiteRuntime[] } | { site?: SiteRuntime[] }[]>(`gslb/${uuid}/runtime`);
  return (Array.isArray(r) ? r[0] : r)?.site ?? [];
}

/** The address and port of a controller URL as a GSLB site entry carries them. */
export function siteAddress(url: string): { addr: string; port: number } {
  const u = new URL(url);
  return { addr: u.hostname, port: Number(u.port || (u.protocol === "http:" ? 80 : 443)) };
}

/** Why a site is not ready, or undefined when it is reachable, in sync and its DNS VSes are up. */
export function siteProblem(rt: SiteRuntime | undefined): string | undefined {
  if (!rt) return "the leader does not report the site yet";
  const info = rt.site_info ?? {};
  const sync = rt.site_cfg?.sync_info ?? {};
  const detail = [sync.reason ?? info.oper_status?.reason?.[0], sync.recommendation].filter(Boolean).join("; ");
  if (info.oper_status?.state !== "OPER_UP") return `not reachable from the leader${detail ? ` (${detail})` : ""}`;
  if (info.role !== "GSLB_LEADER" && sync.sync_state !== "GSLB_SITE_CFG_IN_SYNC")
    return `configuration ${String(sync.sync_state ?? "not synced")
      .replace(/^GSLB_SITE_CFG_/, "")
      .toLowerCase()
      .replace(/_/g, " ")}${detail ? ` (${detail})` : ""}`;
  const down = (info.dns_info?.dns_vs_states ?? []).filter((d) => d.oper_status?.state !== "OPER_UP");
  if (down.length) return `DNS virtual service ${down.map((d) => d.name ?? d.uuid).join(", ")} is not up`;
  return undefined;
}
