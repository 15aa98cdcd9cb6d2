import { beforeEach, describe, expect, it } from "vitest";
import { builtinTypes, type ResourceType } from "../../../src/lab/kube/resources.js";
import { KubeError } from "../../../src/lab/kube/status.js";
import { KubeStore, selectorFilter, type Change } from "../../../src/lab/kube/store.js";

let store: KubeStore;
let ns: ResourceType, cm: ResourceType, secret: ResourceType, sts: ResourceType, crd: ResourceType, pod: ResourceType;
const changes: Change[] = [];

/** The Status a call fails with. */
function failure(f: () => unknown): Record<string, unknown> {
  try {
    f();
  } catch (err) {
    if (err instanceof KubeError) return err.status();
    throw err;
  }
  throw new Error("expected a failure");
}

beforeEach(() => {
  store = new KubeStore(builtinTypes("v1.29.4"));
  [ns, cm, secret, sts, crd, pod] = [
    store.resource("", "v1", "namespaces")!,
    store.resource("", "v1", "configmaps")!,
    store.resource("", "v1", "secrets")!,
    store.resource("apps", "v1", "statefulsets")!,
    store.resource("apiextensions.k8s.io", "v1", "customresourcedefinitions")!,
    store.resource("", "v1", "pods")!,
  ];
  changes.length = 0;
  store.onChange((c) => changes.push(c));
  store.create(ns, undefined, { metadata: { name: "avi-system" } });
});

describe("create and read", () => {
  it("fills uid, creationTimestamp, generation and an increasing resourceVersion", () => {
    const a = store.create(cm, "avi-system", { metadata: { name: "a" }, data: { k: "v" } });
    const b = store.create(cm, "avi-system", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b", uid: "forged" } });
    expect(a).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "avi-system", generation: 1 } });
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.metadata.uid).not.toBe("forged");
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(store.get(cm, "avi-system", "a")?.data).toEqual({ k: "v" });
  });

  it("answers the API server's errors with their codes", () => {
    store.create(cm, "avi-system", { metadata: { name: "a" } });
    expect(failure(() => store.create(cm, "avi-system", { metadata: { name: "a" } }))).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "AlreadyExists",
      code: 409,
      message: 'configmaps "a" already exists',
      details: { name: "a", kind: "configmaps" },
    });
    expect(failure(() => store.create(cm, "nowhere", { metadata: { name: "a" } }))).toMatchObject({
      reason: "NotFound",
      code: 404,
      message: 'namespaces "nowhere" not found',
    });
    expect(failure(() => store.create(cm, "avi-system", { metadata: {} }))).toMatchObject({ reason: "Invalid", code: 422 });
    expect(failure(() => store.create(cm, "avi-system", { metadata: { name: "Bad_Name" } }))).toMatchObject({
      reason: "Invalid",
      code: 422,
    });
    expect(failure(() => store.create(cm, "avi-system", { kind: "Secret", metadata: { name: "x" } }))).toMatchObject({
      reason: "BadRequest",
      code: 400,
    });
    expect(failure(() => store.create(cm, "avi-system", { metadata: { name: "x", namespace: "other" } }))).toMatchObject({
      reason: "BadRequest",
      code: 400,
    });
    expect(failure(() => store.replace(sts, "avi-system", "ghost", { metadata: { name: "ghost" } }))).toMatchObject({
      reason: "NotFound",
      code: 404,
      message: 'statefulsets.apps "ghost" not found',
      details: { group: "apps", kind: "statefulsets" },
    });
  });

  it("generates names from generateName", () => {
    const o = store.create(cm, "avi-system", { metadata: { generateName: "cm-" } });
    expect(o.metadata.name).toMatch(/^cm-[0-9a-f]{5}$/);
  });

  it("turns Secret stringData into base64 data", () => {
    expect(store.create(secret, "avi-system", { metadata: { name: "s" }, stringData: { password: "pw" } })).toMatchObject({
      data: { password: Buffer.from("pw").toString("base64") },
      type: "Opaque",
    });
  });

  it("lists sorted, by namespace, with selectors", () => {
    store.create(ns, undefined, { metadata: { name: "other" } });
    for (const [n, name, app] of [
      ["avi-system", "b", "ako"],
      ["avi-system", "a", "amko"],
      ["other", "c", "ako"],
    ] as const)
      store.create(cm, n, { metadata: { name, labels: { app } } });
    expect(store.list(cm).map((o) => o.metadata.name)).toEqual(["a", "b", "c"]);
    expect(store.list(cm, "other").map((o) => o.metadata.name)).toEqual(["c"]);
    expect(store.list(cm, undefined, selectorFilter("app=ako", "metadata.namespace!=other")).map((o) => o.metadata.name)).toEqual(["b"]);
    expect(failure(() => selectorFilter("app in", null))).toMatchObject({ reason: "BadRequest", code: 400 });
  });
});

describe("updates", () => {
  it("refuses a stale resourceVersion with 409 Conflict and bumps generation only on spec changes", () => {
    const s = store.create(sts, "avi-system", {
      metadata: { name: "ako" },
      spec: { template: { spec: { containers: [{ name: "ako" }] } } },
    });
    const labelled = store.replace(sts, "avi-system", "ako", { ...s, metadata: { ...s.metadata, labels: { a: "b" } } });
    expect(labelled.metadata.generation).toBe(1);
    expect(failure(() => store.replace(sts, "avi-system", "ako", s))).toMatchObject({ reason: "Conflict", code: 409 });
    const scaled = store.replace(sts, "avi-system", "ako", { ...labelled, spec: { ...labelled.spec, replicas: 2 } });
    expect(scaled.metadata.generation).toBe(2);
    expect(
      failure(() => store.replace(sts, "avi-system", "ako", { ...scaled, metadata: { ...scaled.metadata, name: "other" } })),
    ).toMatchObject({ reason: "BadRequest", code: 400 });
  });

  it("keeps the resourceVersion and tells no one when an update changes nothing", () => {
    const a = store.create(cm, "avi-system", { metadata: { name: "a" }, data: { k: "v" } });
    const before = changes.length;
    const same = store.replace(cm, "avi-system", "a", { ...a, metadata: { ...a.metadata, resourceVersion: undefined } });
    expect(same.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    expect(changes.length).toBe(before);
  });

  it("ignores status on the main resource of kinds with a status subresource, and writes it through /status", () => {
    const s = store.create(sts, "avi-system", { metadata: { name: "ako" }, spec: {} });
    store.setStatus(sts, "avi-system", "ako", { readyReplicas: 1 });
    const put = store.replace(sts, "avi-system", "ako", { ...store.get(sts, "avi-system", "ako"), status: { readyReplicas: 9 } });
    expect(put.status).toEqual({ readyReplicas: 1 });
    const viaStatus = store.replace(
      sts,
      "avi-system",
      "ako",
      { metadata: { name: "ako" }, status: { readyReplicas: 3 } },
      { subresource: "status" },
    );
    expect(viaStatus.status).toEqual({ readyReplicas: 3 });
    expect(viaStatus.spec).toEqual(store.get(sts, "avi-system", "ako")!.spec);
    expect(s.metadata.uid).toBe(viaStatus.metadata.uid);
  });

  it("patches with merge, strategic merge and JSON patch, and refuses unknown patch types", () => {
    store.create(sts, "avi-system", {
      metadata: { name: "ako" },
      spec: { template: { spec: { containers: [{ name: "ako", image: "a:1", env: [{ name: "A", value: "1" }] }] } } },
    });
    store.patch(sts, "avi-system", "ako", "application/strategic-merge-patch+json", {
      spec: { template: { spec: { containers: [{ name: "ako", env: [{ name: "B", value: "2" }] }] } } },
    });
    store.patch(sts, "avi-system", "ako", "application/merge-patch+json", { metadata: { labels: { x: "y" } } });
    const { object } = store.patch(sts, "avi-system", "ako", "application/json-patch+json", [
      { op: "replace", path: "/spec/replicas", value: 3 },
    ]);
    expect(object.metadata.labels).toEqual({ x: "y" });
    expect(object.spec).toMatchObject({
      replicas: 3,
      template: {
        spec: {
          containers: [
            {
              name: "ako",
              image: "a:1",
              env: [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
              ],
            },
          ],
        },
      },
    });
    expect(
      failure(() =>
        store.patch(sts, "avi-system", "ako", "application/json-patch+json", [{ op: "test", path: "/spec/replicas", value: 1 }]),
      ),
    ).toMatchObject({ code: 422 });
    expect(failure(() => store.patch(sts, "avi-system", "ako", "text/plain", {}))).toMatchObject({
      reason: "UnsupportedMediaType",
      code: 415,
    });
    expect(failure(() => store.patch(sts, "avi-system", "nope", "application/merge-patch+json", {}))).toMatchObject({ code: 404 });
  });

  it("server-side apply creates, then merges, and removes what the same manager stopped applying", () => {
    const apply = (data: Record<string, string>, manager = "helm") =>
      store.patch(
        cm,
        "avi-system",
        "cfg",
        "application/apply-patch+yaml",
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" }, data },
        { fieldManager: manager },
      );
    expect(apply({ a: "1", b: "2" }).created).toBe(true);
    apply({ mine: "x" }, "avictl");
    const second = apply({ a: "1" });
    expect(second.created).toBe(false);
    expect(second.object.data).toEqual({ a: "1", mine: "x" });
    expect(
      failure(() =>
        store.patch(cm, "avi-system", "cfg", "application/apply-patch+yaml", { metadata: { name: "cfg" } }, { fieldManager: "helm" }),
      ),
    ).toMatchObject({ code: 400 });
    expect(
      failure(() =>
        store.patch(cm, "avi-system", "cfg", "application/apply-patch+yaml", {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "cfg" },
        }),
      ),
    ).toMatchObject({ code: 400 });
  });

  it("dry runs change nothing", () => {
    store.create(cm, "avi-system", { metadata: { name: "dry" } }, { dryRun: true });
    expect(store.get(cm, "avi-system", "dry")).toBeUndefined();
  });
});

describe("deletes", () => {
  it("deleting a namespace deletes its objects; deleting an owner deletes what it owns", () => {
    const owner = store.create(sts, "avi-system", { metadata: { name: "ako" }, spec: {} });
    store.create(pod, "avi-system", {
      metadata: {
        name: "ako-0",
        ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "ako", uid: owner.metadata.uid!, controller: true }],
      },
      spec: {},
    });
    store.create(pod, "avi-system", { metadata: { name: "loose" }, spec: {} });
    store.delete(sts, "avi-system", "ako");
    expect(store.list(pod, "avi-system").map((p) => p.metadata.name)).toEqual(["loose"]);
    store.delete(ns, undefined, "avi-system");
    expect(store.list(pod)).toEqual([]);
    expect(changes.filter((c) => c.type === "DELETED").map((c) => `${c.plural}/${c.object.metadata.name}`)).toEqual([
      "statefulsets/ako",
      "pods/ako-0",
      "pods/loose",
      "namespaces/avi-system",
    ]);
  });
});

describe("custom resources", () => {
  const hostrules = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "hostrules.ako.vmware.com" },
    spec: {
      group: "ako.vmware.com",
      scope: "Namespaced",
      names: { kind: "HostRule", plural: "hostrules", singular: "hostrule", shortNames: ["hr"] },
      versions: [
        { name: "v1alpha1", served: true, storage: false },
        { name: "v1beta1", served: true, storage: true, subresources: { status: {} } },
      ],
    },
  };

  it("serves a CRD's kinds at each served version, marks it Established, and drops them with it", () => {
    const created = store.create(crd, undefined, hostrules);
    expect(created.status).toMatchObject({ storedVersions: ["v1beta1"], acceptedNames: { kind: "HostRule" } });
    expect((created.status!.conditions as { type: string; status: string }[]).find((c) => c.type === "Established")?.status).toBe("True");
    const beta = store.resource("ako.vmware.com", "v1beta1", "hostrules")!;
    const alpha = store.resource("ako.vmware.com", "v1alpha1", "hostrules")!;
    expect(store.preferred("ako.vmware.com", "hostrules")?.version).toBe("v1beta1");
    store.create(beta, "avi-system", { metadata: { name: "h1" }, spec: { virtualhost: { fqdn: "a.example" } } });
    expect(store.get(alpha, "avi-system", "h1")?.apiVersion).toBe("ako.vmware.com/v1alpha1");
    expect(failure(() => store.patch(beta, "avi-system", "h1", "application/strategic-merge-patch+json", {}))).toMatchObject({ code: 415 });
    store.delete(crd, undefined, "hostrules.ako.vmware.com");
    expect(store.resource("ako.vmware.com", "v1beta1", "hostrules")).toBeUndefined();
    expect(changes.some((c) => c.type === "DELETED" && c.object.metadata.name === "h1")).toBe(true);
  });

  it("refuses a CRD whose name is not <plural>.<group>", () => {
    expect(failure(() => store.create(crd, undefined, { ...hostrules, metadata: { name: "rules.ako.vmware.com" } }))).toMatchObject({
      reason: "Invalid",
      code: 422,
    });
  });
});

describe("history for watches", () => {
  it("replays the changes after a resourceVersion and says when it no longer reaches back", () => {
    const a = store.create(cm, "avi-system", { metadata: { name: "a" } });
    store.create(cm, "avi-system", { metadata: { name: "b" } });
    expect(store.changesSince(Number(a.metadata.resourceVersion))!.map((c) => c.object.metadata.name)).toEqual(["b"]);
    expect(store.changesSince(Number(store.resourceVersion))).toEqual([]);
    for (let i = 0; i < 1100; i++) store.setStatus(cm, "avi-system", "a", { n: i });
    expect(store.changesSince(Number(a.metadata.resourceVersion))).toBeUndefined();
  });
});

describe("versions served", () => {
  it("serves the v1beta1 Ingress API before Kubernetes 1.22 only", () => {
    const has = (v: string) => builtinTypes(v).some((t) => t.group === "networking.k8s.io" && t.version === "v1beta1");
    expect([has("v1.21.14"), has("v1.22.0"), has("v1.29.4")]).toEqual([true, false, false]);
  });
});
