import { randomBytes } from "node:crypto";
import type { AviObject } from "../../clients/avi/types.js";
import { BadRequest, uuidOf } from "./refs.js";
import { lastModified } from "./seed.js";
import { CLOUD_SCOPED, type MemoryStore } from "./store.js";
import type { LabGslbHooks } from "../types.js";
import { gslbBehaviour, gslbServiceBehaviour, leaderOnly } from "./gslb-behaviour.js";

type Obj = AviObject & Record<string, unknown>;
interface Addr {
  addr: string;
}
interface Range {
  begin: Addr;
  end: Addr;
}

const v4 = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
const fromV4 = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

/** Fill what the controller fills on create: cloud, VRF, SE group and profile defaults. */
export function applyDefaults(type: string, o: Obj, store: MemoryStore, base: string): void {
  const cloud = store.findByName("cloud", "Default-Cloud");
  if (CLOUD_SCOPED.has(type) && !o.cloud_ref && cloud) o.cloud_ref = cloud.url;
  const cloudUuid = uuidOf(o.cloud_ref);
  const named = (t: string, n: string, scoped = false) => store.findByName(t, n, scoped ? cloudUuid : undefined)?.url;
  if (type === "virtualservice") {
    o.se_group_ref ??= named("serviceenginegroup", "Default-Group", true);
    o.vrf_context_ref ??= named("vrfcontext", "global", true);
    o.application_profile_ref ??= named("applicationprofile", "System-HTTP");
    o.network_profile_ref ??= named("networkprofile", "System-TCP-Proxy");
    o.enabled ??= true;
    // No analytics_policy unless the client sends one (as recorded); readers take the schema defaults when absent.
    for (const s of (o.services as Obj[] | undefined) ?? []) s.port_range_end ??= s.port;
  }
  if (type === "vsvip") {
    o.vrf_context_ref ??= named("vrfcontext", "global", true);
    // The controller numbers VIPs itself when the client leaves vip_id out.
    for (const [i, v] of ((o.vip as Obj[] | undefined) ?? []).entries()) v.vip_id = String(v.vip_id ?? i);
  }
  if (type === "serviceenginegroup") {
    o.ha_mode ??= "HA_MODE_SHARED";
    o.se_name_prefix ??= "Avi";
    o.buffer_se ??= 1;
    o.max_se ??= 10;
  }
  if (type === "vrfcontext") o.system_default ??= false;
  void base;
}

/** Give every auto-allocated VIP the next free address of its network's VIP pool. */
export function allocateVips(vsvip: Obj, store: MemoryStore): void {
  for (const vip of (vsvip.vip as Obj[] | undefined) ?? []) {
    if (!isTrue(vip.auto_allocate_ip) || (vip.ip_address as Addr | undefined)?.addr) continue;
    const netRef = (vip.ipam_network_subnet as { network_ref?: string } | undefined)?.network_ref;
    const net = netRef ? store.get("network", uuidOf(netRef)) : undefined;
    if (!net) throw new BadRequest("No IPAM network given for auto-allocated VIP; set ipam_network_subnet.network_ref");
    const used = usedAddresses(store, vsvip.uuid);
    const free = poolRanges(net as Obj, "VIP")
      .flatMap((r) => expand(r))
      .find((a) => !used.has(a));
    if (!free) throw new BadRequest(`No available free IPs in network ${String(net.name)}`);
    vip.ip_address = { addr: free, type: "V4" };
    vip.discovered_networks = [{ network_ref: net.url, subnet: [(net.configured_subnets as Obj[])[0]?.prefix] }];
  }
}

function usedAddresses(store: MemoryStore, except?: string): Set<string> {
  const used = new Set<string>();
  for (const v of store.list("vsvip")) {
    if (v.uuid === except) continue;
    for (const vip of (v.vip as Obj[] | undefined) ?? []) {
      const a = (vip.ip_address as Addr | undefined)?.addr;
      if (a) used.add(a);
    }
  }
  return used;
}

/** Static ranges usable for VIPs (or SEs): 20.1.3+ static_ip_ranges by type, older static_ranges. */
export function poolRanges(net: Obj, purpose: "VIP" | "SE"): Range[] {
  const out: Range[] = [];
  for (const s of (net.configured_subnets as Obj[] | undefined) ?? []) {
    for (const r of (s.static_ip_ranges as Obj[] | undefined) ?? []) {
      const t = String(r.type ?? "STATIC_IPS_FOR_VIP_AND_SE");
      if (t === "STATIC_IPS_FOR_VIP_AND_SE" || t === `STATIC_IPS_FOR_${purpose}`) out.push(r.range as Range);
    }
    for (const r of (s.static_ranges as Range[] | undefined) ?? []) out.push(r);
  }
  return out;
}

function expand(r: Range): string[] {
  const out: string[] = [];
  for (let n = v4(r.begin.addr); n <= v4(r.end.addr) && out.length < 65536; n++) out.push(fromV4(n));
  return out;
}

/** Place a virtual service on a service engine of its group, creating one named with the group's prefix. */
export function placeVirtualService(vs: Obj, store: MemoryStore, base: string): void {
  const segUuid = uuidOf(vs.se_group_ref);
  const seg = store.get("serviceenginegroup", segUuid);
  if (!seg) return;
  let se = store.list("serviceengine").find((s) => uuidOf(s.se_group_ref) === segUuid);
  if (!se) {
    const suffix = Array.from(randomBytes(5), (b) => "abcdefghijklmnopqrstuvwxyz"[b % 26]).join("");
    const uuid = `se-${randomBytes(8).toString("hex")}`;
    se = store.put("serviceengine", {
      uuid,
      url: `${base}/api/serviceengine/${uuid}`,
      name: `${String(seg.se_name_prefix ?? "Avi")}-se-${suffix}`,
      se_group_ref: seg.url,
      cloud_ref: seg.cloud_ref,
      tenant_ref: seg.tenant_ref,
      _last_modified: lastModified(),
    });
  }
  vs.__se = se.url;
}

/** Runtime of a virtual service, shaped like /api/virtualservice/<uuid>/runtime/. */
export function vsRuntime(vs: Obj, store?: { get(type: string, uuid: string): AviObject | undefined }): Obj {
  const { state, reason } = vsOperState(vs, store);
  return {
    uuid: vs.uuid,
    name: vs.name,
    oper_status: { state, reason: reason ? [reason] : [] },
    vip_summary: [{ vip_id: "1", oper_status: { state } }],
  };
}

/** Up when enabled and placed on an SE; an L4 VS whose pools have no servers is down, as on the controller. */
export function vsOperState(
  vs: Obj,
  store?: { get(type: string, uuid: string): AviObject | undefined },
): { state: string; reason?: string } {
  const enabled = vs.enabled !== false && vs.enabled !== "false";
  if (!enabled) return { state: "OPER_DISABLED", reason: "virtual service is disabled" };
  if (!vs.__se) return { state: "OPER_RESOURCES", reason: "no service engine" };
  const pools = [
    vs.pool_ref,
    ...((vs.service_pool_select as { service_pool_ref?: string }[] | undefined) ?? []).map((s) => s.service_pool_ref),
  ].filter((r): r is string => typeof r === "string");
  if (store && pools.length > 0) {
    const servers = pools.flatMap((r) => (store.get("pool", uuidOf(r))?.servers as unknown[] | undefined) ?? []);
    if (servers.length === 0) return { state: "OPER_DOWN", reason: "pool has no servers" };
  }
  return { state: "OPER_UP" };
}

/** Refuse deletes the controller refuses: system objects and objects still referred to. */
export function checkDelete(type: string, o: Obj, store: MemoryStore): void {
  if (
    o.system_default === true ||
    /^System-/.test(String(o.name)) ||
    (type === "serviceenginegroup" && o.name === "Default-Group") ||
    type === "cloud"
  ) {
    throw new BadRequest("Cannot delete system default object", 403);
  }
  const referrers = store.referrers(o.uuid!).filter(([t]) => t !== "serviceengine" && t !== "vimgrnwruntime");
  if (referrers.length > 0) {
    const names = referrers.map(([t, r]) => `${t} ${String(r.name ?? r.uuid)}`).join(", ");
    throw new BadRequest(`Cannot delete, object is referred by: [${names}]`, 409);
  }
  if (type === "serviceenginegroup")
    for (const se of store.list("serviceengine")) if (uuidOf(se.se_group_ref) === o.uuid) store.remove("serviceengine", se.uuid!);
}

export function isTrue(v: unknown): boolean {
  return v === true || v === "true";
}

/** What a type's behaviour may use: the controller's store, base URL, cluster and GSLB federation. */
export interface BehaviourContext {
  store: MemoryStore;
  base: string;
  clusterUuid: string;
  gslb?: LabGslbHooks;
}

/** How the controller treats one object type beyond the generic REST semantics. */
export interface TypeBehaviour {
  /** Checks and fills on create, replace and patch, before the object is stored (throw BadRequest to refuse). */
  write?(o: Obj, ctx: BehaviourContext, current?: Obj): void;
  /** After a create has been stored. */
  created?(o: Obj, ctx: BehaviourContext): void;
  /** Before a delete that passed the generic checks. */
  deleting?(o: Obj, ctx: BehaviourContext): void;
  /** GET /api/<type>/<uuid>/runtime. */
  runtime?(o: Obj, ctx: BehaviourContext): unknown;
}

/** Per-type behaviour of the lab controller; types without an entry are plain stored objects. */
export const behaviours: Record<string, TypeBehaviour> = {
  vsvip: { write: (o, c) => allocateVips(o, c.store) },
  virtualservice: { write: (o, c) => placeVirtualService(o, c.store, c.base), runtime: (o, c) => vsRuntime(o, c.store) },
  gslb: gslbBehaviour,
  gslbservice: gslbServiceBehaviour,
  healthmonitor: { write: (o, c) => (isTrue(o.is_federated) ? leaderOnly(c) : undefined) },
};
