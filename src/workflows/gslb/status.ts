import type { AviClient } from "../../clients/avi/types.js";
import { OperationError, UsageError } from "../../base/errors.js";
import { updateOwned, type PlanItem } from "../ensure.js";
import { clusterUuid, gslbRuntime, host, leaderGslb, siteProblem, type GslbService } from "./common.js";

export interface GslbSiteStatus {
  name: string;
  role: string;
  memberType?: string;
  addresses: string[];
  dnsVses: string[];
  reachable: boolean;
  /** site_info.state, e.g. SITE_STATE_UNREACHABLE. */
  state?: string;
  syncState?: string;
  /** Federated objects queued on the leader for this site (replication_stats, 20.1.1+). */
  pendingObjects?: number;
  version?: string;
  problem?: string;
}

export interface GslbMemberStatus {
  ip: string;
  site?: string;
  group: string;
  priority: number;
  ratio: number;
  health: string;
  /** Share of answers this member should get now (0..1): its weight among the healthy members of the active group. */
  expectedShare: number;
}

export interface GslbServiceStatus {
  name: string;
  fqdns: string[];
  ttl?: number;
  state: string;
  createdBy?: string;
  members: GslbMemberStatus[];
}

export interface GslbStatus {
  leader: string;
  subdomains: string[];
  sites: GslbSiteStatus[];
  services: GslbServiceStatus[];
  healthy: boolean;
  problems: string[];
}

interface MemberRuntime {
  ip?: { addr?: string };
  cluster_uuid?: string;
  site_name?: string;
  oper_status?: { state?: string };
}

/** Sites with their runtime and GSLB services with member health and expected shares, read on the leader. */
export async function gslbStatus(avi: AviClient): Promise<GslbStatus> {
  const gslb = await leaderGslb(avi, await clusterUuid(avi));
  if (!gslb) throw new OperationError(`GSLB is not enabled on ${host(avi)}`, "run 'avictl gslb enable' on the leader");
  const runtime = await gslbRuntime(avi, gslb.uuid!);
  const problems: string[] = [];
  const sites = (gslb.sites ?? []).map((s) => {
    const rt = runtime.find((r) => r.site_info?.cluster_uuid === s.cluster_uuid);
    const problem = s.enabled === false ? undefined : siteProblem(rt);
    if (problem) problems.push(`site ${s.name}: ${problem}`);
    return {
      name: s.name,
      role: rt?.site_info?.role ?? (s.cluster_uuid === gslb.leader_cluster_uuid ? "GSLB_LEADER" : "GSLB_MEMBER"),
      memberType: s.member_type,
      addresses: (s.ip_addresses ?? []).map((a) => `${a.addr}:${s.port ?? 443}`),
      dnsVses: (rt?.site_info?.dns_info?.dns_vs_states ?? []).map((d) => d.name ?? d.uuid ?? "?"),
      reachable: rt?.site_info?.oper_status?.state === "OPER_UP",
      state: rt?.site_info?.state,
      syncState: rt?.site_cfg?.sync_info?.sync_state,
      pendingObjects: rt?.replication_stats?.pending_object_count,
      version: rt?.site_info?.sw_version,
      problem,
    };
  });
  const services: GslbServiceStatus[] = [];
  for (const gs of await avi.list<GslbService>("gslbservice")) {
    const rt = await avi.get<{ oper_status?: { state?: string }; groups?: { name?: string; members?: MemberRuntime[] }[] }>(
      `gslbservice/${gs.uuid}/runtime`,
    );
    const health = (group: string, ip: string) =>
      rt.groups?.find((g) => g.name === group)?.members?.find((m) => m.ip?.addr === ip)?.oper_status?.state ?? "OPER_UNKNOWN";
    const members: GslbMemberStatus[] = [];
    for (const g of gs.groups ?? []) {
      for (const m of g.members ?? []) {
        const site = gslb.sites?.find((s) => s.cluster_uuid === m.cluster_uuid);
        members.push({
          ip: m.ip?.addr ?? "",
          site: site?.name,
          group: g.name,
          priority: g.priority ?? 10,
          ratio: site?.ratio ?? m.ratio ?? 1,
          health: m.enabled === false ? "DISABLED" : health(g.name, m.ip?.addr ?? ""),
          expectedShare: 0,
        });
      }
    }
    const active = members.filter((m) => m.health === "OPER_UP" && m.priority > 0).sort((a, b) => b.priority - a.priority)[0]?.priority;
    const live = members.filter((m) => m.health === "OPER_UP" && m.priority === active);
    const total = live.reduce((n, m) => n + m.ratio, 0);
    for (const m of live) m.expectedShare = m.ratio / total;
    const state = gs.enabled === false ? "OPER_DISABLED" : (rt.oper_status?.state ?? "OPER_UNKNOWN");
    if (state !== "OPER_UP" && state !== "OPER_DISABLED") problems.push(`GSLB service ${gs.name}: ${state}`);
    for (const m of members)
      if (m.health !== "OPER_UP" && m.health !== "DISABLED")
        problems.push(`GSLB service ${gs.name}: member ${m.ip}${m.site ? ` (${m.site})` : ""} is ${m.health}`);
    services.push({ name: gs.name ?? "", fqdns: gs.domain_names ?? [], ttl: gs.ttl, state, createdBy: gs.created_by, members });
  }
  return {
    leader: host(avi),
    subdomains: (gslb.dns_configs ?? []).map((d) => d.domain_name),
    sites,
    services,
    healthy: problems.length === 0,
    problems,
  };
}

/** Set a GSLB service's TTL on the leader (PATCH replace of ttl only); warns when AMKO owns the service. */
export async function setTtl(
  avi: AviClient,
  service: string,
  ttl: number,
  dryRun: boolean,
): Promise<{ dryRun: boolean; plan: PlanItem[]; warnings: string[] }> {
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 86400)
    throw new UsageError(`TTL must be a whole number of seconds between 0 and 86400, not "${ttl}"`);
  await leaderGslb(avi, await clusterUuid(avi));
  const gs = await avi.getByName<GslbService>("gslbservice", service);
  if (!gs) throw new OperationError(`GSLB service "${service}" does not exist on ${host(avi)}`, "list them with 'avictl gslb services'");
  const warnings = gs.created_by?.startsWith("amko")
    ? [`${service} is managed by AMKO, which sets the TTL back on its next sync; set the GDP's ttl instead (avictl amko traffic-split)`]
    : [];
  const { item } = await updateOwned(avi, "gslbservice", gs, { ttl }, { dryRun });
  return { dryRun, plan: [item], warnings };
}
