import { parse } from "yaml";
import type { KubeStore } from "./store.js";

type Obj = Record<string, unknown>;

/**
 * What AMKO writes back after validating its objects: the GSLBConfig state and the GDP's
 * errorStatus, with AMKO's own wording for the checks the lab can make (member contexts present in
 * gslb-config-secret, GDP clusters known to the GSLBConfig, weights 1–20).
 */
export function amkoStatuses(
  gc: Obj | undefined,
  gdp: Obj | undefined,
  membersKubeconfig: string | undefined,
): { gcState?: string; gdpStatus?: string } {
  let contexts: string[] = [];
  try {
    contexts = ((parse(membersKubeconfig ?? "") as { contexts?: { name: string }[] } | null)?.contexts ?? []).map((c) => c.name);
  } catch {
    // an unreadable kubeconfig is reported below
  }
  const members = (((gc?.spec as Obj | undefined)?.memberClusters as { clusterContext: string }[] | undefined) ?? []).map(
    (m) => m.clusterContext,
  );
  let gcState: string | undefined;
  if (gc) {
    if (membersKubeconfig === undefined) gcState = "error: secret object doesn't exist gslb-config-secret";
    else if (contexts.length === 0) gcState = "error: provided kubeconfig has an error, no contexts";
    else {
      const missing = members.filter((m) => !contexts.includes(m));
      gcState = missing.length
        ? `error: cluster healthcheck failed, cluster context ${missing[0]} not found in gslb-members`
        : "success: gslb config accepted";
    }
  }
  let gdpStatus: string | undefined;
  if (gdp) {
    const spec = (gdp.spec as Obj | undefined) ?? {};
    const matched = ((spec.matchClusters as ({ cluster: string } | string)[] | undefined) ?? []).map((m) =>
      typeof m === "string" ? m : m.cluster,
    );
    const split = (spec.trafficSplit as { cluster: string; weight?: number }[] | undefined) ?? [];
    const unknown = [...matched, ...split.map((s) => s.cluster)].find((c) => !members.includes(c));
    const badWeight = split.find((s) => s.weight !== undefined && (s.weight < 1 || s.weight > 20));
    gdpStatus = unknown
      ? `cluster context ${unknown} not present in GSLBConfig`
      : badWeight
        ? `traffic weight ${badWeight.weight} must be between 1 and 20`
        : "success";
  }
  return { gcState, gdpStatus };
}

/**
 * AMKO, while its pod amko-0 runs in the namespace, validates GSLBConfig gc-1 and GDP global-gdp
 * and writes their status (a write only when the verdict changes).
 */
export function amkoReconcile(store: KubeStore, ns: string): void {
  const pod = store.get(store.resource("", "v1", "pods")!, ns, "amko-0");
  if (pod?.status?.phase !== "Running") return;
  const gcType = store.preferred("amko.vmware.com", "gslbconfigs");
  const gdpType = store.preferred("amko.vmware.com", "globaldeploymentpolicies");
  const gc = gcType && store.get(gcType, ns, "gc-1");
  const gdp = gdpType && store.get(gdpType, ns, "global-gdp");
  const members = store.get(store.resource("", "v1", "secrets")!, ns, "gslb-config-secret")?.data?.["gslb-members"];
  const { gcState, gdpStatus } = amkoStatuses(gc, gdp, members === undefined ? undefined : Buffer.from(members, "base64").toString("utf8"));
  if (gcType && gc && gcState) store.setStatus(gcType, ns, "gc-1", { ...(gc.status ?? {}), state: gcState });
  if (gdpType && gdp && gdpStatus) store.setStatus(gdpType, ns, "global-gdp", { ...(gdp.status ?? {}), errorStatus: gdpStatus });
}
