import type * as K8s from "@kubernetes/client-node";
import type { KubeConfig, KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node";
import { OperationError } from "../base/errors.js";

export interface KubeTarget {
  /** Path of the kubeconfig; default: $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
  /** Context in it; default: its current-context. */
  context?: string;
}

export type KubeObject = KubernetesObject & Record<string, unknown>;

const FIELD_MANAGER = "avictl";

/**
 * A thin wrapper over @kubernetes/client-node: generic objects by apiVersion/kind, server-side
 * apply, pod logs and discovery, with errors turned into one sentence. The library is imported only
 * when a command really talks to a cluster.
 */
export class Kube {
  private constructor(
    private readonly kc: KubeConfig,
    private readonly objects: KubernetesObjectApi,
    private readonly lib: typeof K8s,
    readonly context: string,
    readonly server: string,
  ) {}

  static async connect(t: KubeTarget = {}): Promise<Kube> {
    const lib = await import("@kubernetes/client-node");
    const kc = new lib.KubeConfig();
    try {
      if (t.kubeconfig) kc.loadFromFile(t.kubeconfig);
      else kc.loadFromDefault();
    } catch (err) {
      throw new OperationError(
        `cannot read kubeconfig ${t.kubeconfig ?? process.env.KUBECONFIG ?? "~/.kube/config"}: ${(err as Error).message}`,
        "pass --kubeconfig FILE or set KUBECONFIG",
      );
    }
    if (t.context) {
      if (!kc.getContextObject(t.context))
        throw new OperationError(`kube context "${t.context}" is not in the kubeconfig`, `list them with: kubectl config get-contexts`);
      kc.setCurrentContext(t.context);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new OperationError("the kubeconfig has no current context", "pass --kube-context NAME");
    reuseConnections(kc);
    return new Kube(kc, lib.KubernetesObjectApi.makeApiClient(kc), lib, kc.getCurrentContext(), cluster.server);
  }

  /**
   * A self-contained kubeconfig for AMKO's `gslb-members`: one context per member, named as AMKO
   * will call it, with certificates and keys inlined (file paths mean nothing inside a pod).
   */
  static async membersKubeconfig(t: { kubeconfig?: string }, members: { name: string; context: string }[]): Promise<string> {
    const lib = await import("@kubernetes/client-node");
    const { readFileSync } = await import("node:fs");
    const kc = new lib.KubeConfig();
    if (t.kubeconfig) kc.loadFromFile(t.kubeconfig);
    else kc.loadFromDefault();
    const inline = (data?: string, file?: string) => data ?? (file ? readFileSync(file).toString("base64") : undefined);
    const doc = { apiVersion: "v1", kind: "Config", clusters: [] as unknown[], users: [] as unknown[], contexts: [] as unknown[] };
    for (const m of members) {
      const ctx = kc.getContextObject(m.context);
      if (!ctx)
        throw new OperationError(
          `kube context "${m.context}" for member ${m.name} is not in the kubeconfig`,
          "list them with: kubectl config get-contexts",
        );
      const cluster = kc.getCluster(ctx.cluster);
      const user = kc.getUser(ctx.user);
      if (!cluster) throw new OperationError(`kube context "${m.context}" names cluster ${ctx.cluster}, which the kubeconfig lacks`);
      doc.clusters.push({
        name: m.name,
        cluster: {
          server: cluster.server,
          ...(inline(cluster.caData, cluster.caFile) ? { "certificate-authority-data": inline(cluster.caData, cluster.caFile) } : {}),
          ...(cluster.skipTLSVerify ? { "insecure-skip-tls-verify": true } : {}),
        },
      });
      doc.users.push({
        name: m.name,
        user: {
          ...(user?.token ? { token: user.token } : {}),
          ...(inline(user?.certData, user?.certFile) ? { "client-certificate-data": inline(user?.certData, user?.certFile) } : {}),
          ...(inline(user?.keyData, user?.keyFile) ? { "client-key-data": inline(user?.keyData, user?.keyFile) } : {}),
        },
      });
      doc.contexts.push({ name: m.name, context: { cluster: m.name, user: m.name } });
    }
    const { stringify } = await import("yaml");
    return stringify(doc);
  }

  async version(): Promise<{ gitVersion: string; minor: number }> {
    const v = await this.call("reading the server version", () => this.kc.makeApiClient(this.lib.VersionApi).getCode());
    return { gitVersion: v.gitVersion, minor: Number.parseInt(v.minor, 10) };
  }

  /** Does the cluster serve this group/version (e.g. "gateway.networking.k8s.io/v1")? */
  async serves(groupVersion: string): Promise<boolean> {
    const [group, version] = groupVersion.includes("/") ? groupVersion.split("/") : ["", groupVersion];
    if (!group)
      return (await this.call("discovery", () => this.kc.makeApiClient(this.lib.CoreApi).getAPIVersions())).versions.includes(version!);
    const groups = await this.call("discovery", () => this.kc.makeApiClient(this.lib.ApisApi).getAPIVersions());
    return groups.groups.some((g) => g.name === group && g.versions.some((v) => v.version === version));
  }

  async get<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return (await this.objects.read({ apiVersion, kind, metadata: { name, namespace } })) as T;
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw this.translate(`reading ${kind} ${namespace ? `${namespace}/` : ""}${name}`, err);
    }
  }

  async list<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    namespace?: string,
    labelSelector?: string,
  ): Promise<T[]> {
    const r = await this.call(`listing ${kind}`, () =>
      this.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector),
    );
    return r.items as T[];
  }

  /**
   * The objects of a namespaced kind once `enough` holds for them: one list, then a watch from its
   * resourceVersion rather than polling (re-listed if the watch ends early); at the deadline, the
   * last state seen. `plural` is the kind's resource name, e.g. "ingresses".
   */
  async listUntil<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    plural: string,
    namespace: string,
    enough: (items: T[]) => boolean,
    timeoutMs: number,
    onUpdate?: (items: T[]) => void,
  ): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    const path = `/${apiVersion.includes("/") ? "apis" : "api"}/${apiVersion}/namespaces/${namespace}/${plural}`;
    const watcher = new this.lib.Watch(this.kc);
    for (;;) {
      const listed = await this.call(`listing ${kind}`, () => this.objects.list(apiVersion, kind, namespace));
      const byName = new Map((listed.items as T[]).map((o) => [o.metadata!.name!, o]));
      const items = () => [...byName.values()];
      if (enough(items()) || Date.now() >= deadline) return items();
      onUpdate?.(items());
      const ended = await new Promise<"met" | "ended" | "timeout">((resolve) => {
        let abort: AbortController | undefined;
        const finish = (why: "met" | "ended" | "timeout") => {
          clearTimeout(timer);
          abort?.abort();
          resolve(why);
        };
        const timer = setTimeout(() => finish("timeout"), Math.max(0, deadline - Date.now()));
        watcher
          .watch(
            path,
            { resourceVersion: listed.metadata?.resourceVersion, allowWatchBookmarks: true },
            (phase: string, obj: T) => {
              if (phase === "ADDED" || phase === "MODIFIED") byName.set(obj.metadata!.name!, obj);
              else if (phase === "DELETED") byName.delete(obj.metadata!.name!);
              else return;
              onUpdate?.(items());
              if (enough(items())) finish("met");
            },
            () => finish("ended"),
          )
          .then(
            (a) => (abort = a),
            () => finish("ended"),
          );
      });
      if (ended !== "ended") return items();
    }
  }

  /** Server-side apply: create or converge the fields avictl manages; idempotent. */
  async apply<T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T> {
    return (await this.call(
      `applying ${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ""}${obj.metadata?.name}`,
      () => this.objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, this.lib.PatchStrategy.ServerSideApply),
    )) as T;
  }

  async mergePatch<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    patch: Record<string, unknown>,
  ): Promise<T> {
    return (await this.call(`patching ${kind} ${name}`, () =>
      this.objects.patch(
        { apiVersion, kind, metadata: { name, namespace }, ...patch },
        undefined,
        undefined,
        FIELD_MANAGER,
        undefined,
        this.lib.PatchStrategy.MergePatch,
      ),
    )) as T;
  }

  /** Delete an object; false when it was already gone. */
  async delete(apiVersion: string, kind: string, name: string, namespace?: string): Promise<boolean> {
    try {
      await this.objects.delete({ apiVersion, kind, metadata: { name, namespace } });
      return true;
    } catch (err) {
      if (status(err) === 404) return false;
      throw this.translate(`deleting ${kind} ${namespace ? `${namespace}/` : ""}${name}`, err);
    }
  }

  async podLog(namespace: string, pod: string, opts: { container?: string; tailLines?: number } = {}): Promise<string> {
    const api = this.kc.makeApiClient(this.lib.CoreV1Api);
    return this.call(`reading the log of ${namespace}/${pod}`, () =>
      api.readNamespacedPodLog({ name: pod, namespace, container: opts.container, tailLines: opts.tailLines }),
    );
  }

  /** GET through the API server's pod proxy, e.g. AKO's /api/status on its API port (JSON answers parsed). */
  async podProxy(namespace: string, pod: string, port: number, path: string): Promise<unknown> {
    const api = this.kc.makeApiClient(this.lib.CoreV1Api);
    const body: unknown = await this.call(`reading ${path} of ${namespace}/${pod}`, () =>
      api.connectGetNamespacedPodProxyWithPath({ name: `${pod}:${port}`, namespace, path }),
    );
    if (typeof body !== "string") return body;
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return body;
    }
  }

  private async call<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      throw this.translate(what, err);
    }
  }

  private translate(what: string, err: unknown): Error {
    const code = status(err);
    const body = (err as { body?: unknown }).body;
    const message =
      typeof body === "string" ? safeMessage(body) : ((body as { message?: string } | undefined)?.message ?? (err as Error).message);
    if (code === 401 || code === 403)
      return new OperationError(
        `${what} on cluster ${this.context} was refused (${code}): ${message}`,
        "check the kube context's credentials and RBAC",
      );
    if (code === undefined)
      return new OperationError(
        `${what}: the Kubernetes API at ${this.server} did not answer (${(err as Error).message.split("\n")[0]})`,
        "check the kube context and that the cluster is up",
      );
    return new OperationError(`${what} on cluster ${this.context} failed (${code}): ${message}`);
  }
}

/**
 * The library builds a new agent for every request, so each one opens a connection and makes a TLS
 * handshake; one keep-alive agent per context (its options never change) reuses connections.
 */
function reuseConnections(kc: KubeConfig): void {
  type Agents = { createAgent(cluster: unknown, options: Record<string, unknown>): unknown };
  const target = kc as unknown as Agents;
  const make = target.createAgent.bind(kc);
  let agent: unknown;
  target.createAgent = (cluster, options) => (agent ??= make(cluster, { ...options, keepAlive: true }));
}

function status(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}

function safeMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}
