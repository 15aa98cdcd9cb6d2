import { randomUUID } from "node:crypto";
import type { AviObject } from "../clients/avi/types.js";
import { autoFqdn, isShardSize, l4PoolName, l4VsName, l7PoolName, l7VsName, type ShardSize } from "../base/ako-naming.js";
import { allocateVips, placeVirtualService } from "./avi/behaviour.js";
import { uuidOf } from "./avi/refs.js";
import { lastModified } from "./avi/seed.js";
import type { MemoryStore } from "./avi/store.js";
import type { LabStore } from "./types.js";

type Obj = AviObject & Record<string, unknown>;

/** An AviInfraSetting as AKO reads it (Accepted ones only). */
export interface InfraSettingModel {
  name: string;
  seGroup?: string;
  networks?: string[];
  shardSize?: string;
}

/** A Service of type LoadBalancer with its ready endpoints. */
export interface L4ServiceModel {
  namespace: string;
  name: string;
  ports: { port: number; targetPort: number; protocol: string }[];
  /** Ready pod addresses behind the Service. */
  servers: string[];
  infraSetting?: InfraSettingModel;
}

/** One host/path of an Ingress with the ready endpoints of its backend Service port. */
export interface IngressPathModel {
  host: string;
  path: string;
  targetPort: number;
  servers: string[];
}

export interface IngressModel {
  namespace: string;
  name: string;
  paths: IngressPathModel[];
  infraSetting?: InfraSettingModel;
}

/** The objects that changed since the last sync, as they were and as they are (absent: not served / gone). */
export interface AkoChanges {
  services: { before?: L4ServiceModel; after?: L4ServiceModel }[];
  ingresses: { before?: IngressModel; after?: IngressModel }[];
}

/** What AKO writes back: Service and Ingress load-balancer status, keyed "ns/name". */
export interface AkoSyncResult {
  services: Record<string, { ip: string; hostname?: string }[]>;
  ingresses: Record<string, { ip: string; hostname: string }[]>;
}

// Deleted in this order, created in the reverse one.
const SYNCED = ["virtualservice", "poolgroup", "pool", "vsvip"] as const;

/**
 * AKO's data plane on the controller, as the lab emulates it: from the cluster's LoadBalancer
 * Services and Ingresses, the virtual services, VsVips, pools AKO would own
 * (created_by ako-<cluster>, names as AKO makes them), created, updated or deleted so the controller
 * holds exactly those; VIPs come from the network's static pool through the controller's IPAM.
 * With `changes`, as AKO's informers deliver them, only the virtual services those objects were or
 * are on are rebuilt (with all their hosts), and the status returned covers those virtual services;
 * without, every object AKO owns is reconciled.
 */
export function akoSync(
  labStore: LabStore,
  base: string,
  config: Record<string, string>,
  services: L4ServiceModel[],
  ingresses: IngressModel[],
  changes?: AkoChanges,
): AkoSyncResult {
  const store = labStore as MemoryStore;
  const cluster = config.clusterName ?? "";
  const createdBy = `ako-${cluster}`;
  const cloud = store.findByName("cloud", config.cloudName ?? "Default-Cloud");
  const result: AkoSyncResult = { services: {}, ingresses: {} };
  if (!cloud?.uuid) return result;
  const named = (type: string, name: string, scoped = true) => store.findByName(type, name, scoped ? cloud.uuid : undefined);
  const subdomain = dnsSubdomain(store, cloud as Obj, config.defaultDomain);
  const defaultNet = vipNetworks(config)[0];
  const defaultSeg = config.serviceEngineGroupName || "Default-Group";
  const desired = new Map<string, Map<string, Obj>>(SYNCED.map((t) => [t, new Map()]));
  const want = (type: (typeof SYNCED)[number], o: Obj): Obj => {
    desired.get(type)!.set(o.name!, o);
    return o;
  };

  const vsvip = (name: string, netName: string | undefined, fqdns: string[]): Obj | undefined => {
    const net = netName ? named("network", netName) : undefined;
    if (!net) return undefined;
    return want("vsvip", {
      name,
      cloud_ref: cloud.url,
      vrf_context_ref: net.vrf_context_ref,
      vip: [{ vip_id: "0", auto_allocate_ip: true, ipam_network_subnet: { network_ref: net.url } }],
      ...(fqdns.length ? { dns_info: fqdns.map((fqdn) => ({ fqdn, type: "DNS_RECORD_A" })) } : {}),
    });
  };
  const pool = (name: string, servers: string[], port: number, vrf: unknown, markers: { key: string; values: string[] }[]): Obj =>
    want("pool", {
      name,
      cloud_ref: cloud.url,
      vrf_ref: vrf,
      default_server_port: port,
      servers: servers.map((ip) => ({ ip: { addr: ip, type: "V4" }, port })),
      markers,
      created_by: createdBy,
    });
  const segRef = (infra?: InfraSettingModel) => named("serviceenginegroup", infra?.seGroup ?? defaultSeg)?.url;
  const shardOf = (ing: IngressModel, host: string) => {
    const size: ShardSize =
      [ing.infraSetting?.shardSize, config.shardVSSize].find((s): s is ShardSize => Boolean(s) && isShardSize(s!)) ?? "LARGE";
    return l7VsName(cluster, host, size, ing.infraSetting?.name);
  };
  // The virtual services to rebuild: all, or those the changed objects were or are on.
  const scope = changes
    ? new Set([
        ...changes.services.flatMap((c) => [c.before, c.after]).flatMap((s) => (s ? [l4VsName(cluster, s.namespace, s.name)] : [])),
        ...changes.ingresses.flatMap((c) => [c.before, c.after]).flatMap((i) => (i ? i.paths.map((p) => shardOf(i, p.host)) : [])),
      ])
    : undefined;
  const inScope = (vsName: string) => !scope || scope.has(vsName);

  // Services of type LoadBalancer: one L4 VS each, a pool per port.
  const l4Fqdns = new Map<string, string | undefined>();
  for (const s of services) {
    const name = l4VsName(cluster, s.namespace, s.name);
    if (!inScope(name)) continue;
    const fqdn = autoFqdn(config.autoFQDN, s.name, s.namespace, subdomain);
    l4Fqdns.set(name, fqdn);
    const vip = vsvip(name, s.infraSetting?.networks?.[0] ?? defaultNet, fqdn ? [fqdn] : []);
    if (!vip) continue;
    const markers = [
      { key: "clustername", values: [cluster] },
      { key: "Namespace", values: [s.namespace] },
      { key: "ServiceName", values: [s.name] },
    ];
    const pools = s.ports.map((p) =>
      pool(l4PoolName(cluster, s.namespace, s.name, p.port), s.servers, p.targetPort, vip.vrf_context_ref, [
        ...markers,
        { key: "Port", values: [String(p.port)] },
      ]),
    );
    want("virtualservice", {
      name,
      cloud_ref: cloud.url,
      vrf_context_ref: vip.vrf_context_ref,
      se_group_ref: segRef(s.infraSetting),
      application_profile_ref: named("applicationprofile", "System-L4-Application", false)?.url,
      network_profile_ref: named("networkprofile", "System-TCP-Proxy", false)?.url,
      services: s.ports.map((p) => ({ port: p.port, port_range_end: p.port })),
      vsvip_ref: `@vsvip:${name}`,
      pool_ref: `@pool:${pools[0]!.name}`,
      ...(pools.length > 1
        ? { service_pool_select: s.ports.map((p, i) => ({ service_port: p.port, service_pool_ref: `@pool:${pools[i]!.name}` })) }
        : {}),
      markers,
      service_metadata: JSON.stringify({ namespace: s.namespace, svc_name: s.name, hostnames: fqdn ? [fqdn] : [] }),
      created_by: createdBy,
    });
  }

  // Ingresses: each host on the shared (or dedicated) VS AKO's hashing picks; a pool per host/path.
  const hostsOf = new Map<string, { infra?: InfraSettingModel; rules: { ing: IngressModel; p: IngressPathModel }[] }>();
  // In namespace/name order, as the API server lists them, whatever order the changes came in.
  const byKey = (a: IngressModel, b: IngressModel) => {
    const [x, y] = [`${a.namespace}|${a.name}`, `${b.namespace}|${b.name}`];
    return x < y ? -1 : x > y ? 1 : 0;
  };
  for (const ing of [...ingresses].sort(byKey)) {
    for (const p of ing.paths) {
      const vsName = shardOf(ing, p.host);
      if (!inScope(vsName)) continue;
      const entry = hostsOf.get(vsName) ?? { infra: ing.infraSetting, rules: [] };
      entry.rules.push({ ing, p });
      hostsOf.set(vsName, entry);
    }
  }
  for (const [vsName, { infra, rules }] of hostsOf) {
    const hosts = [...new Set(rules.map((r) => r.p.host))].sort();
    const vip = vsvip(vsName, infra?.networks?.[0] ?? defaultNet, hosts);
    if (!vip) continue;
    const pools = rules.map(({ ing, p }) => ({
      label: `${p.host}${p.path}`.toLowerCase(),
      pool: pool(l7PoolName(cluster, p.host, p.path, ing.namespace, ing.name, infra?.name), p.servers, p.targetPort, vip.vrf_context_ref, [
        { key: "clustername", values: [cluster] },
        { key: "Namespace", values: [ing.namespace] },
        { key: "IngressName", values: [ing.name] },
        { key: "Host", values: [p.host] },
        { key: "Path", values: [p.path] },
      ]),
    }));
    // AKO's shard pool group, named as the VS: one member per host/path, its priority label
    // "<host><path>" being what AKO's request DataScript selects by.
    want("poolgroup", {
      name: vsName,
      cloud_ref: cloud.url,
      implicit_priority_labels: true,
      members: pools.map((pl) => ({ pool_ref: `@pool:${pl.pool.name}`, priority_label: pl.label, ratio: 1 })),
      markers: [{ key: "clustername", values: [cluster] }],
      created_by: createdBy,
    });
    want("virtualservice", {
      name: vsName,
      cloud_ref: cloud.url,
      vrf_context_ref: vip.vrf_context_ref,
      se_group_ref: segRef(infra),
      application_profile_ref: named("applicationprofile", "System-HTTP", false)?.url,
      network_profile_ref: named("networkprofile", "System-TCP-Proxy", false)?.url,
      vsvip_ref: `@vsvip:${vsName}`,
      services: [{ port: 80, port_range_end: 80 }],
      markers: [{ key: "clustername", values: [cluster] }],
      service_metadata: JSON.stringify({ hostnames: hosts }),
      created_by: createdBy,
    });
  }

  apply(store, base, createdBy, cloud.uuid, desired, scope);

  // Status as AKO writes it: the VIP, and the FQDN (Services) or the host (Ingresses).
  const vipOf = (vsName: string) => {
    const v = named("vsvip", vsName);
    return ((v?.vip as { ip_address?: { addr?: string } }[] | undefined) ?? []).map((x) => x.ip_address?.addr).find(Boolean);
  };
  for (const s of services) {
    const name = l4VsName(cluster, s.namespace, s.name);
    if (!inScope(name)) continue;
    const ip = vipOf(name);
    const hostname = l4Fqdns.get(name);
    if (ip) result.services[`${s.namespace}/${s.name}`] = [{ ip, ...(hostname ? { hostname } : {}) }];
  }
  for (const [vsName, { rules }] of hostsOf) {
    const ip = vipOf(vsName);
    if (!ip) continue;
    for (const { ing, p } of rules) {
      const list = (result.ingresses[`${ing.namespace}/${ing.name}`] ??= []);
      if (!list.some((e) => e.hostname === p.host)) list.push({ ip, hostname: p.host });
    }
  }
  return result;
}

/**
 * Make the controller hold exactly the desired AKO objects: create/update in dependency order, delete the rest in reverse.
 * With a scope, "the rest" is what those virtual services own today: their VsVips, pool groups and pools.
 */
function apply(
  store: MemoryStore,
  base: string,
  createdBy: string,
  cloudUuid: string,
  desired: Map<string, Map<string, Obj>>,
  scope?: Set<string>,
): void {
  const owned = new Map<string, Map<string, Obj>>(SYNCED.map((type) => [type, new Map()]));
  const own = (type: string, o: AviObject | undefined) => {
    if (o && (o.created_by === createdBy || (type === "vsvip" && String(o.name).startsWith(`${createdBy.slice(4)}--`))))
      owned.get(type)!.set(o.name!, o as Obj);
  };
  if (!scope) for (const type of SYNCED) for (const o of store.list(type)) own(type, o);
  else {
    for (const name of scope) {
      const vs = store.findByName("virtualservice", name, cloudUuid);
      const pg = store.findByName("poolgroup", name, cloudUuid);
      own("virtualservice", vs);
      own("poolgroup", pg);
      own("vsvip", store.findByName("vsvip", name, cloudUuid));
      const poolRefs = [
        vs?.pool_ref,
        ...((vs?.service_pool_select as { service_pool_ref?: string }[] | undefined) ?? []).map((x) => x.service_pool_ref),
        ...((pg?.members as { pool_ref?: string }[] | undefined) ?? []).map((m) => m.pool_ref),
      ];
      for (const ref of poolRefs) if (typeof ref === "string") own("pool", store.get("pool", uuidOf(ref)));
    }
    for (const p of desired.get("pool")!.values()) own("pool", store.findByName("pool", p.name!, cloudUuid));
  }
  const resolve = (v: unknown): unknown => {
    if (typeof v === "string" && v.startsWith("@")) {
      const [type, name] = v.slice(1).split(/:(.*)/s) as [string, string];
      return desired.get(type)?.get(name)?.url;
    }
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    return v;
  };
  const unplaced = new Set<string>();
  for (const type of [...SYNCED].reverse()) {
    for (const want of desired.get(type)!.values()) {
      const cur = owned.get(type)!.get(want.name!);
      // No VIP, no virtual service: AKO retries later and the object keeps an empty status.
      if (
        (type === "virtualservice" || type === "poolgroup") &&
        unplaced.has(type === "poolgroup" ? want.name! : String(want.vsvip_ref).slice(7))
      ) {
        desired.get(type)!.delete(want.name!);
        continue;
      }
      // Only pool groups and virtual services refer to other AKO objects.
      const body = (type === "poolgroup" || type === "virtualservice" ? resolve(want) : { ...want }) as Obj;
      if (type === "vsvip" && cur) {
        // A VsVip keeps its allocated address; only its FQDNs follow the hosts.
        body.vip = cur.vip;
      }
      const uuid = cur?.uuid ?? `${type}-${randomUUID()}`;
      const next: Obj = {
        ...body,
        uuid,
        url: `${base}/api/${type}/${uuid}`,
        tenant_ref: `${base}/api/tenant/admin`,
        _last_modified: String(cur?._last_modified ?? ""),
      };
      if (cur && type === "virtualservice") next.__se = cur.__se;
      if (type === "vsvip" && !cur) {
        try {
          allocateVips(next, store);
        } catch {
          unplaced.add(want.name!);
          desired.get(type)!.delete(want.name!);
          continue;
        }
      }
      if (type === "virtualservice" && !cur) placeVirtualService(next, store, base);
      want.url = next.url;
      if (cur && same(cur, next)) continue;
      next._last_modified = lastModified();
      store.put(type, next);
    }
  }
  for (const type of SYNCED) for (const o of owned.get(type)!.values()) if (!desired.get(type)!.has(o.name!)) store.remove(type, o.uuid!);
}

function same(a: Obj, b: Obj): boolean {
  const strip = (o: Obj) =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries(o)
          .filter(([k]) => k !== "_last_modified")
          .sort(([x], [y]) => x.localeCompare(y)),
      ),
    );
  return strip(a) === strip(b);
}

/** The VIP network names of AKO's ConfigMap: vipNetworkList (1.4.1+) or networkName. */
export function vipNetworks(config: Record<string, string>): string[] {
  try {
    const list = JSON.parse(config.vipNetworkList ?? "[]") as { networkName?: string }[];
    const names = list.map((n) => n.networkName).filter((n): n is string => Boolean(n));
    if (names.length) return names;
  } catch {
    // 1.4-era ConfigMaps may carry networkName instead.
  }
  return config.networkName ? [config.networkName] : [];
}

/** The DNS sub-domain AKO uses for FQDNs: the values' defaultDomain if the cloud's DNS profile has it, else its first domain. */
function dnsSubdomain(store: MemoryStore, cloud: Obj, preferred: string | undefined): string | undefined {
  const profile = store.get("ipamdnsproviderprofile", uuidOf(cloud.dns_provider_ref));
  const domains = (
    (profile?.internal_profile as { dns_service_domain?: { domain_name: string }[] } | undefined)?.dns_service_domain ?? []
  ).map((d) => d.domain_name);
  return preferred && domains.includes(preferred) ? preferred : domains[0];
}
