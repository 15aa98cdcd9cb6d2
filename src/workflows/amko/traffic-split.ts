import type { Kube, KubeObject } from "../../clients/k8s.js";
import { OperationError, UsageError } from "../../base/errors.js";
import type { PlanItem } from "../ensure.js";
import { crdVersion } from "../k8s/crd.js";

export const AMKO_NAMESPACE = "avi-system";
const GDP = "global-gdp";
const GSLB_CONFIG = "gc-1";

export interface TrafficSplitOptions {
  weights: { cluster: string; weight: number }[];
  dryRun: boolean;
}

interface SplitEntry {
  cluster: string;
  weight?: number;
  priority?: number;
}

export interface TrafficSplitResult {
  dryRun: boolean;
  plan: PlanItem[];
  warnings: string[];
  /** Every member with its weight and the share of answers it should get (same priority only). */
  shares: { cluster: string; weight: number; priority: number; share: number }[];
}

/** "s1az1=6 s1az2=3 s2=1" → weights, each a whole number from 1 to 20 as AMKO enforces. */
export function parseSplit(args: string[]): { cluster: string; weight: number }[] {
  if (args.length === 0) throw new UsageError("give at least one CLUSTER=WEIGHT, e.g. s1az1=6 s1az2=3 s2=1");
  const seen = new Set<string>();
  return args
    .flatMap((a) => a.split(","))
    .filter(Boolean)
    .map((spec) => {
      const m = /^([^=\s]+)=(\S+)$/.exec(spec);
      if (!m) throw new UsageError(`"${spec}" must look like CLUSTER=WEIGHT`);
      const weight = Number(m[2]);
      if (!/^\d+$/.test(m[2]!) || weight < 1 || weight > 20)
        throw new UsageError(`weight ${m[2]} for ${m[1]} must be a whole number from 1 to 20 (AMKO rejects others)`);
      if (seen.has(m[1]!)) throw new UsageError(`cluster ${m[1]} is given twice`);
      seen.add(m[1]!);
      return { cluster: m[1]!, weight };
    });
}

/** Expected share per cluster: weight over the sum of weights at the best (lowest) priority. */
export function expectedShares(split: SplitEntry[]): TrafficSplitResult["shares"] {
  const rows = split.map((s) => ({ cluster: s.cluster, weight: s.weight ?? 1, priority: s.priority ?? 10 }));
  const best = Math.min(...rows.map((r) => r.priority));
  const total = rows.filter((r) => r.priority === best).reduce((a, r) => a + r.weight, 0);
  return rows.map((r) => ({ ...r, share: r.priority === best && total ? Math.round((r.weight / total) * 10000) / 10000 : 0 }));
}

/** Change the weights of global-gdp at runtime (AMKO re-evaluates every GSLB service on update). */
export async function setTrafficSplit(o: TrafficSplitOptions, kube: Kube): Promise<TrafficSplitResult> {
  const hint = "install AMKO first: avictl amko install";
  const [gdpVersion, gcVersion] = await Promise.all([
    crdVersion(kube, "globaldeploymentpolicies", "amko.vmware.com", hint),
    crdVersion(kube, "gslbconfigs", "amko.vmware.com", hint),
  ]);
  const [gdp, gc] = await Promise.all([
    kube.get<KubeObject & { spec?: { trafficSplit?: SplitEntry[]; matchClusters?: (string | { cluster: string })[] } }>(
      gdpVersion,
      "GlobalDeploymentPolicy",
      GDP,
      AMKO_NAMESPACE,
    ),
    kube.get<KubeObject & { spec?: { memberClusters?: { clusterContext: string }[] } }>(
      gcVersion,
      "GSLBConfig",
      GSLB_CONFIG,
      AMKO_NAMESPACE,
    ),
  ]);
  if (!gdp) throw new OperationError(`GlobalDeploymentPolicy ${GDP} is not in ${AMKO_NAMESPACE} on cluster ${kube.context}`, hint);
  const known = new Set([
    ...(gc?.spec?.memberClusters ?? []).map((m) => m.clusterContext),
    ...(gdp.spec?.matchClusters ?? []).map((m) => (typeof m === "string" ? m : m.cluster)),
  ]);
  const unknown = o.weights.filter((w) => !known.has(w.cluster)).map((w) => w.cluster);
  if (unknown.length)
    throw new UsageError(
      `unknown cluster${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; the GSLB members are ${[...known].join(", ") || "none"}`,
    );

  const current = gdp.spec?.trafficSplit ?? [];
  const next: SplitEntry[] = current.map((e) => ({ ...e }));
  for (const w of o.weights) {
    const e = next.find((x) => x.cluster === w.cluster);
    if (e) e.weight = w.weight;
    else next.push({ cluster: w.cluster, weight: w.weight });
  }
  const diff = o.weights
    .map((w) => ({ path: `trafficSplit[${w.cluster}].weight`, from: current.find((e) => e.cluster === w.cluster)?.weight, to: w.weight }))
    .filter((d) => d.from !== d.to);
  const item: PlanItem = {
    kind: "globaldeploymentpolicy",
    name: `${AMKO_NAMESPACE}/${GDP}`,
    action: diff.length ? "update" : "unchanged",
    diff,
  };
  if (diff.length && !o.dryRun)
    await kube.mergePatch(gdpVersion, "GlobalDeploymentPolicy", GDP, AMKO_NAMESPACE, { spec: { trafficSplit: next } });
  return { dryRun: o.dryRun, plan: [item], warnings: [], shares: expectedShares(next) };
}
