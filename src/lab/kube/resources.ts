/** One kind the lab's Kubernetes API serves, at one group/version. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  /** Subresources served (status, log, proxy). */
  subresources?: string[];
  shortNames?: string[];
  /** Groups `kubectl get <category>` covers, e.g. "all". */
  categories?: string[];
  /** For custom resources: the CRD's name and its OpenAPI schema for this version. */
  crd?: { name: string; schema?: unknown };
}

interface Builtin extends ResourceType {
  /** Minor Kubernetes version that stopped serving it (1.22 removed the v1beta1 Ingress API). */
  removedIn?: number;
}

const of = (group: string, version: string, kind: string, plural: string, namespaced: boolean, extra: Partial<Builtin> = {}): Builtin => ({
  group,
  version,
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  ...extra,
});
const core = (kind: string, plural: string, namespaced: boolean, extra: Partial<Builtin> = {}) =>
  of("", "v1", kind, plural, namespaced, extra);

/** The built-in kinds the AKO and AMKO charts, helm, kubectl and avictl touch. */
const BUILTIN: Builtin[] = [
  core("Namespace", "namespaces", false, { subresources: ["status"], shortNames: ["ns"] }),
  core("ConfigMap", "configmaps", true, { shortNames: ["cm"] }),
  core("Secret", "secrets", true),
  core("Service", "services", true, { subresources: ["status"], shortNames: ["svc"], categories: ["all"] }),
  core("Pod", "pods", true, { subresources: ["status", "log", "proxy"], shortNames: ["po"], categories: ["all"] }),
  core("ServiceAccount", "serviceaccounts", true, { shortNames: ["sa"] }),
  core("Node", "nodes", false, { subresources: ["status"], shortNames: ["no"] }),
  core("Event", "events", true, { shortNames: ["ev"] }),
  core("Endpoints", "endpoints", true, { shortNames: ["ep"] }),
  core("PersistentVolumeClaim", "persistentvolumeclaims", true, { subresources: ["status"], shortNames: ["pvc"] }),
  of("apps", "v1", "Deployment", "deployments", true, { subresources: ["status"], shortNames: ["deploy"], categories: ["all"] }),
  of("apps", "v1", "StatefulSet", "statefulsets", true, { subresources: ["status"], shortNames: ["sts"], categories: ["all"] }),
  of("apps", "v1", "DaemonSet", "daemonsets", true, { subresources: ["status"], shortNames: ["ds"], categories: ["all"] }),
  of("apps", "v1", "ReplicaSet", "replicasets", true, { subresources: ["status"], shortNames: ["rs"], categories: ["all"] }),
  of("networking.k8s.io", "v1", "Ingress", "ingresses", true, { subresources: ["status"], shortNames: ["ing"] }),
  of("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false),
  of("networking.k8s.io", "v1beta1", "Ingress", "ingresses", true, { subresources: ["status"], shortNames: ["ing"], removedIn: 22 }),
  of("networking.k8s.io", "v1beta1", "IngressClass", "ingressclasses", false, { removedIn: 22 }),
  of("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
  of("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
  of("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
  of("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
  of("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, {
    subresources: ["status"],
    shortNames: ["crd", "crds"],
  }),
  of("apiextensions.k8s.io", "v1beta1", "CustomResourceDefinition", "customresourcedefinitions", false, {
    subresources: ["status"],
    shortNames: ["crd", "crds"],
    removedIn: 22,
  }),
  of("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, { subresources: ["status"], shortNames: ["pdb"] }),
  of("policy", "v1beta1", "PodDisruptionBudget", "poddisruptionbudgets", true, {
    subresources: ["status"],
    shortNames: ["pdb"],
    removedIn: 25,
  }),
  of("policy", "v1beta1", "PodSecurityPolicy", "podsecuritypolicies", false, { shortNames: ["psp"], removedIn: 25 }),
  of("coordination.k8s.io", "v1", "Lease", "leases", true),
];

/** The built-in kinds a cluster of this Kubernetes version (e.g. "v1.21.14") serves. */
export function builtinTypes(kubernetesVersion: string): ResourceType[] {
  const minor = Number(kubernetesVersion.replace(/^v/, "").split(".")[1] ?? 0);
  return BUILTIN.filter((t) => t.removedIn === undefined || minor < t.removedIn).map(({ removedIn: _, ...t }) => t);
}

export const groupVersion = (t: { group: string; version: string }) => (t.group ? `${t.group}/${t.version}` : t.version);
/** URL prefix of a group/version: /api/v1 or /apis/<group>/<version>. */
export const gvPath = (t: { group: string; version: string }) => (t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`);

/** Kubernetes version order, highest priority first: v1 > v1beta2 > v1beta1 > v1alpha1 > other names. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    return [m[2] === undefined ? 3 : m[2] === "beta" ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return y[i]! - x[i]!;
  return a.localeCompare(b);
}

export interface Crd {
  metadata?: { name?: string };
  spec?: {
    group?: string;
    names?: { kind?: string; plural?: string; singular?: string; shortNames?: string[]; categories?: string[] };
    scope?: string;
    versions?: {
      name: string;
      served?: boolean;
      storage?: boolean;
      subresources?: Record<string, unknown>;
      schema?: { openAPIV3Schema?: unknown };
    }[];
    /** apiextensions.k8s.io/v1beta1 form: one version, subresources and schema beside it. */
    version?: string;
    subresources?: Record<string, unknown>;
    validation?: { openAPIV3Schema?: unknown };
  };
}

/** The kinds a CustomResourceDefinition adds, one per served version. */
export function fromCrd(crd: Crd): ResourceType[] {
  const s = crd.spec ?? {};
  const names = s.names ?? {};
  if (!s.group || !names.kind || !names.plural) return [];
  const versions =
    s.versions ?? (s.version ? [{ name: s.version, served: true, storage: true, subresources: s.subresources, schema: s.validation }] : []);
  return versions
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: s.group!,
      version: v.name,
      kind: names.kind!,
      plural: names.plural!,
      singular: names.singular ?? names.kind!.toLowerCase(),
      namespaced: s.scope !== "Cluster",
      subresources: Object.keys(v.subresources ?? s.subresources ?? {}),
      shortNames: names.shortNames,
      categories: names.categories,
      crd: { name: crd.metadata?.name ?? `${names.plural}.${s.group}`, schema: v.schema?.openAPIV3Schema ?? s.validation?.openAPIV3Schema },
    }));
}
