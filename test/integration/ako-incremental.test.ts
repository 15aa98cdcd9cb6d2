import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAkoLab } from "../helpers/ako-cluster.js";

let lab: Awaited<ReturnType<typeof startAkoLab>>;
const TYPES = ["virtualservice", "poolgroup", "pool", "vsvip"];

/** What AKO owns on the controller, by type and name, as stored (refs as URLs, the VIPs allocated). */
const snapshot = () =>
  Object.fromEntries(
    TYPES.map((t) => [
      t,
      Object.fromEntries(
        lab.lab.ctrl.store
          .list(t)
          .filter((o) => String(o.name).startsWith("S1-AZ1--"))
          .map((o) => [o.name!, o]),
      ),
    ]),
  );

const ingress = (name: string, hosts: string[], service: string) => ({
  metadata: { name },
  spec: {
    rules: hosts.map((host) => ({
      host,
      http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service, port: { number: 80 } } } }] },
    })),
  },
});
const service = (name: string, type?: string) => ({
  metadata: { name },
  spec: { ...(type ? { type } : {}), selector: { app: "hello" }, ports: [{ port: 80, targetPort: 8080 }] },
});

beforeAll(async () => {
  lab = await startAkoLab(mkdtempSync(join(tmpdir(), "avictl-ako-incremental-")));
  await lab.cluster.deployment("default", "hello", 2, "paulbouwer/hello-kubernetes:1.8");
}, 180_000);
afterAll(async () => lab?.close());

describe("the lab's AKO, syncing only what changed, ends where a full resync does", () => {
  it("after creates, a host moving shard, a scale and deletes, a restarted AKO (full resync) changes nothing", async () => {
    const c = lab.cluster;
    await c.call("POST", "/api/v1/namespaces/default/services", service("web"));
    await c.call("POST", "/api/v1/namespaces/default/services", service("kuard", "LoadBalancer"));
    for (let i = 1; i <= 12; i++)
      await c.call(
        "POST",
        "/apis/networking.k8s.io/v1/namespaces/default/ingresses",
        ingress(`ing${i}`, [`app${i}.avi.iberia.local`], "web"),
      );
    await c.call(
      "POST",
      "/apis/networking.k8s.io/v1/namespaces/default/ingresses",
      ingress("two", ["a.avi.iberia.local", "b.avi.iberia.local"], "web"),
    );
    // A host changes (and so may its shard), pods come and go, objects go.
    await c.call("PUT", "/apis/networking.k8s.io/v1/namespaces/default/ingresses/ing3", {
      ...ingress("ing3", ["moved.avi.iberia.local"], "web"),
      metadata: { name: "ing3", namespace: "default" },
    });
    await c.scale("default", "hello", 3);
    await c.call("DELETE", "/apis/networking.k8s.io/v1/namespaces/default/ingresses/ing5");
    await c.call("DELETE", "/apis/networking.k8s.io/v1/namespaces/default/ingresses/ing6");
    await c.scale("default", "hello", 1);

    const incremental = snapshot();
    expect(Object.keys(incremental.virtualservice!).length).toBeGreaterThan(2);
    const pools = Object.values(incremental.pool!) as Record<string, unknown>[];
    expect(pools.some((p) => String(p.name).includes("moved.avi.iberia.local"))).toBe(true);
    expect(pools.some((p) => String(p.name).includes("app3.avi.iberia.local"))).toBe(false);
    expect(pools.some((p) => String(p.name).includes("app5.avi.iberia.local"))).toBe(false);
    for (const p of pools) expect((p.servers as unknown[]).length).toBe(1);

    await lab.reconfigure({});
    expect(snapshot()).toEqual(incremental);
    const status = await c.call<{ status: { loadBalancer: { ingress: { hostname: string }[] } } }>(
      "GET",
      "/apis/networking.k8s.io/v1/namespaces/default/ingresses/two",
    );
    expect(status.status.loadBalancer.ingress.map((e) => e.hostname).sort()).toEqual(["a.avi.iberia.local", "b.avi.iberia.local"]);
  }, 120_000);
});
