import { akoStarted } from "../../src/lab/ako-bridge.js";
import { akoSync } from "../../src/lab/ako-dataplane.js";
import { startKubeApi, type KubeApiHandle } from "../../src/lab/kube/index.js";
import type { LabControllerHandle } from "../../src/lab/types.js";

/** A lab Kubernetes cluster whose AKO acts on the given controller, and a small REST client for it. */
export async function startAkoCluster(ctrl: LabControllerHandle, name = "s1az1") {
  const kube: KubeApiHandle = await startKubeApi({
    name,
    ako: { started: (config, nodes) => akoStarted(ctrl.store, ctrl.url, config, nodes), sync: (config, s, i) => akoSync(ctrl.store, ctrl.url, config, s, i) },
  });
  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<T> => {
    const res = await fetch(`${kube.url}${path}`, { method, headers: { authorization: `Bearer ${kube.token}`, "content-type": contentType }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    kube,
    call,
    /** Start AKO as its chart would: ConfigMap avi-k8s-config and the ako StatefulSet in avi-system. */
    async installAko(config: Record<string, string>, image = "projects.registry.vmware.com/ako/ako:1.13.4"): Promise<void> {
      await call("POST", "/api/v1/namespaces", { metadata: { name: "avi-system" } });
      await call("POST", "/api/v1/namespaces/avi-system/configmaps", { metadata: { name: "avi-k8s-config" }, data: config });
      await call("POST", "/apis/apps/v1/namespaces/avi-system/statefulsets", {
        metadata: { name: "ako" },
        spec: { replicas: 1, serviceName: "ako", selector: { matchLabels: { app: "ako" } }, template: { metadata: { labels: { app: "ako" } }, spec: { containers: [{ name: "ako", image }] } } },
      });
    },
    async deployment(ns: string, app: string, replicas: number, image = "gcr.io/kuar-demo/kuard-amd64:1"): Promise<void> {
      await call("POST", `/apis/apps/v1/namespaces/${ns}/deployments`, {
        metadata: { name: app, labels: { app } },
        spec: { replicas, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, image }] } } },
      });
    },
    scale: (ns: string, app: string, replicas: number) => call("PATCH", `/apis/apps/v1/namespaces/${ns}/deployments/${app}`, { spec: { replicas } }, "application/merge-patch+json"),
    close: () => kube.close(),
  };
}
