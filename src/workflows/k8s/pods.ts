import type { Kube, KubeObject } from "../../clients/k8s.js";

export type Pod = KubeObject & {
  metadata?: { uid?: string };
  status?: {
    phase?: string;
    startTime?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { restartCount?: number }[];
  };
};

/** Running with its Ready condition true. */
export function podReady(p: Pod | undefined): boolean {
  return p?.status?.phase === "Running" && (p.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** What `kubectl rollout restart` does: a new template annotation, so the controller replaces the pods. */
export function restartStatefulSet(kube: Kube, namespace: string, name: string, now: number): Promise<unknown> {
  return kube.mergePatch("apps/v1", "StatefulSet", name, namespace, {
    spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": new Date(now).toISOString() } } } },
  });
}
