import type { AviClient } from "../../clients/avi/types.js";
import type { DnsResult, DnsServer } from "../../clients/dns.js";
import type { Kube, KubeObject } from "../../clients/k8s.js";
import { isShardSize, l4VsName, l7VsName } from "../../base/ako-naming.js";
import { showVirtualService, type VsView } from "../vs/inspect.js";

export interface TraceLink {
  link: "object" | "status" | "virtualservice" | "vsvip" | "pool" | "servers" | "dns-record" | "dns-answer";
  ok: boolean;
  detail: string;
}

export interface TraceResult {
  kind: "service" | "ingress";
  namespace: string;
  name: string;
  ok: boolean;
  links: TraceLink[];
  /** The first broken link's explanation. */
  broken?: string;
}

export interface TraceClients {
  kube: Kube;
  avi: AviClient;
  /** Ask the DNS server for a name's A records; absent when no DNS server is known. */
  resolve?: (name: string) => Promise<DnsResult>;
  dnsServer?: DnsServer;
}

type LbIngress = { ip?: string; hostname?: string }[];

/**
 * `ako trace`: Kubernetes object → VS → VsVip → pool → servers → DNS record → what the DNS VS answers,
 * stopping at the first broken link with the reason an operator can act on.
 */
export async function traceAko(kind: "service" | "ingress", namespace: string, name: string, c: TraceClients): Promise<TraceResult> {
  const links: TraceLink[] = [];
  const result = (): TraceResult => {
    const bad = links.find((l) => !l.ok);
    return { kind, namespace, name, ok: !bad, links, ...(bad ? { broken: `${bad.link}: ${bad.detail}` } : {}) };
  };
  const add = (link: TraceLink["link"], ok: boolean, detail: string) => {
    links.push({ link, ok, detail });
    return ok;
  };
  const obj =
    kind === "service"
      ? await c.kube.get("v1", "Service", name, namespace)
      : await c.kube.get("networking.k8s.io/v1", "Ingress", name, namespace);
  const label = `${kind} ${namespace}/${name}`;
  if (!add("object", Boolean(obj), obj ? `${label} exists` : `${label} does not exist`)) return result();
  const spec = (obj!.spec ?? {}) as {
    type?: string;
    selector?: Record<string, string>;
    rules?: { host?: string; http?: { paths?: { backend?: { service?: { name?: string } } }[] } }[];
    ingressClassName?: string;
  };
  if (
    kind === "service" &&
    !add(
      "object",
      spec.type === "LoadBalancer",
      spec.type === "LoadBalancer"
        ? "type LoadBalancer"
        : `type ${spec.type ?? "ClusterIP"}: AKO only makes virtual services for type LoadBalancer`,
    )
  )
    return result();

  const lb = ((obj!.status as { loadBalancer?: { ingress?: LbIngress } } | undefined)?.loadBalancer?.ingress ?? []).filter((e) => e.ip);
  if (
    !add(
      "status",
      lb.length > 0,
      lb.length
        ? `status.loadBalancer ${lb.map((e) => `${e.ip}${e.hostname ? ` (${e.hostname})` : ""}`).join(", ")}`
        : "status.loadBalancer empty: AKO has not synced (check: avictl ako status)",
    )
  )
    return result();

  const config = (await c.kube.get("v1", "ConfigMap", "avi-k8s-config", "avi-system"))?.data as Record<string, string> | undefined;
  const cluster = config?.clusterName ?? "";
  const vsName =
    kind === "service"
      ? l4VsName(cluster, namespace, name)
      : await ingressVs(c.kube, spec, cluster, config?.shardVSSize, lb[0]!.hostname ?? spec.rules?.[0]?.host ?? "");
  let vs: VsView;
  try {
    vs = await showVirtualService(c.avi, vsName);
  } catch {
    add("virtualservice", false, `no virtual service ${vsName} on the controller (AKO clusterName ${cluster || "unknown"})`);
    return result();
  }
  if (
    !add(
      "virtualservice",
      vs.state === "OPER_UP" || vs.state === "OPER_DOWN",
      `${vs.name} ${vs.state}${vs.reason ? ` (${vs.reason})` : ""} on SE group ${vs.seGroup ?? "-"}`,
    )
  )
    return result();
  const ip = lb[0]!.ip!;
  if (
    !add(
      "vsvip",
      vs.vips.includes(ip),
      vs.vips.includes(ip) ? `VsVip holds ${ip}` : `VsVip holds ${vs.vips.join(", ") || "no address"} but the status says ${ip}`,
    )
  )
    return result();

  const host = kind === "ingress" ? (lb[0]!.hostname ?? spec.rules?.[0]?.host) : undefined;
  // On a shared L7 VS the host's pools are the pool group members labelled "<host><path>".
  const pools = host ? vs.pools.filter((p) => (p.label ? p.label.startsWith(`${host.toLowerCase()}/`) : p.host === host)) : vs.pools;
  const poolText = pools.map((p) => (p.label ? `${p.label} → ${p.name}` : p.name)).join(", ");
  if (
    !add(
      "pool",
      pools.length > 0,
      pools.length ? poolText : `no pool for ${host ?? name} on ${vs.name} (its pool group has no member for it)`,
    )
  )
    return result();
  const servers = pools.reduce((n, p) => n + p.total, 0);
  const backend =
    kind === "service"
      ? name
      : (spec.rules?.flatMap((r) => r.http?.paths ?? []).find((p) => p.backend?.service?.name)?.backend?.service?.name ?? name);
  if (
    !add(
      "servers",
      servers > 0,
      servers > 0
        ? `${servers} server(s): ${pools.flatMap((p) => p.servers.map((s) => s.ip)).join(" ")}`
        : `pool has 0 servers: ${await whyNoEndpoints(c.kube, namespace, kind === "service" ? spec.selector : undefined, backend)}`,
    )
  )
    return result();

  const fqdn = kind === "service" ? lb[0]!.hostname : host;
  if (!fqdn) {
    add("dns-record", false, `no DNS record: autoFQDN disabled (the status has no hostname)`);
    return result();
  }
  if (
    !add(
      "dns-record",
      vs.fqdns.includes(fqdn),
      vs.fqdns.includes(fqdn) ? `${fqdn} registered on ${vs.name}` : `no DNS record for ${fqdn} on ${vs.name}`,
    )
  )
    return result();
  if (!c.resolve) {
    add("dns-answer", true, `not asked: no DNS server known (pass --dns-server)`);
    return result();
  }
  const answer = await c.resolve(fqdn).catch((err: Error) => err);
  if (answer instanceof Error) add("dns-answer", false, `${fqdn}: ${answer.message}`);
  else {
    const ips = answer.answers.filter((a) => a.type === "A").map((a) => a.data);
    add(
      "dns-answer",
      ips.includes(ip),
      ips.includes(ip)
        ? `${fqdn} → ${ips.join(", ")}`
        : `${fqdn} answered ${answer.rcode}${ips.length ? ` ${ips.join(", ")}` : ""}, not ${ip}` +
            `${vs.state !== "OPER_UP" ? ` (the VS is ${vs.state}: state-based DNS registration withdraws its record)` : ""}`,
    );
  }
  return result();
}

/** The VS AKO's hashing puts the ingress host on, with the class's AviInfraSetting if any. */
async function ingressVs(
  kube: Kube,
  spec: { ingressClassName?: string },
  cluster: string,
  shardVSSize: string | undefined,
  host: string,
): Promise<string> {
  let size = shardVSSize && isShardSize(shardVSSize) ? shardVSSize : "LARGE";
  let infra: string | undefined;
  const cls = spec.ingressClassName ? await kube.get("networking.k8s.io/v1", "IngressClass", spec.ingressClassName) : undefined;
  const params = (cls?.spec as { parameters?: { kind?: string; name?: string } } | undefined)?.parameters;
  if (params?.kind === "AviInfraSetting" && params.name) {
    const setting =
      (await kube.get("ako.vmware.com/v1beta1", "AviInfraSetting", params.name).catch(() => undefined)) ??
      (await kube.get("ako.vmware.com/v1alpha1", "AviInfraSetting", params.name).catch(() => undefined));
    const s = (setting?.spec as { l7Settings?: { shardSize?: string } } | undefined)?.l7Settings?.shardSize;
    if (s && isShardSize(s)) size = s;
    if (setting) infra = params.name;
  }
  return l7VsName(cluster, host, size, infra);
}

/** Why a Service has no endpoints: the workload behind its selector and its ready replicas. */
async function whyNoEndpoints(
  kube: Kube,
  namespace: string,
  selector: Record<string, string> | undefined,
  service: string,
): Promise<string> {
  let sel = selector;
  if (!sel)
    sel = ((await kube.get("v1", "Service", service, namespace))?.spec as { selector?: Record<string, string> } | undefined)?.selector;
  if (!sel || Object.keys(sel).length === 0) return `service ${service} has no selector`;
  const matches = (o: KubeObject) =>
    Object.entries(sel!).every(
      ([k, v]) =>
        ((o.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels ?? {})[k] ===
        v,
    );
  for (const kind of ["Deployment", "StatefulSet"]) {
    const wl = (await kube.list("apps/v1", kind, namespace)).find(matches);
    if (wl)
      return `${kind.toLowerCase()} ${wl.metadata?.name} has ${(wl.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0} ready replicas`;
  }
  return `no deployment or statefulset in ${namespace} matches the selector ${Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(",")}`;
}
