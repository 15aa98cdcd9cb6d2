import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { expect } from "vitest";
import { akoStarted } from "../../src/lab/ako-bridge.js";
import { akoSync } from "../../src/lab/ako-dataplane.js";
import { startKubeApi, type KubeApiHandle } from "../../src/lab/kube/index.js";
import { startDnsService } from "../../src/lab/dns/server.js";
import { podInfo } from "../../src/lab/index.js";
import { startVipListeners } from "../../src/lab/vip-listeners.js";
import type { LabControllerHandle } from "../../src/lab/types.js";
import { LAB_SITE1 } from "./blog.js";
import { caFetch } from "./https-fetch.js";
import { startTestController } from "./lab.js";
import { isolatedConfig, runCli } from "./run-cli.js";
import type { SwaggerConformance } from "./swagger-conformance.js";
import type { AviObject } from "../../src/clients/avi/types.js";

/** A lab Kubernetes cluster whose AKO acts on the given controller, and a small REST client for it. */
export async function startAkoCluster(ctrl: LabControllerHandle, name = "s1az1") {
  const kube: KubeApiHandle = await startKubeApi({
    name,
    ako: {
      started: (config, nodes) => akoStarted(ctrl.store, ctrl.url, config, nodes),
      sync: (config, s, i, changes) => akoSync(ctrl.store, ctrl.url, config, s, i, changes),
    },
  });
  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<T> => {
    // The lab's Kubernetes API is HTTPS under the same per-process lab CA as the controller.
    const res = await caFetch(ctrl.caCert)(`${kube.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${kube.token}`, "content-type": contentType },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
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
        spec: {
          replicas: 1,
          serviceName: "ako",
          selector: { matchLabels: { app: "ako" } },
          template: { metadata: { labels: { app: "ako" } }, spec: { containers: [{ name: "ako", image }] } },
        },
      });
    },
    async deployment(ns: string, app: string, replicas: number, image = "gcr.io/kuar-demo/kuard-amd64:1"): Promise<void> {
      await call("POST", `/apis/apps/v1/namespaces/${ns}/deployments`, {
        metadata: { name: app, labels: { app } },
        spec: {
          replicas,
          selector: { matchLabels: { app } },
          template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, image }] } },
        },
      });
    },
    scale: (ns: string, app: string, replicas: number) =>
      call("PATCH", `/apis/apps/v1/namespaces/${ns}/deployments/${app}`, { spec: { replicas } }, "application/merge-patch+json"),
    close: () => kube.close(),
  };
}

/**
 * Site1 as the blog builds it (cloud with DNS/IPAM, VRF_AZ1 with the VIP pool, SE groups, the DNS VS),
 * a cluster s1az1 running AKO for S1-AZ1, and the environment for the CLI (controller and kubeconfig).
 */
export async function startAkoLab(dir: string, akoConfig: Record<string, string> = {}) {
  const lab = await startTestController();
  const dns = startDnsService(lab.ctrl);
  const net = LAB_SITE1.az1Vip;
  const az2 = LAB_SITE1.az2Vip;
  const env = { AVICTL_CONFIG: isolatedConfig(), ...lab.env() };
  for (const args of [
    ["bootstrap", "cloud", "--dns-domain", "avi.iberia.local", "--ttl", "30"],
    ["create-vrf", "VRF_AZ1", "--network", `${net.name}=${net.cidr}@${net.pool}`],
    ["create-vrf", "VRF_AZ2", "--network", `${az2.name}=${az2.cidr}@${az2.pool}`],
    ["seg", "create", "S1-AZ1-SE-Group", "--cluster-label", "S1-AZ1"],
    ["seg", "create", "DNS-SE-Group", "--prefix", "dns", "--buffer-se", "0"],
    // On the other zone's network, so AKO has the whole AZ1 pool (20 VIPs: DEDICATED for 20 hosts).
    [
      "dns-vs",
      "create",
      "local-dns-site1",
      "--network",
      az2.name,
      "--authoritative",
      "avi.iberia.local",
      "--invalid-query",
      "respond",
      "--set-system-dns",
    ],
  ]) {
    const r = await runCli(args, { env });
    expect(r.code, r.stderr).toBe(0);
  }
  await dns.ready();
  const server = dns.endpoints().find((e) => e.vs === "local-dns-site1")!;
  const cluster = await startAkoCluster(lab.ctrl);
  const config = {
    clusterName: "S1-AZ1",
    cloudName: "Default-Cloud",
    vipNetworkList: JSON.stringify([{ networkName: net.name, cidr: net.cidr }]),
    serviceEngineGroupName: "S1-AZ1-SE-Group",
    shardVSSize: "LARGE",
    serviceType: "ClusterIP",
    autoFQDN: "default",
    ...akoConfig,
  };
  await cluster.installAko(config);
  const vips = startVipListeners(
    lab.ctrl.store,
    (ip) => podInfo(cluster.kube.objects("v1", "Pod"), ip),
    undefined,
    (served) => lab.ctrl.recordAppLog(served),
  );
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, cluster.kube.kubeconfig("s1az1"), { mode: 0o600 });
  return {
    lab,
    cluster,
    server,
    vips,
    /** GET a VIP as a browser would: the listener for ip:port, with the Host header. */
    async http(ip: string, port: number, host?: string): Promise<{ status: number; body: string; pod?: string }> {
      await vips.ready();
      const e = vips.endpoints().find((x) => x.vip === ip && x.port === port);
      if (!e) throw new Error(`nothing listens on ${ip}:${port}`);
      // node:http rather than fetch, which will not send a Host header of our choosing.
      return new Promise((resolve, reject) => {
        const req = request({ host: ip, port: e.listenPort, path: "/", headers: host ? { host } : {}, agent: false }, (res) => {
          let body = "";
          res.on("data", (d: Buffer) => (body += d.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body, pod: res.headers["x-pod-name"] as string | undefined }));
        });
        req.on("error", reject);
        req.end();
      });
    },
    env: { ...env, KUBECONFIG: kubeconfig },
    /** Change AKO's ConfigMap and restart its pod, as `ako reload` does. */
    async reconfigure(change: Record<string, string>): Promise<void> {
      Object.assign(config, change);
      await cluster.call("PUT", "/api/v1/namespaces/avi-system/configmaps/avi-k8s-config", {
        metadata: { name: "avi-k8s-config", namespace: "avi-system" },
        data: config,
      });
      await cluster.call("DELETE", "/api/v1/namespaces/avi-system/pods/ako-0");
    },
    async close(): Promise<void> {
      await vips.close();
      await cluster.close();
      await dns.close();
      await lab.ctrl.close();
    },
  };
}

/** The objects AKO made for cluster S1-AZ1 (by AKO's naming) of these types, each with the schema problems of posting it. */
export function akoObjectsChecked(
  store: LabControllerHandle["store"],
  checker: SwaggerConformance,
  types: string[],
): { type: string; object: AviObject; problems: string[] }[] {
  return types.flatMap((type) =>
    store
      .list(type)
      .filter((o) => String(o.name).startsWith("S1-AZ1--"))
      .map((object) => ({
        type,
        object,
        problems: checker.check({
          method: "POST",
          path: `/api/${type}`,
          body: Object.fromEntries(Object.entries(object).filter(([k]) => !k.startsWith("__"))),
        }),
      })),
  );
}
