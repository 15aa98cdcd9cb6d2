import type { AviObject } from "../../clients/avi/types.js";
import type { LabStore } from "../types.js";
import { gslbOf, lower, type GslbMember } from "../avi/gslb-behaviour.js";
import type { GslbSite } from "../../clients/avi/models.js";

type Obj = AviObject & Record<string, unknown>;
interface Group {
  name?: string;
  priority?: number;
  enabled?: boolean;
  members?: GslbMember[];
}

export type MemberHealth = (gsUuid: string, m: GslbMember) => boolean;
/** The name of a member's virtual service at its site, when the lab knows it. */
export type MemberVsName = (m: GslbMember) => string | undefined;

/** What the DNS log says about a GSLB answer: the service, the pool (group) chosen, the VS behind each address. */
export interface GslbLogInfo {
  uuid: string;
  name: string;
  pool: string;
  vsNames: (string | undefined)[];
}

/**
 * GSLB answers of one DNS virtual service: a GSLB service whose domain matches is answered from its
 * highest-priority group with a healthy member, by smooth weighted round robin over the healthy
 * members (the site's ratio overrides the member's where set). Only DNS VSes the Gslb lists serve GSLB.
 */
export class GslbAnswers {
  private current = new Map<string, Map<string, number>>();

  constructor(
    private readonly store: LabStore,
    private readonly vsUuid: string,
    private readonly healthy: MemberHealth,
    private readonly vsName: MemberVsName = () => undefined,
  ) {}

  lookup(name: string, defaultTtl: number): { ips: string[]; ttl: number; sites: string[]; gslb?: GslbLogInfo } | undefined {
    const g = gslbOf(this.store);
    if (!g) return undefined;
    const sites = (g.sites as GslbSite[] | undefined) ?? [];
    if (!sites.some((s) => (s.dns_vses ?? []).some((d) => d.dns_vs_uuid === this.vsUuid))) return undefined;
    const gs = this.store
      .list("gslbservice")
      .find((x) => ((x.domain_names as string[] | undefined) ?? []).some((d) => lower(d) === name)) as Obj | undefined;
    if (!gs) return undefined;
    const ttl = typeof gs.ttl === "number" ? gs.ttl : defaultTtl;
    if (gs.enabled === false) return { ips: [], ttl, sites: [] };
    const groups = ((gs.groups as Group[] | undefined) ?? [])
      .filter((grp) => grp.enabled !== false && (grp.priority ?? 10) > 0)
      .sort((a, b) => (b.priority ?? 10) - (a.priority ?? 10));
    for (const grp of groups) {
      const up = (grp.members ?? []).filter((m) => m.enabled !== false && m.ip?.addr && this.healthy(gs.uuid!, m));
      if (up.length === 0) continue;
      const weight = (m: GslbMember) => sites.find((s) => s.cluster_uuid === m.cluster_uuid)?.ratio ?? m.ratio ?? 1;
      const n = Math.min(Math.max(Number(gs.num_dns_ip ?? 1) || 1, 1), up.length);
      const picked: GslbMember[] = [];
      for (let i = 0; i < n; i++)
        picked.push(
          this.next(
            `${gs.uuid}/${grp.name}`,
            up.filter((m) => !picked.includes(m)),
            weight,
          ),
        );
      return {
        ips: picked.map((m) => m.ip!.addr!),
        ttl,
        sites: picked.map((m) => sites.find((s) => s.cluster_uuid === m.cluster_uuid)?.name ?? ""),
        gslb: { uuid: gs.uuid!, name: gs.name!, pool: grp.name ?? "", vsNames: picked.map((m) => this.vsName(m)) },
      };
    }
    return { ips: [], ttl, sites: [] };
  }

  /** Smooth weighted round robin (each pick: add weights, take the largest, subtract the total). */
  private next(key: string, members: GslbMember[], weight: (m: GslbMember) => number): GslbMember {
    let cur = this.current.get(key);
    if (!cur) this.current.set(key, (cur = new Map()));
    let total = 0;
    let best: GslbMember = members[0]!;
    let bestValue = -Infinity;
    for (const m of members) {
      const w = weight(m);
      total += w;
      const v = (cur.get(m.ip!.addr!) ?? 0) + w;
      cur.set(m.ip!.addr!, v);
      if (v > bestValue) [best, bestValue] = [m, v];
    }
    cur.set(best.ip!.addr!, bestValue - total);
    return best;
  }
}
