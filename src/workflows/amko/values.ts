import type { Document } from "yaml";
import { parseDocument } from "yaml";
import { UsageError } from "../../base/errors.js";
import type { AviClient, AviObject } from "../../clients/avi/types.js";
import { compareVersions } from "../../clients/avi/version.js";
import { parseCount } from "../infra/net.js";
import { leaves, mergeValues, parseValues, renderDoc } from "../values-doc.js";
import { parseMembers, parseSelector } from "./install.js";
import { renderAmkoValues } from "./render.js";
import { parseSplit } from "./traffic-split.js";

/** The newest AMKO chart avictl renders for by default. */
export const DEFAULT_AMKO_CHART = "1.13.1";

export interface AmkoValuesOptions {
  chartVersion: string;
  /** Member names as AMKO knows them (context names in gslb-members). */
  members: string[];
  /** The member this AMKO runs on. */
  currentCluster: string;
  /** False for a follower AMKO (federation, 1.4.2+): it only receives GSLBConfig and GDP. */
  leader: boolean;
  /** Unset when the flag was not given, so a base file's own value is kept. */
  selector?: Record<string, string>;
  split?: { cluster: string; weight: number }[];
  ttl?: number;
  syncVipOnly: string[];
  leaderController?: string;
  controllerVersion?: string;
  amkoUUID?: string;
  base?: { text: string; file: string };
}

export function toAmkoValuesOptions(raw: {
  member?: string[];
  currentCluster?: string;
  follower?: boolean;
  selector?: string;
  split?: string;
  ttl?: string;
  syncVipOnly?: string[];
  leaderController?: string;
  controllerVersion?: string;
  chartVersion?: string;
  amkoUuid?: string;
}): AmkoValuesOptions {
  // Only the names matter in values; NAME=CONTEXT is accepted so the --member of amko install can be reused.
  const members = parseMembers((raw.member ?? []).map((m) => (m.includes("=") ? m : `${m}=${m}`))).map((m) => m.name);
  const currentCluster = raw.currentCluster ?? members[0]!;
  const known = (flag: string, names: string[]) => {
    const strays = names.filter((n) => !members.includes(n));
    if (strays.length) throw new UsageError(`${flag} names ${strays.join(", ")}, not a --member; members: ${members.join(", ")}`);
  };
  known("--current-cluster", [currentCluster]);
  const split = raw.split ? parseSplit([raw.split]) : undefined;
  known("--split", split?.map((s) => s.cluster) ?? []);
  known("--sync-vip-only", raw.syncVipOnly ?? []);
  const chartVersion = raw.chartVersion ?? DEFAULT_AMKO_CHART;
  if (!/^\d+\.\d+\.\d+$/.test(chartVersion)) throw new UsageError(`--chart-version "${chartVersion}" must look like 1.13.1`);
  if (raw.follower && compareVersions(chartVersion, "1.4.2") < 0)
    throw new UsageError(
      `AMKO ${chartVersion} has no federation: it runs on the leader cluster only`,
      "drop --follower, or render for chart 1.4.2 or newer",
    );
  if (raw.amkoUuid !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw.amkoUuid)) {
    throw new UsageError(
      `--amko-uuid "${raw.amkoUuid}" must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); the chart refuses other lengths`,
    );
  }
  if (raw.amkoUuid !== undefined && compareVersions(chartVersion, "1.11.1") < 0)
    throw new UsageError(`--amko-uuid needs chart 1.11.1 or newer (configs.amkoUUID), not ${chartVersion}`);
  return {
    chartVersion,
    members,
    currentCluster,
    leader: !raw.follower,
    selector: raw.selector === undefined ? undefined : parseSelector(raw.selector),
    split,
    ttl: parseCount(raw.ttl, "--ttl", 1, 86400),
    syncVipOnly: raw.syncVipOnly ?? [],
    leaderController: raw.leaderController,
    controllerVersion: raw.controllerVersion,
    amkoUUID: raw.amkoUuid,
  };
}

/** True when everything needed is on the command line, so values can be rendered without a controller. */
export function amkoOffline(o: AmkoValuesOptions): boolean {
  return Boolean(o.controllerVersion);
}

const CREDENTIALS = ["gslbLeaderCredentials"];

/**
 * Render AMKO values; with a controller, read its version and check that it is the GSLB leader
 * (AMKO reports "controller not a leader" otherwise). A base file (-f) is merged underneath.
 */
export async function amkoValues(
  o: AmkoValuesOptions,
  leaderController: string | undefined,
  avi?: AviClient,
): Promise<{ yaml: string; warnings: string[] }> {
  const warnings: string[] = [];
  let controllerVersion = o.controllerVersion;
  if (avi) {
    controllerVersion ??= avi.controllerVersion;
    const [cluster, gslbs] = await Promise.all([
      avi.get<AviObject>("cluster"),
      avi.list<AviObject & { leader_cluster_uuid?: string }>("gslb"),
    ]);
    if (gslbs.length === 0) warnings.push(`GSLB is not configured on ${avi.controller}: AMKO needs the GSLB leader controller`);
    else if (gslbs[0]!.leader_cluster_uuid !== cluster.uuid)
      warnings.push(`${avi.controller} is a GSLB follower: AMKO needs the leader (AMKO would report "controller not a leader")`);
  }
  if (!leaderController) throw new UsageError("no GSLB leader controller: pass --leader-controller or select a context");
  if (!controllerVersion) throw new UsageError("without a controller, give --controller-version");

  const base = o.base ? parseValues(o.base.text, o.base.file) : {};
  const baseHas = (path: string[]) => valueAt(base, path) !== undefined;
  // A flag left out keeps the base file's value; without either, avictl's default applies.
  const split =
    o.split ?? (baseHas(["globalDeploymentPolicy", "trafficSplit"]) ? undefined : o.members.map((m) => ({ cluster: m, weight: 1 })));
  const selector = o.selector ?? (baseHas(["globalDeploymentPolicy", "appSelector"]) ? undefined : { app: "gslb" });

  const doc = parseDocument(
    renderAmkoValues({
      chartVersion: o.chartVersion,
      leaderController,
      controllerVersion,
      members: o.members,
      currentCluster: o.currentCluster,
      selector: selector ?? {},
      trafficSplit: split ?? [],
      ttl: o.ttl,
      amkoUUID: o.amkoUUID,
    }),
  );
  const owned: string[][] = [
    ["configs", "gslbLeaderController"],
    ["configs", "controllerVersion"],
    ["configs", "memberClusters"],
    ["federation", "currentCluster"],
    ["federation", "currentClusterIsLeader"],
    ["federation", "memberClusters"],
    ["globalDeploymentPolicy", "matchClusters"],
    CREDENTIALS,
  ];
  if (o.amkoUUID) owned.push(["configs", "amkoUUID"]);
  if (o.ttl !== undefined) owned.push(["globalDeploymentPolicy", "ttl"]);
  if (split) owned.push(["globalDeploymentPolicy", "trafficSplit"]);
  else doc.deleteIn(["globalDeploymentPolicy", "trafficSplit"]);
  if (selector) owned.push(["globalDeploymentPolicy", "appSelector"]);
  else doc.deleteIn(["globalDeploymentPolicy", "appSelector"]);
  mergeBase(doc, base, owned, warnings, o.base?.file ?? "");

  for (const cluster of o.syncVipOnly)
    doc.setIn(["globalDeploymentPolicy", "matchClusters", o.members.indexOf(cluster), "syncVipOnly"], true);
  if (!o.leader) doc.setIn(["federation", "currentClusterIsLeader"], false);
  checkResult(doc.toJS() as AmkoValues, o.members);
  return { yaml: renderDoc(doc), warnings };
}

const valueAt = (v: unknown, path: string[]): unknown =>
  path.reduce<unknown>((x, k) => (x && typeof x === "object" && !Array.isArray(x) ? (x as Record<string, unknown>)[k] : undefined), v);

/** Base values go under avictl's own: keys avictl sets from flags win, credentials are never copied. */
function mergeBase(doc: Document, base: Record<string, unknown>, owned: string[][], warnings: string[], file: string): void {
  const under = (path: string[], prefix: string[]) => prefix.every((s, i) => path[i] === s);
  mergeValues(doc, base, (path) => {
    if (under(path, CREDENTIALS)) {
      for (const [leaf, value] of leaves(valueAt(base, path), path))
        if (value) warnings.push(`${file}: ${leaf.join(".")} left out; avictl passes the leader's credentials at install time`);
      return true;
    }
    return owned.some((p) => under(path, p));
  });
}

interface AmkoValues {
  globalDeploymentPolicy?: { appSelector?: { label?: Record<string, string> }; trafficSplit?: { cluster?: string; weight?: unknown }[] };
}

/** What AMKO or the API server would refuse, checked here so the install does not fail later. */
function checkResult(v: AmkoValues, members: string[]): void {
  const gdp = v.globalDeploymentPolicy ?? {};
  // An empty selector renders `matchRules: null`, which the API server rejects.
  if (Object.keys(gdp.appSelector?.label ?? {}).length === 0)
    throw new UsageError("globalDeploymentPolicy.appSelector.label is empty: AMKO would select nothing", "pass --selector KEY=VALUE");
  for (const t of gdp.trafficSplit ?? []) {
    if (!t.cluster || !members.includes(t.cluster))
      throw new UsageError(`trafficSplit names ${String(t.cluster)}, not a --member; members: ${members.join(", ")}`);
    if (!Number.isInteger(t.weight) || (t.weight as number) < 1 || (t.weight as number) > 20)
      throw new UsageError(
        `trafficSplit weight ${String(t.weight)} for ${t.cluster} must be a whole number from 1 to 20 (AMKO rejects others)`,
      );
  }
}
