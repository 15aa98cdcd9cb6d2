import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { writeSecretFile } from "../base/config.js";
import type { FaultOptions, LabControllerHandle } from "./types.js";
import type { KubeApiHandle } from "./kube/index.js";
import type { LabState } from "./state.js";
import type { BackendsHandle } from "./backends.js";
import type { DnsServiceHandle } from "./dns/server.js";
import type { AmkoCluster } from "./amko-gslb.js";
import type { PodInfo, VipListenersHandle } from "./vip-listeners.js";

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
export const LAB_CLUSTERS: { name: string; kubernetesVersion: string; site: LabSiteName }[] = [
  { name: "s1az1", kubernetesVersion: "v1.29.4", site: "site1" },
  { name: "s1az2", kubernetesVersion: "v1.21.14", site: "site1" },
  { name: "s2", kubernetesVersion: "v1.29.4", site: "site2" },
];

/** The hello backends of the reference topology: one per AKO cluster, on loopback addresses. */
export const LAB_SITES = [
  { site: "SITE1 AZ1", host: "127.0.0.11", controller: "site1" },
  { site: "SITE1 AZ2", host: "127.0.0.12", controller: "site1" },
  { site: "SITE2", host: "127.0.0.13", controller: "site2" },
];

/** The controllers of the reference topology, site1 first (the "lab" context). */
export const LAB_CONTROLLERS = ["site1", "site2", "leader"] as const;
export type LabSiteName = (typeof LAB_CONTROLLERS)[number];

export interface Lab {
  controllers: LabControllerHandle[];
  state: Omit<LabState, "pid" | "startedAt" | "expiresAt">;
  /** Take a site down (controller, DNS service, VIPs) or bring it back. */
  setSite(name: string, up: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Start the simulated environment on loopback: controllers, DNS services, hello backends, Kubernetes APIs, GSLB. */
export async function startLab(o: LabOptions): Promise<Lab> {
  const { startController } = await import("./avi/index.js");
  const { GslbFederation } = await import("./gslb.js");
  const { createLabCa } = await import("./tls.js");
  // One CA per lab signs every lab server; its key stays in this process.
  const ca = createLabCa();
  const caCert = join(o.dir, "ca.crt");
  writeFileSync(caCert, ca.certPem, { mode: 0o644 });
  const adminToken = randomBytes(24).toString("base64url");
  const closers: (() => Promise<void>)[] = [];
  const federation = new GslbFederation({ scriptDir: o.dir });
  closers.push(async () => federation.close());
  try {
    const controllers: LabControllerHandle[] = [];
    const state: Lab["state"] = { controllers: [], dns: [], backends: [], clusters: [] };
    for (const name of LAB_CONTROLLERS) {
      const password = randomBytes(12).toString("base64url");
      const passwordFile = join(o.dir, name === "site1" ? "admin.password" : `${name}.password`);
      writeSecretFile(passwordFile, password);
      const ctrl = await startController({
        name,
        port: name === "site1" ? (o.port ?? 0) : 0,
        version: o.aviVersion ?? "30.2.1",
        seed: name,
        username: "admin",
        password,
        faults: o.faults,
        gslb: federation.hooks(name),
        ca,
        adminToken,
      });
      closers.push(() => ctrl.close());
      federation.add(ctrl);
      controllers.push(ctrl);
      const kubeContexts = LAB_CLUSTERS.filter((c) => c.site === name).map((c) => c.name);
      state.controllers.push({
        name,
        url: ctrl.url,
        version: ctrl.version,
        username: ctrl.username,
        passwordFile,
        clusterUuid: ctrl.clusterUuid,
        kubeContexts,
        up: true,
        caCert,
        adminToken,
      });
    }
    const byName = (n: string) => controllers.find((c) => c.name === n);

    const { startBackends } = await import("./backends.js");
    const backends = new Map<string, { handle: BackendsHandle; specs: typeof LAB_SITES }>();
    let backendPort = 0;
    for (const site of LAB_CONTROLLERS) {
      const specs = LAB_SITES.filter((b) => b.controller === site);
      if (specs.length === 0) continue;
      const handle = await startBackends(specs, backendPort);
      backendPort = handle.backends[0]!.port;
      backends.set(site, { handle, specs });
    }
    closers.push(async () => {
      for (const b of backends.values()) await b.handle.close();
    });
    state.backends = [...backends.values()].flatMap((b) => b.handle.backends.map((x) => ({ site: x.site, url: x.url })));

    const { startDnsService } = await import("./dns/server.js");
    const dnsByCtrl = new Map<string, { handle: DnsServiceHandle; endpoints: Lab["state"]["dns"] }>();
    for (const ctrl of controllers) {
      const entry = { handle: undefined as unknown as DnsServiceHandle, endpoints: [] as Lab["state"]["dns"] };
      dnsByCtrl.set(ctrl.name, entry);
      entry.handle = startDnsService(ctrl, {
        gslbHealth: federation.hooks(ctrl.name).memberUp,
        // The member's site knows its virtual service by uuid; the DNS log names it.
        gslbVsName: (m) => controllers.find((c) => c.clusterUuid === m.cluster_uuid)?.store.get("virtualservice", m.vs_uuid ?? "")?.name,
        onChange: (endpoints) => {
          entry.endpoints = endpoints.map(({ controller, vs, host, port }) => ({ controller, vs, host, port }));
          state.dns = [...dnsByCtrl.values()].flatMap((e) => e.endpoints);
          o.onStateChange?.(state);
        },
      });
      closers.push(() => entry.handle.close());
      await entry.handle.ready();
    }
    // The "lab" context's DNS address: site1's system DNS service, whichever DNS VS is registered later.
    state.systemDns = await dnsByCtrl.get("site1")!.handle.system();

    // One Kubernetes API per AKO cluster of the reference topology, AKO acting on its site's controller.
    const { startKubeApi } = await import("./kube/index.js");
    const { akoStarted } = await import("./ako-bridge.js");
    const { akoSync } = await import("./ako-dataplane.js");
    const { stringify, parse } = await import("yaml");
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [] as unknown[],
      users: [] as unknown[],
      contexts: [] as unknown[],
      "current-context": LAB_CLUSTERS[0]!.name,
    };
    const amkoClusters: AmkoCluster[] = [];
    const kubes: KubeApiHandle[] = [];
    for (const { name, kubernetesVersion, site } of LAB_CLUSTERS) {
      const ctrl = byName(site)!;
      const kube: KubeApiHandle = await startKubeApi({
        name,
        kubernetesVersion,
        ca,
        ako: {
          started: (config, nodes) => akoStarted(ctrl.store, ctrl.url, config, nodes),
          sync: (config, svcs, ings, changes) => akoSync(ctrl.store, ctrl.url, config, svcs, ings, changes),
        },
      });
      closers.push(() => kube.close());
      kubes.push(kube);
      amkoClusters.push({ name, url: kube.url, site: ctrl, objects: (v, kind, ns) => kube.objects(v, kind, ns) });
      const one = parse(kube.kubeconfig(name)) as typeof kubeconfig;
      kubeconfig.clusters.push(...one.clusters);
      kubeconfig.users.push(...one.users);
      kubeconfig.contexts.push(...one.contexts);
    }
    const { startAmkoGslb } = await import("./amko-gslb.js");
    const stopAmko = startAmkoGslb(amkoClusters, controllers, caCert);
    closers.push(async () => stopAmko());
    // Each loopback VIP answers HTTP as the pods behind its pool (the lab's stand-in for a service engine), per site.
    const { startVipListeners } = await import("./vip-listeners.js");
    const pods = () => kubes.flatMap((k) => k.objects("v1", "Pod"));
    const vipsBySite = new Map<string, { handle: VipListenersHandle; endpoints: NonNullable<Lab["state"]["vips"]> }>();
    const startVips = (ctrl: LabControllerHandle) => {
      const entry = { handle: undefined as unknown as VipListenersHandle, endpoints: [] as NonNullable<Lab["state"]["vips"]> };
      vipsBySite.set(ctrl.name, entry);
      entry.handle = startVipListeners(
        ctrl.store,
        (ip) => podInfo(pods(), ip),
        (endpoints) => {
          entry.endpoints = endpoints;
          state.vips = [...vipsBySite.values()].flatMap((e) => e.endpoints);
          o.onStateChange?.(state);
        },
        (served) => ctrl.recordAppLog(served),
      );
    };
    for (const ctrl of controllers) if (LAB_CLUSTERS.some((c) => c.site === ctrl.name)) startVips(ctrl);
    closers.push(async () => {
      for (const v of vipsBySite.values()) await v.handle.close();
    });
    state.kubeconfig = join(o.dir, "kubeconfig");
    state.clusters = LAB_CLUSTERS.map((c) => c.name);
    writeSecretFile(state.kubeconfig, stringify(kubeconfig));

    const setSite = async (name: string, up: boolean) => {
      const ctrl = byName(name);
      if (!ctrl) throw new Error(`unknown site ${name} (lab sites: ${LAB_CONTROLLERS.join(", ")})`);
      const b = backends.get(name);
      const dns = dnsByCtrl.get(name)!.handle;
      const vips = vipsBySite.get(name);
      if (up) {
        await ctrl.resume();
        await dns.resume();
        if (vips) startVips(ctrl);
        if (b && !b.handle.backends.length)
          b.handle = await startBackends(
            b.specs.map((s) => ({ ...s, port: backendPort })),
            backendPort,
          );
      } else {
        await dns.pause();
        await ctrl.suspend();
        if (vips) {
          await vips.handle.close();
          vips.endpoints = [];
          state.vips = [...vipsBySite.values()].flatMap((e) => e.endpoints);
        }
        if (b) {
          await b.handle.close();
          b.handle = { backends: [], close: async () => undefined };
        }
      }
      federation.setSiteUp(name, up);
      const entry = state.controllers.find((c) => c.name === name);
      if (entry) entry.up = up;
      o.onStateChange?.(state);
    };

    // The lab's own admin endpoint: site blackouts for the Part 7 tests.
    const admin = createServer((req, res) => {
      const m = /^\/lab\/sites\/([a-z0-9-]+)\/(stop|start)$/.exec(req.url ?? "");
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      // The same admin token as the controllers' /lab/ endpoints; it lives only in the 0600 lab state.
      if (req.headers.authorization !== `Bearer ${adminToken}`) return reply(401, { error: "lab admin token required" });
      if (req.url === "/lab/sites" && req.method === "GET")
        return reply(
          200,
          state.controllers.map((c) => ({ name: c.name, up: c.up !== false })),
        );
      if (!m || req.method !== "POST") return reply(404, { error: "unknown lab endpoint" });
      req.resume();
      setSite(m[1]!, m[2] === "start").then(
        () => reply(200, { name: m[1], up: m[2] === "start" }),
        (err: Error) => reply(/unknown site/.test(err.message) ? 404 : 500, { error: err.message }),
      );
    });
    await new Promise<void>((r) => admin.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise<void>((r) => admin.close(() => r())));
    state.admin = `http://127.0.0.1:${(admin.address() as AddressInfo).port}`;

    return { controllers, state, setSite, close: () => closeAll(closers) };
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
  type Pod = {
    metadata?: { name?: string; namespace?: string };
    spec?: { nodeName?: string; containers?: { env?: { name: string; value?: string }[] }[] };
    status?: { podIP?: string };
  };
  const pod = (pods as Pod[]).find((p) => p.status?.podIP === ip);
  if (!pod?.metadata?.name) return undefined;
  const message = pod.spec?.containers?.flatMap((c) => c.env ?? []).find((e) => e.name === "MESSAGE")?.value;
  return {
    name: pod.metadata.name,
    namespace: pod.metadata.namespace ?? "default",
    node: pod.spec?.nodeName,
    ...(message ? { message } : {}),
  };
}
