import { isDeepStrictEqual } from "node:util";
import type { Kube } from "../../clients/k8s.js";
import type { ChartInfo, HelmOps } from "../helm-release.js";

/** What `ako install/reload` would do, read without writing anything (--dry-run). */
export interface AkoPlan {
  mode: "install" | "reload";
  release: string;
  namespace: string;
  chart: { from?: string; to: string };
  /** Values that differ from the installed release (all values on a first install). */
  values: { path: string; from?: unknown; to?: unknown }[];
  crds: { name: string; action: "create" | "apply" }[];
  /** Whether the AKO pod would restart, and why. */
  restart: { yes: boolean; why: string };
  unchanged: boolean;
}

export async function planAko(
  mode: "install" | "reload",
  o: { values: Record<string, unknown>; chart: ChartInfo; namespace: string; release?: string },
  d: { kube: Kube; helm: HelmOps },
): Promise<AkoPlan> {
  const existing = (await d.helm.list(o.namespace)).find((r) => (o.release ? r.name === o.release : r.chart.startsWith("ako-")));
  const release = o.release ?? existing?.name ?? "ako";
  const { avicredentials: _credentials, ...installed } = existing ? await d.helm.getValues(existing.name, o.namespace) : {};
  const values = diffValues(existing ? installed : {}, o.values);
  const crds: AkoPlan["crds"] = [];
  for (const crd of o.chart.crds) {
    const name = String(crd.metadata?.name);
    crds.push({ name, action: (await d.kube.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", name)) ? "apply" : "create" });
  }
  const to = `ako-${o.chart.version}`;
  const unchanged =
    Boolean(existing) && existing!.status === "deployed" && existing!.chart === to && isDeepStrictEqual(installed, o.values);
  const restart = !existing
    ? { yes: false, why: "first install: AKO starts" }
    : existing.chart !== to
      ? { yes: true, why: `chart ${existing.chart} → ${to}` }
      : values.length > 0
        ? { yes: true, why: "values changed (the chart has no checksum annotation: avictl restarts the StatefulSet)" }
        : { yes: false, why: "nothing changed" };
  return { mode, release, namespace: o.namespace, chart: { from: existing?.chart, to }, values, crds, restart, unchanged };
}

/** Leaf paths whose values differ, e.g. AKOSettings.logLevel. */
function diffValues(from: unknown, to: unknown, path = ""): AkoPlan["values"] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(from) && isObject(to)) {
    return [...new Set([...Object.keys(from), ...Object.keys(to)])]
      .sort()
      .flatMap((k) => diffValues(from[k], to[k], path ? `${path}.${k}` : k));
  }
  if (isObject(to) && from === undefined) return diffValues({}, to, path);
  return isDeepStrictEqual(from, to) ? [] : [{ path, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }];
}
