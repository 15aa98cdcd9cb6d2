/** Shard sizes as AKO maps them (shardVSSize / AviInfraSetting l7Settings.shardSize); 0 = a dedicated VS per host. */
export const SHARD_SIZES = { LARGE: 8, MEDIUM: 4, SMALL: 1, DEDICATED: 0 } as const;
export type ShardSize = keyof typeof SHARD_SIZES;

export function isShardSize(s: string): s is ShardSize {
  return Object.hasOwn(SHARD_SIZES, s);
}

/** FNV-1a, 32 bits, over the UTF-8 bytes of s (Go's hash/fnv New32a, which AKO's utils.Hash uses). */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, "utf8")) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

/** AKO's bucket: hash & (shards − 1). */
export function shardIndex(host: string, shards: number): number {
  return (fnv1a32(host) & (shards - 1)) >>> 0;
}

/**
 * The virtual service AKO puts a host on: `<cluster>--Shared-L7-[<infra>-]<n>` for shared sizes,
 * `<cluster>--[<infra>-]<host>-L7-dedicated` for DEDICATED (AKO's GetShardVSName).
 */
export function l7VsName(cluster: string, host: string, size: ShardSize, infraSetting?: string): string {
  const prefix = infraSetting ? `${infraSetting}-` : "";
  if (size === "DEDICATED") return `${cluster}--${prefix}${host}-L7-dedicated`;
  return `${cluster}--Shared-L7-${prefix}${shardIndex(host, SHARD_SIZES[size])}`;
}

/** The L4 virtual service (and VsVip) of a Service of type LoadBalancer. */
export const l4VsName = (cluster: string, ns: string, name: string) => `${cluster}--${ns}-${name}`;
/** The L4 pool of one Service port. */
export const l4PoolName = (cluster: string, ns: string, name: string, port: number) => `${l4VsName(cluster, ns, name)}--${port}`;
/** The pool of one Ingress host/path (AKO's GetL7PoolName): the path's slashes become underscores. */
export const l7PoolName = (cluster: string, host: string, path: string, ns: string, ingress: string, infraSetting?: string) =>
  `${cluster}--${infraSetting ? `${infraSetting}-` : ""}${host}${path.replace(/\//g, "_")}-${ns}-${ingress}`;

/** The FQDN AKO registers for a LoadBalancer Service per L4Settings.autoFQDN, or undefined when disabled. */
export function autoFqdn(mode: string | undefined, svc: string, ns: string, subdomain: string | undefined): string | undefined {
  if (!subdomain || mode === "disabled") return undefined;
  return mode === "flat" ? `${svc}-${ns}.${subdomain}` : `${svc}.${ns}.${subdomain}`;
}
