import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startKubeApi, type AkoBootResult, type KubeApiHandle, type KubeNode } from "../../../src/lab/kube/index.js";
import { createLabCa } from "../../../src/lab/tls.js";
import { caFetch } from "../../helpers/https-fetch.js";
import { akoStatefulSet } from "../../helpers/ako-pod.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let kube: KubeApiHandle;
let boots: { config: Record<string, string>; nodes: KubeNode[] }[];
let verdict: AkoBootResult;

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Obj; text: string }> {
  const res = await caFetch(kube.caCert)(`${kube.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${kube.token}`, ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : body instanceof Uint8Array ? body : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Obj = {};
  try {
    parsed = JSON.parse(text) as Obj;
  } catch {
    // plain text (logs)
  }
  return { status: res.status, body: parsed, text };
}
const get = (path: string, headers?: Record<string, string>) => call("GET", path, undefined, headers);
const post = (path: string, body: unknown) => call("POST", path, body);
const patch = (path: string, body: unknown, type: string) =>
  call("PATCH", path, typeof body === "string" ? body : JSON.stringify(body), { "Content-Type": type });

/** A watch's events as they arrive. */
async function openWatch(path: string): Promise<{ next: () => Promise<Obj>; done: Promise<void> }> {
  const res = await caFetch(kube.caCert)(`${kube.url}${path}`, { headers: { Authorization: `Bearer ${kube.token}` } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const queue: Obj[] = [];
  const waiters: ((e: Obj) => void)[] = [];
  let buffer = "";
  const done = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (end) return;
      buffer += Buffer.from(value!).toString("utf8");
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const event = JSON.parse(buffer.slice(0, nl)) as Obj;
        buffer = buffer.slice(nl + 1);
        const w = waiters.shift();
        if (w) w(event);
        else queue.push(event);
      }
    }
  })();
  return { next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise<Obj>((r) => waiters.push(r))), done };
}

beforeEach(async () => {
  boots = [];
  verdict = { connected: true, message: "AKO is connected to the controller at https://lab" };
  kube = await startKubeApi({
    name: "unit",
    kubernetesVersion: "v1.29.4",
    nodes: [{ name: "n1", internalIP: "10.1.1.1", podCIDR: "10.244.1.0/24" }],
    ako: {
      started: async (config, nodes) => {
        boots.push({ config, nodes });
        await new Promise((r) => setTimeout(r, 5));
        return verdict;
      },
    },
  });
});
afterEach(async () => kube.close());

describe("authentication", () => {
  it("refuses a wrong bearer token with a 401 Status, serves the right one", async () => {
    const wrong = await caFetch(kube.caCert)(`${kube.url}/api/v1/namespaces`, { headers: { Authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
    for (const path of ["/version", "/api", "/apis", "/openapi/v3", "/api/v1/namespaces/default/secrets"]) {
      const anonymous = await caFetch(kube.caCert)(`${kube.url}${path}`);
      expect([path, anonymous.status]).toEqual([path, 401]);
    }
    expect((await get("/api/v1/namespaces")).status).toBe(200);
  });
  it("serves HTTPS with a certificate from the lab CA only", async () => {
    expect(kube.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    // Not trusted without the CA, as with any API server.
    await expect(fetch(`${kube.url}/version`)).rejects.toThrow();
    const other = await startKubeApi({ name: "other", ca: createLabCa("another lab") });
    try {
      await expect(caFetch(other.caCert)(`${kube.url}/version`)).rejects.toThrow();
    } finally {
      await other.close();
    }
    expect((await get("/api/v1/namespaces")).status).toBe(200);
  });
  it("writes a kubeconfig with the URL and token", () => {
    const text = kube.kubeconfig("ctx");
    expect(text).toContain(`server: ${kube.url}`);
    expect(text).toContain(`certificate-authority-data: ${Buffer.from(kube.caCert).toString("base64")}`);
    expect(text).not.toContain("insecure-skip-tls-verify");
    expect(text).toContain(kube.token);
    expect(text).toContain("current-context: ctx");
  });
});

describe("discovery and OpenAPI", () => {
  it("serves version, groups and resource lists", async () => {
    expect((await get("/version")).body).toMatchObject({ major: "1", minor: "29", gitVersion: "v1.29.4" });
    expect((await get("/api")).body.versions).toEqual(["v1"]);
    const groups = (await get("/apis")).body.groups as { name: string; preferredVersion: { version: string } }[];
    expect(groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(["apps", "networking.k8s.io", "rbac.authorization.k8s.io", "apiextensions.k8s.io", "policy"]),
    );
    const core = (await get("/api/v1")).body.resources as { name: string; namespaced: boolean; verbs: string[] }[];
    expect(core.find((r) => r.name === "pods")).toMatchObject({ namespaced: true, verbs: expect.arrayContaining(["watch", "patch"]) });
    expect(core.map((r) => r.name)).toEqual(expect.arrayContaining(["pods/log", "nodes", "events", "endpoints", "serviceaccounts"]));
    expect((await get("/apis/ako.vmware.com/v1beta1")).status).toBe(404);
  });

  it("lists every group/version in /openapi/v3 with item and collection paths carrying fieldValidation and the GVK", async () => {
    const index = (await get("/openapi/v3")).body.paths as Record<string, { serverRelativeURL: string }>;
    expect(Object.keys(index)).toEqual(expect.arrayContaining(["api/v1", "apis/apps/v1", "apis/rbac.authorization.k8s.io/v1"]));
    const doc = (await get(index["api/v1"]!.serverRelativeURL)).body;
    const item = doc.paths["/api/v1/namespaces/{namespace}/secrets/{name}"];
    expect(item.patch["x-kubernetes-group-version-kind"]).toEqual({ group: "", version: "v1", kind: "Secret" });
    expect(item.patch.parameters.map((p: { name: string }) => p.name)).toContain("fieldValidation");
    expect(doc.paths["/api/v1/namespaces/{namespace}/secrets"].post).toBeDefined();
    const rbac = (await get(index["apis/rbac.authorization.k8s.io/v1"]!.serverRelativeURL)).body;
    expect(rbac.paths["/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}"].put).toBeDefined();
  });

  it("serves custom resources, their discovery and OpenAPI once the CRD exists", async () => {
    const schema = { type: "object", properties: { spec: { type: "object", properties: { seGroup: { type: "object" } } } } };
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "aviinfrasettings.ako.vmware.com" },
      spec: {
        group: "ako.vmware.com",
        scope: "Cluster",
        names: { kind: "AviInfraSetting", plural: "aviinfrasettings", singular: "aviinfrasetting" },
        versions: [
          {
            name: "v1beta1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: schema },
            additionalPrinterColumns: [{ name: "Status", type: "string", jsonPath: ".status.status" }],
          },
        ],
      },
    };
    expect((await post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).status).toBe(201);
    expect((await get("/apis/ako.vmware.com/v1beta1")).body.resources[0]).toMatchObject({
      name: "aviinfrasettings",
      namespaced: false,
      kind: "AviInfraSetting",
    });
    const index = (await get("/openapi/v3")).body.paths as Record<string, { serverRelativeURL: string }>;
    const doc = (await get(index["apis/ako.vmware.com/v1beta1"]!.serverRelativeURL)).body;
    expect(doc.components.schemas["com.vmware.ako.v1beta1.AviInfraSetting"]).toMatchObject(schema);
    expect(doc.paths["/apis/ako.vmware.com/v1beta1/aviinfrasettings/{name}"].patch).toBeDefined();
    const created = await post("/apis/ako.vmware.com/v1beta1/aviinfrasettings", {
      apiVersion: "ako.vmware.com/v1beta1",
      kind: "AviInfraSetting",
      metadata: { name: "infra" },
      spec: { seGroup: { name: "seg" } },
    });
    expect(created.status).toBe(201);
    const table = (
      await get("/apis/ako.vmware.com/v1beta1/aviinfrasettings", {
        Accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
      })
    ).body;
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(["Name", "Status"]);
    expect(table.rows[0].cells).toEqual(["infra", ""]);
  });
});

describe("requests", () => {
  it("answers errors as Status objects with their codes", async () => {
    expect((await get("/api/v1/namespaces/default/configmaps/none")).body).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
    expect((await post("/api/v1/namespaces/nowhere/configmaps", { metadata: { name: "x" } })).status).toBe(404);
    expect((await call("POST", "/api/v1/namespaces/default/configmaps", "{not json")).body).toMatchObject({
      reason: "BadRequest",
      code: 400,
    });
    expect((await get("/api/v1/namespaces/default/pods?labelSelector=a%20in")).body).toMatchObject({ reason: "BadRequest", code: 400 });
    expect((await get("/apis/nothing/v1/things")).status).toBe(404);
    const first = await post("/api/v1/namespaces/default/configmaps", { metadata: { name: "x" }, data: { a: "1" } });
    expect((await post("/api/v1/namespaces/default/configmaps", { metadata: { name: "x" } })).body).toMatchObject({
      reason: "AlreadyExists",
      code: 409,
    });
    await call("PUT", "/api/v1/namespaces/default/configmaps/x", { ...first.body, data: { a: "2" } });
    expect((await call("PUT", "/api/v1/namespaces/default/configmaps/x", { ...first.body, data: { a: "3" } })).body).toMatchObject({
      reason: "Conflict",
      code: 409,
    });
  });

  it("takes helm's protobuf Secrets and answers in JSON", async () => {
    const w = () => new BinaryWriter();
    const entry = (k: string, v: string) => w().tag(1, 2).string(k).tag(2, 2).bytes(new TextEncoder().encode(v)).finish();
    const meta = w()
      .tag(1, 2)
      .string("sh.helm.release.v1.ako.v1")
      .tag(11, 2)
      .bytes(entry("owner", "helm"))
      .tag(11, 2)
      .bytes(entry("name", "ako"))
      .finish();
    const secret = w().tag(1, 2).bytes(meta).tag(2, 2).bytes(entry("release", "H4sI")).tag(3, 2).string("helm.sh/release.v1").finish();
    const raw = w().tag(1, 2).bytes(w().tag(1, 2).string("v1").tag(2, 2).string("Secret").finish()).tag(2, 2).bytes(secret).finish();
    const body = Buffer.concat([Buffer.from("k8s\0", "binary"), Buffer.from(raw)]);
    const r = await call("POST", "/api/v1/namespaces/default/secrets", body, {
      "Content-Type": "application/vnd.kubernetes.protobuf",
      Accept: "application/vnd.kubernetes.protobuf,application/json",
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      kind: "Secret",
      type: "helm.sh/release.v1",
      metadata: { namespace: "default", labels: { owner: "helm", name: "ako" } },
      data: { release: Buffer.from("H4sI").toString("base64") },
    });
    expect((await get("/api/v1/namespaces/default/secrets?labelSelector=name%3Dako%2Cowner%3Dhelm")).body.items).toHaveLength(1);
    expect((await get("/api/v1/secrets?labelSelector=owner%3Dhelm")).body.items).toHaveLength(1);
  });

  it("server-side applies YAML (create, then merge) as helm does", async () => {
    const yaml = (v: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: avi-k8s-config\n  namespace: default\ndata:\n  clusterName: ${v}\n`;
    const path = "/api/v1/namespaces/default/configmaps/avi-k8s-config?fieldManager=helm&fieldValidation=Strict&force=false";
    expect((await patch(path, yaml("one"), "application/apply-patch+yaml")).status).toBe(201);
    const again = await patch(path, yaml("two"), "application/apply-patch+yaml");
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ clusterName: "two" });
  });

  it("deletes a namespace with its objects, and collections by selector", async () => {
    await post("/api/v1/namespaces", { metadata: { name: "tmp" } });
    for (const name of ["a", "b"])
      await post("/api/v1/namespaces/tmp/configmaps", { metadata: { name, labels: { drop: name === "a" ? "yes" : "no" } } });
    const gone = await call("DELETE", "/api/v1/namespaces/tmp/configmaps?labelSelector=drop%3Dyes");
    expect(gone.body.items.map((o: Obj) => o.metadata.name)).toEqual(["a"]);
    expect((await call("DELETE", "/api/v1/namespaces/tmp")).body).toMatchObject({ kind: "Status", status: "Success" });
    expect(kube.objects("v1", "ConfigMap", "tmp")).toEqual([]);
    expect((await get("/api/v1/namespaces/tmp")).status).toBe(404);
  });

  it("prints Tables for kubectl", async () => {
    const t = (await get("/api/v1/nodes", { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" })).body;
    expect(t).toMatchObject({ kind: "Table", apiVersion: "meta.k8s.io/v1" });
    expect(t.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(["Name", "Status", "Roles", "Age", "Version", "Internal-IP"]);
    expect(t.rows[0].cells.slice(0, 2)).toEqual(["n1", "Ready"]);
    expect(t.rows[0].object).toMatchObject({ kind: "PartialObjectMetadata", metadata: { name: "n1" } });
  });
});

describe("watches", () => {
  it("streams the current objects, then changes, following the selector", async () => {
    await post("/api/v1/namespaces/default/configmaps", { metadata: { name: "old", labels: { app: "x" } } });
    const w = await openWatch("/api/v1/namespaces/default/configmaps?watch=1&labelSelector=app%3Dx");
    expect(await w.next()).toMatchObject({ type: "ADDED", object: { kind: "ConfigMap", metadata: { name: "old" } } });
    await post("/api/v1/namespaces/default/configmaps", { metadata: { name: "other", labels: { app: "y" } } });
    await post("/api/v1/namespaces/default/configmaps", { metadata: { name: "new", labels: { app: "x" } } });
    expect(await w.next()).toMatchObject({ type: "ADDED", object: { metadata: { name: "new" } } });
    await patch("/api/v1/namespaces/default/configmaps/new", { data: { k: "v" } }, "application/merge-patch+json");
    expect(await w.next()).toMatchObject({ type: "MODIFIED", object: { data: { k: "v" } } });
    await patch("/api/v1/namespaces/default/configmaps/old", { metadata: { labels: { app: "z" } } }, "application/merge-patch+json");
    expect(await w.next()).toMatchObject({ type: "DELETED", object: { metadata: { name: "old" } } });
    await call("DELETE", "/api/v1/namespaces/default/configmaps/new");
    expect(await w.next()).toMatchObject({ type: "DELETED", object: { metadata: { name: "new" } } });
    await kube.close();
    await w.done;
  });

  it("replays from a resourceVersion and ends at timeoutSeconds", async () => {
    const a = await post("/api/v1/namespaces/default/configmaps", { metadata: { name: "a" } });
    await post("/api/v1/namespaces/default/configmaps", { metadata: { name: "b" } });
    const w = await openWatch(
      `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${a.body.metadata.resourceVersion}&timeoutSeconds=1`,
    );
    expect(await w.next()).toMatchObject({ type: "ADDED", object: { metadata: { name: "b" } } });
    await w.done;
  });
});

describe("workloads and the AKO emulation", () => {
  const pod = async () => (await get("/api/v1/namespaces/avi-system/pods/ako-0")).body;

  beforeEach(async () => {
    await post("/api/v1/namespaces", { metadata: { name: "avi-system" } });
    await post("/api/v1/namespaces/avi-system/configmaps", {
      metadata: { name: "avi-k8s-config" },
      data: { clusterName: "S1-AZ1", apiServerPort: "8080" },
    });
  });

  it("runs ako-0, calls the bridge with the ConfigMap and nodes, logs and serves /api/status", async () => {
    const created = await post("/apis/apps/v1/namespaces/avi-system/statefulsets", akoStatefulSet());
    expect(created.status).toBe(201);
    expect(boots).toEqual([
      {
        config: { clusterName: "S1-AZ1", apiServerPort: "8080" },
        nodes: [{ name: "n1", internalIP: "10.1.1.1", podCIDR: "10.244.1.0/24" }],
      },
    ]);
    const p = await pod();
    expect(p.metadata.labels).toMatchObject({ app: "ako", "statefulset.kubernetes.io/pod-name": "ako-0" });
    expect(p.metadata.ownerReferences[0]).toMatchObject({
      kind: "StatefulSet",
      name: "ako",
      uid: created.body.metadata.uid,
      controller: true,
    });
    expect(p.status.phase).toBe("Running");
    expect(p.status.conditions.find((c: Obj) => c.type === "Ready").status).toBe("True");
    expect(p.status.containerStatuses[0]).toMatchObject({
      name: "ako",
      ready: true,
      restartCount: 0,
      state: { running: { startedAt: expect.any(String) } },
    });
    const log = (await get("/api/v1/namespaces/avi-system/pods/ako-0/log?container=ako")).text;
    expect(log).toMatch(/INFO\t.*AKO is running with version: 1\.13\.4/);
    expect(log).toMatch(/INFO\t.*AKO is connected to the controller at https:\/\/lab/);
    expect(log).toMatch(/Started the Kubernetes Controller\n$/);
    expect((await get("/api/v1/namespaces/avi-system/pods/ako-0/log?tailLines=1")).text.trim().split("\n")).toHaveLength(1);
    expect((await get("/api/v1/namespaces/avi-system/pods/ako-0:8080/proxy/api/status")).body).toEqual({
      avi_api: { connection_status: "CONNECTED", errors: [] },
    });
    expect((await get("/api/v1/namespaces/avi-system/pods/ako-0:9999/proxy/api/status")).status).toBe(503);
    const sts = (await get("/apis/apps/v1/namespaces/avi-system/statefulsets/ako")).body;
    expect(sts.status).toMatchObject({ replicas: 1, readyReplicas: 1, observedGeneration: 1 });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    const events = (await get("/api/v1/namespaces/avi-system/events?fieldSelector=involvedObject.name%3Dako-0")).body.items.map(
      (e: Obj) => e.reason,
    );
    expect(events.sort()).toEqual(["AKOReady", "ValidatedUserInput"]);
  });

  it("restarts AKO when the pod template changes (rollout restart) and when the pod is deleted", async () => {
    await post("/apis/apps/v1/namespaces/avi-system/statefulsets", akoStatefulSet());
    const first = await pod();
    const restart = { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z" } } } } };
    await patch("/apis/apps/v1/namespaces/avi-system/statefulsets/ako", restart, "application/strategic-merge-patch+json");
    const second = await pod();
    expect(second.metadata.uid).not.toBe(first.metadata.uid);
    expect(second.metadata.annotations).toEqual(restart.spec.template.metadata.annotations);
    const sts = (await get("/apis/apps/v1/namespaces/avi-system/statefulsets/ako")).body;
    expect(sts.metadata.generation).toBe(2);
    expect(sts.status).toMatchObject({ observedGeneration: 2, readyReplicas: 1, updatedReplicas: 1 });
    expect(sts.status.updateRevision).not.toBe(first.metadata.labels["controller-revision-hash"]);
    await call("DELETE", "/api/v1/namespaces/avi-system/pods/ako-0");
    expect((await pod()).metadata.uid).not.toBe(second.metadata.uid);
    expect(boots).toHaveLength(3);
    await call("DELETE", "/apis/apps/v1/namespaces/avi-system/statefulsets/ako");
    expect((await get("/api/v1/namespaces/avi-system/pods/ako-0")).status).toBe(404);
    expect(boots).toHaveLength(3);
  });

  it("reports AKO's refusal: a WARN line, DISCONNECTED with the error, a restart and an AKOShutdown event", async () => {
    verdict = { connected: false, message: "Invalid input detected, AKO will be rebooted to retry: Cloud Nope not found" };
    await post("/apis/apps/v1/namespaces/avi-system/statefulsets", akoStatefulSet());
    expect((await get("/api/v1/namespaces/avi-system/pods/ako-0/log")).text).toMatch(
      /WARN\t.*Invalid input detected, AKO will be rebooted to retry: Cloud Nope not found/,
    );
    const status = (await get("/api/v1/namespaces/avi-system/pods/ako-0:8080/proxy/api/status")).body.avi_api;
    expect(status).toMatchObject({ connection_status: "DISCONNECTED", errors: [{ error: verdict.message }] });
    expect((await pod()).status.containerStatuses[0].restartCount).toBe(1);
    const events = (await get("/api/v1/namespaces/avi-system/events")).body.items as Obj[];
    expect(events.map((e) => [e.type, e.reason])).toEqual([["Warning", "AKOShutdown"]]);
  });

  it("AKO up to 1.4.2 reads its ConfigMap from avi-system whatever its namespace", async () => {
    await post("/api/v1/namespaces", { metadata: { name: "other" } });
    await post("/api/v1/namespaces/other/configmaps", { metadata: { name: "avi-k8s-config" }, data: { clusterName: "OTHER" } });
    await post("/apis/apps/v1/namespaces/other/statefulsets", {
      ...akoStatefulSet("projects.registry.vmware.com/ako/ako:1.4.2"),
      metadata: { name: "ako", namespace: "other" },
    });
    expect(boots.map((b) => b.config.clusterName)).toEqual(["S1-AZ1"]);
    // 1.4.2 posts no events; newer AKO does.
    expect((await get("/api/v1/namespaces/other/events")).body.items).toEqual([]);
  });

  it("holds a pod in CreateContainerConfigError until the Secret its environment names exists", async () => {
    const deploy = {
      metadata: { name: "amko-like" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "a" } },
        template: {
          metadata: { labels: { app: "a" } },
          spec: {
            containers: [
              {
                name: "c",
                image: "i:1",
                env: [{ name: "M", valueFrom: { secretKeyRef: { name: "gslb-config-secret", key: "gslb-members" } } }],
              },
            ],
          },
        },
      },
    };
    await post("/apis/apps/v1/namespaces/avi-system/deployments", deploy);
    const pods = () => kube.objects("v1", "Pod", "avi-system") as Obj[];
    expect(pods()).toHaveLength(2);
    expect(pods()[0]!.status).toMatchObject({
      phase: "Pending",
      containerStatuses: [
        { state: { waiting: { reason: "CreateContainerConfigError", message: 'secret "gslb-config-secret" not found' } } },
      ],
    });
    const name = pods()[0]!.metadata.name as string;
    expect((await get(`/api/v1/namespaces/avi-system/pods/${name}/log`)).body).toMatchObject({
      code: 400,
      message: expect.stringContaining("CreateContainerConfigError"),
    });
    expect((kube.objects("apps/v1", "Deployment", "avi-system")[0] as Obj).status).toMatchObject({
      readyReplicas: 0,
      unavailableReplicas: 2,
    });
    await post("/api/v1/namespaces/avi-system/secrets", { metadata: { name: "gslb-config-secret" }, stringData: { other: "x" } });
    expect(pods()[0]!.status.containerStatuses[0].state.waiting.message).toBe(
      "couldn't find key gslb-members in Secret avi-system/gslb-config-secret",
    );
    await patch(
      "/api/v1/namespaces/avi-system/secrets/gslb-config-secret",
      { stringData: { "gslb-members": "apiVersion: v1" } },
      "application/merge-patch+json",
    );
    expect(pods().map((p) => p.status.phase)).toEqual(["Running", "Running"]);
    const status = (kube.objects("apps/v1", "Deployment", "avi-system")[0] as Obj).status;
    expect(status).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
    expect(status.conditions.map((c: Obj) => [c.type, c.status, c.reason])).toEqual([
      ["Available", "True", "MinimumReplicasAvailable"],
      ["Progressing", "True", "NewReplicaSetAvailable"],
    ]);
    await patch("/apis/apps/v1/namespaces/avi-system/deployments/amko-like", { spec: { replicas: 1 } }, "application/merge-patch+json");
    expect(pods()).toHaveLength(1);
    expect((kube.objects("apps/v1", "Deployment", "avi-system")[0] as Obj).status).toMatchObject({
      replicas: 1,
      readyReplicas: 1,
      observedGeneration: 2,
    });
  });

  it("runs a DaemonSet's pod on every node", async () => {
    await post("/apis/apps/v1/namespaces/avi-system/daemonsets", {
      metadata: { name: "agent" },
      spec: {
        selector: { matchLabels: { app: "agent" } },
        template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "agent", image: "a:1" }] } },
      },
    });
    expect((kube.objects("v1", "Pod", "avi-system") as Obj[]).map((p) => [p.spec.nodeName, p.status.phase])).toEqual([["n1", "Running"]]);
    expect((kube.objects("apps/v1", "DaemonSet", "avi-system")[0] as Obj).status).toMatchObject({
      desiredNumberScheduled: 1,
      numberReady: 1,
    });
  });
});

describe("close", () => {
  it("stops serving", async () => {
    const url = kube.url;
    await kube.close();
    await expect(caFetch(kube.caCert)(`${url}/version`)).rejects.toThrow();
    kube = await startKubeApi({ name: "again" });
  });
});
