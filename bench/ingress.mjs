#!/usr/bin/env node
// 200 dummy Service+Ingress pairs against the lab's Kubernetes API with AKO running: `avictl
// dummy-ingress 200 apply hello --wait` next to sequential loops creating the same pairs one by one
// through the same API — kubectl apply per object (the blog's dummy_ingress.sh) when kubectl is
// installed, and a bare HTTP loop (GET, then POST) with no process start per object. Each run ends
// with every ingress carrying its VIP; the pairs are deleted between runs.
import { execFile, spawn, spawnSync } from "node:child_process";
import { request } from "node:https";
import { promisify } from "node:util";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const N = Number(process.env.PAIRS ?? 200);
const bin = fileURLToPath(new URL("../bin/avictl", import.meta.url));
// The operator's kubectl: $KUBECTL, else the project's cached release binary, else the one on PATH.
const cached = fileURLToPath(new URL("../.cache/bin/kubectl", import.meta.url));
const kubectlBin = process.env.KUBECTL ?? (existsSync(cached) ? cached : "kubectl");
const dir = mkdtempSync(join(tmpdir(), "avictl-bench-ingress-"));
const password = "Bench-Pa55word";
const { startController } = await import("../dist/lab/avi/index.js");
const { startKubeApi } = await import("../dist/lab/kube/index.js");
const { akoStarted } = await import("../dist/lab/ako-bridge.js");
const { akoSync } = await import("../dist/lab/ako-dataplane.js");

const ctrl = await startController({ name: "site1", port: 0, version: "30.2.1", seed: "site1", username: "admin", password });
// The lab speaks HTTPS with one CA per process (controller and Kubernetes API alike).
const caFile = join(dir, "ca.crt");
writeFileSync(caFile, ctrl.caCert);
const env = {
  ...process.env,
  AVI_CA_CERT: caFile,
  AVICTL_CONFIG: join(dir, "config.yaml"),
  AVI_CONTROLLER: ctrl.url,
  AVI_USERNAME: "admin",
  AVI_PASSWORD: password,
  CI: "1",
  NO_COLOR: "1",
};
// Asynchronous: the lab serves from this process, so a blocking spawn would stall it.
const avictl = async (args) => (await promisify(execFile)(process.execPath, [bin, ...args], { env, maxBuffer: 64 << 20 })).stdout;
/** kubectl apply -f - with the object on stdin. */
const kubectlApply = (obj) =>
  new Promise((resolve, reject) => {
    const p = spawn(kubectlBin, ["--context", "s1az1", "apply", "-f", "-"], { env, stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(err))));
    p.stdin.end(JSON.stringify(obj));
  });
await avictl(["bootstrap", "cloud", "--dns-domain", "avi.iberia.local"]);
await avictl(["create-vrf", "VRF_AZ1", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.25.40-127.10.25.59"]);
await avictl(["seg", "create", "S1-AZ1-SE-Group", "--cluster-label", "S1-AZ1"]);

const kube = await startKubeApi({
  name: "s1az1",
  ako: {
    started: (c, n) => akoStarted(ctrl.store, ctrl.url, c, n),
    sync: (c, s, i, changes) => akoSync(ctrl.store, ctrl.url, c, s, i, changes),
  },
});
const kubeconfig = join(dir, "kubeconfig");
writeFileSync(kubeconfig, kube.kubeconfig("s1az1"), { mode: 0o600 });
env.KUBECONFIG = kubeconfig;
const call = (method, path, body) =>
  new Promise((resolve, reject) => {
    const req = request(
      `${kube.url}${path}`,
      { method, ca: ctrl.caCert, headers: { authorization: `Bearer ${kube.token}`, "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on("error", reject);
    req.end(body && JSON.stringify(body));
  });
await call("POST", "/api/v1/namespaces", { metadata: { name: "avi-system" } });
await call("POST", "/api/v1/namespaces/avi-system/configmaps", {
  metadata: { name: "avi-k8s-config" },
  data: {
    clusterName: "S1-AZ1",
    cloudName: "Default-Cloud",
    vipNetworkList: JSON.stringify([{ networkName: "AVI_FRONTEND_3025" }]),
    serviceEngineGroupName: "S1-AZ1-SE-Group",
    shardVSSize: "LARGE",
  },
});
await call("POST", "/apis/apps/v1/namespaces/avi-system/statefulsets", {
  metadata: { name: "ako" },
  spec: {
    replicas: 1,
    serviceName: "ako",
    selector: { matchLabels: { app: "ako" } },
    template: {
      metadata: { labels: { app: "ako" } },
      spec: { containers: [{ name: "ako", image: "projects.registry.vmware.com/ako/ako:1.13.4" }] },
    },
  },
});
await call("POST", "/apis/apps/v1/namespaces/default/deployments", {
  metadata: { name: "hello" },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "hello" } },
    template: {
      metadata: { labels: { app: "hello" } },
      spec: { containers: [{ name: "hello", image: "paulbouwer/hello-kubernetes:1.8" }] },
    },
  },
});

const svc = (i) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: `hello${i}`, namespace: "default" },
  spec: { selector: { app: "hello" }, ports: [{ port: 80, targetPort: 8080 }] },
});
const ing = (i) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: `hello${i}`, namespace: "default" },
  spec: {
    rules: [
      {
        host: `hello${i}.avi.iberia.local`,
        http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: `hello${i}`, port: { number: 80 } } } }] },
      },
    ],
  },
});
const ingressesWithVip = async () =>
  (await call("GET", "/apis/networking.k8s.io/v1/namespaces/default/ingresses")).body.items.filter(
    (x) => x.status?.loadBalancer?.ingress?.[0]?.ip,
  ).length;
const clean = async () => {
  for (let i = 1; i <= N; i++) {
    await call("DELETE", `/apis/networking.k8s.io/v1/namespaces/default/ingresses/hello${i}`);
    await call("DELETE", `/api/v1/namespaces/default/services/hello${i}`);
  }
};

async function time(label, run) {
  await clean();
  const t0 = performance.now();
  await run();
  const s = (performance.now() - t0) / 1000;
  const ready = await ingressesWithVip();
  if (ready !== N) throw new Error(`${label}: ${ready} of ${N} ingresses have a VIP`);
  console.log(`${label.padEnd(44)} ${s.toFixed(2).padStart(7)} s  ${(N / s).toFixed(1).padStart(6)} pairs/s`);
  return s;
}

console.log(`${N} Service+Ingress pairs, AKO LARGE shards, lab Kubernetes API on loopback`);
const results = {};
results.avictl = await time("avictl dummy-ingress (concurrency 20, --wait)", () =>
  avictl(["dummy-ingress", String(N), "apply", "hello", "--wait", "--kube-context", "s1az1", "-o", "json"]),
);
results.http = await time("sequential HTTP loop (GET, POST per object)", async () => {
  for (let i = 1; i <= N; i++) {
    for (const [path, obj] of [
      ["/api/v1/namespaces/default/services", svc(i)],
      ["/apis/networking.k8s.io/v1/namespaces/default/ingresses", ing(i)],
    ]) {
      if ((await call("GET", `${path}/${obj.metadata.name}`)).status === 404) await call("POST", path, obj);
    }
  }
});
const kubectl = spawnSync(kubectlBin, ["version", "--client"], { encoding: "utf8" }).status === 0;
if (kubectl) {
  results.kubectl = await time("sequential kubectl apply (dummy_ingress.sh)", async () => {
    for (let i = 1; i <= N; i++) {
      for (const obj of [svc(i), ing(i)]) await kubectlApply(obj);
    }
  });
} else console.log("sequential kubectl apply: skipped (kubectl is not installed)");
console.log(`\navictl vs bare sequential HTTP loop: ${(results.http / results.avictl).toFixed(1)}x faster`);
if (results.kubectl)
  console.log(`avictl vs the blog's kubectl loop:    ${(results.kubectl / results.avictl).toFixed(1)}x faster (target >= 5x)`);
await clean();
await kube.close();
await ctrl.close();
