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
  const res = await lab.fetch(path, { method, headers: { ...headers, "X-Avi-Version": "30.2.1", ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...extra }, body: body === undefined ? undefined : JSON.stringify(body) });
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
  const res = await lab.fetch("/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "admin", password: LAB_PASSWORD }) });
  const pairs = res.headers.getSetCookie().map((c) => c.split(";")[0]!);
  headers = { Cookie: pairs.join("; "), "X-CSRFToken": pairs.find((p) => p.startsWith("csrftoken="))!.split("=")[1]!, Referer: `${lab.ctrl.url}/` };
});
afterAll(async () => lab?.ctrl.close());

describe("paths a controller does not have", () => {
  it("answers 404 for unknown types and sub-resources, reads and writes alike, and stores nothing", async () => {
    for (const [method, path] of [["GET", "/api/unknowntype"], ["POST", "/api/nosuchtype"], ["GET", "/api/virtualservce"], ["GET", "/api/cloud/nosuch/extra/path"]] as const) {
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
    expect((await api("GET", "/api/serviceenginegroup?name=T1-SE-Group", undefined, { "X-Avi-Tenant-UUID": String(t1.uuid) })).json.count).toBe(1);
    expect((await api("GET", "/api/serviceenginegroup?name=T1-SE-Group", undefined, { "X-Avi-Tenant": "*" })).json.count).toBe(1);
  });

  it("shows the admin tenant's shared infrastructure in other tenants, not its applications", async () => {
    const inT2 = async (type: string) => ((await api("GET", `/api/${type}`, undefined, { "X-Avi-Tenant": "t2" })).json.results as Obj[]).map((o) => o.name);
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
