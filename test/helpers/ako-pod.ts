import { Kube } from "../../src/clients/k8s.js";

/** The StatefulSet AKO's chart makes (avi-system/ako, one pod ako-0) with the given image. */
export const akoStatefulSet = (image = "projects.registry.vmware.com/ako/ako:1.13.4") => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "ako", namespace: "avi-system" },
  spec: {
    replicas: 1,
    serviceName: "ako",
    selector: { matchLabels: { app: "ako" } },
    template: { metadata: { labels: { app: "ako" } }, spec: { containers: [{ name: "ako", image }] } },
  },
});

/**
 * AKO as its chart runs it in a lab cluster, without helm: ConfigMap avi-k8s-config and the StatefulSet
 * ako in avi-system (the lab's AKO boots in its pod ako-0 and acts on the cluster's site controller).
 */
export async function runAko(kubeconfig: string, context: string, config: Record<string, string>, image?: string): Promise<void> {
  const k = await Kube.connect({ kubeconfig, context });
  await k.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "avi-system" } });
  await k.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "avi-k8s-config", namespace: "avi-system" }, data: config });
  await k.apply(akoStatefulSet(image));
}

/** AKO's ConfigMap for a lab cluster on its site's seeded VIP network (NodePort: no SE group or static routes needed). */
export const akoConfig = (clusterName: string, network: string): Record<string, string> => ({
  clusterName,
  cloudName: "Default-Cloud",
  vipNetworkList: JSON.stringify([{ networkName: network }]),
  serviceType: "NodePort",
  shardVSSize: "SMALL",
});
