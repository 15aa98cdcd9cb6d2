import { OperationError } from "../../base/errors.js";
import type { AviClient } from "../../clients/avi/types.js";
import type { Gslb } from "../../clients/avi/models.js";

export type { Gslb, GslbMember, GslbService, GslbSite } from "../../clients/avi/models.js";

/** GslbSiteRuntime as a controller reports it under `gslb/<uuid>/runtime` (alb-sdk models GslbSiteRuntime*). */
export interface SiteRuntime {
  site_info?: {
    name?: string;
    cluster_uuid?: string;
    role?: string;
    /** SITE_STATE_INIT, _JOIN_IN_PROGRESS, _UNREACHABLE, _MMODE, _DISABLED, … */
    state?: string;
    state_reason?: string;
    oper_status?: { state?: string; reason?: string[] };
    sw_version?: string;
    dns_info?: { dns_active?: boolean; dns_vs_states?: { uuid?: string; name?: string; oper_status?: { state?: string } }[] };
  };
  site_cfg?: {
    sync_info?: {
      sync_state?: string;
      /** reason and recommendation: 21.1.3+. */
      reason?: string;
      recommendation?: string;
      errored_objects?: { name?: string; uuid?: string; ds_name?: string; ops?: string; reason?: string }[];
      last_fail_obj?: { obj_name?: string; obj_uuid?: string; event_type?: string };
    };
  };
  /** 20.1.1+. */
  replication_stats?: { pending_object_count?: number; acknowledged_version?: number; received_version?: number };
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

/** Runtime of the Gslb: one object or a list of them, the GslbRuntime bare or in a summary's `info`. */
export async function gslbRuntime(avi: AviClient, uuid: string): Promise<SiteRuntime[]> {
  type Runtime = { site?: SiteRuntime[]; info?: { site?: SiteRuntime[] } };
  const r = await avi.get<Runtime | Runtime[]>(`gslb/${uuid}/runtime`);
  const one = Array.isArray(r) ? r[0] : r;
  // GslbRuntimeSummary (the schema's shape for the summary view) wraps the GslbRuntime in `info`.
  return (one?.info ?? one)?.site ?? [];
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
  const why = sync.reason ?? info.state_reason ?? info.oper_status?.reason?.[0];
  const detail = [why, sync.recommendation].filter(Boolean).join("; ");
  const pending = rt.replication_stats?.pending_object_count ?? 0;
  const errored = (sync.errored_objects ?? []).map((o) => o.name ?? o.uuid).filter(Boolean);
  const queue = [
    pending ? `${pending} object${pending > 1 ? "s" : ""} pending replication` : "",
    errored.length
      ? `not replicated: ${errored.join(", ")}`
      : sync.last_fail_obj?.obj_name
        ? `last failed: ${sync.last_fail_obj.obj_name}`
        : "",
  ]
    .filter(Boolean)
    .join(", ");
  const extra = [queue, detail].filter(Boolean).join("; ");
  if (info.oper_status?.state !== "OPER_UP") return `not reachable from the leader${extra ? ` (${extra})` : ""}`;
  if (info.role !== "GSLB_LEADER" && sync.sync_state !== "GSLB_SITE_CFG_IN_SYNC")
    return `configuration ${String(sync.sync_state ?? "not synced")
      .replace(/^GSLB_SITE_CFG_/, "")
      .toLowerCase()
      .replace(/_/g, " ")}${extra ? ` (${extra})` : ""}`;
  const down = (info.dns_info?.dns_vs_states ?? []).filter((d) => d.oper_status?.state !== "OPER_UP");
  if (down.length) return `DNS virtual service ${down.map((d) => d.name ?? d.uuid).join(", ")} is not up`;
  return undefined;
}
