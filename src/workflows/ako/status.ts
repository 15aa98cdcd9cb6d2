import type { AviClient } from "../../clients/avi/types.js";
import type { Kube } from "../../clients/k8s.js";
import { chartRelease, type HelmOps } from "../helm-release.js";
import { podReady, type Pod } from "../k8s/pods.js";
import { akoConnection, akoRoutes, akoSettings } from "./settings.js";
import type { ServiceEngineGroup } from "../../clients/avi/models.js";

export interface AkoStatus {
  release?: { name: string; revision: string; status: string; chart: string; appVersion: string };
  clusterName?: string;
  pod?: { name: string; phase: string; ready: boolean; restarts: number; started?: string };
  connection: "CONNECTED" | "DISCONNECTED" | "UNKNOWN";
  /** AKO's /api/status through the pod proxy, or its log when the proxy is not available. */
  connectionSource?: "api/status" | "log";
  recentErrors: string[];
  controller?: { virtualServices: number; staticRoutes: number; vrf?: string; seGroupLabel?: string };
  healthy: boolean;
}

/** Release, pod, connection, recent errors and what AKO owns on the controller. */
export async function akoStatus(namespace: string, deps: { kube: Kube; helm: HelmOps; avi?: AviClient }): Promise<AkoStatus> {
  const rel = await chartRelease(deps.helm, namespace, "ako");
  const status: AkoStatus = { connection: "UNKNOWN", recentErrors: [], healthy: false };
  if (!rel) return status;
  status.release = { name: rel.name, revision: rel.revision, status: rel.status, chart: rel.chart, appVersion: rel.app_version };
  const settings = akoSettings(await deps.helm.getValues(rel.name, namespace));
  status.clusterName = settings.clusterName;
  const pod = await deps.kube.get<Pod>("v1", "Pod", "ako-0", namespace);
  if (pod) {
    status.pod = {
      name: "ako-0",
      phase: pod.status?.phase ?? "Unknown",
      ready: podReady(pod),
      restarts: (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0),
      started: pod.status?.startTime,
    };
    const c = await akoConnection(deps.kube, namespace, "ako-0", settings.apiServerPort);
    status.connection = c.status === "INITIATING" ? "DISCONNECTED" : c.status;
    status.recentErrors = c.errors;
    status.connectionSource = c.source;
  }
  if (deps.avi && settings.clusterName && settings.cloudName) {
    const cloud = await deps.avi.getByName("cloud", settings.cloudName);
    const scope = cloud?.uuid ? { cloudUuid: cloud.uuid } : undefined;
    const [vses, seg, routes] = await Promise.all([
      deps.avi.list("virtualservice", { created_by: `ako-${settings.clusterName}`, fields: "name" }).catch(() => []),
      settings.seGroup ? deps.avi.getByName<ServiceEngineGroup>("serviceenginegroup", settings.seGroup, scope) : undefined,
      akoRoutes(deps.avi, settings),
    ]);
    status.controller = {
      virtualServices: vses.length,
      staticRoutes: routes.routes.length,
      vrf: routes.vrf,
      seGroupLabel: seg?.labels?.find((l) => l.key === "clustername")?.value,
    };
  }
  status.healthy = rel.status === "deployed" && Boolean(status.pod?.ready) && status.connection === "CONNECTED";
  return status;
}
