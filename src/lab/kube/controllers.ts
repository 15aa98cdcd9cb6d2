import { createHash, randomBytes } from "node:crypto";
import { AkoEmulation } from "./ako.js";
import { amkoReconcile } from "./amko.js";
import type { KubeNode } from "./index.js";
import { canonical } from "./patch.js";
import { groupVersion, type ResourceType } from "./resources.js";
import { now, type Change, type KubeObject, type KubeStore } from "./store.js";

type Container = {
  name: string;
  image?: string;
  env?: { valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef } }[];
  envFrom?: { secretRef?: Ref; configMapRef?: Ref }[];
};
type Ref = { name?: string; optional?: boolean };
type KeyRef = Ref & { key?: string };
type Template = {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown> & { containers?: Container[] };
};
type Condition = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; lastUpdateTime?: string };

const WORKLOADS = ["statefulsets", "deployments", "daemonsets"];
const hashOf = (v: unknown, n = 10) => createHash("sha256").update(canonical(v)).digest("hex").slice(0, n);
const containersOf = (pod: KubeObject) => (pod.spec?.containers as Container[] | undefined) ?? [];

/**
 * What the cluster's controllers and kubelets do, at once rather than eventually: StatefulSets,
 * Deployments and DaemonSets get their pods (replaced when the pod template changes, recreated when
 * deleted) and their status; pods start Running once the Secrets and ConfigMaps their environment
 * names exist (CreateContainerConfigError until then); namespaces get their "default" service
 * account; AKO and AMKO act as in ako.ts and amko.ts.
 * Writes mark their namespace; settle() runs the namespaces marked until nothing changes.
 */
export class Controllers {
  private readonly dirty = new Set<string>();
  private readonly logs = new Map<string, string[]>(); // pod uid → log lines
  private chain: Promise<void> = Promise.resolve();
  private podIPs = 0;

  constructor(
    private readonly store: KubeStore,
    private readonly nodes: KubeNode[],
    readonly ako: AkoEmulation,
  ) {
    store.onChange((c) => this.observe(c));
  }

  /** Run until steady; every write waits for this before it is answered. */
  settle(): Promise<void> {
    const run = this.chain.then(() => this.run());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The log of a pod's current container run. */
  log(podUid: string): string[] {
    return this.logs.get(podUid) ?? [];
  }

  private observe(c: Change): void {
    const ns = c.plural === "namespaces" && c.group === "" ? c.object.metadata.name : c.object.metadata.namespace;
    // Services, Ingresses and Events concern no namespace controller (AKO follows them on its own).
    const unwatched = (c.group === "" && (c.plural === "services" || c.plural === "events")) || c.plural === "ingresses";
    if (ns && !unwatched && !(c.plural === "namespaces" && c.type === "DELETED")) this.dirty.add(ns);
    if (c.type === "DELETED" && c.plural === "pods" && c.group === "") {
      this.logs.delete(c.object.metadata.uid!);
      this.ako.forget(c.object.metadata.uid!);
    }
  }

  private async run(): Promise<void> {
    // Bounded, so a controller that never settles cannot hang requests.
    for (let pass = 0; (this.dirty.size > 0 || this.ako.pending()) && pass < 5; pass++) {
      await this.namespaces();
      // AKO works cluster-wide (shared virtual services span namespaces), once the workloads are steady.
      this.ako.sync();
    }
  }

  private async namespaces(): Promise<void> {
    for (let round = 0; this.dirty.size > 0 && round < 100; round++) {
      const ns = this.dirty.values().next().value!;
      this.dirty.delete(ns);
      if (!this.store.get(this.type("", "namespaces"), undefined, ns)) continue;
      // The service account controller: every namespace has its "default" account.
      if (!this.store.get(this.type("", "serviceaccounts"), ns, "default"))
        this.store.create(this.type("", "serviceaccounts"), ns, { metadata: { name: "default" } });
      for (const plural of WORKLOADS)
        for (const wl of this.store.list(this.type("apps", plural), ns)) this.workload(this.type("apps", plural), wl);
      for (const pod of this.store.list(this.type("", "pods"), ns)) if (pod.status?.phase === "Pending") await this.kubelet(pod);
      amkoReconcile(this.store, ns);
    }
  }

  private type(group: string, plural: string): ResourceType {
    return this.store.preferred(group, plural)!;
  }

  private workload(t: ResourceType, wl: KubeObject): void {
    const pods = this.type("", "pods");
    const { name, namespace: ns, uid, generation } = wl.metadata;
    const spec = (wl.spec ?? {}) as { replicas?: number; template?: Template; serviceName?: string };
    const template = spec.template ?? {};
    const hash = hashOf(template);
    const revision = t.kind === "Deployment" ? hash : `${name}-${hash}`;
    const revisionLabel = t.kind === "Deployment" ? "pod-template-hash" : "controller-revision-hash";
    const replicas = t.kind === "DaemonSet" ? this.nodes.length : (spec.replicas ?? 1);
    const owned = () => this.store.list(pods, ns, (p) => Boolean(p.metadata.ownerReferences?.some((r) => r.uid === uid && r.controller)));
    // Which pods should exist: ordinals for a StatefulSet, one per node for a DaemonSet, any names for a Deployment.
    const wanted =
      t.kind === "StatefulSet"
        ? Array.from({ length: replicas }, (_, i) => `${name}-${i}`)
        : t.kind === "DaemonSet"
          ? this.nodes.map((n) => `${name}-${hashOf(n.name, 5)}`)
          : undefined;
    // Pods of an older template, or beyond the wanted ones, go; the missing ones are created.
    const fits = (p: KubeObject) => p.metadata.labels?.[revisionLabel] === revision && (!wanted || wanted.includes(p.metadata.name!));
    const current = owned().filter(fits).slice(0, replicas);
    for (const p of owned()) if (!current.some((c) => c.metadata.uid === p.metadata.uid)) this.store.delete(pods, ns, p.metadata.name!);
    const missing = wanted
      ? wanted.filter((n) => !current.some((p) => p.metadata.name === n))
      : Array.from(
          { length: Math.max(0, replicas - current.length) },
          () => `${name}-${hash}-${randomBytes(4).toString("hex").slice(0, 5)}`,
        );
    for (const podName of missing) {
      const i = wanted ? wanted.indexOf(podName) : this.podIPs;
      const node = this.nodes[i % Math.max(1, this.nodes.length)];
      this.store.create(pods, ns, {
        metadata: {
          name: podName,
          labels: {
            ...(template.metadata?.labels ?? {}),
            [revisionLabel]: revision,
            ...(t.kind === "StatefulSet" ? { "statefulset.kubernetes.io/pod-name": podName } : {}),
          },
          ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
          ownerReferences: [
            { apiVersion: groupVersion(t), kind: t.kind, name: name!, uid: uid!, controller: true, blockOwnerDeletion: true },
          ],
        },
        spec: {
          ...(template.spec ?? {}),
          ...(node ? { nodeName: node.name } : {}),
          ...(t.kind === "StatefulSet" ? { hostname: podName, subdomain: spec.serviceName } : {}),
        },
      });
    }
    const all = owned();
    const ready = all.filter(
      (p) =>
        p.status?.phase === "Running" &&
        (p.status.conditions as Condition[] | undefined)?.some((c) => c.type === "Ready" && c.status === "True"),
    ).length;
    const updated = all.filter((p) => p.metadata.labels?.[revisionLabel] === revision).length;
    const old = (wl.status?.conditions as Condition[] | undefined) ?? [];
    let status: Record<string, unknown>;
    if (t.kind === "StatefulSet")
      status = {
        observedGeneration: generation,
        replicas: all.length,
        readyReplicas: ready,
        currentReplicas: updated,
        updatedReplicas: updated,
        availableReplicas: ready,
        currentRevision: revision,
        updateRevision: revision,
        collisionCount: 0,
      };
    else if (t.kind === "DaemonSet")
      status = {
        observedGeneration: generation,
        desiredNumberScheduled: replicas,
        currentNumberScheduled: all.length,
        numberMisscheduled: 0,
        numberReady: ready,
        numberAvailable: ready,
        updatedNumberScheduled: updated,
      };
    else {
      const available = ready >= replicas;
      status = {
        observedGeneration: generation,
        replicas: all.length,
        updatedReplicas: updated,
        readyReplicas: ready,
        availableReplicas: ready,
        ...(replicas > ready ? { unavailableReplicas: replicas - ready } : {}),
        conditions: [
          condition(
            old,
            "Available",
            available ? "True" : "False",
            available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
          ),
          condition(
            old,
            "Progressing",
            "True",
            available && updated === replicas ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
            `ReplicaSet "${name}-${hash}" ${available && updated === replicas ? "has successfully progressed" : "is progressing"}.`,
          ),
        ],
      };
    }
    this.store.setStatus(t, ns, name!, status);
  }

  /** Start a pending pod: wait for what its environment names, boot AKO in AKO's pod, then Running and Ready. */
  private async kubelet(pod: KubeObject): Promise<void> {
    const pods = this.type("", "pods");
    const { name, namespace: ns, uid, creationTimestamp } = pod.metadata;
    const containers = containersOf(pod);
    const blocked = this.missingReference(pod);
    const scheduled = { type: "PodScheduled", status: "True", lastTransitionTime: creationTimestamp };
    if (blocked) {
      this.store.setStatus(pods, ns, name!, {
        phase: "Pending",
        conditions: [scheduled, { type: "Ready", status: "False", reason: "ContainersNotReady", lastTransitionTime: creationTimestamp }],
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          ready: false,
          started: false,
          restartCount: 0,
          state: { waiting: { reason: "CreateContainerConfigError", message: blocked } },
        })),
      });
      return;
    }
    let lines = containers.map((c) => `${new Date().toISOString()}\tINFO\tlab\tcontainer ${c.name} started from ${c.image ?? "no image"}`);
    let restarts = 0;
    if (AkoEmulation.runs(pod)) ({ lines, restarts } = await this.ako.boot(pod));
    // The pod may have been replaced while AKO was booting.
    if (this.store.get(pods, ns, name!)?.metadata.uid !== uid) return;
    const started = now();
    const node = this.nodes.find((n) => n.name === pod.spec?.nodeName) ?? this.nodes[0];
    const podIP = podAddress(node?.podCIDR, ++this.podIPs);
    this.store.setStatus(pods, ns, name!, {
      phase: "Running",
      conditions: [
        scheduled,
        ...["Initialized", "ContainersReady", "Ready"].map((type) => ({ type, status: "True", lastTransitionTime: started })),
      ],
      hostIP: node?.internalIP,
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: started,
      qosClass: "Burstable",
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        ready: true,
        started: true,
        restartCount: restarts,
        state: { running: { startedAt: started } },
        ...(restarts ? { lastState: { terminated: { exitCode: 1, reason: "Error", startedAt: started, finishedAt: started } } } : {}),
      })),
    });
    this.logs.set(uid!, lines);
  }

  /** The kubelet's complaint when a Secret or ConfigMap (or one of its keys) the containers need is missing. */
  private missingReference(pod: KubeObject): string | undefined {
    const ns = pod.metadata.namespace;
    const find = (kind: "Secret" | "ConfigMap", ref: KeyRef, keyed: boolean): string | undefined => {
      if (ref.optional || !ref.name) return undefined;
      const obj = this.store.get(this.type("", kind === "Secret" ? "secrets" : "configmaps"), ns, ref.name);
      if (!obj) return `${kind.toLowerCase()} "${ref.name}" not found`;
      const keys = { ...(obj.data ?? {}), ...((obj.binaryData as Record<string, string> | undefined) ?? {}) };
      if (keyed && ref.key !== undefined && !(ref.key in keys)) return `couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}`;
      return undefined;
    };
    for (const c of containersOf(pod)) {
      for (const e of c.env ?? []) {
        const why =
          (e.valueFrom?.secretKeyRef && find("Secret", e.valueFrom.secretKeyRef, true)) ||
          (e.valueFrom?.configMapKeyRef && find("ConfigMap", e.valueFrom.configMapKeyRef, true));
        if (why) return why;
      }
      for (const e of c.envFrom ?? []) {
        const why = (e.secretRef && find("Secret", e.secretRef, false)) || (e.configMapRef && find("ConfigMap", e.configMapRef, false));
        if (why) return why;
      }
    }
    return undefined;
  }
}

/** A condition with its timestamps kept while its status and reason stay, so a steady object stays unchanged. */
function condition(old: Condition[], type: string, status: string, reason: string, message: string): Condition {
  const prev = old.find((c) => c.type === type);
  const at = prev && prev.status === status && prev.reason === reason ? prev.lastTransitionTime : now();
  return { type, status, reason, message, lastTransitionTime: at, lastUpdateTime: at };
}

/** The n-th pod address inside a node's pod CIDR (a /24 or wider). */
function podAddress(cidr: string | undefined, n: number): string {
  const [a = "10", b = "244", c = "0"] = (cidr ?? "10.244.0.0/24").split("/")[0]!.split(".");
  return `${a}.${b}.${c}.${(n % 250) + 2}`;
}
