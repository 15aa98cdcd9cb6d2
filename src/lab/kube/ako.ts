import { randomBytes } from "node:crypto";
import type { AkoBridge, AkoBootResult, KubeNode } from "./index.js";
import { AkoModel } from "./ako-model.js";
import type { KubeObject, KubeStore } from "./store.js";

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

  constructor(
    private readonly store: KubeStore,
    private readonly nodes: KubeNode[],
    private readonly bridge?: AkoBridge,
  ) {
    this.model = new AkoModel(store);
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

  /**
   * A connected AKO's work on the cluster's objects: LoadBalancer Services and Ingresses become
   * virtual services through the bridge, and their status.loadBalancer is written back (emptied
   * when AKO no longer serves them). Nothing happens while no AKO is connected.
   */
  sync(): void {
    const config = [...this.api.values()].find((a) => a.config)?.config;
    if (!config || !this.bridge?.sync) return;
    const services = this.model.services();
    const ingresses = this.model.ingresses();
    let r: ReturnType<NonNullable<AkoBridge["sync"]>>;
    try {
      r = this.bridge.sync(config, services, ingresses);
    } catch {
      // AKO logs and retries on its own schedule; the API write that woke it still succeeds.
      return;
    }
    const write = (plural: string, group: string, all: KubeObject[], lb: Record<string, unknown[]>) => {
      const t = this.store.preferred(group, plural)!;
      for (const o of all) {
        const key = `${o.metadata.namespace}/${o.metadata.name}`;
        const ingress = lb[key];
        this.store.setStatus(t, o.metadata.namespace, o.metadata.name!, { ...(o.status ?? {}), loadBalancer: ingress ? { ingress } : {} });
      }
    };
    const svcType = this.store.preferred("", "services")!;
    write(
      "services",
      "",
      this.store.list(svcType).filter((s) => (s.spec as { type?: string } | undefined)?.type === "LoadBalancer"),
      r.services,
    );
    write("ingresses", "networking.k8s.io", this.store.list(this.store.preferred("networking.k8s.io", "ingresses")!), r.ingresses);
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
