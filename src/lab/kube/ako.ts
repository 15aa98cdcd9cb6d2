import { randomBytes } from "node:crypto";
import type { AkoBridge, AkoBootResult, KubeNode } from "./index.js";
import type { AkoChanges, IngressModel, L4ServiceModel } from "../ako-dataplane.js";
import { AkoModel } from "./ako-model.js";
import { canonical } from "./patch.js";
import type { Change, KubeObject, KubeStore } from "./store.js";

/** AKO's /api/status model (`avi_api`). */
export interface AkoApiStatus {
  connection_status: "CONNECTED" | "DISCONNECTED" | "INITIATING";
  errors: { error: string; timestamp: string }[];
}

type Container = { name: string; image?: string };

/** "1.13.4" → [1, 13, 4]; undefined for tags that are not versions (taken as the newest). */
function versionOf(image: string | undefined): number[] | undefined {
  const m = /:(?:release-)?v?(\d+)\.(\d+)\.(\d+)/.exec(image ?? "");
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}
function before(v: number[] | undefined, than: number[]): boolean {
  if (!v) return false;
  for (let i = 0; i < than.length; i++) if ((v[i] ?? 0) !== than[i]) return (v[i] ?? 0) < than[i]!;
  return false;
}

/**
 * AKO as the lab runs it. At each start of its pod (install, rollout restart, pod deleted) it reads
 * ConfigMap avi-k8s-config — from avi-system up to 1.4.2, which hard-codes that namespace, else from
 * its own — and hands the data and the cluster's nodes to the bridge, which does AKO's work on the
 * controller. The outcome becomes AKO's log lines, its /api/status (served through the pod proxy),
 * a restart when AKO reboots on bad input, and from 1.6.1 the Kubernetes events AKO posts.
 */
export class AkoEmulation {
  private readonly api = new Map<string, { port: number; status: AkoApiStatus; config?: Record<string, string> }>(); // pod uid → /api/status
  private readonly model: AkoModel;
  // AKO's view of the cluster, kept up to date from the writes it is told about ("ns/name" keys).
  private readonly services = new Map<string, L4ServiceModel>();
  private readonly ingresses = new Map<string, IngressModel>();
  private readonly backends = new Map<string, string[]>(); // ingress → the Services its paths name
  private readonly dirty = { services: new Set<string>(), ingresses: new Set<string>(), pods: new Map<string, Record<string, string>[]>() };
  private full = true;

  constructor(
    private readonly store: KubeStore,
    private readonly nodes: KubeNode[],
    private readonly bridge?: AkoBridge,
  ) {
    this.model = new AkoModel(store);
    store.onChange((c) => this.observe(c));
  }

  /**
   * AKO's informers: what a write means for the data plane. Status writes (AKO's own among them)
   * change nothing; a pod matters when its readiness, address or labels change; classes, infra
   * settings and AKO's ConfigMap make AKO re-read everything.
   */
  private observe(c: Change): void {
    const key = `${c.object.metadata.namespace}/${c.object.metadata.name}`;
    const meaning = (o?: KubeObject) => o && canonical([o.spec, o.metadata.labels, o.metadata.annotations, o.metadata.deletionTimestamp]);
    const podState = (o?: KubeObject) =>
      o && canonical([o.metadata.labels, o.status?.phase, o.status?.podIP, o.status?.conditions, o.metadata.deletionTimestamp]);
    if (c.group === "" && c.plural === "services") {
      if (meaning(c.object) !== meaning(c.old) || c.type !== "MODIFIED") this.dirty.services.add(key);
    } else if (c.group === "networking.k8s.io" && c.plural === "ingresses") {
      if (meaning(c.object) !== meaning(c.old) || c.type !== "MODIFIED") this.dirty.ingresses.add(key);
    } else if (c.group === "" && c.plural === "pods") {
      if (c.type !== "MODIFIED" || podState(c.object) !== podState(c.old)) {
        const list = this.dirty.pods.get(c.object.metadata.namespace!) ?? [];
        list.push(c.object.metadata.labels ?? {}, ...(c.old ? [c.old.metadata.labels ?? {}] : []));
        this.dirty.pods.set(c.object.metadata.namespace!, list);
      }
    } else if (
      (c.group === "networking.k8s.io" && c.plural === "ingressclasses") ||
      c.group === "ako.vmware.com" ||
      (c.group === "" && c.plural === "configmaps" && c.object.metadata.name === "avi-k8s-config")
    )
      this.full = true;
  }

  /** Is this AKO's pod: owned by the StatefulSet `ako`, with a container `ako`? */
  static runs(pod: KubeObject): boolean {
    const owned = pod.metadata.ownerReferences?.some((r) => r.kind === "StatefulSet" && r.name === "ako");
    return Boolean(owned) && ((pod.spec?.containers as Container[] | undefined) ?? []).some((c) => c.name === "ako");
  }

  /** Boot AKO in this pod: its log lines and how many times the container restarted. */
  async boot(pod: KubeObject): Promise<{ lines: string[]; restarts: number }> {
    const ns = pod.metadata.namespace!;
    const image = ((pod.spec?.containers as Container[] | undefined) ?? []).find((c) => c.name === "ako")?.image;
    const version = versionOf(image);
    const configNs = before(version, [1, 4, 3]) ? "avi-system" : ns;
    const line = (level: string, caller: string, msg: string) => `${new Date().toISOString()}\t${level}\t${caller}\t${msg}`;
    const lines = [line("INFO", "ako-main/main.go", `AKO is running with version: ${image?.split(":").pop() ?? "unknown"}`)];
    const cm = this.store.get(this.store.resource("", "v1", "configmaps")!, configNs, "avi-k8s-config");
    let result: AkoBootResult;
    if (!cm)
      result = {
        connected: false,
        message: `Error while fetching configmap avi-k8s-config in namespace ${configNs}: configmaps "avi-k8s-config" not found, shutting down AKO`,
      };
    else if (!this.bridge) result = { connected: true, message: "Avi controller connection not emulated in this lab cluster" };
    else {
      try {
        result = await this.bridge.started(cm.data ?? {}, this.nodes);
      } catch (err) {
        result = { connected: false, message: `Failed to connect to the Avi controller, shutting down AKO: ${(err as Error).message}` };
      }
    }
    if (result.connected)
      lines.push(
        line("INFO", "cache/controller_obj_cache.go", result.message),
        line("INFO", "k8s/ako_init.go", "Started the Kubernetes Controller"),
      );
    else lines.push(line("WARN", "ako-main/main.go", result.message));
    const at = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    // A (re)started AKO reads the whole cluster again.
    this.full = true;
    this.api.set(pod.metadata.uid!, {
      port: Number(cm?.data?.apiServerPort ?? 8080),
      status: {
        connection_status: result.connected ? "CONNECTED" : "DISCONNECTED",
        errors: result.connected ? [] : [{ error: result.message, timestamp: at }],
      },
      config: result.connected && this.bridge ? (cm?.data ?? {}) : undefined,
    });
    const reboots = !result.connected && /rebooted|shutting down/i.test(result.message);
    if (!before(version, [1, 6, 1])) this.events(pod, at, result, reboots);
    return { lines, restarts: reboots ? 1 : 0 };
  }

  /** AKO's /api/status on its API port, or undefined when nothing listens there. */
  apiStatus(podUid: string, port: number): AkoApiStatus | undefined {
    const a = this.api.get(podUid);
    return a && a.port === port ? structuredClone(a.status) : undefined;
  }

  /** Is AKO connected, and has anything it follows changed since its last sync? */
  pending(): boolean {
    if (![...this.api.values()].some((a) => a.config)) return false;
    return this.full || this.dirty.services.size > 0 || this.dirty.ingresses.size > 0 || this.dirty.pods.size > 0;
  }

  /**
   * A connected AKO's work on the cluster's objects: LoadBalancer Services and Ingresses become
   * virtual services through the bridge, and their status.loadBalancer is written back (emptied
   * when AKO no longer serves them). Like AKO's workers, it handles the objects changed since the
   * last sync, a burst of writes at once; nothing happens while no AKO is connected.
   */
  sync(): void {
    const config = [...this.api.values()].find((a) => a.config)?.config;
    if (!config || !this.bridge?.sync) return;
    const svcType = this.store.preferred("", "services")!;
    const ingType = this.store.preferred("networking.k8s.io", "ingresses")!;
    const full = this.full;
    const dirty = this.takeDirty(svcType);
    if (!full && dirty.services.size === 0 && dirty.ingresses.size === 0) return;
    this.full = false;
    const changes: AkoChanges = { services: [], ingresses: [] };
    const classes = this.model.classes();
    const read = (t: typeof svcType, key: string) => {
      const [ns, name] = key.split("/") as [string, string];
      return this.store.get(t, ns, name);
    };
    for (const key of dirty.services) {
      const obj = read(svcType, key);
      const after = obj && this.model.service(obj);
      changes.services.push({ before: this.services.get(key), after });
      if (after) this.services.set(key, after);
      else this.services.delete(key);
    }
    for (const key of dirty.ingresses) {
      const obj = read(ingType, key);
      const after = obj && this.model.ingress(obj, classes);
      changes.ingresses.push({ before: this.ingresses.get(key), after });
      if (after) this.ingresses.set(key, after);
      else this.ingresses.delete(key);
      if (obj) this.backends.set(key, AkoModel.backends(obj));
      else this.backends.delete(key);
    }
    let r: ReturnType<NonNullable<AkoBridge["sync"]>>;
    try {
      r = this.bridge.sync(config, [...this.services.values()], [...this.ingresses.values()], full ? undefined : changes);
    } catch {
      // AKO logs and retries on its own schedule; the API write that woke it still succeeds.
      this.full = true;
      return;
    }
    // Status as AKO writes it, only where it changes (a write it makes wakes nothing).
    const write = (t: typeof svcType, keys: Iterable<string>, lb: Record<string, unknown[]>) => {
      for (const key of keys) {
        const o = read(t, key);
        if (!o || (t === svcType && (o.spec as { type?: string } | undefined)?.type !== "LoadBalancer" && !o.status?.loadBalancer))
          continue;
        const ingress = lb[key];
        const loadBalancer = ingress ? { ingress } : {};
        if (canonical(o.status?.loadBalancer ?? {}) === canonical(loadBalancer)) continue;
        this.store.setStatus(t, o.metadata.namespace, o.metadata.name!, { ...(o.status ?? {}), loadBalancer });
      }
    };
    write(svcType, dirty.services, r.services);
    write(ingType, dirty.ingresses, r.ingresses);
  }

  /**
   * The keys to handle now: the changed Services and Ingresses, the Ingresses naming a changed
   * Service, and the Services selecting a changed pod; all of them after a full resync.
   */
  private takeDirty(svcType: NonNullable<ReturnType<KubeStore["preferred"]>>): { services: Set<string>; ingresses: Set<string> } {
    const { services, ingresses, pods } = this.dirty;
    this.dirty.services = new Set();
    this.dirty.ingresses = new Set();
    this.dirty.pods = new Map();
    if (this.full) {
      this.services.clear();
      this.ingresses.clear();
      this.backends.clear();
      const keys = (t: typeof svcType) => this.store.list(t).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
      return { services: new Set(keys(svcType)), ingresses: new Set(keys(this.store.preferred("networking.k8s.io", "ingresses")!)) };
    }
    for (const [ns, labelSets] of pods)
      for (const svc of this.store.list(svcType, ns)) {
        const selector = Object.entries((svc.spec?.selector as Record<string, string> | undefined) ?? {});
        if (selector.length && labelSets.some((l) => selector.every(([k, v]) => l[k] === v))) services.add(`${ns}/${svc.metadata.name}`);
      }
    for (const [ing, names] of this.backends) if (names.some((n) => services.has(n))) ingresses.add(ing);
    return { services, ingresses };
  }

  forget(podUid: string): void {
    this.api.delete(podUid);
  }

  /** The events AKO ≥ 1.6.1 posts about its pod at boot. */
  private events(pod: KubeObject, at: string, r: AkoBootResult, reboots: boolean): void {
    const t = this.store.resource("", "v1", "events")!;
    const { name, namespace, uid } = pod.metadata;
    const post = (type: "Normal" | "Warning", reason: string, message: string) =>
      this.store.create(t, namespace, {
        metadata: { name: `${name}.${randomBytes(8).toString("hex")}` },
        involvedObject: { apiVersion: "v1", kind: "Pod", namespace, name, uid },
        reason,
        message,
        type,
        source: { component: "avi-kubernetes-operator" },
        reportingComponent: "avi-kubernetes-operator",
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
      });
    if (r.connected) {
      post("Normal", "ValidatedUserInput", "User input validation completed.");
      post("Normal", "AKOReady", "AKO is now listening for Object updates in the cluster");
    } else post("Warning", reboots ? "AKOShutdown" : "SyncDisabled", r.message);
  }
}
