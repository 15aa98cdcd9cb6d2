import { execFile } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSecretFile } from "../../src/base/config.js";
import { startKubeApi, type KubeApiHandle, type KubeApiOptions, type KubeNode } from "../../src/lab/kube/index.js";
import { chartsDir, chartsMissing, realBinary } from "../helpers/helm-binary.js";

const exec = promisify(execFile);
const helmBin = realBinary("helm");
const kubectlBin = realBinary("kubectl");
const missing = helmBin.reason ?? kubectlBin.reason ?? chartsMissing;
if (missing) console.warn(`skipping the lab Kubernetes API interop tests: ${missing}`);

type Obj = {
  metadata: { name: string; uid: string; annotations?: Record<string, string> };
  status?: Record<string, unknown>;
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
};
type Boot = { config: Record<string, string>; nodes: KubeNode[] };

/** A lab cluster, its kubeconfig (0600) and the real helm/kubectl pointed at it. */
async function cluster(name: string, kubernetesVersion: string, boots: Boot[]) {
  const dir = mkdtempSync(join(tmpdir(), `avictl-kube-${name}-`));
  const options: KubeApiOptions = {
    name,
    kubernetesVersion,
    ako: {
      started: async (config, nodes) => {
        boots.push({ config, nodes });
        return { connected: true, message: "AKO is connected to the controller at https://controller.lab" };
      },
    },
  };
  const kube = await startKubeApi(options);
  const kubeconfig = join(dir, "kubeconfig");
  writeSecretFile(kubeconfig, kube.kubeconfig(name));
  const env = {
    ...process.env,
    KUBECONFIG: kubeconfig,
    HELM_CACHE_HOME: join(dir, "cache"),
    HELM_CONFIG_HOME: join(dir, "config"),
    HELM_DATA_HOME: join(dir, "data"),
  };
  const run = async (bin: string, args: string[]): Promise<string> => {
    try {
      return (await exec(bin, args, { env, timeout: 90_000 })).stdout;
    } catch (err) {
      throw new Error(`${bin.split("/").pop()} ${args.join(" ")} failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`);
    }
  };
  const helm = (...args: string[]) => run(helmBin.path!, args);
  const kubectl = (...args: string[]) => run(kubectlBin.path!, args);
  const json = async <T = Obj>(text: Promise<string>) => JSON.parse(await text) as T;
  return { kube, kubeconfig, helm, kubectl, json };
}

const AKO_13 = [
  "--set",
  "AKOSettings.clusterName=lab-cluster",
  "--set",
  "ControllerSettings.controllerHost=127.0.0.1",
  "--set",
  "NetworkSettings.vipNetworkList[0].networkName=net1",
];

describe.skipIf(Boolean(missing))("the lab Kubernetes API with the real helm, kubectl and client-node", () => {
  const boots: Boot[] = [];
  let c: Awaited<ReturnType<typeof cluster>>;
  let kube: KubeApiHandle;
  const pod = () =>
    c.json<
      Obj & {
        status: {
          phase: string;
          conditions: { type: string; status: string }[];
          containerStatuses: { restartCount: number; state: { running?: { startedAt: string } } }[];
        };
      }
    >(c.kubectl("get", "pod", "ako-0", "-n", "avi-system", "-o", "json"));
  const config = async () => (await c.json(c.kubectl("get", "configmap", "avi-k8s-config", "-n", "avi-system", "-o", "json"))).data!;

  beforeAll(async () => {
    c = await cluster("s1az1", "v1.29.4", boots);
    kube = c.kube;
  });
  afterAll(async () => kube?.close());

  it("writes the kubeconfig 0600", () => {
    expect(statSync(c.kubeconfig).mode & 0o777).toBe(0o600);
  });

  it("helm installs AKO 1.13.4 with --create-namespace and --wait; ako-0 runs; the bridge gets the clusterName and nodes", async () => {
    await c.helm(
      "install",
      "ako",
      join(chartsDir, "ako-1.13.4.tgz"),
      "-n",
      "avi-system",
      "--create-namespace",
      ...AKO_13,
      "--wait",
      "--timeout",
      "60s",
    );
    const releases = await c.json<{ name: string; revision: string; status: string; chart: string; app_version: string }[]>(
      c.helm("list", "-n", "avi-system", "-o", "json"),
    );
    expect(releases).toEqual([
      expect.objectContaining({ name: "ako", revision: "1", status: "deployed", chart: "ako-1.13.4", app_version: "1.13.4" }),
    ]);
    const pods = await c.json<{ items: (Obj & { status: { phase: string } })[] }>(
      c.kubectl("get", "pods", "-n", "avi-system", "-o", "json"),
    );
    expect(pods.items.map((p) => [p.metadata.name, p.status.phase])).toEqual([["ako-0", "Running"]]);
    const p = await pod();
    expect(p.status.conditions.find((x) => x.type === "Ready")?.status).toBe("True");
    expect(p.status.containerStatuses[0]).toMatchObject({ restartCount: 0, state: { running: { startedAt: expect.any(String) } } });
    expect(boots).toHaveLength(1);
    expect(boots[0]!.config).toMatchObject({ clusterName: "lab-cluster", controllerIP: "127.0.0.1", cloudName: "Default-Cloud" });
    expect(JSON.parse(boots[0]!.config.vipNetworkList!)).toEqual([{ networkName: "net1" }]);
    expect(boots[0]!.nodes).toHaveLength(3);
    expect(await c.kubectl("logs", "ako-0", "-n", "avi-system")).toMatch(
      /AKO is connected to the controller at https:\/\/controller\.lab[\s\S]*Started the Kubernetes Controller/,
    );
    expect(await c.kubectl("get", "--raw", "/api/v1/namespaces/avi-system/pods/ako-0:8080/proxy/api/status")).toContain(
      '"connection_status":"CONNECTED"',
    );
    // kubectl's own printing through the server's Table.
    expect(await c.kubectl("get", "pods", "-n", "avi-system")).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nako-0\s+1\/1\s+Running\s+0\s+/,
    );
  });

  it("helm upgrade changes the ConfigMap but, as with the real chart, does not restart AKO", async () => {
    const before = await pod();
    await c.helm(
      "upgrade",
      "ako",
      join(chartsDir, "ako-1.13.4.tgz"),
      "-n",
      "avi-system",
      ...AKO_13,
      "--set",
      "AKOSettings.clusterName=lab-cluster-2",
      "--wait",
    );
    expect((await config()).clusterName).toBe("lab-cluster-2");
    expect((await pod()).metadata.uid).toBe(before.metadata.uid);
    expect(boots).toHaveLength(1);
  });

  it("kubectl rollout restart recreates ako-0 and AKO reads the new ConfigMap", async () => {
    const before = await pod();
    expect(await c.kubectl("rollout", "restart", "statefulset/ako", "-n", "avi-system")).toContain("restarted");
    expect(await c.kubectl("rollout", "status", "statefulset/ako", "-n", "avi-system", "--timeout=30s")).toMatch(
      /roll out complete|rolling update complete/,
    );
    const after = await pod();
    expect(after.metadata.uid).not.toBe(before.metadata.uid);
    expect(Date.parse(after.status.containerStatuses[0]!.state.running!.startedAt)).toBeGreaterThanOrEqual(
      Date.parse(before.status.containerStatuses[0]!.state.running!.startedAt),
    );
    expect(boots.map((b) => b.config.clusterName)).toEqual(["lab-cluster", "lab-cluster-2"]);
    const sts = await c.json(c.kubectl("get", "statefulset", "ako", "-n", "avi-system", "-o", "json"));
    expect(sts.spec!.template).toMatchObject({ metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": expect.any(String) } } });
    expect(sts.status).toMatchObject({ readyReplicas: 1 });
  });

  it("helm history and rollback", async () => {
    await c.helm("rollback", "ako", "1", "-n", "avi-system", "--wait");
    const history = await c.json<{ revision: number; status: string; description: string }[]>(
      c.helm("history", "ako", "-n", "avi-system", "-o", "json"),
    );
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, "superseded"],
      [2, "superseded"],
      [3, "deployed"],
    ]);
    expect(history[2]!.description).toBe("Rollback to 1");
    expect((await config()).clusterName).toBe("lab-cluster");
    // Server-side apply keeps what other managers set, such as kubectl's restart annotation.
    const sts = await c.json(c.kubectl("get", "statefulset", "ako", "-n", "avi-system", "-o", "json"));
    expect(sts.spec!.template).toMatchObject({ metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": expect.any(String) } } });
  });

  it("client-node lists namespaces, creates and patches a ConfigMap, reads a custom object the chart's CRD defines", async () => {
    const k8s = await import("@kubernetes/client-node");
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    expect((await core.listNamespace()).items.map((n) => n.metadata?.name)).toEqual(
      expect.arrayContaining(["avi-system", "default", "kube-system"]),
    );
    await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "from-client-node" }, data: { a: "1" } } });
    const patched = await core.patchNamespacedConfigMap(
      { name: "from-client-node", namespace: "default", body: { data: { b: "2" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ a: "1", b: "2" });
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await custom.createClusterCustomObject({
      group: "ako.vmware.com",
      version: "v1beta1",
      plural: "aviinfrasettings",
      body: {
        apiVersion: "ako.vmware.com/v1beta1",
        kind: "AviInfraSetting",
        metadata: { name: "critical" },
        spec: { seGroup: { name: "S1-AZ1-SE-Group" } },
      },
    });
    const infra = (await custom.getClusterCustomObject({
      group: "ako.vmware.com",
      version: "v1beta1",
      plural: "aviinfrasettings",
      name: "critical",
    })) as Obj;
    expect(infra).toMatchObject({ kind: "AviInfraSetting", spec: { seGroup: { name: "S1-AZ1-SE-Group" } } });
    await expect(core.readNamespacedConfigMap({ name: "none", namespace: "default" })).rejects.toMatchObject({ code: 404 });
  });

  it("helm uninstall removes the release and AKO; the CRDs stay, as helm leaves them", async () => {
    await c.helm("uninstall", "ako", "-n", "avi-system", "--wait");
    expect(await c.json<unknown[]>(c.helm("list", "-n", "avi-system", "-o", "json"))).toEqual([]);
    expect(kube.objects("apps/v1", "StatefulSet", "avi-system")).toEqual([]);
    expect(kube.objects("v1", "Pod", "avi-system")).toEqual([]);
    expect(kube.objects("v1", "Secret", "avi-system")).toEqual([]);
    expect(kube.objects("apiextensions.k8s.io/v1", "CustomResourceDefinition").map((o) => (o as Obj).metadata.name)).toContain(
      "aviinfrasettings.ako.vmware.com",
    );
  });

  it("AMKO 1.13.1 installs after kubectl created gslb-config-secret; AMKO accepts the GSLBConfig", async () => {
    const dir = mkdtempSync(join(tmpdir(), "avictl-amko-"));
    const members = join(dir, "members");
    const contexts = ["s1az1", "s2"].map((n) => ({ name: n, context: { cluster: n, user: n } }));
    writeSecretFile(
      members,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: contexts.map((x) => ({ name: x.name, cluster: { server: kube.url } })),
        users: contexts.map((x) => ({ name: x.name, user: { token: "t" } })),
        contexts,
      }),
    );
    await c.kubectl("create", "secret", "generic", "gslb-config-secret", "--from-file", `gslb-members=${members}`, "-n", "avi-system");
    await c.helm(
      "install",
      "amko",
      join(chartsDir, "amko-1.13.1.tgz"),
      "-n",
      "avi-system",
      "--set",
      "configs.gslbLeaderController=127.0.0.1",
      "--set",
      "federation.currentCluster=s1az1",
      "--set",
      "federation.currentClusterIsLeader=true",
      "--set",
      "configs.memberClusters[0].clusterContext=s1az1",
      "--set",
      "configs.memberClusters[1].clusterContext=s2",
      "--set",
      "globalDeploymentPolicy.matchClusters[0].cluster=s1az1",
      "--set",
      "globalDeploymentPolicy.matchClusters[1].cluster=s2",
      "--set",
      "gslbLeaderCredentials.username=admin",
      "--set",
      "gslbLeaderCredentials.password=unused",
      "--wait",
      "--timeout",
      "60s",
    );
    const amko = await c.json<Obj & { status: { phase: string } }>(c.kubectl("get", "pod", "amko-0", "-n", "avi-system", "-o", "json"));
    expect(amko.status.phase).toBe("Running");
    const gc = await c.json(c.kubectl("get", "gslbconfigs.amko.vmware.com", "gc-1", "-n", "avi-system", "-o", "json"));
    expect(gc.status).toEqual({ state: "success: gslb config accepted" });
    expect(boots).toHaveLength(2);
  });

  it("AKO 1.4.2 installs on a Kubernetes 1.21 cluster, where the older APIs are still served", async () => {
    const oldBoots: Boot[] = [];
    const old = await cluster("s1az2", "v1.21.14", oldBoots);
    try {
      expect(await old.kubectl("api-versions")).toMatch(/^networking\.k8s\.io\/v1beta1$/m);
      await old.helm(
        "install",
        "ako",
        join(chartsDir, "ako-1.4.2.tgz"),
        "-n",
        "avi-system",
        "--create-namespace",
        "--set",
        "AKOSettings.clusterName=S1-AZ2",
        "--set",
        "ControllerSettings.controllerHost=127.0.0.1",
        "--set",
        "avicredentials.username=admin",
        "--set",
        "avicredentials.password=unused",
        "--wait",
        "--timeout",
        "60s",
      );
      const p = await old.json<Obj & { status: { phase: string } }>(old.kubectl("get", "pod", "ako-0", "-n", "avi-system", "-o", "json"));
      expect(p.status.phase).toBe("Running");
      expect(oldBoots.map((b) => b.config.clusterName)).toEqual(["S1-AZ2"]);
      expect(await old.kubectl("logs", "ako-0", "-n", "avi-system")).toContain("AKO is running with version: 1.4.2");
      const releases = await old.json<{ chart: string }[]>(old.helm("list", "-n", "avi-system", "-o", "json"));
      expect(releases.map((r) => r.chart)).toEqual(["ako-1.4.2"]);
    } finally {
      await old.kube.close();
    }
  });
});
