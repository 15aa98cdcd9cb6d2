import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vsOperState } from "../../src/lab/avi/behaviour.js";
import { akoObjectsChecked, startAkoLab } from "../helpers/ako-cluster.js";
import { LAB_SITE1 } from "../helpers/blog.js";
import { dig, which } from "../helpers/dns-tools.js";
import { SwaggerConformance } from "../helpers/swagger-conformance.js";

let ako: Awaited<ReturnType<typeof startAkoLab>>;
let server: { host: string; port: number };
const net = LAB_SITE1.az1Vip;
const [poolBegin, poolEnd] = net.pool.split("-").map((a) =>
  a
    .split(".")
    .map(Number)
    .reduce((n, o) => n * 256 + o, 0),
) as [number, number];
const inPool = (ip: string) => {
  const n = ip
    .split(".")
    .map(Number)
    .reduce((a, o) => a * 256 + o, 0);
  return n >= poolBegin && n <= poolEnd;
};

/** A name's answer from the lab's DNS VS: dig when installed, else the project's DNS client. */
async function resolve(name: string): Promise<{ status: string; answers: string[]; soa: boolean }> {
  if (which("dig")) {
    const r = await dig(server.host, server.port, name, "A");
    return { status: r.status, answers: r.answers.map((a) => a.data), soa: r.authority.some((a) => a.type === "SOA") };
  }
  const { query } = await import("../../src/clients/dns.js");
  const r = await query(server, name, "A", { timeoutMs: 2000, retries: 1 });
  return { status: r.rcode, answers: r.answers.map((a) => a.data), soa: r.authorities.some((a) => a.type === "SOA") };
}

// Compiled first: it takes seconds, longer than the lab API keeps an idle connection.
const checker = SwaggerConformance.available() ? new SwaggerConformance() : undefined;

beforeAll(async () => {
  ako = await startAkoLab(mkdtempSync(join(tmpdir(), "avictl-l4-")));
  server = ako.server;
}, 120_000);
afterAll(async () => ako?.close());

const store = () => ako.lab.ctrl.store;
const cluster = () => ako.cluster;

describe("AKO in the lab: Part 3, a LoadBalancer Service becomes a virtual service", () => {
  it("kuard deployment + LoadBalancer service → VS, VsVip, pool with the blog's names; status IP in the pool range; DNS answers", async () => {
    await cluster().deployment("default", "kuard", 1);
    await cluster().call("POST", "/api/v1/namespaces/default/services", {
      metadata: { name: "kuard" },
      spec: { type: "LoadBalancer", selector: { app: "kuard" }, ports: [{ port: 8080, targetPort: 8080 }] },
    });
    const vs = store().findByName("virtualservice", "S1-AZ1--default-kuard")!;
    expect(vs).toBeDefined();
    const pool = store().findByName("pool", "S1-AZ1--default-kuard--8080")!;
    expect((pool.servers as unknown[]).length).toBe(1);
    const vsvip = store().findByName("vsvip", "S1-AZ1--default-kuard")!;
    expect(vs.vsvip_ref).toBe(vsvip.url);
    expect(vs.pool_ref).toBe(pool.url);
    expect(store().get("applicationprofile", String(vs.application_profile_ref).split("/").pop()!)?.name).toBe("System-L4-Application");
    expect(store().get("networkprofile", String(vs.network_profile_ref).split("/").pop()!)?.name).toBe("System-TCP-Proxy");
    expect(store().get("serviceenginegroup", String(vs.se_group_ref).split("/").pop()!)?.name).toBe("S1-AZ1-SE-Group");
    const svc = await cluster().call<{ status: { loadBalancer: { ingress: { ip: string; hostname: string }[] } } }>(
      "GET",
      "/api/v1/namespaces/default/services/kuard",
    );
    const { ip, hostname } = svc.status.loadBalancer.ingress[0]!;
    expect(inPool(ip)).toBe(true);
    expect(hostname).toBe("kuard.default.avi.iberia.local");
    expect(await resolve("kuard.default.avi.iberia.local")).toMatchObject({ status: "NOERROR", answers: [ip] });
    // The VIP answers on loopback as the kuard pod behind the pool.
    const page = await ako.http(ip, 8080);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/MESSAGE: /);
    expect(page.pod).toMatch(/^kuard-/);
    expect(page.body).toContain(page.pod);
  });

  it("scale to 5 fills the pool; to 0 the VS goes down and the name answers NXDOMAIN with the SOA; back to 2 it answers", async () => {
    await cluster().scale("default", "kuard", 5);
    expect((store().findByName("pool", "S1-AZ1--default-kuard--8080")!.servers as unknown[]).length).toBe(5);
    await cluster().scale("default", "kuard", 0);
    expect(store().findByName("pool", "S1-AZ1--default-kuard--8080")!.servers).toEqual([]);
    const vs = store().findByName("virtualservice", "S1-AZ1--default-kuard")!;
    expect(vsOperState(vs, store())).toEqual({ state: "OPER_DOWN", reason: "pool has no servers" });
    expect(await resolve("kuard.default.avi.iberia.local")).toEqual({ status: "NXDOMAIN", answers: [], soa: true });
    const ip = (store().findByName("vsvip", "S1-AZ1--default-kuard")!.vip as { ip_address: { addr: string } }[])[0]!.ip_address.addr;
    await expect(ako.http(ip, 8080)).rejects.toThrow();
    await cluster().scale("default", "kuard", 2);
    const r = await resolve("kuard.default.avi.iberia.local");
    expect(r.status).toBe("NOERROR");
    expect(inPool(r.answers[0]!)).toBe(true);
    expect((await ako.http(r.answers[0]!, 8080)).status).toBe(200);
  });

  it("every object AKO made is valid against the official schemas", () => {
    if (!checker) return expect.fail("the Avi schemas are not beside the project (../shared/avi-swagger)");
    const owned = akoObjectsChecked(store(), checker, ["virtualservice", "pool", "vsvip"]);
    expect(owned.length).toBe(3);
    expect(owned.flatMap((o) => o.problems)).toEqual([]);
  });

  it("deleting the Service removes exactly what AKO created for it", async () => {
    const before = ["virtualservice", "pool", "vsvip"].map((t) => store().list(t).length);
    await cluster().call("DELETE", "/api/v1/namespaces/default/services/kuard");
    expect(["virtualservice", "pool", "vsvip"].map((t) => store().list(t).length)).toEqual(before.map((n) => n - 1));
    expect(store().findByName("virtualservice", "S1-AZ1--default-kuard")).toBeUndefined();
    expect(store().findByName("virtualservice", "local-dns-site1")).toBeDefined();
    expect((await resolve("kuard.default.avi.iberia.local")).status).toBe("NXDOMAIN");
  });
});
