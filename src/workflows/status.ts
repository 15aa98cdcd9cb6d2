import type { AviClient, AviObject } from "../clients/avi/types.js";
import { nameOfRef, uuidOfRef } from "../clients/avi/types.js";

export interface StatusResult {
  controller: string;
  controllerVersion: string;
  apiVersion: string;
  tenant: string;
  cluster: { uuid: string; name: string; state: string };
  clouds: { name: string; type: string; state: string; ipamProfile?: string; dnsProfile?: string; ready: boolean }[];
  seGroups: { name: string; cloud?: string; haMode?: string; seNamePrefix?: string; clusterLabel?: string; virtualServices: number }[];
  vrfs: { name: string; cloud?: string; staticRoutes: number }[];
  dnsVirtualServices: { name: string; vip?: string; systemDns: boolean; operState?: string }[];
  gslb: { role: "leader" | "follower" | "not configured"; name?: string; sites?: number };
  /** True when the cluster is up and every cloud is ready for placement. */
  healthy: boolean;
}

type Obj = AviObject & Record<string, unknown>;
const withNames = { include_name: true };

/** One screen of controller health: version, cluster, clouds, SE groups, VRFs, DNS VS, GSLB role. */
export async function getStatus(avi: AviClient): Promise<StatusResult> {
  const [cluster, runtime, clouds, segs, vrfs, vses, sysconf, gslbs, appProfiles] = await Promise.all([
    avi.get<Obj>("cluster"),
    avi.get<Obj>("cluster/runtime").catch(() => undefined),
    avi.list<Obj>("cloud", withNames),
    avi.list<Obj>("serviceenginegroup", withNames),
    avi.list<Obj>("vrfcontext", withNames),
    avi.list<Obj>("virtualservice", withNames),
    avi.get<Obj>("systemconfiguration"),
    avi.list<Obj>("gslb", withNames),
    avi.list<Obj>("applicationprofile", { type: "APPLICATION_PROFILE_TYPE_DNS" }),
  ]);
  const cloudStates = await Promise.all(clouds.map((c) => cloudState(avi, c)));
  const dnsProfiles = new Set(appProfiles.map((p) => p.uuid));
  const systemDns = new Set(((sysconf.dns_virtualservice_refs as string[] | undefined) ?? []).map(uuidOfRef));
  const dnsVses = vses.filter((v) => dnsProfiles.has(uuidOfRef(String(v.application_profile_ref ?? ""))));
  const vsPerSeg = countBy(vses, (v) => uuidOfRef(String(v.se_group_ref ?? "")));
  const dnsRows = await Promise.all(
    dnsVses.map(async (v) => ({
      name: String(v.name),
      vip: await vipOf(avi, v),
      systemDns: systemDns.has(v.uuid ?? ""),
      operState: await operState(avi, v.uuid ?? ""),
    })),
  );
  const clusterState = String((runtime?.cluster_state as { state?: string } | undefined)?.state ?? "unknown");
  const cloudRows = clouds.map((c, i) => ({
    name: String(c.name),
    type: String(c.vtype ?? ""),
    state: cloudStates[i]!,
    ipamProfile: refName(c.ipam_provider_ref),
    dnsProfile: refName(c.dns_provider_ref),
    ready: cloudStates[i] === "CLOUD_STATE_PLACEMENT_READY",
  }));
  return {
    controller: avi.controller,
    controllerVersion: avi.controllerVersion,
    apiVersion: avi.apiVersion,
    tenant: avi.tenant,
    cluster: { uuid: String(cluster.uuid ?? ""), name: String(cluster.name ?? ""), state: clusterState },
    clouds: cloudRows,
    seGroups: segs.map((s) => ({
      name: String(s.name),
      cloud: refName(s.cloud_ref),
      haMode: s.ha_mode as string | undefined,
      seNamePrefix: s.se_name_prefix as string | undefined,
      clusterLabel: ((s.labels as { key: string; value: string }[] | undefined) ?? []).find((l) => l.key === "clustername")?.value,
      virtualServices: vsPerSeg.get(s.uuid ?? "") ?? 0,
    })),
    vrfs: vrfs.map((v) => ({
      name: String(v.name),
      cloud: refName(v.cloud_ref),
      staticRoutes: ((v.static_routes as unknown[]) ?? []).length,
    })),
    dnsVirtualServices: dnsRows,
    gslb: gslbRole(gslbs[0], String(cluster.uuid ?? "")),
    healthy: clusterState.startsWith("CLUSTER_UP") && cloudRows.every((c) => c.ready),
  };
}

async function cloudState(avi: AviClient, cloud: Obj): Promise<string> {
  const status = await avi.get<Obj>(`cloud/${cloud.uuid}/status`).catch(() => undefined);
  return String(status?.state ?? "unknown");
}

async function operState(avi: AviClient, uuid: string): Promise<string | undefined> {
  const rt = await avi.get<Obj | Obj[]>(`virtualservice/${uuid}/runtime`).catch(() => undefined);
  // The schema types runtime replies as strings; real ones are an object or a one-element list.
  const r = Array.isArray(rt) ? rt[0] : rt;
  return (r?.oper_status as { state?: string } | undefined)?.state;
}

async function vipOf(avi: AviClient, vs: Obj): Promise<string | undefined> {
  if (!vs.vsvip_ref) return undefined;
  const vsvip = await avi.getByUuid<Obj>("vsvip", uuidOfRef(String(vs.vsvip_ref)));
  const vip = (vsvip?.vip as { ip_address?: { addr?: string } }[] | undefined)?.[0];
  return vip?.ip_address?.addr;
}

function gslbRole(g: Obj | undefined, clusterUuid: string): StatusResult["gslb"] {
  if (!g) return { role: "not configured" };
  const sites = (g.sites as unknown[] | undefined)?.length ?? 0;
  return { role: g.leader_cluster_uuid === clusterUuid ? "leader" : "follower", name: String(g.name ?? ""), sites };
}

function refName(ref: unknown): string | undefined {
  return typeof ref === "string" ? (nameOfRef(ref) ?? uuidOfRef(ref)) : undefined;
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}
