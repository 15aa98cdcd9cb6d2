import { OperationError, UsageError } from "../base/errors.js";
import type { AviClient } from "../clients/avi/types.js";
import type { Kube, KubeObject } from "../clients/k8s.js";
import { isShardSize, l7VsName, type ShardSize } from "../base/ako-naming.js";
import type { Events } from "./events.js";
import { crdVersion } from "./k8s/crd.js";
import { DNS_LABEL, intFlag, namespaceFlag } from "./k8s/flags.js";

export interface DummyIngressOptions {
  count: number;
  action: "apply" | "delete";
  app: string;
  ingressClass?: string;
  domain: string;
  namespace: string;
  port: number;
  targetPort: number;
  concurrency: number;
  wait: boolean;
  timeoutMs: number;
  /** With both, the expected shard of each host is computed (offline with predictOnly, unless a class gives them). */
  clusterName?: string;
  shardSize?: ShardSize;
  /** The AviInfraSetting the ingress class names (its name is part of the shard VS's). */
  infraSetting?: string;
  predictOnly: boolean;
}

export interface DummyPair {
  name: string;
  host: string;
  action: "created" | "updated" | "unchanged" | "deleted" | "absent";
  vip?: string;
  /** The virtual service the controller has on that VIP. */
  vs?: string;
  /** Where AKO's hashing puts the host (with --cluster-name and --shard-size). */
  predicted?: string;
}

export interface ShardRow {
  vip: string;
  vs?: string;
  hosts: number;
}

export interface DummyIngressResult {
  action: "apply" | "delete" | "predict";
  namespace: string;
  pairs: DummyPair[];
  shards: ShardRow[];
  /** Hosts whose VS differs from the prediction. */
  elsewhere: { host: string; predicted: string; actual?: string }[];
  writes: number;
}

const MANAGED = "avictl.io/dummy-ingress";

/** Validate the flags into options: one sentence per mistake, before anything is contacted. */
export function toDummyIngressOptions(
  countText: string,
  action: string,
  app: string,
  raw: {
    ingressClass?: string;
    domain?: string;
    namespace?: string;
    port?: string;
    targetPort?: string;
    concurrency?: string;
    wait?: boolean;
    timeoutMs: number;
    predict?: boolean;
    clusterName?: string;
    shardSize?: string;
  },
  tty: boolean,
): DummyIngressOptions {
  if (!/^[1-9]\d*$/.test(countText) || Number(countText) > 5000)
    throw new UsageError(`COUNT must be a positive integer up to 5000, not "${countText}"`);
  if (action !== "apply" && action !== "delete") throw new UsageError(`action must be apply or delete, not "${action}"`);
  const count = Number(countText);
  if (!DNS_LABEL.test(app) || app.length + String(count).length > 63)
    throw new UsageError(`APP "${app}" must be a lowercase DNS label short enough to number (e.g. hello)`);
  const shardSize = raw.shardSize?.toUpperCase();
  if (shardSize !== undefined && !isShardSize(shardSize))
    throw new UsageError(`--shard-size must be LARGE, MEDIUM, SMALL or DEDICATED, not "${raw.shardSize}"`);
  // An ingress class whose AviInfraSetting sets l7Settings.shardSize gives the shard size.
  if (raw.predict && (!raw.clusterName || (!shardSize && !raw.ingressClass)))
    throw new UsageError("--predict needs --cluster-name and --shard-size (or --ingress-class)");
  if (shardSize && !raw.clusterName) throw new UsageError("--shard-size needs --cluster-name");
  if (raw.clusterName && !shardSize && !raw.ingressClass) throw new UsageError("--cluster-name needs --shard-size or --ingress-class");
  const domain = raw.domain ?? "avi.iberia.local";
  if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(domain))
    throw new UsageError(`--domain "${domain}" is not a DNS name`);
  const namespace = namespaceFlag(raw.namespace);
  return {
    count,
    action,
    app,
    ingressClass: raw.ingressClass,
    domain,
    namespace,
    port: intFlag(raw.port, "--port", 1, 65535) ?? 80,
    targetPort: intFlag(raw.targetPort, "--target-port", 1, 65535) ?? 8080,
    concurrency: intFlag(raw.concurrency, "--concurrency", 1, 200) ?? 20,
    wait: raw.wait ?? tty,
    timeoutMs: raw.timeoutMs,
    clusterName: raw.clusterName,
    shardSize: shardSize as ShardSize | undefined,
    predictOnly: Boolean(raw.predict),
  };
}

const names = (o: DummyIngressOptions) =>
  Array.from({ length: o.count }, (_, i) => ({ name: `${o.app}${i + 1}`, host: `${o.app}${i + 1}.${o.domain}` }));

/** The shard each host lands on per AKO's hashing, without any cluster or controller. */
export function predictDummyIngress(o: DummyIngressOptions): DummyIngressResult {
  const pairs = names(o).map((p) => ({
    ...p,
    action: "absent" as const,
    predicted: l7VsName(o.clusterName!, p.host, o.shardSize!, o.infraSetting),
  }));
  const byVs = new Map<string, number>();
  for (const p of pairs) byVs.set(p.predicted, (byVs.get(p.predicted) ?? 0) + 1);
  return {
    action: "predict",
    namespace: o.namespace,
    pairs,
    shards: [...byVs].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true })).map(([vs, hosts]) => ({ vip: "", vs, hosts })),
    elsewhere: [],
    writes: 0,
  };
}

/**
 * With --ingress-class and --cluster-name: the class's AviInfraSetting, whose name AKO puts in the
 * shard VS's and whose l7Settings.shardSize (else --shard-size, AKO's shardVSSize) sizes the shards.
 */
export async function withClassShards(o: DummyIngressOptions, kube: Kube): Promise<DummyIngressOptions> {
  if (!o.ingressClass) return o;
  const cls = await kube.get("networking.k8s.io/v1", "IngressClass", o.ingressClass);
  if (!cls)
    throw new UsageError(`ingress class "${o.ingressClass}" does not exist in the cluster`, "list them with: kubectl get ingressclass");
  if (!o.clusterName) return o;
  const params = (cls.spec as { parameters?: { kind?: string; name?: string } } | undefined)?.parameters;
  const infra =
    params?.kind === "AviInfraSetting" && params.name
      ? await kube.get(
          await crdVersion(kube, "aviinfrasettings", "ako.vmware.com", "install AKO first: its chart ships the AviInfraSetting CRD"),
          "AviInfraSetting",
          params.name,
        )
      : undefined;
  const size = (infra?.spec as { l7Settings?: { shardSize?: string } } | undefined)?.l7Settings?.shardSize?.toUpperCase();
  const shardSize = size && isShardSize(size) ? size : o.shardSize;
  if (!shardSize)
    throw new UsageError(
      `ingress class "${o.ingressClass}" sets no shard size through an AviInfraSetting: pass --shard-size (AKO's shardVSSize)`,
    );
  return { ...o, shardSize, infraSetting: infra ? params!.name : undefined };
}

function service(o: DummyIngressOptions, name: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: o.namespace, labels: { [MANAGED]: o.app } },
    spec: { selector: { app: o.app }, ports: [{ name: "http", port: o.port, targetPort: o.targetPort, protocol: "TCP" }] },
  };
}

function ingress(o: DummyIngressOptions, name: string, host: string): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace: o.namespace, labels: { [MANAGED]: o.app } },
    // The backend names the Service port (the blog's script pointed at the targetPort, which matches no port).
    spec: {
      ...(o.ingressClass ? { ingressClassName: o.ingressClass } : {}),
      rules: [{ host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name, port: { number: o.port } } } }] } }],
    },
  };
}

/** Does the live object already carry what avictl would apply? */
function owns(live: KubeObject | undefined, want: KubeObject): boolean {
  if (!live) return false;
  const same = (a: unknown, b: unknown): boolean => {
    if (b && typeof b === "object" && !Array.isArray(b))
      return Boolean(a) && typeof a === "object" && Object.entries(b).every(([k, v]) => same((a as Record<string, unknown>)[k], v));
    if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length && b.every((v, i) => same(a[i], v));
    return a === b;
  };
  return same(live.metadata?.labels, want.metadata?.labels) && same(live.spec, want.spec);
}

async function pool<T>(items: T[], n: number, f: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await f(items[next++]!);
    }),
  );
}

/**
 * The blog's dummy_ingress.sh, concurrent and idempotent: COUNT Service+Ingress pairs APP1..APPN with
 * hosts APPi.DOMAIN (apply) or exactly those pairs removed (delete); with wait, the VIP AKO gave
 * each host and which virtual service on the controller serves it.
 */
export async function runDummyIngress(
  o: DummyIngressOptions,
  c: { kube: Kube; avi?: AviClient },
  events: Events,
): Promise<DummyIngressResult> {
  const wanted = names(o);
  if (o.action === "apply") o = await withClassShards(o, c.kube);
  const [svcs, ings] = await Promise.all([
    c.kube.list("v1", "Service", o.namespace),
    c.kube.list("networking.k8s.io/v1", "Ingress", o.namespace),
  ]);
  const live = (list: KubeObject[], name: string) => list.find((x) => x.metadata?.name === name);
  const pairs: DummyPair[] = [];
  let writes = 0;
  let done = 0;
  await pool(wanted, o.concurrency, async ({ name, host }) => {
    const pair: DummyPair = { name, host, action: "unchanged" };
    if (o.action === "apply") {
      const s = service(o, name);
      const i = ingress(o, name, host);
      const [ls, li] = [live(svcs, name), live(ings, name)];
      for (const [want, cur] of [
        [s, ls],
        [i, li],
      ] as const) {
        if (owns(cur, want)) continue;
        await c.kube.apply(want);
        writes++;
        pair.action = cur ? "updated" : "created";
      }
    } else {
      // Only pairs avictl made for this APP go, never a same-named object someone else owns.
      const mine = (x?: KubeObject) => (x?.metadata?.labels as Record<string, string> | undefined)?.[MANAGED] === o.app;
      pair.action = "absent";
      for (const [apiVersion, kind, cur] of [
        ["networking.k8s.io/v1", "Ingress", live(ings, name)],
        ["v1", "Service", live(svcs, name)],
      ] as const) {
        if (!mine(cur)) continue;
        if (await c.kube.delete(apiVersion, kind, name, o.namespace)) writes++;
        pair.action = "deleted";
      }
    }
    pairs.push(pair);
    events.progress(++done, wanted.length);
  });
  pairs.sort((a, b) => wanted.findIndex((w) => w.name === a.name) - wanted.findIndex((w) => w.name === b.name));
  const result: DummyIngressResult = { action: o.action, namespace: o.namespace, pairs, shards: [], elsewhere: [], writes };
  if (o.action === "delete" || !o.wait) return result;

  events.step("waiting for AKO to fill the ingress status");
  type Status = { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
  const fill = (now: KubeObject[]) => {
    for (const p of pairs) {
      const st = (live(now, p.name)?.status as Status | undefined)?.loadBalancer?.ingress ?? [];
      p.vip = (st.find((e) => e.hostname === p.host) ?? st[0])?.ip;
    }
    return pairs.filter((p) => !p.vip).length;
  };
  fill(
    await c.kube.listUntil(
      "networking.k8s.io/v1",
      "Ingress",
      "ingresses",
      o.namespace,
      (now) => fill(now) === 0,
      o.timeoutMs,
      (now) => events.progress(pairs.length - fill(now), pairs.length),
    ),
  );
  const missing = pairs.filter((p) => !p.vip);
  if (missing.length > 0)
    throw new OperationError(
      `${missing.length} of ${pairs.length} ingresses have no status.loadBalancer after ${Math.round(o.timeoutMs / 1000)}s (first: ${missing[0]!.name})`,
      "check AKO with: avictl ako status",
    );
  const vsByVip = c.avi ? await virtualServicesByVip(c.avi) : new Map<string, string>();
  for (const p of pairs) {
    p.vs = vsByVip.get(p.vip!);
    if (o.clusterName && o.shardSize) {
      p.predicted = l7VsName(o.clusterName, p.host, o.shardSize, o.infraSetting);
      if (p.vs !== p.predicted) result.elsewhere.push({ host: p.host, predicted: p.predicted, actual: p.vs });
    }
  }
  pairs.sort((a, b) => ipNumber(a.vip!) - ipNumber(b.vip!) || a.host.localeCompare(b.host));
  const rows = new Map<string, ShardRow>();
  for (const p of pairs) {
    const row = rows.get(p.vip!) ?? { vip: p.vip!, vs: p.vs, hosts: 0 };
    row.hosts++;
    rows.set(p.vip!, row);
  }
  result.shards = [...rows.values()];
  return result;
}

/** VIP address → name of the virtual service whose VsVip holds it. */
async function virtualServicesByVip(avi: AviClient): Promise<Map<string, string>> {
  const [vsvips, vses] = await Promise.all([avi.list("vsvip"), avi.list("virtualservice")]);
  const out = new Map<string, string>();
  for (const vs of vses) {
    const vsvip = vsvips.find((v) => typeof vs.vsvip_ref === "string" && vs.vsvip_ref.endsWith(`/${v.uuid}`));
    for (const vip of (vsvip?.vip as { ip_address?: { addr?: string } }[] | undefined) ?? [])
      if (vip.ip_address?.addr) out.set(vip.ip_address.addr, vs.name!);
  }
  return out;
}

export const ipNumber = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
