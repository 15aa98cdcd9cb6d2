/** One kind the lab's Kubernetes API serves. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  /** Subresources served (status, log). */
  subresources?: string[];
  shortNames?: string[];
}

const core = (kind: string, plural: string, namespaced: boolean, subresources?: string[], shortNames?: string[]): ResourceType => ({ group: "", version: "v1", kind, plural, singular: kind.toLowerCase(), namespaced, subresources, shortNames });
const of = (group: string, version: string, kind: string, plural: string, namespaced: boolean, subresources?: string[], shortNames?: string[]): ResourceType => ({ group, version, kind, plural, singular: kind.toLowerCase(), namespaced, subresources, shortNames });

/** The built-in kinds the AKO and AMKO charts, helm and avictl touch. */
export const BUILTIN: ResourceType[] = [
  core("Namespace", "namespaces", false, ["status"], ["ns"]),
  core("ConfigMap", "configmaps", true, undefined, ["cm"]),
  core("Secret", "secrets", true),
  core("Service", "services", true, ["status"], ["svc"]),
  core("Pod", "pods", true, ["status", "log", "proxy"], ["po"]),
  core("ServiceAccount", "serviceaccounts", true, undefined, ["sa"]),
  core("Node", "nodes", false, ["status"], ["no"]),
  core("Event", "events", true),
  core("Endpoints", "endpoints", true),
  core("PersistentVolumeClaim", "persistentvolumeclaims", true),
  of("apps", "v1", "Deployment", "deployments", true, ["status"], ["deploy"]),
  of("apps", "v1", "StatefulSet", "statefulsets", true, ["status"], ["sts"]),
  of("apps", "v1", "DaemonSet", "daemonsets", true, ["status"]),
  of("apps", "v1", "ReplicaSet", "replicasets", true, ["status"]),
  of("networking.k8s.io", "v1", "Ingress", "ingresses", true, ["status"], ["ing"]),
  of("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false),
  of("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
  of("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
  of("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
  of("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
  of("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, ["status"], ["crd", "crds"]),
  of("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, ["status"]),
  of("coordination.k8s.io", "v1", "Lease", "leases", true),
];

export const groupVersion = (t: { group: string; version: string }) => (t.group ? `${t.group}/${t.version}` : t.version);
/** URL prefix of a group/version: /api/v1 or /apis/<group>/<version>. */
export const gvPath = (t: { group: string; version: string }) => (t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`);

type Crd = { spec?: { group?: string; names?: { kind?: string; plural?: string; singular?: string; shortNames?: string[] }; scope?: string; versions?: { name: string; served?: boolean; subresources?: Record<string, unknown> }[] } };

/** The kinds a CustomResourceDefinition adds, one per served version. */
export function fromCrd(crd: Crd): ResourceType[] {
  const s = crd.spec ?? {};
  const names = s.names ?? {};
  if (!s.group || !names.kind || !names.plural) return [];
  return (s.versions ?? [])
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: s.group!,
      version: v.name,
      kind: names.kind!,
      plural: names.plural!,
      singular: names.singular ?? names.kind!.toLowerCase(),
      namespaced: s.scope !== "Cluster",
      subresources: Object.keys(v.subresources ?? {}),
      shortNames: names.shortNames,
    }));
}
