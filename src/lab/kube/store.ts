import { randomBytes, randomUUID } from "node:crypto";
import { applyPatch, canonical, jsonPatch, mergePatch, parseFieldSelector, parseLabelSelector, strategicMerge } from "./patch.js";
import { compareVersions, fromCrd, groupVersion, type Crd, type ResourceType } from "./resources.js";
import { KubeError, alreadyExists, badRequest, conflict, invalid, notFound } from "./status.js";

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  [k: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
  [k: string]: unknown;
}

/** One write, as watches report it; `old` is the object before a change. */
export interface Change {
  type: "ADDED" | "MODIFIED" | "DELETED";
  group: string;
  plural: string;
  object: KubeObject;
  old?: KubeObject;
  rv: number;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Server-side apply remembers what each manager applied, to drop what it stops applying. */
  fieldManager?: string;
  /** "status" writes only the status; otherwise the status of kinds with a status subresource is kept. */
  subresource?: string;
}

/** Timestamps as the API server writes them: seconds, UTC. */
export const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

const HISTORY = 1000;
const SERVER_FIELDS = ["uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "generation", "managedFields", "selfLink"];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const isObj = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === "object" && !Array.isArray(v);

/** The parts of an object a change of which is a new generation: everything but metadata and status. */
const content = ({ metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest }: KubeObject) => canonical(rest);
const withoutVersion = (o: KubeObject) =>
  canonical({ ...o, apiVersion: undefined, kind: undefined, metadata: { ...o.metadata, resourceVersion: undefined } });

/** A label and field selector as one predicate; a malformed selector is a 400. */
export function selectorFilter(
  labelSelector: string | null | undefined,
  fieldSelector: string | null | undefined,
): (o: KubeObject) => boolean {
  try {
    const labels = parseLabelSelector(labelSelector);
    const fields = parseFieldSelector(fieldSelector);
    return (o) => labels.every((r) => r(o.metadata.labels ?? {})) && fields.every((f) => f(o));
  } catch (err) {
    throw badRequest((err as Error).message);
  }
}

/**
 * The objects of one lab cluster and the API server's rules for writing them: names, namespaces,
 * uids, resourceVersions with optimistic concurrency, generations, defaults, patches, server-side
 * apply, cascading deletes (namespace contents, custom resources of a CRD, owned objects) and the
 * change history watches replay. Custom resource kinds come and go with their CRDs.
 */
export class KubeStore {
  private readonly types = new Map<string, ResourceType>(); // "<group/version>|<plural>"
  private readonly objects = new Map<string, KubeObject>(); // "<group>|<plural>|<namespace>|<name>"
  private readonly applied = new Map<string, Map<string, unknown>>(); // uid → field manager → applied configuration
  private readonly history: Change[] = [];
  private readonly listeners = new Set<(c: Change) => void>();
  private rv = 1000;
  private clusterIPs = 0;

  constructor(builtin: ResourceType[]) {
    for (const t of builtin) this.types.set(`${groupVersion(t)}|${t.plural}`, t);
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  resource(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.get(`${groupVersion({ group, version })}|${plural}`);
  }

  resourceOfKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.resources().find((t) => groupVersion(t) === apiVersion && t.kind === kind);
  }

  resources(): ResourceType[] {
    return [...this.types.values()];
  }

  /** A kind at its preferred served version (objects are stored once, whatever the version). */
  preferred(group: string, plural: string): ResourceType | undefined {
    return this.resources()
      .filter((t) => t.group === group && t.plural === plural)
      .sort((a, b) => compareVersions(a.version, b.version))[0];
  }

  /** Listen to every write; returns the unsubscribe function. */
  onChange(listener: (c: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Writes after resourceVersion `rv`, or undefined when the history no longer reaches back that far. */
  changesSince(rv: number): Change[] | undefined {
    if (rv >= this.rv) return [];
    const first = this.history[0];
    if (!first || first.rv > rv + 1) return undefined;
    return this.history.filter((c) => c.rv > rv);
  }

  get(t: ResourceType, ns: string | undefined, name: string): KubeObject | undefined {
    const o = this.objects.get(this.key(t, ns, name));
    return o && this.render(t, o);
  }

  /** Objects of a kind, in one namespace or all, sorted by namespace and name. */
  list(t: ResourceType, ns?: string, filter: (o: KubeObject) => boolean = () => true): KubeObject[] {
    const prefix = `${t.group}|${t.plural}|${t.namespaced && ns !== undefined ? `${ns}|` : ""}`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => this.render(t, o))
      .filter(filter);
  }

  /** The object as a client sees it at this group/version. */
  render(t: ResourceType, o: KubeObject): KubeObject {
    const { apiVersion: _a, kind: _k, ...rest } = structuredClone(o);
    return { apiVersion: groupVersion(t), kind: t.kind, ...rest };
  }

  create(t: ResourceType, ns: string | undefined, body: unknown, o: WriteOptions = {}): KubeObject {
    const obj = this.prepare(t, body);
    const meta = obj.metadata;
    if (meta.namespace === "") delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomBytes(4).toString("hex").slice(0, 5)}`;
    if (!meta.name) throw invalid(t, "", "metadata.name: Required value: name or generateName is required");
    this.validateName(t, meta.name);
    if (t.namespaced) {
      if (ns !== undefined && meta.namespace !== undefined && meta.namespace !== ns)
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      meta.namespace = ns ?? meta.namespace;
      if (!meta.namespace) throw badRequest("a namespace is required for this resource");
      if (!this.objects.has(`|namespaces||${meta.namespace}`)) throw notFound({ group: "", plural: "namespaces" }, meta.namespace);
    } else delete meta.namespace;
    if (this.objects.has(this.key(t, meta.namespace, meta.name))) throw alreadyExists(t, meta.name);
    for (const k of SERVER_FIELDS) delete meta[k];
    Object.assign(meta, { uid: randomUUID(), creationTimestamp: now(), generation: 1 });
    if (t.kind === "Pod") obj.status = { phase: "Pending" };
    this.defaults(t, obj);
    if (o.dryRun) return this.render(t, obj);
    this.commit("ADDED", t, obj);
    return this.render(t, obj);
  }

  /** PUT: the whole object (or, with subresource "status", its status). */
  replace(t: ResourceType, ns: string | undefined, name: string, body: unknown, o: WriteOptions = {}): KubeObject {
    const cur = this.objects.get(this.key(t, ns, name));
    if (!cur) throw notFound(t, name);
    return this.update(t, cur, this.prepare(t, body), o);
  }

  /**
   * PATCH with any of the API server's patch types. Server-side apply creates the object when it
   * is absent; `created` says so (201).
   */
  patch(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    contentType: string,
    body: unknown,
    o: WriteOptions = {},
  ): { object: KubeObject; created: boolean } {
    const cur = this.objects.get(this.key(t, ns, name));
    if (contentType.startsWith("application/apply-patch")) {
      if (!isObj(body) || !body.apiVersion || !body.kind) throw badRequest("apiVersion and kind must be set in an applied configuration");
      const applied = this.prepare(t, body);
      if (applied.metadata.name && applied.metadata.name !== name)
        throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
      const manager = o.fieldManager ?? "";
      if (!manager) throw badRequest("PATCH with apply requires a fieldManager");
      if (!cur) {
        const object = this.create(t, ns, { ...applied, metadata: { ...applied.metadata, name } }, o);
        if (!o.dryRun) this.applied.set(object.metadata.uid!, new Map([[manager, applied]]));
        return { object, created: true };
      }
      const previous = this.applied.get(cur.metadata.uid!)?.get(manager) ?? {};
      const next = applyPatch(this.strip(cur), previous, applied) as KubeObject;
      next.metadata = { ...next.metadata, resourceVersion: applied.metadata.resourceVersion ?? cur.metadata.resourceVersion };
      const object = this.update(t, cur, next, o);
      if (!o.dryRun) this.applied.set(cur.metadata.uid!, new Map([...(this.applied.get(cur.metadata.uid!) ?? []), [manager, applied]]));
      return { object, created: false };
    }
    if (!cur) throw notFound(t, name);
    const base = this.strip(cur);
    let next: unknown;
    if (contentType.startsWith("application/merge-patch+json")) next = mergePatch(base, body);
    else if (contentType.startsWith("application/strategic-merge-patch+json")) {
      if (t.crd)
        throw new KubeError(
          415,
          "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
        );
      next = strategicMerge(base, body);
    } else if (contentType.startsWith("application/json-patch+json")) {
      try {
        next = jsonPatch(base, body as { op: string; path: string }[]);
      } catch (err) {
        throw new KubeError(422, "Invalid", `the server rejected our request due to an error in our request: ${(err as Error).message}`);
      }
    } else
      throw new KubeError(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: " +
          "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json",
      );
    return { object: this.update(t, cur, this.prepare(t, next), o), created: false };
  }

  delete(t: ResourceType, ns: string | undefined, name: string, o: WriteOptions = {}): KubeObject {
    const cur = this.objects.get(this.key(t, ns, name));
    if (!cur) throw notFound(t, name);
    if (!o.dryRun) this.remove(t, cur);
    return this.render(t, cur);
  }

  /** What controllers write: a new status, recorded only when it differs. */
  setStatus(t: ResourceType, ns: string | undefined, name: string, status: Record<string, unknown>): void {
    const cur = this.objects.get(this.key(t, ns, name));
    if (!cur || canonical(cur.status) === canonical(status)) return;
    this.commit("MODIFIED", t, { ...structuredClone(cur), status: structuredClone(status) }, structuredClone(cur));
  }

  private update(t: ResourceType, cur: KubeObject, next: KubeObject, o: WriteOptions): KubeObject {
    const name = cur.metadata.name!;
    if (next.metadata.name !== undefined && next.metadata.name !== name)
      throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
    if (t.namespaced && next.metadata.namespace && next.metadata.namespace !== cur.metadata.namespace)
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    if (next.metadata.resourceVersion && next.metadata.resourceVersion !== cur.metadata.resourceVersion) throw conflict(t, name);
    let merged: KubeObject;
    if (o.subresource === "status") merged = { ...structuredClone(cur), status: next.status };
    else {
      merged = next;
      if (t.subresources?.includes("status")) {
        if (cur.status === undefined) delete merged.status;
        else merged.status = structuredClone(cur.status);
      }
      const { uid, creationTimestamp, generation, namespace, deletionTimestamp } = cur.metadata;
      merged.metadata = {
        ...next.metadata,
        name,
        namespace,
        uid,
        creationTimestamp,
        generation,
        ...(deletionTimestamp ? { deletionTimestamp } : {}),
      };
      for (const k of ["managedFields", "selfLink"]) delete merged.metadata[k];
      if (!t.namespaced) delete merged.metadata.namespace;
    }
    merged.metadata.resourceVersion = cur.metadata.resourceVersion;
    this.defaults(t, merged);
    if (content(merged) !== content(cur)) merged.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    // An update that changes nothing keeps the resourceVersion and notifies no one, as in Kubernetes.
    if (withoutVersion(merged) === withoutVersion(cur) || o.dryRun) return this.render(t, o.dryRun ? merged : cur);
    this.commit("MODIFIED", t, merged, structuredClone(cur));
    return this.render(t, merged);
  }

  private remove(t: ResourceType, obj: KubeObject): void {
    const uid = obj.metadata.uid!;
    if (t.kind === "Namespace") {
      for (const [k, v] of [...this.objects])
        if (k.split("|")[2] === obj.metadata.name && this.objects.has(k)) this.remove(this.typeOfKey(k)!, v);
    }
    if (t.kind === "CustomResourceDefinition") {
      for (const ct of fromCrd(obj as Crd).slice(0, 1))
        for (const [k, v] of [...this.objects]) if (k.startsWith(`${ct.group}|${ct.plural}|`) && this.objects.has(k)) this.remove(ct, v);
    }
    if (!this.objects.has(this.key(t, obj.metadata.namespace, obj.metadata.name!))) return;
    this.commit("DELETED", t, structuredClone(obj));
    this.applied.delete(uid);
    // Garbage collection: what the deleted object owned goes too (a workload's pods).
    for (const [k, v] of [...this.objects])
      if (v.metadata.ownerReferences?.some((r) => r.uid === uid) && this.objects.has(k)) this.remove(this.typeOfKey(k)!, v);
  }

  private commit(type: Change["type"], t: ResourceType, obj: KubeObject, old?: KubeObject): void {
    obj.metadata.resourceVersion = String(++this.rv);
    const key = this.key(t, obj.metadata.namespace, obj.metadata.name!);
    if (type === "DELETED") this.objects.delete(key);
    else this.objects.set(key, obj);
    if (t.kind === "CustomResourceDefinition") this.syncCrd(obj as Crd, type === "DELETED");
    const change: Change = { type, group: t.group, plural: t.plural, object: structuredClone(obj), old, rv: this.rv };
    this.history.push(change);
    if (this.history.length > HISTORY) this.history.shift();
    for (const l of [...this.listeners]) l(change);
  }

  /** A CRD's kinds are served from the moment it is stored until it is deleted. */
  private syncCrd(crd: Crd, deleted: boolean): void {
    const name = crd.metadata?.name;
    for (const [k, t] of [...this.types]) if (t.crd?.name === name) this.types.delete(k);
    if (!deleted) for (const ct of fromCrd(crd)) this.types.set(`${groupVersion(ct)}|${ct.plural}`, ct);
  }

  /** What the API server fills in: Secret stringData, Namespace phase, CRD conditions, Service IPs, workload defaults. */
  private defaults(t: ResourceType, obj: KubeObject): void {
    const spec = (obj.spec ??= {}) as Record<string, unknown>;
    switch (t.kind) {
      case "Secret": {
        if (isObj(obj.stringData)) {
          obj.data = { ...(obj.data ?? {}) };
          for (const [k, v] of Object.entries(obj.stringData)) obj.data[k] = Buffer.from(String(v)).toString("base64");
          delete obj.stringData;
        }
        obj.type ??= "Opaque";
        break;
      }
      case "Namespace":
        spec.finalizers ??= ["kubernetes"];
        obj.status = { phase: "Active" };
        break;
      case "CustomResourceDefinition": {
        const crd = obj as Crd & KubeObject;
        const at = (obj.status?.conditions as { lastTransitionTime?: string }[] | undefined)?.[0]?.lastTransitionTime ?? now();
        const condition = (type: string, reason: string, message: string) => ({
          type,
          status: "True",
          lastTransitionTime: at,
          reason,
          message,
        });
        const versions = crd.spec?.versions ?? (crd.spec?.version ? [{ name: crd.spec.version, storage: true }] : []);
        obj.status = {
          conditions: [
            condition("NamesAccepted", "NoConflicts", "no conflicts found"),
            condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
          ],
          acceptedNames: crd.spec?.names ?? {},
          storedVersions: versions.filter((v) => v.storage).map((v) => v.name),
        };
        if (!crd.metadata?.name || crd.metadata.name !== `${crd.spec?.names?.plural}.${crd.spec?.group}`)
          throw invalid(
            t,
            crd.metadata?.name ?? "",
            `metadata.name: Invalid value: "${crd.metadata?.name}": must be spec.names.plural+"."+spec.group`,
          );
        break;
      }
      case "Service": {
        spec.type ??= "ClusterIP";
        if (spec.type !== "ExternalName" && spec.clusterIP === undefined) {
          const n = ++this.clusterIPs;
          spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 2}`;
          spec.clusterIPs = [spec.clusterIP];
        }
        break;
      }
      case "StatefulSet":
      case "Deployment":
      case "DaemonSet":
        if (t.kind !== "DaemonSet") spec.replicas ??= 1;
        spec.revisionHistoryLimit ??= 10;
        if (t.kind === "Deployment") spec.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } };
        else
          spec.updateStrategy ??=
            t.kind === "StatefulSet"
              ? { type: "RollingUpdate", rollingUpdate: { partition: 0 } }
              : { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } };
        if (t.kind === "StatefulSet") spec.podManagementPolicy ??= "OrderedReady";
        break;
    }
    if (Object.keys(spec).length === 0 && !["Pod", "Service", "Namespace"].includes(t.kind)) delete obj.spec;
  }

  /** The body as an object of this kind, without the fields only the server sets. */
  private prepare(t: ResourceType, body: unknown): KubeObject {
    if (!isObj(body)) throw badRequest("the body of the request must be a JSON or YAML object");
    const obj = structuredClone(body) as KubeObject;
    if (obj.kind !== undefined && obj.kind !== t.kind)
      throw badRequest(`the kind of the object (${String(obj.kind)}) does not match the resource (${t.kind})`);
    if (obj.apiVersion !== undefined && obj.apiVersion !== groupVersion(t))
      throw badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${groupVersion(t)})`,
      );
    obj.metadata = isObj(obj.metadata) ? obj.metadata : {};
    delete obj.apiVersion;
    delete obj.kind;
    return obj;
  }

  /** The stored object without apiVersion/kind, as patches see it. */
  private strip(o: KubeObject): KubeObject {
    const { apiVersion: _a, kind: _k, ...rest } = structuredClone(o);
    return rest;
  }

  private validateName(t: ResourceType, name: string): void {
    let ok: boolean;
    let rule: string;
    if (t.group === "rbac.authorization.k8s.io") {
      ok = name !== "." && name !== ".." && !/[/%]/.test(name);
      rule = "may not contain '/' or '%'";
    } else if (t.kind === "Namespace" || t.kind === "Service") {
      ok = name.length <= 63 && (t.kind === "Service" ? /^[a-z]([-a-z0-9]*[a-z0-9])?$/ : DNS_LABEL).test(name);
      rule =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    } else {
      ok = name.length <= 253 && DNS_SUBDOMAIN.test(name);
      rule =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    }
    if (!ok) throw invalid(t, name, `metadata.name: Invalid value: "${name}": ${rule}`);
  }

  private key(t: ResourceType, ns: string | undefined, name: string): string {
    return `${t.group}|${t.plural}|${t.namespaced ? (ns ?? "") : ""}|${name}`;
  }

  private typeOfKey(key: string): ResourceType | undefined {
    const [group = "", plural = ""] = key.split("|");
    return this.preferred(group, plural);
  }
}
