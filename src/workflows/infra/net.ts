import ipaddr from "ipaddr.js";
import { UsageError } from "../../base/errors.js";
import type { IpAddr, IpAddrPrefix, StaticIpRange, StaticIpRangeType, StaticRoute, Subnet } from "../../clients/avi/models.js";
import { AVI_RANGES, type AviRangeField } from "./ranges.js";

export interface Cidr {
  addr: string;
  mask: number;
  text: string;
}
export interface Pool {
  begin: string;
  end: string;
  type: StaticIpRangeType;
}

/** "10.10.25.0/24" → network address and mask; the address must be the network's own. */
export function parseCidr(text: string, what: string): Cidr {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(text);
  } catch {
    throw new UsageError(`${what} "${text}" is not a CIDR like 10.10.25.0/24`);
  }
  const [ip, mask] = parsed;
  if (ip.kind() !== "ipv4") throw new UsageError(`IPv6 is not supported for ${what} "${text}": give an IPv4 subnet`);
  const network = ipaddr.IPv4.networkAddressFromCIDR(text).toString();
  if (network !== ip.toString()) throw new UsageError(`${what} "${text}" is not a network address (did you mean ${network}/${mask}?)`);
  return { addr: network, mask, text };
}

export function parseIp(text: string, what: string): string {
  if (ipaddr.IPv6.isValid(text)) throw new UsageError(`IPv6 is not supported for ${what} "${text}": give an IPv4 address`);
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) throw new UsageError(`${what} "${text}" is not an IPv4 address`);
  return text;
}

export function inCidr(ip: string, c: Cidr): boolean {
  return ipaddr.parse(ip).match(ipaddr.parse(c.addr), c.mask);
}

export function toNumber(ip: string): number {
  return ipaddr.IPv4.parse(ip)
    .toByteArray()
    .reduce((n, b) => n * 256 + b, 0);
}

const fromNumber = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

/** "10.10.25.40-10.10.25.59" within its subnet, begin ≤ end. */
export function parsePool(text: string, subnet: Cidr, type: StaticIpRangeType, what: string): Pool {
  const m = /^([^-]+)-([^-]+)$/.exec(text);
  if (!m) throw new UsageError(`${what} pool "${text}" must look like 10.10.25.40-10.10.25.59`);
  const begin = parseIp(m[1]!, `${what} pool start`);
  const end = parseIp(m[2]!, `${what} pool end`);
  if (toNumber(begin) > toNumber(end)) throw new UsageError(`${what} pool "${text}" starts after it ends`);
  if (!inCidr(begin, subnet) || !inCidr(end, subnet)) throw new UsageError(`${what} pool "${text}" is outside its subnet ${subnet.text}`);
  if (subnet.mask <= 30) {
    // Service engines and VIPs would be handed the subnet's own network or broadcast address.
    const network = toNumber(subnet.addr);
    const broadcast = network + 2 ** (32 - subnet.mask) - 1;
    if (toNumber(begin) === network)
      throw new UsageError(
        `${what} pool "${text}" covers ${subnet.addr}, the network address of ${subnet.text}; start it at ${fromNumber(network + 1)} or later`,
      );
    if (toNumber(end) === broadcast)
      throw new UsageError(
        `${what} pool "${text}" covers ${fromNumber(broadcast)}, the broadcast address of ${subnet.text}; end it at ${fromNumber(broadcast - 1)} or earlier`,
      );
  }
  return { begin, end, type };
}

/** One sentence naming the first two pools that overlap, if any. */
export function assertNoOverlap(pools: { label: string; pool: Pool }[]): void {
  const sorted = [...pools].sort((a, b) => toNumber(a.pool.begin) - toNumber(b.pool.begin));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (toNumber(cur.pool.begin) <= toNumber(prev.pool.end)) {
      throw new UsageError(
        `pools overlap: ${prev.label} ${prev.pool.begin}-${prev.pool.end} and ${cur.label} ${cur.pool.begin}-${cur.pool.end}`,
      );
    }
  }
}

export const v4 = (addr: string): IpAddr => ({ addr, type: "V4" });
export const prefixOf = (c: Cidr): IpAddrPrefix => ({ ip_addr: v4(c.addr), mask: c.mask });

/**
 * A configured subnet with its pool in the form the session's API version accepts: 20.1.3 introduced
 * typed static_ip_ranges; older controllers only know untyped static_ranges.
 */
export function subnetBody(c: Cidr, pools: Pool[], modern: boolean): Subnet {
  if (modern)
    return { prefix: prefixOf(c), static_ip_ranges: pools.map((p) => ({ range: { begin: v4(p.begin), end: v4(p.end) }, type: p.type })) };
  return { prefix: prefixOf(c), static_ranges: pools.map((p) => ({ begin: v4(p.begin), end: v4(p.end) })) };
}

/**
 * Put our subnet (with its pool) in place of any configured subnet it overlaps — the one avictl set
 * earlier, now corrected — and keep the network's other subnets. Within the same subnet a pool is
 * owned per use: ours replaces the ranges of its type (VIP or SE) and any range it overlaps, and
 * keeps the others, so `bootstrap cloud` (the SE pool) and `gslb add-site --prepare` (a VIP pool)
 * can share a management network without undoing each other. Untyped ranges (before 20.1.3) cannot
 * tell, and are replaced.
 */
export function mergeSubnets(existing: Subnet[] | undefined, ours: Subnet): Subnet[] {
  const mine = { addr: ours.prefix.ip_addr.addr, mask: Number(ours.prefix.mask) };
  const overlaps = (s: Subnet) => {
    if (s.prefix.ip_addr.type === "V6") return false;
    const theirs = { addr: s.prefix.ip_addr.addr, mask: Number(s.prefix.mask) };
    return inCidr(theirs.addr, { ...mine, text: "" }) || inCidr(mine.addr, { ...theirs, text: "" });
  };
  const same = (existing ?? []).find((s) => s.prefix.ip_addr.addr === mine.addr && Number(s.prefix.mask) === mine.mask);
  const kept = (same?.static_ip_ranges ?? []).filter((r) => !(ours.static_ip_ranges ?? []).some((o) => sharesUse(r, o)));
  const merged = kept.length ? { ...ours, static_ip_ranges: [...kept, ...(ours.static_ip_ranges ?? [])] } : ours;
  return [...(existing ?? []).filter((s) => !overlaps(s)), merged];
}

/** Two typed ranges serve the same use (a VIP_AND_SE range serves both) or share an address. */
function sharesUse(a: StaticIpRange, b: StaticIpRange): boolean {
  const types = (r: StaticIpRange) =>
    r.type === "STATIC_IPS_FOR_VIP_AND_SE" || !r.type ? ["VIP", "SE"] : [r.type.replace("STATIC_IPS_FOR_", "")];
  const shareType = types(a).some((t) => types(b).includes(t));
  const overlap = toNumber(a.range.begin.addr) <= toNumber(b.range.end.addr) && toNumber(b.range.begin.addr) <= toNumber(a.range.end.addr);
  return shareType || overlap;
}

/**
 * A static route whose id derives from its content (`avictl-<prefix>-<mask>-<next hop>`): concurrent
 * avictl runs adding different routes never pick the same id, the same route always gets the same id
 * (a second adder meets the controller's duplicate-id refusal, re-reads and finds it present), and the
 * prefix keeps clear of the shell's numbers (1, 2, …) and AKO's `<cluster>-…` ids.
 */
export function routeFor(prefix: Cidr, nextHop: string): StaticRoute {
  return { route_id: `avictl-${prefix.addr}-${prefix.mask}-${nextHop}`, prefix: prefixOf(prefix), next_hop: v4(nextHop) };
}

export const routeKey = (r: StaticRoute) => `${r.prefix.ip_addr.addr}/${Number(r.prefix.mask)}>${r.next_hop.addr}`;

/** 0.0.0.0/0 not placed by AKO (AKO labels its routes clustername=<cluster>). */
export const isOwnDefaultRoute = (r: StaticRoute) =>
  r.prefix.ip_addr.addr === "0.0.0.0" && Number(r.prefix.mask) === 0 && !r.labels?.some((l) => l.key === "clustername");

/** "www.example.com" style names (and the domain part of FQDNs). */
export function assertDnsName(name: string, what: string): string {
  const n = name.replace(/\.$/, "");
  if (!/^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9_]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(n)) {
    throw new UsageError(`${what} "${name}" is not a valid DNS name`);
  }
  return n.toLowerCase();
}

/** A whole number in decimal digits (not 1e3, 0x1e or 1.0) from min to max. */
export function parseCount(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^-?\d{1,10}$/.test(text.trim()) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${text}"`);
  return n;
}

/** parseCount within the range the official schema allows for the field, optionally narrower. */
export function parseSchemaCount(
  text: string | undefined,
  flag: string,
  field: AviRangeField,
  narrower: { min?: number; max?: number } = {},
): number | undefined {
  const [min, max] = AVI_RANGES[field];
  return parseCount(text, flag, Math.max(min, narrower.min ?? min), Math.min(max, narrower.max ?? max));
}
