import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { writeSecretFile } from "../cli/config-file.js";
import type { FaultOptions, LabControllerHandle } from "./types.js";
import type { KubeApiHandle } from "./kube/index.js";
import type { LabState } from "./state.js";
import type { PodInfo } from "./vip-listeners.js";

export interface LabOptions {
  /** Port of the site1 controller (0 = any free port). */
  port?: number;
  aviVersion?: string;
  faults?: FaultOptions;
  /** Where credential files are written (0600). */
  dir: string;
  /** Called when what the lab publishes changes (a DNS virtual service starts or stops listening). */
  onStateChange?: (state: Lab["state"]) => void;
}

/**
 * The AKO clusters of the reference topology; each is a kube context in the lab's kubeconfig.
 * s1az2 runs the Kubernetes of the blog's era, where AKO 1.4.x is supported.
 */
export const LAB_CLUSTERS: { name: string; kubernetesVersion: string }[] = [
  { name: "s1az1", kubernetesVersion: "v1.29.4" },
  { name: "s1az2", kubernetesVersion: "v1.21.14" },
  { name: "s2", kubernetesVersion: "v1.29.4" },
];

/** The hello backends of the reference topology: one per AKO cluster, on loopback addresses. */
export const LAB_SITES = [
  { site: "SITE1 AZ1", host: "127.0.0.11" },
  { site: "SITE1 AZ2", host: "127.0.0.12" },
  { site: "SITE2", host: "127.0.0.13" },
];

export interface Lab {
  controllers: LabControllerHandle[];
  state: Omit<LabState, "pid" | "startedAt" | "expiresAt">;
  close(): Promise<void>;
}

/** Start the simulated environment on loopback: controller, DNS service, hello backends, Kubernetes API. */
export async function startLab(o: LabOptions): Promise<Lab> {
  const { startController } = await import("./avi/index.js");
  const password = randomBytes(12).toString("base64url");
  const passwordFile = join(o.dir, "admin.password");
  writeSecretFile(passwordFile, password);
  const closers: (() => Promise<void>)[] = [];
  try {
    const site1 = await startController({ name: "site1", port: o.port ?? 0, version: o.aviVersion ?? "30.2.1", seed: "site1", username: "admin", password, faults: o.faults });
    closers.push(() => site1.close());
    const { startBackends } = await import("./backends.js");
    const backends = await startBackends(LAB_SITES);
    closers.push(() => backends.close());
    const state: Lab["state"] = {
      controllers: [{ name: site1.name, url: site1.url, version: site1.version, username: site1.username, passwordFile }],
      dns: [],
      backends: backends.backends.map((b) => ({ site: b.site, url: b.url })),
      clusters: [],
    };
    const { startDnsService } = await import("./dns/server.js");
    const dns = startDnsService(site1, {
      onChange: (endpoints) => {
        state.dns = endpoints.map(({ controller, vs, host, port }) => ({ controller, vs, host, port }));
        o.onStateChange?.(state);
      },
    });
    closers.push(() => dns.close());
    await dns.ready();
    // One Kubernetes API per AKO cluster of the reference topology, AKO acting on site1's controller.
    const { startKubeApi } = await import("./kube/index.js");
    const { akoStarted } = await import("./ako-bridge.js");
    const { akoSync } = await import("./ako-dataplane.js");
    const { stringify, parse } = await import("yaml");
    const kubeconfig = { apiVersion: "v1", kind: "Config", clusters: [] as unknown[], users: [] as unknown[], contexts: [] as unknown[], "current-context": LAB_CLUSTERS[0]!.name };
    const kubes: KubeApiHandle[] = [];
    for (const { name, kubernetesVersion } of LAB_CLUSTERS) {
      const kube: KubeApiHandle = await startKubeApi({ name, kubernetesVersion, ako: { started: (config, nodes) => akoStarted(site1.store, site1.url, config, nodes), sync: (config, svcs, ings) => akoSync(site1.store, site1.url, config, svcs, ings) } });
      closers.push(() => kube.close());
      kubes.push(kube);
      const one = parse(kube.kubeconfig(name)) as typeof kubeconfig;
      kubeconfig.clusters.push(...one.clusters);
      kubeconfig.users.push(...one.users);
      kubeconfig.contexts.push(...one.contexts);
    }
    // Each loopback VIP answers HTTP as the pods behind its pool (the lab's stand-in for a service engine).
    const { startVipListeners } = await import("./vip-listeners.js");
    const pods = () => kubes.flatMap((k) => k.objects("v1", "Pod"));
    const vips = startVipListeners(site1.store, (ip) => podInfo(pods(), ip), (endpoints) => {
      state.vips = endpoints;
      o.onStateChange?.(state);
    });
    closers.push(() => vips.close());
    state.kubeconfig = join(o.dir, "kubeconfig");
    state.clusters = LAB_CLUSTERS.map((c) => c.name);
    writeSecretFile(state.kubeconfig, stringify(kubeconfig));
    return { controllers: [site1], state, close: () => closeAll(closers) };
  } catch (err) {
    await closeAll(closers);
    throw err;
  }
}

async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const c of closers.reverse()) await c().catch(() => undefined);
}

/** The pod with this address: its name, namespace, node and the MESSAGE its container shows. */
export function podInfo(pods: Record<string, unknown>[], ip: string): PodInfo | undefined {
  type Pod = { metadata?: { name?: string; namespace?: string }; spec?: { nodeName?: string; containers?: { env?: { name: string; value?: string }[] }[] }; status?: { podIP?: string } };
  const pod = (pods as Pod[]).find((p) => p.status?.podIP === ip);
  if (!pod?.metadata?.name) return undefined;
  const message = pod.spec?.containers?.flatMap((c) => c.env ?? []).find((e) => e.name === "MESSAGE")?.value;
  return { name: pod.metadata.name, namespace: pod.metadata.namespace ?? "default", node: pod.spec?.nodeName, ...(message ? { message } : {}) };
}
