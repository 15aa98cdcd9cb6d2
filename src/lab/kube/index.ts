import type { LabCa } from "../tls.js";
import type { AkoChanges, AkoSyncResult, IngressModel, L4ServiceModel } from "../ako-dataplane.js";

/** A node of a lab cluster: its address and the pod CIDR AKO routes to it. */
export interface KubeNode {
  name: string;
  internalIP: string;
  podCIDR: string;
}

/** What a starting AKO achieves on the controller: connected, or AKO's own error sentence. */
export interface AkoBootResult {
  connected: boolean;
  message: string;
}

/** What the AKO emulation does on the Avi side when AKO (re)starts. */
export interface AkoBridge {
  /** Called with the ConfigMap data AKO read and the cluster's nodes; a plain result is taken as well as a promise. */
  started(config: Record<string, string>, nodes: KubeNode[]): Promise<AkoBootResult> | AkoBootResult;
  /**
   * Called by a connected AKO with the cluster's LoadBalancer Services and Ingresses and, when it is
   * not a full resync, the objects changed since the last call; returns the status to write back.
   */
  sync?(config: Record<string, string>, services: L4ServiceModel[], ingresses: IngressModel[], changes?: AkoChanges): AkoSyncResult;
}

export interface KubeApiOptions {
  /** Cluster name, e.g. "s1az1". */
  name: string;
  /** 0 or absent: any free port; the server binds 127.0.0.1 only. */
  port?: number;
  /** Served at /version and deciding which older APIs exist, e.g. "v1.29.4". */
  kubernetesVersion?: string;
  /** Seeded Node objects; three per cluster (distinct addresses per name) when absent. */
  nodes?: KubeNode[];
  ako?: AkoBridge;
  /** The lab's CA, which signs this API server's certificate; the process's default lab CA when absent. */
  ca?: LabCa;
}

export interface KubeApiHandle {
  name: string;
  url: string;
  token: string;
  /** PEM of the CA that signed the server's certificate (also in the kubeconfig). */
  caCert: string;
  /** A kubeconfig for this cluster alone (YAML; server = url, token user); the caller writes it 0600. */
  kubeconfig(contextName?: string): string;
  /** The stored objects of a kind, e.g. ("apps/v1", "StatefulSet", "avi-system"), as clients get them. */
  objects(apiVersion: string, kind: string, namespace?: string): Record<string, unknown>[];
  close(): Promise<void>;
}

export { startKubeApi } from "./server.js";
