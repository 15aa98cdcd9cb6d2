import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseYaml, stringify } from "yaml";
import { jsonPatch, matchesLabels, mergePatch, strategicMerge } from "./patch.js";
import type { LabNode } from "../ako-bridge.js";
import { amkoStatuses } from "./amko.js";
import { decodeSecret } from "./protobuf.js";
import { BUILTIN, fromCrd, groupVersion, gvPath, type ResourceType } from "./resources.js";

type Obj = Record<string, unknown> & { apiVersion?: string; kind?: string; metadata?: Meta; spec?: Record<string, unknown>; status?: Record<string, unknown>; data?: Record<string, string> };
interface Meta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
}

/** What the AKO emulation does on the Avi side when AKO (re)starts. */
export interface AkoBridge {
  started(config: Record<string, string>, nodes: LabNode[]): { connected: boolean; message: string };
}

export interface KubeApiOptions {
  name: string;
  port?: number;
  kubernetesVersion?: string;
  nodes?: LabNode[];
  ako?: AkoBridge;
}

export interface KubeApiHandle {
  name: string;
  url: string;
  token: string;
  /** A kubeconfig for this cluster alone (YAML; plain HTTP, so client-node needs insecure-skip-tls-verify); the caller writes it 0600. */
  kubeconfig(contextName?: string): string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const hash = (v: unknown) => createHash("sha256").update(JSON.stringify(v ?? null)).digest("hex").slice(0, 10);

/**
 * A Kubernetes API server for one lab cluster, on loopback: discovery, OpenAPI
 * v3, CRUD with selectors, resourceVersion conflicts, merge/strategic/JSON/apply patches, Status
 * errors, protobuf Secrets (helm's release storage), custom resources from CRDs, workload
 * controllers that run pods at once, and an AKO emulation. Enough for kubectl, helm and client-node.
 */
export async function startKubeApi(o: KubeApiOptions): Promise<KubeApiHandle> {
  const token = randomBytes(24).toString("base64url");
  const version = o.kubernetesVersion ?? "v1.29.4";
  const nodes = o.nodes ?? defaultNodes(o.name);
  const types = new Map<string, ResourceType>(); // "<gv>|<plural>" → type
  const store = new Map<string, Obj>(); // "<group>|<plural>|<ns>|<name>" → object
  const logs = new Map<string, string[]>(); // pod uid → lines
  const akoState = new Map<string, { connection_status: string; errors: { error: string; timestamp: string }[] }>(); // pod uid → /api/status
  let rv = 1000;
  const addType = (t: ResourceType) => types.set(`${groupVersion(t)}|${t.plural}`, t);
  for (const t of BUILTIN) addType(t);

  const key = (t: ResourceType, ns: string | undefined, name: string) => `${t.group}|${t.plural}|${t.namespaced ? (ns ?? "") : ""}|${name}`;
  const withType = (t: ResourceType, obj: Obj): Obj => ({ ...obj, apiVersion: groupVersion(t), kind: t.kind });
  const list = (t: ResourceType, ns?: string) => [...store.entries()].filter(([k]) => k.startsWith(`${t.group}|${t.plural}|${ns !== undefined && t.namespaced ? `${ns}|` : ""}`)).map(([, v]) => withType(t, v));

  function put(t: ResourceType, obj: Obj): Obj {
    const meta = obj.metadata!;
    meta.resourceVersion = String(++rv);
    store.set(key(t, meta.namespace, meta.name!), obj);
    if (t.plural === "customresourcedefinitions") for (const ct of fromCrd(obj)) addType(ct);
    return obj;
  }

  function create(t: ResourceType, ns: string | undefined, body: Obj, dryRun = false): Obj {
    const meta: Meta = { ...(body.metadata ?? {}) };
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomBytes(3).toString("hex").slice(0, 5)}`;
    if (!meta.name) throw new HttpError(422, "Invalid", `${t.kind} "" is invalid: metadata.name: Required value`);
    if (t.namespaced) {
      meta.namespace = ns ?? meta.namespace ?? "default";
      if (!store.has(`|namespaces||${meta.namespace}`)) throw new HttpError(404, "NotFound", `namespaces "${meta.namespace}" not found`);
    } else delete meta.namespace;
    if (store.has(key(t, meta.namespace, meta.name))) throw new HttpError(409, "AlreadyExists", `${t.plural}${t.group ? `.${t.group}` : ""} "${meta.name}" already exists`);
    Object.assign(meta, { uid: randomUUID(), creationTimestamp: now(), generation: 1 });
    const obj: Obj = { ...body, metadata: meta };
    normalise(t, obj);
    if (dryRun) return withType(t, obj);
    put(t, obj);
    afterWrite(t, obj);
    return withType(t, obj);
  }

  function update(t: ResourceType, current: Obj, next: Obj, sub?: string, dryRun = false): Obj {
    const meta: Meta = { ...(next.metadata ?? {}) };
    const cur = current.metadata!;
    if (meta.resourceVersion && meta.resourceVersion !== cur.resourceVersion) {
      throw new HttpError(409, "Conflict", `Operation cannot be fulfilled on ${t.plural} "${cur.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    const merged: Obj = sub === "status" ? { ...current, status: next.status } : { ...next, ...(t.subresources?.includes("status") && next.status === undefined ? { status: current.status } : {}) };
    merged.metadata = { ...meta, name: cur.name, namespace: cur.namespace, uid: cur.uid, creationTimestamp: cur.creationTimestamp, generation: (cur.generation ?? 1) + (hash(next.spec) !== hash(current.spec) && sub !== "status" ? 1 : 0) };
    normalise(t, merged);
    if (dryRun) return withType(t, merged);
    put(t, merged);
    afterWrite(t, merged);
    return withType(t, merged);
  }

  function remove(t: ResourceType, obj: Obj): void {
    const m = obj.metadata!;
    store.delete(key(t, m.namespace, m.name!));
    if (t.plural === "namespaces") for (const k of [...store.keys()]) if (k.split("|")[2] === m.name) store.delete(k);
    // Garbage collection of owned objects (pods of a workload).
    for (const [k, v] of [...store.entries()]) if (v.metadata?.ownerReferences?.some((r) => r.uid === m.uid)) store.delete(k);
  }

  /** What defaulting and controllers add: Secret stringData, namespace phase, data as strings. */
  function normalise(t: ResourceType, obj: Obj): void {
    if (t.kind === "Secret" && obj.stringData) {
      const data = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
      for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) data[k] = Buffer.from(String(v)).toString("base64");
      obj.data = data;
      delete obj.stringData;
      obj.type ??= "Opaque";
    }
    if (t.kind === "Namespace") obj.status = { phase: "Active" };
  }

  // ---- workload controllers and the AKO emulation ----------------------------------------------

  function afterWrite(t: ResourceType, obj: Obj): void {
    if (t.group === "apps" && (t.kind === "StatefulSet" || t.kind === "Deployment")) reconcile(t, obj);
    const m = obj.metadata!;
    if (t.group === "amko.vmware.com" || (t.kind === "Secret" && m.name === "gslb-config-secret") || (t.kind === "StatefulSet" && m.name === "amko")) amkoValidate(m.namespace ?? "");
  }

  /** AMKO (when its pod runs) validates its GSLBConfig and GDP and writes their status. */
  function amkoValidate(ns: string): void {
    if (!store.has(`|pods|${ns}|amko-0`)) return;
    const find = (plural: string, name: string) => [...store.entries()].find(([k]) => k === `amko.vmware.com|${plural}|${ns}|${name}`)?.[1];
    const gc = find("gslbconfigs", "gc-1");
    const gdp = find("globaldeploymentpolicies", "global-gdp");
    const secret = store.get(`|secrets|${ns}|gslb-config-secret`);
    const members = (secret?.data as Record<string, string> | undefined)?.["gslb-members"];
    const { gcState, gdpStatus } = amkoStatuses(gc, gdp, members === undefined ? undefined : Buffer.from(members, "base64").toString("utf8"));
    if (gc && gcState) gc.status = { state: gcState };
    if (gdp && gdpStatus) gdp.status = { errorStatus: gdpStatus };
  }

  function reconcile(t: ResourceType, wl: Obj): void {
    const meta = wl.metadata!;
    const spec = (wl.spec ?? {}) as { replicas?: number; template?: { metadata?: { labels?: Record<string, string> }; spec?: Obj } };
    const replicas = spec.replicas ?? 1;
    const revision = `${meta.name}-${hash(spec.template)}`;
    const podType = types.get("v1|pods")!;
    const owned = list(podType, meta.namespace).filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === meta.uid));
    const names = t.kind === "StatefulSet" ? Array.from({ length: replicas }, (_, i) => `${meta.name}-${i}`) : [];
    for (const pod of owned) {
      const stale = pod.metadata?.labels?.["controller-revision-hash"] !== revision || (t.kind === "StatefulSet" && !names.includes(pod.metadata!.name!));
      if (stale) store.delete(key(podType, meta.namespace, pod.metadata!.name!));
    }
    const running = list(podType, meta.namespace).filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === meta.uid));
    const wanted = t.kind === "StatefulSet" ? names.filter((n) => !running.some((p) => p.metadata?.name === n)) : Array.from({ length: Math.max(0, replicas - running.length) }, () => `${meta.name}-${hash(spec.template).slice(0, 8)}-${randomBytes(3).toString("hex").slice(0, 5)}`);
    for (const name of wanted) startPod(wl, t, name, revision);
    const ready = replicas;
    const status = t.kind === "StatefulSet"
      ? { observedGeneration: meta.generation, replicas, readyReplicas: ready, currentReplicas: ready, updatedReplicas: ready, availableReplicas: ready, currentRevision: revision, updateRevision: revision }
      : { observedGeneration: meta.generation, replicas, readyReplicas: ready, updatedReplicas: ready, availableReplicas: ready, conditions: [{ type: "Available", status: "True" }, { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }] };
    const stored = store.get(key(t, meta.namespace, meta.name!));
    if (stored) stored.status = status;
  }

  function startPod(wl: Obj, t: ResourceType, name: string, revision: string): void {
    const meta = wl.metadata!;
    const template = ((wl.spec as { template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: { containers?: { name: string; image?: string }[] } } })?.template) ?? {};
    const uid = randomUUID();
    const started = now();
    const containers = template.spec?.containers ?? [];
    const pod: Obj = {
      metadata: {
        name,
        namespace: meta.namespace,
        uid,
        creationTimestamp: started,
        generation: 1,
        labels: { ...(template.metadata?.labels ?? {}), "controller-revision-hash": revision, ...(t.kind === "StatefulSet" ? { "statefulset.kubernetes.io/pod-name": name } : {}) },
        annotations: template.metadata?.annotations,
        ownerReferences: [{ kind: t.kind, name: meta.name!, uid: meta.uid!, controller: true }],
      },
      spec: { ...(template.spec ?? {}), nodeName: nodes[0]?.name },
      status: {
        phase: "Running",
        startTime: started,
        podIP: "10.34.0.10",
        conditions: ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({ type, status: "True", lastTransitionTime: started })),
        containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, ready: true, started: true, restartCount: 0, state: { running: { startedAt: started } } })),
      },
    };
    put(types.get("v1|pods")!, pod);
    const image = containers[0]?.image ?? "";
    const lines = [`${started}\tINFO\tmain\t${t.kind === "StatefulSet" && meta.name === "ako" ? "AKO" : meta.name} is running with version: ${image.split(":").pop() || "unknown"}`];
    if (t.kind === "StatefulSet" && meta.name === "ako") {
      const boot = akoBoot(meta.namespace!);
      lines.push(...boot.lines);
      akoState.set(uid, { connection_status: boot.connected ? "CONNECTED" : "DISCONNECTED", errors: boot.connected ? [] : [{ error: boot.lines.at(-1)!.split("\t").pop()!, timestamp: started }] });
    }
    logs.set(uid, lines);
  }

  /** AKO reads its ConfigMap at boot; the bridge applies what AKO would do on the controller. */
  function akoBoot(ns: string): { connected: boolean; lines: string[] } {
    const cm = store.get(`|configmaps|${ns}|avi-k8s-config`);
    const at = now();
    if (!cm) return { connected: false, lines: [`${at}\tERROR\tmain\tConfigMap avi-k8s-config not found in ${ns}, shutting down AKO`] };
    if (!o.ako) return { connected: true, lines: [`${at}\tINFO\tmain\tStarted the Kubernetes Controller`] };
    const r = o.ako.started((cm.data as Record<string, string> | undefined) ?? {}, nodes);
    return { connected: r.connected, lines: r.connected ? [`${at}\tINFO\tavi\t${r.message}`, `${at}\tINFO\tmain\tStarted the Kubernetes Controller`] : [`${at}\tWARN\tmain\t${r.message}`] };
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      try {
        serve(req, res, Buffer.concat(chunks));
      } catch (err) {
        const e = err instanceof HttpError ? err : new HttpError(500, "InternalError", (err as Error).message);
        send(res, e.code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: e.message, reason: e.reason, code: e.code });
      }
    });
  });

  function send(res: ServerResponse, code: number, body: unknown, type = "application/json"): void {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(code, { "Content-Type": type, "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  function serve(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    // client-go does not send bearer tokens over plain HTTP, so anonymous requests are served (the
    // server listens on loopback only); a wrong token is refused.
    const auth = req.headers.authorization;
    if (auth !== undefined && auth !== `Bearer ${token}`) throw new HttpError(401, "Unauthorized", "Unauthorized");
    const url = new URL(req.url ?? "/", base);
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/\/$/, "");
    if (path === "/version") return send(res, 200, versionInfo(version));
    if (path === "/api") return send(res, 200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: url.host }] });
    if (path === "/apis") return send(res, 200, groupList());
    if (path === "/openapi/v3") return send(res, 200, { paths: Object.fromEntries(groupVersions().map((gv) => [gvPath(gv).slice(1), { serverRelativeURL: `/openapi/v3${gvPath(gv)}?hash=${hash(resourcesOf(gv).map((t) => t.kind))}` }])) });
    if (path.startsWith("/openapi/v3/")) {
      const gv = groupVersions().find((g) => `/openapi/v3${gvPath(g)}` === path);
      if (!gv) throw new HttpError(404, "NotFound", "the server could not find the requested resource");
      return send(res, 200, openapi(gv));
    }
    const seg = path.split("/").filter(Boolean).map((x) => decodeURIComponent(x));
    let gv: { group: string; version: string };
    let rest: string[];
    if (seg[0] === "api" && seg[1]) [gv, rest] = [{ group: "", version: seg[1] }, seg.slice(2)];
    else if (seg[0] === "apis" && seg[1] && seg[2]) [gv, rest] = [{ group: seg[1], version: seg[2] }, seg.slice(3)];
    else throw new HttpError(404, "NotFound", "the server could not find the requested resource");
    if (rest.length === 0) {
      if (resourcesOf(gv).length === 0) throw new HttpError(404, "NotFound", "the server could not find the requested resource");
      return send(res, 200, resourceList(gv));
    }
    let ns: string | undefined;
    if (rest[0] === "namespaces" && rest.length >= 3 && types.get(`${groupVersion(gv)}|${rest[2]}`)?.namespaced) {
      ns = rest[1];
      rest = rest.slice(2);
    }
    const t = types.get(`${groupVersion(gv)}|${rest[0]}`);
    if (!t) throw new HttpError(404, "NotFound", `the server could not find the requested resource (${groupVersion(gv)} ${rest[0]})`);
    // pods/<name>[:<port>]/proxy/<path>: what AKO serves on its API port (GET /api/status).
    const [name, port] = (rest[1] ?? "").split(":") as [string | undefined, string | undefined];
    const sub = rest[2];
    if (sub === "proxy" && t.kind === "Pod") {
      const pod = store.get(key(t, ns, name ?? ""));
      const state = pod ? akoState.get(pod.metadata!.uid!) : undefined;
      if (!pod) throw new HttpError(404, "NotFound", `pods "${name}" not found`);
      if (!state || rest.slice(3).join("/").replace(/^\/+/, "") !== "api/status" || (port ?? "8080") !== "8080") throw new HttpError(503, "ServiceUnavailable", `error trying to reach service: dial tcp ${String(pod.status?.podIP)}:${port ?? 80}: connect: connection refused`);
      return send(res, 200, { avi_api: state });
    }
    const dryRun = url.searchParams.get("dryRun") === "All";
    const contentType = String(req.headers["content-type"] ?? "application/json");
    const body = (): Obj => {
      if (contentType.startsWith("application/vnd.kubernetes.protobuf")) {
        if (t.kind !== "Secret") throw new HttpError(415, "UnsupportedMediaType", `protobuf is only accepted for secrets here`);
        return decodeSecret(raw);
      }
      const text = raw.toString("utf8");
      return (contentType.includes("yaml") ? parseYaml(text) : JSON.parse(text || "{}")) as Obj;
    };

    if (!name) {
      if (method === "GET") {
        if (url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1") throw new HttpError(405, "MethodNotAllowed", "watch is not served by the lab; poll instead");
        const field = url.searchParams.get("fieldSelector");
        const items = list(t, ns).filter((x) => matchesLabels(x.metadata?.labels, url.searchParams.get("labelSelector")) && matchesFields(x, field));
        return send(res, 200, { kind: `${t.kind}List`, apiVersion: groupVersion(t), metadata: { resourceVersion: String(rv) }, items });
      }
      if (method === "POST") return send(res, 201, create(t, ns, body(), dryRun));
      throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed on a collection`);
    }
    const current = store.get(key(t, ns, name));
    if (sub === "log" && t.kind === "Pod") {
      if (!current) throw new HttpError(404, "NotFound", `pods "${name}" not found`);
      const lines = logs.get(current.metadata!.uid!) ?? [];
      const tail = Number(url.searchParams.get("tailLines") ?? 0);
      return send(res, 200, `${(tail > 0 ? lines.slice(-tail) : lines).join("\n")}\n`, "text/plain");
    }
    if (sub && !t.subresources?.includes(sub)) throw new HttpError(404, "NotFound", `the server could not find the requested resource (${t.plural}/${sub})`);
    const notFound = () => new HttpError(404, "NotFound", `${t.plural}${t.group ? `.${t.group}` : ""} "${name}" not found`);
    switch (method) {
      case "GET":
        if (!current) throw notFound();
        return send(res, 200, withType(t, current));
      case "PUT": {
        if (!current) throw notFound();
        return send(res, 200, update(t, current, body(), sub, dryRun));
      }
      case "PATCH": {
        const patch = body();
        if (contentType.startsWith("application/apply-patch")) {
          // Server-side apply: create when absent, otherwise merge the applied configuration.
          if (!current) return send(res, 201, create(t, ns, { ...patch, metadata: { ...(patch.metadata ?? {}), name } }, dryRun));
          const applied = strategicMerge(withType(t, current), patch) as Obj;
          applied.metadata = { ...(applied.metadata ?? {}), resourceVersion: undefined };
          return send(res, 200, update(t, current, applied, sub, dryRun));
        }
        if (!current) throw notFound();
        const base = withType(t, current);
        let next: Obj;
        if (contentType.startsWith("application/json-patch+json")) next = jsonPatch(base, patch as unknown as { op: string; path: string; value?: unknown }[]) as Obj;
        else if (contentType.startsWith("application/strategic-merge-patch+json")) next = strategicMerge(base, patch) as Obj;
        else next = mergePatch(base, patch) as Obj;
        if (!(patch.metadata as Meta | undefined)?.resourceVersion) next.metadata = { ...(next.metadata ?? {}), resourceVersion: undefined };
        return send(res, 200, update(t, current, next, sub, dryRun));
      }
      case "DELETE": {
        if (!current) throw notFound();
        if (!dryRun) remove(t, current);
        return send(res, 200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name, kind: t.plural, uid: current.metadata?.uid } });
      }
      default:
        throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed`);
    }
  }

  function matchesFields(obj: Obj, selector: string | null): boolean {
    if (!selector) return true;
    return selector.split(",").every((term) => {
      const [path, value] = term.split(/!?=+/) as [string, string];
      const negate = term.includes("!=");
      const actual = path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], obj);
      return negate ? actual !== value : actual === value;
    });
  }

  const groupVersions = () => {
    const seen = new Map<string, { group: string; version: string }>();
    for (const t of types.values()) seen.set(groupVersion(t), { group: t.group, version: t.version });
    return [...seen.values()];
  };
  const resourcesOf = (gv: { group: string; version: string }) => [...types.values()].filter((t) => t.group === gv.group && t.version === gv.version);

  function groupList() {
    const groups = new Map<string, { groupVersion: string; version: string }[]>();
    for (const gv of groupVersions()) if (gv.group) groups.set(gv.group, [...(groups.get(gv.group) ?? []), { groupVersion: groupVersion(gv), version: gv.version }]);
    return { kind: "APIGroupList", apiVersion: "v1", groups: [...groups].map(([name, versions]) => ({ name, versions, preferredVersion: versions[0] })) };
  }

  function resourceList(gv: { group: string; version: string }) {
    const verbs = ["create", "delete", "get", "list", "patch", "update"];
    const resources = resourcesOf(gv).flatMap((t) => [
      { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs, ...(t.shortNames ? { shortNames: t.shortNames } : {}) },
      ...(t.subresources ?? []).map((s) => ({ name: `${t.plural}/${s}`, singularName: "", namespaced: t.namespaced, kind: s === "log" ? "Pod" : t.kind, verbs: s === "log" ? ["get"] : ["get", "patch", "update"] })),
    ]);
    return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersion(gv), resources };
  }

  /** Permissive schemas, but every item path with its group-version-kind and the fieldValidation parameter. */
  function openapi(gv: { group: string; version: string }) {
    const paths: Record<string, unknown> = {};
    const schemas: Record<string, unknown> = {};
    const fieldValidation = { name: "fieldValidation", in: "query", schema: { type: "string" } };
    for (const t of resourcesOf(gv)) {
      const gvk = { group: t.group, version: t.version, kind: t.kind };
      const schemaName = `${t.group || "core"}.${t.version}.${t.kind}`;
      schemas[schemaName] = { type: "object", "x-kubernetes-preserve-unknown-fields": true, "x-kubernetes-group-version-kind": [gvk] };
      const ref = { content: { "application/json": { schema: { $ref: `#/components/schemas/${schemaName}` } } } };
      const op = (id: string) => ({ operationId: `${id}${t.kind}`, "x-kubernetes-group-version-kind": gvk, parameters: [fieldValidation], requestBody: ref, responses: { "200": ref } });
      const prefix = `${gvPath(t)}${t.namespaced ? "/namespaces/{namespace}" : ""}/${t.plural}`;
      paths[prefix] = { get: op("list"), post: op("create") };
      paths[`${prefix}/{name}`] = { get: op("read"), put: op("replace"), patch: op("patch"), delete: op("delete") };
    }
    return { openapi: "3.0.0", info: { title: "Kubernetes", version }, paths, components: { schemas } };
  }

  // ---- seed and start --------------------------------------------------------------------------

  for (const ns of ["default", "kube-system", "kube-public"]) create(types.get("v1|namespaces")!, undefined, { metadata: { name: ns } });
  for (const n of nodes) {
    create(types.get("v1|nodes")!, undefined, {
      metadata: { name: n.name, labels: { "kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux" } },
      spec: { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR] },
      status: { addresses: [{ type: "InternalIP", address: n.internalIP }, { type: "Hostname", address: n.name }], conditions: [{ type: "Ready", status: "True" }], nodeInfo: { kubeletVersion: version } },
    });
  }

  await new Promise<void>((resolve) => server.listen(o.port ?? 0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name: o.name,
    url: base,
    token,
    kubeconfig: (context = o.name) =>
      stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name: context, cluster: { server: base, "insecure-skip-tls-verify": true } }], users: [{ name: `${context}-admin`, user: { token } }], contexts: [{ name: context, context: { cluster: context, user: `${context}-admin` } }], "current-context": context }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function versionInfo(v: string) {
  const [major, minor] = v.replace(/^v/, "").split(".");
  return { major, minor, gitVersion: v, gitCommit: "0000000000000000000000000000000000000000", gitTreeState: "clean", buildDate: "2026-01-01T00:00:00Z", goVersion: "go1.22.0", compiler: "gc", platform: "linux/amd64" };
}

/** Three nodes with pod CIDRs; the address block differs per cluster name so routes stay distinct. */
export function defaultNodes(cluster: string): LabNode[] {
  const n = [...cluster].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 200, 7) + 20;
  return ["master", "worker-01", "worker-02"].map((role, i) => ({ name: `${cluster}-${role}`, internalIP: `10.10.${n}.${160 + i}`, podCIDR: `10.${n}.${i}.0/24` }));
}
