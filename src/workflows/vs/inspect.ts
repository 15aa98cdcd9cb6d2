import { OperationError } from "../../base/errors.js";
import { nameOfRef, uuidOfRef, type AviClient, type AviObject } from "../../clients/avi/types.js";

type Marker = { key: string; values?: string[] };

/** The Kubernetes object AKO made a virtual service for. */
export interface KubeOrigin {
  cluster?: string;
  kind: "Service" | "Ingress" | "shared";
  namespace?: string;
  name?: string;
  hosts: string[];
}

export interface PoolView {
  name: string;
  up: number;
  total: number;
  servers: { ip: string; port?: number; enabled: boolean }[];
  host?: string;
  path?: string;
  /** The pool group member's priority label (AKO's "<host><path>" on a shared L7 VS). */
  label?: string;
}

export interface VsView {
  name: string;
  uuid: string;
  vips: string[];
  fqdns: string[];
  state: string;
  reason?: string;
  seGroup?: string;
  members: { up: number; total: number };
  pools: PoolView[];
  kube?: KubeOrigin;
}

const markers = (o: AviObject) => Object.fromEntries(((o.markers as Marker[] | undefined) ?? []).map((m) => [m.key, m.values?.[0]]));

/** Which Kubernetes object is behind a VS: AKO's markers, then its service_metadata, then its naming. */
export function originOf(vs: AviObject, pools: AviObject[]): KubeOrigin | undefined {
  const m = markers(vs);
  const name = String(vs.name ?? "");
  const cluster = m.clustername ?? (/^(.+?)--/.exec(name)?.[1] || undefined);
  const hostsOfPools = [...new Set(pools.map((p) => markers(p).Host).filter((h): h is string => Boolean(h)))];
  let meta: { namespace?: string; svc_name?: string; ingress_name?: string; hostnames?: string[] } = {};
  try {
    meta = JSON.parse(String(vs.service_metadata ?? "{}")) as typeof meta;
  } catch {
    // Not AKO's metadata.
  }
  if (m.ServiceName || meta.svc_name)
    return {
      cluster,
      kind: "Service",
      namespace: m.Namespace ?? meta.namespace,
      name: m.ServiceName ?? meta.svc_name,
      hosts: meta.hostnames ?? [],
    };
  if (/--Shared-L7-/.test(name) || /-L7-dedicated$/.test(name)) {
    const ingresses = [
      ...new Set(
        pools
          .map((p) => markers(p))
          .filter((pm) => pm.IngressName)
          .map((pm) => `${pm.Namespace}/${pm.IngressName}`),
      ),
    ];
    if (/-L7-dedicated$/.test(name) && ingresses.length === 1) {
      const [namespace, ing] = ingresses[0]!.split("/");
      return { cluster, kind: "Ingress", namespace, name: ing, hosts: hostsOfPools };
    }
    return { cluster, kind: "shared", hosts: hostsOfPools.length ? hostsOfPools : (meta.hostnames ?? []) };
  }
  const l4 = /^(.+?)--([a-z0-9-]+?)-([a-z0-9.-]+)$/.exec(name);
  if (vs.created_by === `ako-${cluster}` && l4) return { cluster, kind: "Service", namespace: l4[2], name: l4[3], hosts: [] };
  return undefined;
}

async function view(
  avi: AviClient,
  vs: AviObject,
  all: { vsvips: AviObject[]; pools: AviObject[]; poolgroups: AviObject[] },
): Promise<VsView> {
  const vsvip = all.vsvips.find((v) => typeof vs.vsvip_ref === "string" && uuidOfRef(vs.vsvip_ref) === v.uuid);
  // A shared L7 VS reaches its pools through AKO's pool group named as the VS, one member per host/path.
  const groups = all.poolgroups.filter(
    (g) =>
      (typeof vs.pool_group_ref === "string" && uuidOfRef(vs.pool_group_ref) === g.uuid) ||
      (g.name === vs.name && g.created_by !== undefined && g.created_by === vs.created_by),
  );
  const labels = new Map(
    groups
      .flatMap((g) => (g.members as { pool_ref?: string; priority_label?: string }[] | undefined) ?? [])
      .filter((m) => typeof m.pool_ref === "string")
      .map((m) => [uuidOfRef(m.pool_ref!), m.priority_label]),
  );
  const refs = new Set(
    [vs.pool_ref, ...((vs.service_pool_select as { service_pool_ref?: string }[] | undefined) ?? []).map((s) => s.service_pool_ref)]
      .filter((r): r is string => typeof r === "string")
      .map(uuidOfRef),
  );
  const pools = all.pools.filter((p) => refs.has(p.uuid!) || labels.has(p.uuid!));
  const poolViews: PoolView[] = pools.map((p) => {
    const servers = ((p.servers as { ip?: { addr?: string }; port?: number; enabled?: boolean }[] | undefined) ?? []).map((s) => ({
      ip: s.ip?.addr ?? "",
      port: s.port,
      enabled: s.enabled !== false,
    }));
    const pm = markers(p);
    return {
      name: p.name!,
      up: servers.filter((s) => s.enabled).length,
      total: servers.length,
      servers,
      ...(pm.Host ? { host: pm.Host } : {}),
      ...(pm.Path ? { path: pm.Path } : {}),
      ...(labels.get(p.uuid!) ? { label: labels.get(p.uuid!) } : {}),
    };
  });
  const runtime = await avi
    .get<{ oper_status?: { state?: string; reason?: string[] } }>(`virtualservice/${vs.uuid}/runtime/`)
    .catch(() => undefined);
  const dnsInfo = [
    ...((vs.dns_info as { fqdn?: string }[] | undefined) ?? []),
    ...((vsvip?.dns_info as { fqdn?: string }[] | undefined) ?? []),
  ];
  return {
    name: vs.name!,
    uuid: vs.uuid!,
    vips: ((vsvip?.vip as { ip_address?: { addr?: string } }[] | undefined) ?? [])
      .map((v) => v.ip_address?.addr)
      .filter((a): a is string => Boolean(a)),
    fqdns: [...new Set(dnsInfo.map((d) => d.fqdn).filter((f): f is string => Boolean(f)))],
    state: runtime?.oper_status?.state ?? "UNKNOWN",
    reason: runtime?.oper_status?.reason?.join("; ") || undefined,
    seGroup: typeof vs.se_group_ref === "string" ? nameOfRef(vs.se_group_ref) : undefined,
    members: { up: poolViews.reduce((n, p) => n + p.up, 0), total: poolViews.reduce((n, p) => n + p.total, 0) },
    pools: poolViews,
    kube: originOf(vs, pools),
  };
}

async function everything(avi: AviClient) {
  const [vses, vsvips, pools, poolgroups, segs] = await Promise.all([
    avi.list("virtualservice"),
    avi.list("vsvip"),
    avi.list("pool"),
    avi.list("poolgroup"),
    avi.list("serviceenginegroup"),
  ]);
  // Refs come back as URLs; name them from the listing rather than one lookup each.
  for (const vs of vses)
    if (typeof vs.se_group_ref === "string" && !vs.se_group_ref.includes("#"))
      vs.se_group_ref = `${vs.se_group_ref}#${segs.find((s) => s.uuid === uuidOfRef(vs.se_group_ref as string))?.name ?? ""}`;
  return { vses, vsvips, pools, poolgroups };
}

/** Every virtual service (or those of one AKO cluster) with VIP, state, SE group, members and origin. */
export async function listVirtualServices(avi: AviClient, o: { cluster?: string } = {}): Promise<VsView[]> {
  const all = await everything(avi);
  const chosen = all.vses.filter(
    (vs) => !o.cluster || String(vs.name).startsWith(`${o.cluster}--`) || vs.created_by === `ako-${o.cluster}`,
  );
  return Promise.all(chosen.map((vs) => view(avi, vs, all)));
}

export async function showVirtualService(avi: AviClient, name: string): Promise<VsView> {
  const all = await everything(avi);
  const vs = all.vses.find((v) => v.name === name);
  if (!vs) throw new OperationError(`virtual service "${name}" does not exist`, "list them with: avictl vs list");
  return view(avi, vs, all);
}
