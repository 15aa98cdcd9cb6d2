import { randomUUID } from "node:crypto";
import type { AviObject } from "../../clients/avi/types.js";
import { BadRequest, uuidOf } from "./refs.js";
import { lastModified } from "./seed.js";
import type { BehaviourContext, TypeBehaviour } from "./behaviour.js";
import type { GslbSite } from "../../clients/avi/models.js";

type Obj = AviObject & Record<string, unknown>;
export interface GslbMember {
  ip?: { addr?: string };
  cluster_uuid?: string;
  vs_uuid?: string;
  ratio?: number;
  enabled?: boolean;
}

/** The health monitors a controller creates with its Gslb object (federated, replicated to every site). */
const GSLB_MONITORS: [string, string][] = [
  ["System-GSLB-Ping", "HEALTH_MONITOR_PING"],
  ["System-GSLB-TCP", "HEALTH_MONITOR_TCP"],
  ["System-GSLB-HTTP", "HEALTH_MONITOR_HTTP"],
  ["System-GSLB-HTTPS", "HEALTH_MONITOR_HTTPS"],
  ["System-GSLB-UDP", "HEALTH_MONITOR_UDP"],
];

export const lower = (s: string) => s.toLowerCase().replace(/\.$/, "");

/** The Gslb object of a controller, if GSLB is configured there. */
export function gslbOf(store: { list(type: string): AviObject[] }): Obj | undefined {
  return store.list("gslb")[0] as Obj | undefined;
}

/** GSLB configuration is written on the leader only; followers hold read-only copies. */
export function leaderOnly(c: BehaviourContext): void {
  const g = gslbOf(c.store);
  if (g && g.leader_cluster_uuid !== c.clusterUuid)
    throw new BadRequest("GSLB configuration can be changed only on the leader site; this site is a follower", 403);
}

export const gslbBehaviour: TypeBehaviour = {
  write(o, c, current) {
    const existing = gslbOf(c.store);
    if (existing && existing.uuid !== o.uuid)
      throw new BadRequest("Gslb object already exists; only one Gslb configuration is allowed", 409);
    leaderOnly(c);
    if (o.leader_cluster_uuid !== c.clusterUuid) {
      throw new BadRequest(
        `leader_cluster_uuid ${String(o.leader_cluster_uuid)} is not this controller's cluster (${c.clusterUuid}); create the Gslb on the leader`,
      );
    }
    if (current && current.leader_cluster_uuid !== o.leader_cluster_uuid)
      throw new BadRequest("Changing the leader needs gslbsiteops/changeleader");
    o.send_interval ??= 15;
    o.clear_on_max_retries ??= 20;
    o.is_federated ??= true;
    const sites = (o.sites as GslbSite[] | undefined) ?? [];
    if (sites.length === 0) throw new BadRequest("sites: Ensure this field has at least 1 elements.");
    const seen = new Set<string>();
    for (const s of sites) {
      s.member_type ??= "GSLB_PASSIVE_MEMBER";
      s.enabled ??= true;
      s.port ??= 443;
      for (const key of [`name:${s.name}`, `cluster:${s.cluster_uuid}`]) {
        if (seen.has(key)) throw new BadRequest(`Duplicate GSLB site ${key.replace(":", " ")}`);
        seen.add(key);
      }
    }
    const leaderSite = sites.find((s) => s.cluster_uuid === o.leader_cluster_uuid);
    if (!leaderSite) throw new BadRequest("The leader site (leader_cluster_uuid) must be one of the GSLB sites");
    if (leaderSite.member_type !== "GSLB_ACTIVE_MEMBER") throw new BadRequest("The leader site must be an active member");
    for (const d of leaderSite.dns_vses ?? []) {
      const vs = c.store.get("virtualservice", d.dns_vs_uuid ?? "");
      const app = vs && c.store.get("applicationprofile", uuidOf(vs.application_profile_ref));
      if (app?.type !== "APPLICATION_PROFILE_TYPE_DNS")
        throw new BadRequest(`DNS virtual service ${String(d.dns_vs_uuid)} not found on the leader site`);
    }
  },
  created(_o, c) {
    for (const [name, type] of GSLB_MONITORS) {
      if (c.store.findByName("healthmonitor", name)) continue;
      const uuid = `healthmonitor-${randomUUID()}`;
      c.store.put("healthmonitor", {
        uuid,
        name,
        type,
        url: `${c.base}/api/healthmonitor/${uuid}`,
        tenant_ref: `${c.base}/api/tenant/admin`,
        is_federated: true,
        send_interval: 10,
        receive_timeout: 4,
        failed_checks: 2,
        successful_checks: 2,
        _last_modified: lastModified(),
      });
    }
  },
  deleting(_o, c) {
    if (c.store.list("gslbservice").length > 0) throw new BadRequest("Cannot delete Gslb while GSLB services exist", 409);
    for (const [name] of GSLB_MONITORS) {
      const hm = c.store.findByName("healthmonitor", name);
      if (hm?.uuid) c.store.remove("healthmonitor", hm.uuid);
    }
  },
  runtime(o, c) {
    return c.gslb?.gslbRuntime(o.uuid!) ?? { uuid: o.uuid, name: o.name, site: [] };
  },
};

export const gslbServiceBehaviour: TypeBehaviour = {
  write(o, c) {
    const g = gslbOf(c.store);
    if (!g) throw new BadRequest("GSLB is not configured on this controller; create the Gslb object first");
    leaderOnly(c);
    const domains = ((g.dns_configs as { domain_name: string }[] | undefined) ?? []).map((d) => lower(d.domain_name));
    const names = (o.domain_names as string[] | undefined) ?? [];
    if (names.length === 0) throw new BadRequest("domain_names: Ensure this field has at least 1 elements.");
    for (const n of names) {
      if (!domains.some((d) => lower(n) === d || lower(n).endsWith(`.${d}`)))
        throw new BadRequest(`GslbService domain name ${n} is not in any GSLB sub-domain (${domains.join(", ") || "none configured"})`);
    }
    for (const other of c.store.list("gslbservice")) {
      if (other.uuid === o.uuid) continue;
      const clash = ((other.domain_names as string[] | undefined) ?? []).find((d) => names.some((n) => lower(n) === lower(d)));
      if (clash) throw new BadRequest(`Domain name ${clash} is already used by GslbService ${String(other.name)}`, 409);
    }
    const clusters = new Set(((g.sites as GslbSite[] | undefined) ?? []).map((s) => s.cluster_uuid));
    o.enabled ??= true;
    o.pool_algorithm ??= "GSLB_SERVICE_ALGORITHM_PRIORITY";
    o.health_monitor_scope ??= "GSLB_SERVICE_HEALTH_MONITOR_ALL_MEMBERS";
    o.controller_health_status_enabled ??= true;
    o.is_federated ??= true;
    for (const grp of (o.groups as Obj[] | undefined) ?? []) {
      grp.enabled ??= true;
      grp.priority ??= 10;
      for (const m of (grp.members as Obj[] | undefined) ?? []) {
        m.enabled ??= true;
        m.ratio ??= 1;
        if (m.cluster_uuid !== undefined && !clusters.has(String(m.cluster_uuid)))
          throw new BadRequest(`GslbService member cluster_uuid ${String(m.cluster_uuid)} is not a GSLB site`);
      }
    }
  },
  runtime(o, c) {
    const g = gslbOf(c.store);
    const sites = (g?.sites as GslbSite[] | undefined) ?? [];
    const state = (up: boolean) => ({ state: up ? "OPER_UP" : "OPER_DOWN" });
    // GslbServiceRuntime → groups[] GslbPoolRuntime {name, oper_status, members[] GslbPoolMemberRuntimeInfo}.
    const groups = ((o.groups as Obj[] | undefined) ?? []).map((grp) => {
      const members = ((grp.members as Obj[] | undefined) ?? []).map((m) => {
        const up = m.enabled !== false && (c.gslb?.memberUp(o.uuid!, m as GslbMember) ?? true);
        return {
          ip: m.ip,
          cluster_uuid: m.cluster_uuid,
          vs_uuid: m.vs_uuid,
          site_name: sites.find((s) => s.cluster_uuid === m.cluster_uuid)?.name,
          oper_status: state(up),
        };
      });
      return { name: grp.name, oper_status: state(members.some((m) => m.oper_status.state === "OPER_UP")), members };
    });
    const anyUp = groups.some((grp) => grp.oper_status.state === "OPER_UP");
    return {
      uuid: o.uuid,
      name: o.name,
      oper_status: { state: o.enabled === false ? "OPER_DISABLED" : anyUp ? "OPER_UP" : "OPER_DOWN" },
      groups,
    };
  },
};
