import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { parse as parseYaml, stringify } from "yaml";
import { defaultLabCa } from "../tls.js";
import { AkoEmulation } from "./ako.js";
import { Controllers } from "./controllers.js";
import { apiGroupList, apiResourceList, apiVersions, groupVersions, resourcesOf, versionInfo } from "./discovery.js";
import type { KubeApiHandle, KubeApiOptions, KubeNode } from "./index.js";
import { openapiDocument, openapiIndex } from "./openapi.js";
import { decodeObject } from "./protobuf.js";
import { builtinTypes, groupVersion, gvPath, type ResourceType } from "./resources.js";
import { KubeError, badRequest, noRoute, notFound, unauthorized } from "./status.js";
import { KubeStore, selectorFilter, type Change, type KubeObject, type WriteOptions } from "./store.js";
import { toTable, wantsTable } from "./table.js";

type Query = URLSearchParams;

/**
 * A Kubernetes API server for one lab cluster, on 127.0.0.1 over HTTPS with a bearer token: discovery, OpenAPI v3,
 * CRUD with selectors, resourceVersion conflicts, merge/strategic/JSON/apply patches, watches,
 * Status errors, protobuf bodies (helm's release Secrets, kubectl's typed creates), custom resources from CRDs, workload
 * controllers that run pods at once, and the AKO/AMKO emulation. Enough for kubectl, helm (with
 * --wait) and client-node.
 */
export async function startKubeApi(o: KubeApiOptions): Promise<KubeApiHandle> {
  const token = randomBytes(24).toString("base64url");
  const version = o.kubernetesVersion ?? "v1.29.4";
  const nodes = o.nodes ?? defaultNodes(o.name);
  const store = new KubeStore(builtinTypes(version));
  const controllers = new Controllers(store, nodes, new AkoEmulation(store, nodes, o.ako));
  seed(store, nodes, version);
  await controllers.settle();
  const watches = new Set<() => void>();

  const ca = o.ca ?? defaultLabCa();
  const server = createServer(ca.issue(`avictl lab kube-apiserver ${o.name}`), (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks)).catch((err: unknown) => {
        const e = err instanceof KubeError ? err : new KubeError(500, "InternalError", (err as Error).message);
        if (res.headersSent) res.end();
        else send(res, e.code, e.status());
      });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    // As an API server without anonymous auth: no token or a wrong one is 401.
    if (req.headers.authorization !== `Bearer ${token}`) throw unauthorized();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const q = url.searchParams;
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "") || "/";
    switch (path) {
      case "/version":
        return send(res, 200, versionInfo(version));
      case "/api":
        return send(res, 200, apiVersions(req.headers.host ?? ""));
      case "/apis":
        return send(res, 200, apiGroupList(store.resources()));
      case "/openapi/v3":
        return send(res, 200, openapiIndex(store.resources(), version));
      case "/healthz":
      case "/livez":
      case "/readyz":
        return send(res, 200, "ok", "text/plain");
    }
    if (path.startsWith("/openapi/v3/")) {
      const gv = groupVersions(store.resources()).find((g) => `/openapi/v3${gvPath(g)}` === path);
      if (!gv) throw noRoute();
      return send(res, 200, openapiDocument(store.resources(), gv, version));
    }
    const seg = path
      .split("/")
      .filter(Boolean)
      .map((x) => decodeURIComponent(x));
    let gv: { group: string; version: string };
    let rest: string[];
    if (seg[0] === "api" && seg[1]) [gv, rest] = [{ group: "", version: seg[1] }, seg.slice(2)];
    else if (seg[0] === "apis" && seg[1] && seg[2]) [gv, rest] = [{ group: seg[1], version: seg[2] }, seg.slice(3)];
    else throw noRoute();
    if (rest.length === 0) {
      if (resourcesOf(store.resources(), gv).length === 0) throw noRoute();
      return send(res, 200, apiResourceList(store.resources(), gv));
    }
    let ns: string | undefined;
    if (rest[0] === "namespaces" && rest.length >= 3 && store.resource(gv.group, gv.version, rest[2]!)?.namespaced) {
      ns = rest[1];
      rest = rest.slice(2);
    }
    const t = store.resource(gv.group, gv.version, rest[0]!);
    if (!t) throw noRoute();
    const [name, sub] = [rest[1], rest[2]];
    const opts: WriteOptions = {
      dryRun: q.getAll("dryRun").includes("All"),
      fieldManager: q.get("fieldManager") ?? undefined,
      subresource: sub,
    };
    const contentType = String(req.headers["content-type"] ?? "application/json")
      .split(";")[0]!
      .trim();
    const body = (): unknown => {
      if (contentType === "application/vnd.kubernetes.protobuf") {
        try {
          return decodeObject(raw);
        } catch (err) {
          throw new KubeError(415, "UnsupportedMediaType", (err as Error).message);
        }
      }
      const text = raw.toString("utf8");
      try {
        if (!contentType.includes("yaml")) return JSON.parse(text);
        // Clients send apply patches as JSON under a YAML type (JSON is YAML): the JSON parser is far quicker.
        try {
          return JSON.parse(text);
        } catch {
          return parseYaml(text);
        }
      } catch (err) {
        throw badRequest(`the body of the request could not be decoded: ${(err as Error).message}`);
      }
    };
    // kubectl asks for a Table: the server chooses the columns, as the kinds' printers do.
    const crd = t.crd && store.get(store.preferred("apiextensions.k8s.io", "customresourcedefinitions")!, undefined, t.crd.name);
    const table = wantsTable(req.headers.accept)
      ? (objects: KubeObject[]) => toTable(t, objects, store.resourceVersion, q.get("includeObject"), crd)
      : undefined;
    const written = async <T>(result: T): Promise<T> => {
      if (!opts.dryRun) await controllers.settle();
      return result;
    };

    if (!name) {
      if (t.namespaced && ns === undefined && method !== "GET")
        throw new KubeError(405, "MethodNotAllowed", `${method} is not supported on ${t.plural} across all namespaces`);
      const filter = selectorFilter(q.get("labelSelector"), q.get("fieldSelector"));
      switch (method) {
        case "GET":
          if (q.get("watch") === "true" || q.get("watch") === "1") return watch(res, t, ns, q, filter, (o) => (table ? table([o]) : o));
          if (table) return send(res, 200, table(store.list(t, ns, filter)));
          return send(res, 200, {
            kind: `${t.kind}List`,
            apiVersion: groupVersion(t),
            metadata: { resourceVersion: store.resourceVersion },
            items: store.list(t, ns, filter),
          });
        case "POST":
          return send(res, 201, await written(store.create(t, ns, body(), opts)));
        case "DELETE": {
          const items = store.list(t, ns, filter).map((obj) => store.delete(t, ns, obj.metadata.name!, opts));
          return send(
            res,
            200,
            await written({
              kind: `${t.kind}List`,
              apiVersion: groupVersion(t),
              metadata: { resourceVersion: store.resourceVersion },
              items,
            }),
          );
        }
        default:
          throw new KubeError(405, "MethodNotAllowed", `${method} is not supported on a collection`);
      }
    }
    if (t.kind === "Pod" && sub === "proxy") return proxy(res, t, ns, name, rest.slice(3).join("/"));
    if (t.kind === "Pod" && sub === "log") return log(res, t, ns, name, q);
    if (sub && !t.subresources?.includes(sub)) throw noRoute();
    switch (method) {
      case "GET": {
        const obj = store.get(t, ns, name);
        if (!obj) throw notFound(t, name);
        return send(res, 200, table ? table([obj]) : obj);
      }
      case "PUT":
        return send(res, 200, await written(store.replace(t, ns, name, body(), opts)));
      case "PATCH": {
        const { object, created } = store.patch(t, ns, name, contentType, body(), opts);
        return send(res, created ? 201 : 200, await written(object));
      }
      case "DELETE": {
        const gone = store.delete(t, ns, name, opts);
        return send(
          res,
          200,
          await written({
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Success",
            details: { name, ...(t.group ? { group: t.group } : {}), kind: t.plural, uid: gone.metadata.uid },
          }),
        );
      }
      default:
        throw new KubeError(405, "MethodNotAllowed", `${method} is not supported`);
    }
  }

  /**
   * A watch: the current objects as ADDED (or the changes after the given resourceVersion), then
   * every change as it happens, one JSON event per line, until timeoutSeconds or the client leaves.
   */
  function watch(
    res: ServerResponse,
    t: ResourceType,
    ns: string | undefined,
    q: Query,
    filter: (o: KubeObject) => boolean,
    shown: (o: KubeObject) => unknown,
  ): void {
    const rv = q.get("resourceVersion");
    const initial = !rv || rv === "0" || q.get("sendInitialEvents") === "true";
    const backlog = initial ? [] : store.changesSince(Number(rv));
    res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
    // Clients wait for the headers before they read events; send them now, not with the first event.
    res.flushHeaders();
    const write = (type: string, object: unknown) => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    if (!backlog) {
      write("ERROR", new KubeError(410, "Expired", `too old resource version: ${rv} (${store.resourceVersion})`).status());
      res.end();
      return;
    }
    const matches = (obj: KubeObject | undefined) =>
      obj !== undefined && (!t.namespaced || ns === undefined || obj.metadata.namespace === ns) && filter(obj);
    if (initial) for (const obj of store.list(t, ns, filter)) write("ADDED", shown(obj));
    if (q.get("sendInitialEvents") === "true")
      write("BOOKMARK", {
        apiVersion: groupVersion(t),
        kind: t.kind,
        metadata: { resourceVersion: store.resourceVersion, annotations: { "k8s.io/initial-events-end": "true" } },
      });
    const deliver = (c: Change) => {
      if (c.group !== t.group || c.plural !== t.plural) return;
      const after = c.type !== "DELETED" && matches(c.object);
      const before = c.type === "DELETED" ? matches(c.object) : c.type === "MODIFIED" && matches(c.old);
      const type = after && before ? "MODIFIED" : after ? "ADDED" : before ? "DELETED" : undefined;
      if (type) write(type, shown(store.render(t, c.object)));
    };
    backlog.forEach(deliver);
    const stop = store.onChange(deliver);
    const seconds = Number(q.get("timeoutSeconds") ?? 0);
    const timer = seconds > 0 ? setTimeout(() => end(), seconds * 1000).unref() : undefined;
    const end = () => {
      stop();
      clearTimeout(timer);
      watches.delete(end);
      if (!res.writableEnded) res.end();
    };
    watches.add(end);
    res.on("close", end);
  }

  /** pods/<name>/log: the current run's lines; an error while the container waits to start. */
  function log(res: ServerResponse, t: ResourceType, ns: string | undefined, name: string, q: Query): void {
    const pod = store.get(t, ns, name);
    if (!pod) throw notFound(t, name);
    const containers = ((pod.spec?.containers as { name: string }[] | undefined) ?? []).map((c) => c.name);
    const container = q.get("container") ?? containers[0];
    if (!container || !containers.includes(container)) throw badRequest(`container ${container ?? ""} is not valid for pod ${name}`);
    if (pod.status?.phase !== "Running") {
      const waiting =
        (pod.status?.containerStatuses as { name: string; state?: { waiting?: { reason?: string } } }[] | undefined)?.find(
          (c) => c.name === container,
        )?.state?.waiting?.reason ?? "ContainerCreating";
      throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${waiting}`);
    }
    const lines = controllers.log(pod.metadata.uid!);
    const tail = Number(q.get("tailLines") ?? -1);
    const shown = tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines;
    send(res, 200, shown.map((l) => `${l}\n`).join(""), "text/plain");
  }

  /** pods/<name>[:<port>]/proxy/<path>: what AKO serves on its API port (GET /api/status). */
  function proxy(res: ServerResponse, t: ResourceType, ns: string | undefined, target: string, path: string): void {
    const [name = "", port = "80"] = target.split(":");
    const pod = store.get(t, ns, name);
    if (!pod) throw notFound(t, name);
    const status = path.replace(/^\/+/, "") === "api/status" ? controllers.ako.apiStatus(pod.metadata.uid!, Number(port)) : undefined;
    if (!status)
      throw new KubeError(
        503,
        "ServiceUnavailable",
        `error trying to reach service: dial tcp ${String(pod.status?.podIP ?? "")}:${port}: connect: connection refused`,
      );
    send(res, 200, { avi_api: status });
  }

  await new Promise<void>((resolve) => server.listen(o.port ?? 0, "127.0.0.1", resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name: o.name,
    url,
    token,
    caCert: ca.certPem,
    kubeconfig: (context = o.name) =>
      stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server: url, "certificate-authority-data": Buffer.from(ca.certPem).toString("base64") } }],
        users: [{ name: `${context}-admin`, user: { token } }],
        contexts: [{ name: context, context: { cluster: context, user: `${context}-admin` } }],
        "current-context": context,
      }),
    objects: (apiVersion, kind, namespace) => {
      const t = store.resourceOfKind(apiVersion, kind);
      return t ? store.list(t, namespace) : [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const end of [...watches]) end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, code: number, body: unknown, type = "application/json"): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(code, { "Content-Type": type, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** What a fresh cluster has: its system namespaces and its nodes. */
function seed(store: KubeStore, nodes: KubeNode[], version: string): void {
  const namespaces = store.resource("", "v1", "namespaces")!;
  for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"])
    store.create(namespaces, undefined, { metadata: { name, labels: { "kubernetes.io/metadata.name": name } } });
  for (const n of nodes) {
    store.create(store.resource("", "v1", "nodes")!, undefined, {
      metadata: { name: n.name, labels: { "kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" } },
      spec: { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR] },
      status: {
        addresses: [
          { type: "InternalIP", address: n.internalIP },
          { type: "Hostname", address: n.name },
        ],
        conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" }],
        nodeInfo: {
          kubeletVersion: version,
          kubeProxyVersion: version,
          operatingSystem: "linux",
          architecture: "amd64",
          containerRuntimeVersion: "containerd://1.7.0",
        },
      },
    });
  }
}

/** Three nodes with pod CIDRs; the address block differs per cluster name so routes stay distinct. */
function defaultNodes(cluster: string): KubeNode[] {
  const n = [...cluster].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 200, 7) + 20;
  const prefix = cluster.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  return ["master", "worker-01", "worker-02"].map((role, i) => ({
    name: `${prefix}-${role}`,
    internalIP: `10.10.${n}.${160 + i}`,
    podCIDR: `10.${n}.${i}.0/24`,
  }));
}
