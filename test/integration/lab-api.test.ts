import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanItem } from "../../src/workflows/ensure.js";
import { isolatedConfig, runCli } from "../helpers/run-cli.js";
import { LAB_PASSWORD, startTestController } from "../helpers/lab.js";

type Lab = Awaited<ReturnType<typeof startTestController>>;
type Obj = Record<string, unknown>;
let lab: Lab;
let headers: Record<string, string>;
const config = isolatedConfig();
const cli = (args: string[]) => runCli(["-o", "json", ...args], { env: { AVICTL_CONFIG: config, ...lab.env() } });
const plan = (stdout: string) => (JSON.parse(stdout) as { plan: PlanItem[] }).plan;
const writes = async () => (await lab.admin<{ writes: number }>("/lab/stats")).writes;

/** A raw API call in a session, as a controller client sends it. */
async function api(method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
  const res = await lab.fetch(path, {
    method,
    headers: { ...headers, "X-Avi-Version": "30.2.1", ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...extra },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as Obj };
}

beforeAll(async () => {
  lab = await startTestController();
  const res = await lab.fetch("/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "admin", password: LAB_PASSWORD }),
  });
  const pairs = res.headers.getSetCookie().map((c) => c.split(";")[0]!);
  headers = {
    Cookie: pairs.join("; "),
    "X-CSRFToken": pairs.find((p) => p.startsWith("csrftoken="))!.split("=")[1]!,
    Referer: `${lab.ctrl.url}/`,
  };
});
afterAll(async () => lab?.ctrl.close());

describe("paths a controller does not have", () => {
  it("answers 404 for unknown types and sub-resources, reads and writes alike, and stores nothing", async () => {
    for (const [method, path] of [
      ["GET", "/api/unknowntype"],
      ["POST", "/api/nosuchtype"],
      ["GET", "/api/virtualservce"],
      ["GET", "/api/cloud/nosuch/extra/path"],
    ] as const) {
      const r = await api(method, path, method === "POST" ? { name: "x" } : undefined);
      expect([method, path, r.status]).toEqual([method, path, 404]);
    }
    const cloud = lab.ctrl.store.findByName("cloud", "Default-Cloud")!;
    expect((await api("GET", `/api/cloud/${cloud.uuid}/nosuchsub`)).status).toBe(404);
    expect((await api("GET", `/api/cloud/${cloud.uuid}/status`)).status).toBe(200);
    expect(lab.ctrl.store.list("nosuchtype")).toEqual([]);
  });
});

describe("tenants", () => {
  let t1: Obj;
  beforeAll(async () => {
    const r1 = await api("POST", "/api/tenant", { name: "t1" });
    const r2 = await api("POST", "/api/tenant", { name: "t2" });
    expect([r1.status, r2.status]).toEqual([201, 201]);
    t1 = r1.json;
  });

  it("an unknown tenant is refused as the controller does", async () => {
    const r = await api("GET", "/api/cloud", undefined, { "X-Avi-Tenant": "nope" });
    expect([r.status, r.json]).toEqual([403, { error: "Tenant 'nope' does not exist!" }]);
  });

  it("objects made with --tenant t1 carry its tenant_ref, are invisible from t2 and admin, and a re-run is 0 writes", async () => {
    const first = await cli(["--tenant", "t1", "seg", "create", "T1-SE-Group", "--prefix", "tone", "--buffer-se", "0"]);
    expect(first.code, first.stderr).toBe(0);
    expect(plan(first.stdout).map((p) => `${p.action} ${p.kind}/${p.name}`)).toContain("create serviceenginegroup/T1-SE-Group");
    const made = lab.ctrl.store.findByName("serviceenginegroup", "T1-SE-Group")!;
    expect(String(made.tenant_ref)).toBe(`${lab.ctrl.url}/api/tenant/${String(t1.uuid)}`);

    const before = await writes();
    const again = await cli(["--tenant", "t1", "seg", "create", "T1-SE-Group", "--prefix", "tone", "--buffer-se", "0"]);
    expect(again.code, again.stderr).toBe(0);
    expect(plan(again.stdout).filter((p) => p.action !== "unchanged")).toEqual([]);
    expect(await writes()).toBe(before);

    for (const tenant of ["t2", "admin"]) {
      const other = await cli(["--tenant", tenant, "--dry-run", "seg", "create", "T1-SE-Group", "--prefix", "tone", "--buffer-se", "0"]);
      expect(other.code, other.stderr).toBe(0);
      expect(plan(other.stdout).find((p) => p.kind === "serviceenginegroup")?.action).toBe("create");
      expect((await api("GET", "/api/serviceenginegroup?name=T1-SE-Group", undefined, { "X-Avi-Tenant": tenant })).json.count).toBe(0);
      expect((await api("GET", `/api/serviceenginegroup/${made.uuid}`, undefined, { "X-Avi-Tenant": tenant })).status).toBe(404);
    }
    expect(
      (await api("GET", "/api/serviceenginegroup?name=T1-SE-Group", undefined, { "X-Avi-Tenant-UUID": String(t1.uuid) })).json.count,
    ).toBe(1);
    expect((await api("GET", "/api/serviceenginegroup?name=T1-SE-Group", undefined, { "X-Avi-Tenant": "*" })).json.count).toBe(1);
  });

  it("shows the admin tenant's shared infrastructure in other tenants, not its applications", async () => {
    const inT2 = async (type: string) =>
      ((await api("GET", `/api/${type}`, undefined, { "X-Avi-Tenant": "t2" })).json.results as Obj[]).map((o) => o.name);
    expect(await inT2("cloud")).toContain("Default-Cloud");
    expect(await inT2("vrfcontext")).toEqual(expect.arrayContaining(["global", "management"]));
    const pool = await api("POST", "/api/pool", { name: "admin-pool" });
    expect(pool.status).toBe(201);
    expect(await inT2("pool")).toEqual([]);
    // The same name is free in another tenant (names are unique per tenant).
    expect((await api("POST", "/api/pool", { name: "admin-pool" }, { "X-Avi-Tenant": "t2" })).status).toBe(201);
    expect((await api("POST", "/api/pool", { name: "admin-pool" })).status).toBe(409);
  });
});

describe("response shapes as recorded", () => {
  it("201: defaults filled, url and Location with #name, values coerced to their schema types", async () => {
    const r = await api("POST", "/api/pool", {
      name: "shape-pool",
      default_server_port: "8080",
      servers: [{ ip: { addr: "127.0.0.1", type: "V4" }, port: "80", enabled: "true" }],
    });
    expect(r.status).toBe(201);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.json.url).toBe(`${lab.ctrl.url}/api/pool/${String(r.json.uuid)}#shape-pool`);
    expect(r.headers.get("location")).toBe(r.json.url);
    expect(r.json).toMatchObject({
      default_server_port: 8080,
      enabled: true,
      graceful_disable_timeout: 1,
      lb_algorithm: "LB_ALGORITHM_LEAST_CONNECTIONS",
      tenant_ref: `${lab.ctrl.url}/api/tenant/admin#admin`,
    });
    expect((r.json.servers as Obj[])[0]).toMatchObject({ port: 80, enabled: true, ratio: 1 });
  });

  it("accepts a VIP without vip_id and the *_name convenience fields of 20.1 clients; VsVip shows its vs_refs", async () => {
    const vip = await api(
      "POST",
      "/api/vsvip",
      { name: "shape-vip", vip: [{ ip_address: { addr: "127.0.0.9", type: "V4" } }] },
      { "X-Avi-Version": "20.1.5" },
    );
    expect(vip.status).toBe(201);
    expect((vip.json.vip as Obj[])[0]!.vip_id).toBe("0");
    const vs = await api(
      "POST",
      "/api/virtualservice",
      { name: "shape-vs", vsvip_ref: String(vip.json.url), application_profile_name: "System-HTTP", services: [{ port: 80 }] },
      { "X-Avi-Version": "20.1.5" },
    );
    expect(vs.status, vs.text).toBe(201);
    expect(String(vs.json.application_profile_ref)).toMatch(/\/api\/applicationprofile\/.+#System-HTTP$/);
    expect(vs.json.application_profile_name).toBeUndefined();
    const again = await api("GET", `/api/vsvip/${String(vip.json.uuid)}`);
    expect(again.json.vs_refs).toEqual([`${lab.ctrl.url}/api/virtualservice/${String(vs.json.uuid)}`]);
  });

  it("a no-op PATCH keeps _last_modified; a minimal PUT keeps the global VRF a system object", async () => {
    const global = lab.ctrl.store.findByName("vrfcontext", "global")!;
    const before = String(global._last_modified);
    const noop = await api("PATCH", `/api/vrfcontext/${global.uuid}`, { replace: { name: "global" } });
    expect(noop.status).toBe(200);
    expect(noop.json._last_modified).toBe(before);
    const put = await api("PUT", `/api/vrfcontext/${global.uuid}`, { name: "global" });
    expect(put.status, put.text).toBe(200);
    expect(put.json.system_default).toBe(true);
  });

  it("serves singletons with their recorded url", async () => {
    const r = await api("GET", "/api/systemconfiguration");
    expect([r.status, r.json.url, r.json.uuid]).toEqual([200, `${lab.ctrl.url}/api/systemconfiguration`, "default"]);
    expect(r.json.tenant_ref).toBeUndefined();
  });
});
