import type { AviClient, AviObject } from "../clients/avi/types.js";
import type { LabControllerHandle } from "./types.js";
import { uuidOf } from "./avi/refs.js";

type Obj = Record<string, unknown>;
interface Meta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
}
interface KubeObj extends Obj {
  metadata?: Meta;
  spec?: Obj;
  status?: Obj;
  data?: Record<string, string>;
}

/** One member cluster as AMKO sees it: its objects and the site controller its AKO writes to. */
export interface AmkoMember {
  context: string;
  site: LabControllerHandle;
  objects(apiVersion: string, kind: string, namespace?: string): KubeObj[];
}

export interface GslbServiceBody {
  name: string;
  body: Record<string, unknown>;
  /** A health monitor AMKO creates for the service (federated). */
  monitor: { name: string; body: Record<string, unknown> };
}

const AMKO_NS = "avi-system";

/** First object of a kind at any of the given served versions. */
export function firstOf(m: Pick<AmkoMember, "objects">, versions: string[], kind: string, name: string, ns = AMKO_NS): KubeObj | undefined {
  for (const v of versions) {
    const hit = m.objects(v, kind, ns).find((o) => o.metadata?.name === name);
    if (hit) return hit;
  }
  return undefined;
}

const matches = (labels: Record<string, string> | undefined, selector: Record<string, string> | undefined) =>
  !selector || Object.entries(selector).every(([k, v]) => labels?.[k] === v);

function vipsOf(site: LabControllerHandle, vs: AviObject): string[] {
  const vsvip = site.store.get("vsvip", uuidOf(vs.vsvip_ref));
  return ((vsvip?.vip as { ip_address?: { addr?: string } }[] | undefined) ?? [])
    .map((v) => v.ip_address?.addr)
    .filter((a): a is string => Boolean(a));
}

function fqdnsOf(site: LabControllerHandle, vs: AviObject): string[] {
  const vsvip = site.store.get("vsvip", uuidOf(vs.vsvip_ref));
  return [...((vs.dns_info as { fqdn?: string }[] | undefined) ?? []), ...((vsvip?.dns_info as { fqdn?: string }[] | undefined) ?? [])]
    .map((d) => d.fqdn?.toLowerCase())
    .filter((f): f is string => Boolean(f));
}

/**
 * What AMKO wants on the leader for a GDP: one GSLB service per host of the selected ingresses and
 * LoadBalancer services in the matched clusters, one group at priority 10 whose members are the
 * virtual services AKO made for them at each site (VIP, site cluster uuid, VS uuid), with the
 * cluster's traffic-split weight as ratio, an HTTP (ingress) or TCP (L4) health monitor and the GDP TTL.
 */
export function desiredGslbServices(gdp: KubeObj, members: AmkoMember[], amkoUuid: string): GslbServiceBody[] {
  const spec = (gdp.spec ?? {}) as {
    matchRules?: { appSelector?: { label?: Record<string, string> }; namespaceSelector?: { label?: Record<string, string> } };
    matchClusters?: ({ cluster: string } | string)[];
    trafficSplit?: { cluster: string; weight?: number }[];
    ttl?: number;
  };
  const appLabels = spec.matchRules?.appSelector?.label;
  const nsLabels = spec.matchRules?.namespaceSelector?.label;
  if (!appLabels && !nsLabels) return [];
  const clusters = (spec.matchClusters ?? []).map((c) => (typeof c === "string" ? c : c.cluster));
  const weight = (ctx: string) => spec.trafficSplit?.find((t) => t.cluster === ctx)?.weight ?? 1;
  const byHost = new Map<string, { l4: boolean; members: Obj[] }>();
  const add = (host: string, l4: boolean, member: Obj) => {
    const entry = byHost.get(host) ?? { l4, members: [] };
    if (!entry.members.some((m) => JSON.stringify(m.ip) === JSON.stringify(member.ip) && m.cluster_uuid === member.cluster_uuid))
      entry.members.push(member);
    byHost.set(host, entry);
  };
  for (const ctx of clusters) {
    const m = members.find((x) => x.context === ctx);
    if (!m) continue;
    const akoName = firstOf(m, ["v1"], "ConfigMap", "avi-k8s-config")?.data?.clusterName ?? ctx;
    const nsOk = (ns: string | undefined) =>
      !nsLabels || matches(m.objects("v1", "Namespace").find((n) => n.metadata?.name === ns)?.metadata?.labels, nsLabels);
    const ours = m.site.store
      .list("virtualservice")
      .filter((vs) => String(vs.name ?? "").startsWith(`${akoName}--`) && vs.enabled !== false);
    const member = (vs: AviObject, ip: string) => ({
      ip: { addr: ip, type: "V4" },
      cluster_uuid: m.site.clusterUuid,
      vs_uuid: vs.uuid,
      ratio: weight(ctx),
      enabled: true,
    });
    for (const ing of m.objects("networking.k8s.io/v1", "Ingress")) {
      if (!matches(ing.metadata?.labels, appLabels) || !nsOk(ing.metadata?.namespace)) continue;
      for (const rule of (ing.spec?.rules as { host?: string }[] | undefined) ?? []) {
        const host = rule.host?.toLowerCase();
        if (!host) continue;
        const vs = ours.find((v) => fqdnsOf(m.site, v).includes(host));
        if (vs) for (const ip of vipsOf(m.site, vs)) add(host, false, member(vs, ip));
      }
    }
    for (const svc of m.objects("v1", "Service")) {
      if (svc.spec?.type !== "LoadBalancer" || !matches(svc.metadata?.labels, appLabels) || !nsOk(svc.metadata?.namespace)) continue;
      const vs = ours.find((v) => v.name === `${akoName}--${svc.metadata?.namespace ?? "default"}-${svc.metadata?.name}`);
      if (!vs) continue;
      for (const host of fqdnsOf(m.site, vs)) for (const ip of vipsOf(m.site, vs)) add(host, true, member(vs, ip));
    }
  }
  return [...byHost].map(([host, { l4, members: list }]) => {
    const monitorName = `amko--${l4 ? "tcp" : "http"}--${host}--/`;
    return {
      name: host,
      monitor: {
        name: monitorName,
        body: l4
          ? { type: "HEALTH_MONITOR_TCP", is_federated: true, send_interval: 10, failed_checks: 2, successful_checks: 2 }
          : {
              type: "HEALTH_MONITOR_HTTP",
              is_federated: true,
              send_interval: 10,
              failed_checks: 2,
              successful_checks: 2,
              http_monitor: { http_request: `HEAD / HTTP/1.0\r\nHost: ${host}`, http_response_code: ["HTTP_2XX", "HTTP_3XX", "HTTP_4XX"] },
            },
      },
      body: {
        domain_names: [host],
        enabled: true,
        pool_algorithm: "GSLB_SERVICE_ALGORITHM_PRIORITY",
        groups: [{ name: `${host}-10`, priority: 10, algorithm: "GSLB_ALGORITHM_ROUND_ROBIN", members: list }],
        health_monitor_refs: [`/api/healthmonitor?name=${encodeURIComponent(monitorName)}`],
        health_monitor_scope: "GSLB_SERVICE_HEALTH_MONITOR_ALL_MEMBERS",
        controller_health_status_enabled: true,
        site_persistence_enabled: false,
        use_edns_client_subnet: true,
        wildcard_match: false,
        resolve_cname: false,
        down_response: { type: "GSLB_SERVICE_DOWN_RESPONSE_NONE" },
        created_by: `amko-${amkoUuid}`,
        description: `created by AMKO from ${l4 ? "LoadBalancer services" : "ingresses"} for ${host}`,
        ...(spec.ttl !== undefined ? { ttl: spec.ttl } : {}),
      },
    };
  });
}

/**
 * AMKO's writes on the leader: health monitors created once, each GSLB service created or PUT whole
 * when it differs (AMKO's way), and services it created that are no longer wanted deleted.
 */
export async function applyGslbServices(avi: AviClient, desired: GslbServiceBody[], amkoUuid: string): Promise<number> {
  const before = avi.writes;
  for (const d of desired) {
    if (!(await avi.getByName("healthmonitor", d.monitor.name)))
      await avi.create("healthmonitor", { name: d.monitor.name, ...d.monitor.body });
    const current = await avi.getByName<AviObject>("gslbservice", d.name);
    if (!current) await avi.create("gslbservice", { name: d.name, ...d.body });
    else if (!sameService(current, d.body))
      await avi.replace("gslbservice", current.uuid!, { name: d.name, ...d.body, _last_modified: current._last_modified });
  }
  const wanted = new Set(desired.map((d) => d.name));
  for (const gs of await avi.list("gslbservice"))
    if (gs.created_by === `amko-${amkoUuid}` && !wanted.has(String(gs.name))) await avi.remove("gslbservice", gs.uuid!);
  return avi.writes - before;
}

function sameService(current: AviObject, body: Record<string, unknown>): boolean {
  const pick = (o: Record<string, unknown>) =>
    JSON.stringify([
      o.domain_names,
      o.ttl,
      (o.groups as { members?: Obj[] }[] | undefined)?.map((g) =>
        g.members?.map((m) => [m.ip, m.cluster_uuid, m.vs_uuid, Number(m.ratio)]),
      ),
    ]);
  return pick(current) === pick(body);
}

export interface AmkoCluster {
  name: string;
  url: string;
  site: LabControllerHandle;
  objects(apiVersion: string, kind: string, namespace?: string): KubeObj[];
}

const decode = (s: string | undefined) => (s ? Buffer.from(s, "base64").toString("utf8") : "");

/** A GSLBConfig's controllerIP (host, host:port or URL) names this lab controller. */
function names(controllerIP: string, ctrl: LabControllerHandle): boolean {
  const url = new URL(ctrl.url);
  const given = controllerIP.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  return given === url.host || (given === url.hostname && url.port === "");
}

/**
 * The leader AMKO's federator: the GSLBConfig and GDP specs go to the other clusters of the
 * AMKOCluster's federation set that run AMKO (their gc-1 and global-gdp exist), through their API
 * servers with the gslb-members credentials, whenever they differ there.
 */
async function federate(
  fed: KubeObj,
  objects: KubeObj[],
  members: AmkoMember[],
  clusters: AmkoCluster[],
  gslbMembers: string,
): Promise<void> {
  const { canonical } = await import("./kube/patch.js");
  const same = (a: unknown, b: unknown) => canonical(a as never) === canonical(b as never);
  const others = ((fed.spec?.clusters as string[] | undefined) ?? []).filter((c) => c !== fed.spec?.clusterContext);
  const writes: { context: string; target: KubeObj; spec: Obj }[] = [];
  for (const context of others) {
    const m = members.find((x) => x.context === context);
    if (!m) continue;
    for (const o of objects) {
      const kind = String(o.kind);
      const versions = [String(o.apiVersion), "amko.vmware.com/v1alpha1", "amko.vmware.com/v1alpha2"];
      const target = firstOf(m, versions, kind, String(o.metadata?.name));
      if (target && !same(target.spec, o.spec)) writes.push({ context, target, spec: o.spec ?? {} });
    }
  }
  if (writes.length === 0) return;
  const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { Kube } = await import("../clients/k8s.js");
  const dir = mkdtempSync(join(tmpdir(), "lab-amko-"));
  try {
    const file = join(dir, "gslb-members");
    writeFileSync(file, gslbMembers, { mode: 0o600 });
    for (const w of writes) {
      const kube = await Kube.connect({ kubeconfig: file, context: w.context });
      await kube.mergePatch(String(w.target.apiVersion), String(w.target.kind), w.target.metadata!.name!, AMKO_NS, { spec: w.spec });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The lab's AMKO at work: every interval, the first cluster where the leader amko-0 runs with an accepted
 * GSLBConfig and GDP logs in to the leader named in the GSLBConfig with gslb-avi-secret, and keeps
 * the GSLB services in line with the member clusters (from gslb-config-secret) and their VSes.
 */
/** `caCert`: the lab CA's file, as AMKO is given the controller's CA. */
export function startAmkoGslb(clusters: AmkoCluster[], controllers: LabControllerHandle[], caCert: string, intervalMs = 2000): () => void {
  let busy = false;
  const sessions = new Map<string, Promise<AviClient>>();
  const tick = async () => {
    for (const k of clusters) {
      if (!k.objects("v1", "Pod", AMKO_NS).some((p) => p.metadata?.name === "amko-0" && p.status?.phase === "Running")) continue;
      // A follower AMKO (AMKOCluster isLeader false, federation since 1.4.2) never writes GSLB services.
      const fed = firstOf(k, ["amko.vmware.com/v1alpha1"], "AMKOCluster", "amkocluster-federation");
      if (fed && fed.spec?.isLeader !== true) continue;
      const gc = firstOf(k, ["amko.vmware.com/v1alpha1", "amko.vmware.com/v1alpha2"], "GSLBConfig", "gc-1");
      const gdp = firstOf(k, ["amko.vmware.com/v1alpha2", "amko.vmware.com/v1alpha1"], "GlobalDeploymentPolicy", "global-gdp");
      if (!gc || !gdp || !String(gc.status?.state ?? "").startsWith("success") || gdp.status?.errorStatus !== "success") continue;
      const controllerIP = String(((gc.spec?.gslbLeader as Obj | undefined)?.controllerIP as string | undefined) ?? "");
      const leader = controllers.find((c) => c.up && names(controllerIP, c));
      const secret = firstOf(k, ["v1"], "Secret", "gslb-avi-secret")?.data;
      if (!leader || !secret) return;
      const { parse } = await import("yaml");
      const kc = (parse(decode(firstOf(k, ["v1"], "Secret", "gslb-config-secret")?.data?.["gslb-members"])) ?? {}) as {
        contexts?: { name: string; context: { cluster: string } }[];
        clusters?: { name: string; cluster: { server: string } }[];
      };
      const members: AmkoMember[] = (kc.contexts ?? []).flatMap((c) => {
        const server = kc.clusters?.find((x) => x.name === c.context.cluster)?.cluster.server;
        const target = clusters.find((x) => x.url === server);
        return target ? [{ context: c.name, site: target.site, objects: target.objects }] : [];
      });
      const amkoUuid =
        (gc.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.["amko.vmware.com/amko-uuid"] ?? "lab";
      const key = `${leader.url}\u0000${decode(secret.username)}\u0000${decode(secret.password)}`;
      let session = sessions.get(key);
      if (!session) {
        const { RestAviClient } = await import("../clients/avi/client.js");
        session = RestAviClient.connect({
          controller: leader.url,
          username: decode(secret.username),
          password: decode(secret.password),
          caCert,
          timeoutMs: 10_000,
        });
        sessions.set(key, session);
        session.catch(() => sessions.delete(key));
      }
      if (fed)
        await federate(
          fed,
          [gc, gdp],
          members,
          clusters,
          decode(firstOf(k, ["v1"], "Secret", "gslb-config-secret")?.data?.["gslb-members"]),
        );
      await applyGslbServices(await session, desiredGslbServices(gdp, members, amkoUuid), amkoUuid);
      return;
    }
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    // AMKO retries on its next sync; a failed round (leader down, bad secret) changes nothing.
    tick()
      .catch(() => sessions.clear())
      .finally(() => (busy = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
