import type { Kube, KubeObject } from "../../clients/k8s.js";
import { chartRelease, type HelmOps } from "../helm-release.js";
import { crdVersion } from "../k8s/crd.js";
import { podReady, type Pod } from "../k8s/pods.js";
import { AMKO_NAMESPACE, expectedShares } from "./traffic-split.js";
import type { AviClient } from "../../clients/avi/types.js";
import { gslbStatus, type GslbServiceStatus } from "../gslb/status.js";

export interface AmkoStatus {
  release?: { name: string; revision: string; status: string; chart: string; appVersion: string };
  pod?: { phase: string; ready: boolean };
  gslbConfig?: { state: string; leader?: string; members: string[]; amkoUUID?: string };
  gdp?: { status: string; shares: ReturnType<typeof expectedShares> };
  /** AMKOCluster (federation, 1.4.2+): whether this AMKO is the leader, the one that makes GSLB services. */
  federation?: { role: "leader" | "follower"; currentCluster?: string; clusters: string[] };
  /** The GSLB services this AMKO made on the leader (when the leader was given). */
  gslbServices?: GslbServiceStatus[];
  /** Why the leader's GSLB services could not be read. */
  leaderError?: string;
  healthy: boolean;
}

type Gc = KubeObject & {
  metadata?: { annotations?: Record<string, string> };
  spec?: { gslbLeader?: { controllerIP?: string }; memberClusters?: { clusterContext: string }[] };
  status?: { state?: string };
};
type Gdp = KubeObject & {
  spec?: { trafficSplit?: { cluster: string; weight?: number; priority?: number }[] };
  status?: { errorStatus?: string };
};

/** AMKO's release, pod, GSLBConfig state and the GDP's weights with the share each cluster should get. */
export async function amkoStatus(deps: { kube: Kube; helm: HelmOps; leader?: () => Promise<AviClient> }): Promise<AmkoStatus> {
  const rel = await chartRelease(deps.helm, AMKO_NAMESPACE, "amko");
  const status: AmkoStatus = { healthy: false };
  if (!rel) return status;
  status.release = { name: rel.name, revision: rel.revision, status: rel.status, chart: rel.chart, appVersion: rel.app_version };
  const pod = await deps.kube.get<Pod>("v1", "Pod", "amko-0", AMKO_NAMESPACE);
  if (pod) status.pod = { phase: pod.status?.phase ?? "Unknown", ready: podReady(pod) };
  const [gcVersion, gdpVersion, fedVersion] = await Promise.all([
    crdVersion(deps.kube, "gslbconfigs", "amko.vmware.com", "").catch(() => undefined),
    crdVersion(deps.kube, "globaldeploymentpolicies", "amko.vmware.com", "").catch(() => undefined),
    crdVersion(deps.kube, "amkoclusters", "amko.vmware.com", "").catch(() => undefined),
  ]);
  const fed = fedVersion
    ? await deps.kube.get<KubeObject & { spec?: { isLeader?: boolean; clusterContext?: string; clusters?: string[] } }>(
        fedVersion,
        "AMKOCluster",
        "amkocluster-federation",
        AMKO_NAMESPACE,
      )
    : undefined;
  if (fed)
    status.federation = {
      role: fed.spec?.isLeader ? "leader" : "follower",
      currentCluster: fed.spec?.clusterContext,
      clusters: fed.spec?.clusters ?? [],
    };
  const gc = gcVersion ? await deps.kube.get<Gc>(gcVersion, "GSLBConfig", "gc-1", AMKO_NAMESPACE) : undefined;
  if (gc)
    status.gslbConfig = {
      state: gc.status?.state ?? "not reported",
      leader: gc.spec?.gslbLeader?.controllerIP,
      members: (gc.spec?.memberClusters ?? []).map((m) => m.clusterContext),
      amkoUUID: gc.metadata?.annotations?.["amko.vmware.com/amko-uuid"],
    };
  const gdp = gdpVersion ? await deps.kube.get<Gdp>(gdpVersion, "GlobalDeploymentPolicy", "global-gdp", AMKO_NAMESPACE) : undefined;
  if (gdp) status.gdp = { status: gdp.status?.errorStatus ?? "not reported", shares: expectedShares(gdp.spec?.trafficSplit ?? []) };
  if (deps.leader) {
    try {
      const uuid = status.gslbConfig?.amkoUUID;
      status.gslbServices = (await gslbStatus(await deps.leader())).services.filter((g) =>
        uuid ? g.createdBy === `amko-${uuid}` : g.createdBy?.startsWith("amko"),
      );
    } catch (err) {
      status.leaderError = (err as Error).message;
    }
  }
  // A status AMKO has not written yet is not a failure; an error it wrote is.
  const errored =
    /^error/i.test(status.gslbConfig?.state ?? "") || !["success", "not reported"].includes(status.gdp?.status ?? "not reported");
  status.healthy = rel.status === "deployed" && Boolean(status.pod?.ready) && Boolean(gc) && !errored;
  return status;
}
