import type { Answer, Packet, Question } from "dns-packet";
import type { AviObject } from "../../clients/avi/types.js";
import type { LabStore } from "../types.js";
import { vsOperState } from "../avi/behaviour.js";
import { uuidOf } from "../avi/refs.js";
import { GslbAnswers, type GslbLogInfo, type MemberHealth, type MemberVsName } from "./gslb.js";

type DnsInfo = { fqdn?: string; ttl?: number };

interface DnsProfile {
  ttl?: number;
  negative_caching_ttl?: number;
  error_response?: string;
  aaaa_empty_response?: boolean;
  num_dns_ip?: number;
  admin_email?: string;
  name_server?: string;
  dns_zones?: { domain_name: string; admin_email?: string; name_server?: string }[];
}

interface StaticRecord {
  type?: string;
  fqdn?: string[];
  ttl?: number;
  ip_address?: { ip_address?: { addr?: string } }[];
  num_records_in_response?: number;
  algorithm?: string;
}

/** A reply to send, or undefined to drop the query (as error_response NONE does). */
export interface DnsAnswer {
  reply?: Packet;
  rcode: string;
  answers: string[];
}

const RCODES: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
const lower = (s: string) => s.toLowerCase().replace(/\.$/, "");

/** Where a name sits in the authoritative zones of the profile. */
function zoneOf(name: string, profile: DnsProfile): { domain_name: string; admin_email?: string; name_server?: string } | undefined {
  return (profile.dns_zones ?? [])
    .filter((z) => name === lower(z.domain_name) || name.endsWith(`.${lower(z.domain_name)}`))
    .sort((a, b) => b.domain_name.length - a.domain_name.length)[0];
}

/**
 * Answers one question for one DNS virtual service the way the Avi DNS service does: static records
 * and virtual-service FQDNs as A records, empty NOERROR for AAAA, SOA for hosted zones (also in the
 * authority section of NXDOMAIN), and unknown names answered NXDOMAIN or dropped per error_response.
 */
export class DnsResponder {
  private rr = new Map<string, number>();
  private readonly gslb: GslbAnswers;

  constructor(
    private readonly store: LabStore,
    private readonly vsUuid: string,
    healthy: MemberHealth = () => true,
    vsName?: MemberVsName,
  ) {
    this.gslb = new GslbAnswers(store, vsUuid, healthy, vsName);
  }

  /** GSLB site names behind the last answer, for the DNS log. */
  lastSites: string[] = [];
  /** The GSLB service behind the last answer, for the DNS log. */
  lastGslb?: GslbLogInfo;

  private profile(): DnsProfile {
    const vs = this.store.get("virtualservice", this.vsUuid);
    const app = vs ? this.store.get("applicationprofile", uuidOf(vs.application_profile_ref)) : undefined;
    return ((app?.dns_service_profile as DnsProfile | undefined) ?? {}) as DnsProfile;
  }

  /** The A addresses for a name, and the TTL, from static records then virtual-service FQDNs. */
  private lookup(name: string, profile: DnsProfile, client: string): { ips: string[]; ttl: number } | undefined {
    this.lastSites = [];
    this.lastGslb = undefined;
    const gs = this.gslb.lookup(name, profile.ttl ?? 30);
    if (gs) {
      this.lastSites = gs.sites;
      this.lastGslb = gs.gslb;
      return gs;
    }
    const vs = this.store.get("virtualservice", this.vsUuid);
    for (const rec of (vs?.static_dns_records as StaticRecord[] | undefined) ?? []) {
      if ((rec.type ?? "DNS_RECORD_A") !== "DNS_RECORD_A" || !(rec.fqdn ?? []).some((f) => lower(f) === name)) continue;
      const all = (rec.ip_address ?? []).map((a) => a.ip_address?.addr).filter((a): a is string => Boolean(a));
      return {
        ips: this.pick(name, all, rec.num_records_in_response ?? 0, rec.algorithm ?? "DNS_RECORD_RESPONSE_CONSISTENT_HASH", client),
        ttl: rec.ttl ?? profile.ttl ?? 30,
      };
    }
    const ips: string[] = [];
    let ttl = profile.ttl ?? 30;
    for (const other of this.store.list("virtualservice")) {
      const vsvip = this.store.get("vsvip", uuidOf(other.vsvip_ref));
      const info = [...((other.dns_info as DnsInfo[] | undefined) ?? []), ...((vsvip?.dns_info as DnsInfo[] | undefined) ?? [])];
      const hit = info.find((d) => d.fqdn && lower(d.fqdn) === name);
      if (!hit || other.enabled === false) continue;
      // State-based DNS registration: a VS that is not up has no record.
      if (this.stateBased(other) && vsOperState(other as AviObject & Record<string, unknown>, this.store).state !== "OPER_UP") continue;
      if (hit.ttl !== undefined) ttl = hit.ttl;
      ips.push(...vipAddresses(this.store, other));
    }
    if (ips.length === 0) return undefined;
    return { ips: this.pick(name, ips, profile.num_dns_ip ?? 1, "DNS_RECORD_RESPONSE_ROUND_ROBIN", client), ttl };
  }

  private pick(name: string, all: string[], n: number, algorithm: string, client: string): string[] {
    if (n <= 0 || n >= all.length) return all;
    let start: number;
    if (algorithm === "DNS_RECORD_RESPONSE_ROUND_ROBIN") {
      start = this.rr.get(name) ?? 0;
      this.rr.set(name, (start + n) % all.length);
    } else {
      start = [...client].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % all.length;
    }
    return Array.from({ length: n }, (_, i) => all[(start + i) % all.length]!);
  }

  private stateBased(vs: AviObject): boolean {
    const cloud = this.store.get("cloud", uuidOf(vs.cloud_ref));
    return cloud?.state_based_dns_registration === true;
  }

  answer(query: Packet, client: string): DnsAnswer {
    const q: Question | undefined = query.questions?.[0];
    const base = { type: "response" as const, id: query.id, questions: query.questions ?? [] };
    if (!q) return { rcode: "FORMERR", answers: [], reply: { ...base, flags: RCODES.FORMERR! } as Packet };
    const profile = this.profile();
    const name = lower(q.name);
    const zone = zoneOf(name, profile);
    const flags = (zone ? 1 << 10 : 0) | ((query.flags ?? 0) & 0x0100); // AA when authoritative; echo RD
    const soa = (): Answer[] => (zone ? [soaRecord(zone, profile)] : []);
    const reply = (rcode: string, answers: Answer[], authorities: Answer[] = []): DnsAnswer => ({
      rcode,
      answers: answers.flatMap((a) => (a.type === "A" ? [a.data] : [])),
      // dns-packet encodes the rcode only from the low bits of flags.
      reply: { ...base, flags: flags | RCODES[rcode]!, answers, authorities } as Packet,
    });
    const found = q.type === "A" || q.type === "AAAA" ? this.lookup(name, profile, client) : undefined;
    if (q.type === "A" && found)
      return reply(
        "NOERROR",
        found.ips.map((ip) => ({ name: q.name, type: "A", class: "IN", ttl: found.ttl, data: ip })),
      );
    if (q.type === "AAAA" && found && profile.aaaa_empty_response !== false) return reply("NOERROR", []);
    if (zone && q.type === "SOA" && name === lower(zone.domain_name)) return reply("NOERROR", soa());
    if (zone && q.type === "NS" && name === lower(zone.domain_name))
      return reply("NOERROR", [
        {
          name: q.name,
          type: "NS",
          class: "IN",
          ttl: profile.ttl ?? 30,
          data: zone.name_server ?? profile.name_server ?? `ns.${zone.domain_name}`,
        },
      ]);
    if (zone) return found || name === lower(zone.domain_name) ? reply("NOERROR", [], soa()) : reply("NXDOMAIN", [], soa());
    if (profile.error_response === "DNS_ERROR_RESPONSE_ERROR") return reply(found ? "NOERROR" : "NXDOMAIN", []);
    return { rcode: found ? "NOERROR" : "NXDOMAIN", answers: [] };
  }
}

function soaRecord(zone: { domain_name: string; admin_email?: string; name_server?: string }, p: DnsProfile): Answer {
  const email = zone.admin_email ?? p.admin_email ?? "hostmaster";
  const rname = email.includes("@") ? email.replace("@", ".") : `${email}.${zone.domain_name}`;
  return {
    name: zone.domain_name,
    type: "SOA",
    class: "IN",
    ttl: p.negative_caching_ttl ?? 30,
    data: {
      mname: zone.name_server ?? p.name_server ?? `ns.${zone.domain_name}`,
      rname,
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: p.negative_caching_ttl ?? 30,
    },
  } as Answer;
}

/** The IPv4 VIP addresses a virtual service is reachable on. */
export function vipAddresses(store: LabStore, vs: AviObject): string[] {
  const vsvip = store.get("vsvip", uuidOf(vs.vsvip_ref));
  return ((vsvip?.vip as { ip_address?: { addr?: string } }[] | undefined) ?? [])
    .map((v) => v.ip_address?.addr)
    .filter((a): a is string => Boolean(a));
}
