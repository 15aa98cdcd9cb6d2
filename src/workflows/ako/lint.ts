import { parseDocument } from "yaml";
import { compareVersions } from "../../clients/avi/version.js";
import { leaves, parseValues } from "../values-doc.js";
import { CNI_PLUGINS, SERVICE_TYPES, SHARD_SIZES } from "./render.js";

export interface LintFinding {
  path: string;
  severity: "error" | "warning";
  message: string;
}

export interface LintResult {
  chartVersion: string;
  findings: LintFinding[];
  passed: boolean;
}

/** Keys AKO renamed or dropped, with the version and the replacement. */
const MOVED: { path: string; since: string; fix: string; removed: boolean }[] = [
  { path: "ControllerSettings.controllerIP", since: "1.3.1", fix: "renamed ControllerSettings.controllerHost", removed: true },
  { path: "NetworkSettings.networkName", since: "1.4.1", fix: "replaced by NetworkSettings.vipNetworkList[].networkName", removed: true },
  { path: "NetworkSettings.subnetIP", since: "1.5.1", fix: "replaced by NetworkSettings.vipNetworkList[].cidr", removed: true },
  { path: "NetworkSettings.subnetPrefix", since: "1.5.1", fix: "replaced by NetworkSettings.vipNetworkList[].cidr", removed: true },
  { path: "L4Settings.advancedL4", since: "1.6.1", fix: "removed (use AKOSettings.servicesAPI for Gateways)", removed: true },
  { path: "ControllerSettings.tenantsPerCluster", since: "1.6.1", fix: "removed (set ControllerSettings.tenantName)", removed: true },
  { path: "L4Settings.defaultDomain", since: "1.13.1", fix: "deprecated in favour of NetworkSettings.defaultDomain", removed: false },
];

const ENUMS: Record<string, readonly string[]> = {
  "L7Settings.serviceType": SERVICE_TYPES,
  "L7Settings.shardVSSize": SHARD_SIZES,
  "L7Settings.passthroughShardSize": ["LARGE", "MEDIUM", "SMALL"],
  "AKOSettings.cniPlugin": CNI_PLUGINS,
  "AKOSettings.logLevel": ["INFO", "DEBUG", "WARN", "ERROR"],
};

/** Keys the chart templates compare with strings or booleans: the wrong YAML type breaks `helm template`. */
const TYPES: Record<string, "string" | "boolean" | "integer" | "list"> = {
  "L7Settings.defaultIngController": "string",
  "L7Settings.serviceType": "string",
  "AKOSettings.primaryInstance": "boolean",
  "featureGates.GatewayAPI": "boolean",
  "featureGates.EnablePrometheus": "boolean",
  replicaCount: "integer",
  "NetworkSettings.vipNetworkList": "list",
  "NetworkSettings.nodeNetworkList": "list",
  "NetworkSettings.bgpPeerLabels": "list",
};

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length]![b.length]!;
}

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return "list";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (v === null) return "null";
  return typeof v === "object" ? "map" : typeof v;
}

function valueAt(values: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), values);
}

/**
 * Check a values file against the chart's own defaults: unknown keys (with the closest known one),
 * keys moved between versions (with the fix), enum values and the YAML types the templates need.
 */
export function lintAkoValues(text: string, file: string, chart: { version: string; defaultValues: string }): LintResult {
  const values = parseValues(text, file);
  const defaults = (parseDocument(chart.defaultValues).toJS() ?? {}) as Record<string, unknown>;
  const known = new Set<string>();
  // Every map in the defaults is a known prefix; maps that are empty or null by default take any key.
  const open = new Set<string>();
  const walk = (v: unknown, path: string[]) => {
    if (path.length) known.add(path.join("."));
    if (v && typeof v === "object" && !Array.isArray(v)) {
      if (Object.keys(v).length === 0) open.add(path.join("."));
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    } else if (v === null || v === undefined) open.add(path.join("."));
  };
  walk(defaults, []);
  const findings: LintFinding[] = [];
  // Paths already reported: many leaves under one wrong key give one finding.
  const reported = new Set<string>();
  const report = (f: LintFinding) => {
    if (reported.has(f.path)) return;
    reported.add(f.path);
    findings.push(f);
  };
  const openPrefixes = [...open].filter(Boolean);
  for (const [segments, value] of leaves(values)) {
    const path = segments.join(".");
    const moved = MOVED.find((m) => m.path === path || path.startsWith(`${m.path}.`));
    if (moved && compareVersions(chart.version, moved.since) >= 0) {
      const key = moved.path.split(".").pop()!;
      findings.push({ path, severity: moved.removed ? "error" : "warning", message: `${key} was ${moved.fix} in ${moved.since}` });
      continue;
    }
    // A map where the chart wants a list has leaves of its own: report the type once, at the key.
    const typed = Object.keys(TYPES).find((k) => path === k || path.startsWith(`${k}.`));
    if (typed && known.has(typed) && typeOf(valueAt(values, typed)) !== TYPES[typed]) {
      const actual = valueAt(values, typed);
      report({
        path: typed,
        severity: "error",
        message: `must be a YAML ${TYPES[typed]}, not ${typeOf(actual)} (${JSON.stringify(actual)}): the chart's templates compare it as a ${TYPES[typed]}`,
      });
      continue;
    }
    const underOpen = openPrefixes.some((o) => path === o || path.startsWith(`${o}.`));
    if (!known.has(path) && !underOpen) {
      // Report at the first unknown segment, with the closest sibling as the suggestion.
      let i = 0;
      while (i < segments.length && known.has(segments.slice(0, i + 1).join("."))) i++;
      const parent = segments.slice(0, i).join(".");
      const bad = segments[i]!;
      const where = parent ? `${parent}.${bad}` : bad;
      if (reported.has(where)) continue;
      const siblings = [...known]
        .filter((k) => (parent ? k.startsWith(`${parent}.`) : !k.includes(".")) && k.split(".").length === i + 1)
        .map((k) => k.split(".").pop()!);
      const best = siblings.map((s) => ({ s, d: distance(bad.toLowerCase(), s.toLowerCase()) })).sort((a, b) => a.d - b.d)[0];
      report({
        path: where,
        severity: "error",
        message:
          best && best.d <= Math.max(2, Math.floor(bad.length / 4))
            ? `unknown key; did you mean ${parent ? `${parent}.` : ""}${best.s}?`
            : `unknown key for AKO ${chart.version}`,
      });
      continue;
    }
    const allowed = ENUMS[path];
    if (allowed && typeof value === "string" && !allowed.includes(value))
      findings.push({ path, severity: "error", message: `"${value}" is not one of ${allowed.filter(Boolean).join(", ")}` });
    if (path === "avicredentials.password" || path === "avicredentials.authtoken") {
      if (value)
        findings.push({
          path,
          severity: "warning",
          message: "credentials in a values file land in the Helm release secret; leave them out, avictl manages avi-secret",
        });
    }
  }
  return { chartVersion: chart.version, findings, passed: findings.every((f) => f.severity !== "error") };
}

/**
 * Render the chart with the values through helm itself, when helm is there: catches what only the
 * templates know (a type a template compares, a required field). Adds one finding on failure.
 */
export async function lintWithHelm(result: LintResult, render: () => Promise<unknown>): Promise<LintResult> {
  try {
    await render();
    return result;
  } catch (err) {
    const message = (err as Error).message;
    if (/helm is not installed/.test(message))
      return {
        ...result,
        findings: [
          ...result.findings,
          { path: "-", severity: "warning", message: "helm is not installed: the chart's templates were not rendered" },
        ],
      };
    return { ...result, passed: false, findings: [...result.findings, { path: "-", severity: "error", message }] };
  }
}
