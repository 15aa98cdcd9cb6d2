import { compareVersions, groupVersion, type ResourceType } from "./resources.js";

type GV = { group: string; version: string };

/** GET /version for a version like "v1.29.4". */
export function versionInfo(v: string) {
  const [major, minor] = v.replace(/^v/, "").split(".");
  return {
    major,
    minor,
    gitVersion: v,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.22.0",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

/** The group/versions served, each group's versions in Kubernetes priority order. */
export function groupVersions(types: ResourceType[]): GV[] {
  const seen = new Map<string, GV>();
  for (const t of types) seen.set(groupVersion(t), { group: t.group, version: t.version });
  return [...seen.values()].sort((a, b) => (a.group === b.group ? compareVersions(a.version, b.version) : 0));
}

export const resourcesOf = (types: ResourceType[], gv: GV) => types.filter((t) => t.group === gv.group && t.version === gv.version);

/** GET /api */
export function apiVersions(host: string) {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: host }] };
}

/** GET /apis: every named group with its versions, the preferred one first. */
export function apiGroupList(types: ResourceType[]) {
  const groups = new Map<string, { groupVersion: string; version: string }[]>();
  for (const gv of groupVersions(types))
    if (gv.group) groups.set(gv.group, [...(groups.get(gv.group) ?? []), { groupVersion: groupVersion(gv), version: gv.version }]);
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groups].map(([name, versions]) => ({ name, versions, preferredVersion: versions[0] })),
  };
}

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const SUB_VERBS: Record<string, string[]> = {
  status: ["get", "patch", "update"],
  log: ["get"],
  proxy: ["create", "delete", "get", "patch", "update"],
};
const SUB_KIND: Record<string, string> = { log: "Pod", proxy: "PodProxyOptions" };

/** GET /api/v1 or /apis/<group>/<version>: the APIResourceList with subresources. */
export function apiResourceList(types: ResourceType[], gv: GV) {
  const resources = resourcesOf(types, gv).flatMap((t) => [
    {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories?.length ? { categories: t.categories } : {}),
    },
    ...(t.subresources ?? []).map((s) => ({
      name: `${t.plural}/${s}`,
      singularName: "",
      namespaced: t.namespaced,
      kind: SUB_KIND[s] ?? t.kind,
      verbs: SUB_VERBS[s] ?? ["get"],
    })),
  ]);
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersion(gv), resources };
}
