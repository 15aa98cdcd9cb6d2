import { createServer, type AddressInfo, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RestAviClient } from "../../../../src/clients/avi/client.js";
import { AviApiError } from "../../../../src/clients/avi/errors.js";
import { OperationError } from "../../../../src/cli/errors.js";
import { StubServer, type StubReply } from "../../../helpers/stub-http.js";

const PASSWORD = "s3cret-Pa55";
const CSRF = "csrf0123456789abcdefghijklmnopqrst";
const SESSION = "sessionid0123456789";

function loginReply(version = "20.1.5"): StubReply {
  return {
    status: 200,
    body: { user_initialized: true, version: { Version: version, build: 9148 }, session_cookie_name: "avi-sessionid" },
    headers: {
      "Set-Cookie": [
        `csrftoken=${CSRF}; Max-Age=31449600; Path=/; Secure`,
        `avi-sessionid=${SESSION}; HttpOnly; Path=/`,
        `sessionid=${SESSION}; HttpOnly; Path=/`,
      ],
    },
  };
}

let stub: StubServer;
const trace: string[] = [];
const connect = (extra: Record<string, unknown> = {}) =>
  RestAviClient.connect({
    controller: stub.url,
    username: "admin",
    password: PASSWORD,
    retryBaseMs: 1,
    trace: (l) => trace.push(l),
    ...extra,
  });

beforeEach(async () => {
  stub = await new StubServer().start();
  trace.length = 0;
});
afterEach(() => stub.close());

describe("AviSession", () => {
  it("logs in with JSON, negotiates the version and sends session headers on every call", async () => {
    stub.on("POST", "/login", loginReply("20.1.5")).on("GET", "/api/cloud", { status: 200, body: { count: 0, results: [] } });
    const avi = await connect();
    await avi.list("cloud");
    stub.verify();
    expect(JSON.parse(stub.requests[0]!.body)).toEqual({ username: "admin", password: PASSWORD });
    const get = stub.requests[1]!;
    expect(get.headers["x-avi-version"]).toBe("20.1.5");
    expect(get.headers["x-avi-tenant"]).toBe("admin");
    expect(get.headers.cookie).toContain(`avi-sessionid=${SESSION}`);
    expect(get.headers.referer).toBe(`${stub.url}/`);
    expect(avi.controllerVersion).toBe("20.1.5");
  });

  it("caps the API version at the newest version it knows, and honours --api-version", async () => {
    stub.on("POST", "/login", loginReply("31.1.1"), loginReply("31.1.1"));
    expect((await connect()).apiVersion).toBe("30.2.1");
    expect((await connect({ apiVersion: "20.1.2" })).apiVersion).toBe("20.1.2");
  });

  it("sends the CSRF token on writes", async () => {
    stub.on("POST", "/login", loginReply()).on("POST", "/api/vrfcontext", { status: 201, body: { uuid: "vrfcontext-1", name: "VRF_AZ1" } });
    const avi = await connect();
    await avi.create("vrfcontext", { name: "VRF_AZ1" });
    expect(stub.requests[1]!.headers["x-csrftoken"]).toBe(CSRF);
    expect(stub.requests[1]!.headers["content-type"]).toBe("application/json");
    expect(avi.writes).toBe(1);
  });

  it("never retries a rejected login", async () => {
    stub.on("POST", "/login", { status: 401, body: { error: "Invalid credentials" } });
    const err = await connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as Error).message).toMatch(/rejected the login for user admin: Invalid credentials/);
    expect(stub.requests.filter((r) => r.path === "/login")).toHaveLength(1);
  });

  it("logs in again once when the session expired (401) and replays the call", async () => {
    stub
      .on("POST", "/login", loginReply(), loginReply())
      .on(
        "GET",
        "/api/cluster",
        { status: 401, body: "Authentication credentials were not provided." },
        { status: 200, body: { uuid: "cluster-1" } },
      );
    const avi = await connect();
    expect(await avi.get("cluster")).toEqual({ uuid: "cluster-1" });
    stub.verify();
  });

  it("logs in again on 419 but gives up if the replay is rejected too", async () => {
    stub
      .on("POST", "/login", loginReply(), loginReply())
      .on("GET", "/api/cluster", { status: 419, body: "" }, { status: 401, body: "CSRF token missing or incorrect." });
    const avi = await connect();
    const err = await avi.get("cluster").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AviApiError);
    expect((err as AviApiError).status).toBe(401);
  });

  it("retries 5xx and dropped connections with backoff", async () => {
    stub
      .on("POST", "/login", loginReply())
      .on(
        "GET",
        "/api/cloud",
        { status: 503, body: "" },
        { status: 0, reset: true },
        { status: 502, body: "" },
        { status: 200, body: { count: 1, results: [{ name: "Default-Cloud" }] } },
      );
    const avi = await connect();
    expect((await avi.list("cloud")).map((c) => c.name)).toEqual(["Default-Cloud"]);
    stub.verify();
  });

  it("stops retrying after the bound and reports the controller's error", async () => {
    stub.on("POST", "/login", loginReply()).always("GET", "/api/cloud", { status: 503, body: { error: "Controller is not ready" } });
    const avi = await connect({ maxRetries: 2 });
    await expect(avi.list("cloud")).rejects.toThrow(/503\): Controller is not ready/);
    expect(stub.requests.filter((r) => r.path === "/api/cloud")).toHaveLength(3);
  });

  it("follows next links across pages using only their path and query", async () => {
    stub.on("POST", "/login", loginReply()).on(
      "GET",
      "/api/network",
      {
        status: 200,
        body: { count: 3, results: [{ name: "a" }, { name: "b" }], next: "https://10.10.20.43/api/network?page=2&page_size=2" },
      },
      { status: 200, body: { count: 3, results: [{ name: "c" }] } },
    );
    const avi = await connect();
    expect((await avi.list("network")).map((n) => n.name)).toEqual(["a", "b", "c"]);
    expect(stub.requests[2]!.query).toEqual({ page: "2", page_size: "2" });
  });

  it("looks names up within a cloud and caches resolved refs", async () => {
    stub
      .on("POST", "/login", loginReply())
      .on("GET", "/api/vrfcontext", { status: 200, body: { count: 1, results: [{ uuid: "vrfcontext-9", name: "global" }] } });
    const avi = await connect();
    const ref = await avi.resolveRef("vrfcontext", "global", { cloudUuid: "cloud-1" });
    expect(ref).toBe(`${stub.url}/api/vrfcontext/vrfcontext-9`);
    expect(await avi.resolveRef("vrfcontext", "global", { cloudUuid: "cloud-1" })).toBe(ref);
    expect(stub.requests[1]!.query).toMatchObject({ name: "global", "cloud_ref.uuid": "cloud-1" });
    stub.verify();
  });

  it("turns a 409 into an AviApiError carrying the controller's text", async () => {
    stub.on("POST", "/login", loginReply()).on("POST", "/api/serviceenginegroup", {
      status: 409,
      body: { error: "Service engine group with this Name, Tenant ref and Cloud ref already exists." },
    });
    const avi = await connect();
    const err = (await avi.create("serviceenginegroup", { name: "x" }).catch((e: unknown) => e)) as AviApiError;
    expect(err.status).toBe(409);
    expect(err.message).toContain("already exists");
  });

  it("explains an unreachable controller in one sentence", async () => {
    const dead = stub.url;
    await stub.close();
    const err = await RestAviClient.connect({ controller: dead, username: "admin", password: PASSWORD, retryBaseMs: 1 }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/^cannot reach controller 127\.0\.0\.1:\d+ \(connection refused\)$/);
    stub = await new StubServer().start();
  });

  it("tries a silent controller twice, not seven times, before saying it did not answer", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const controller = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const err = await RestAviClient.connect({ controller, username: "admin", password: PASSWORD, retryBaseMs: 1, timeoutMs: 100 }).catch(
        (e: unknown) => e,
      );
      expect((err as Error).message).toMatch(/^controller 127\.0\.0\.1:\d+ did not answer in time$/);
      expect(sockets).toHaveLength(2);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it("never puts the password, cookies or CSRF token in its trace", async () => {
    stub
      .on("POST", "/login", loginReply())
      .on("PATCH", "/api/systemconfiguration", { status: 200, body: {} })
      .on("POST", "/logout", { status: 200, body: "" });
    const avi = await connect();
    await avi.patchSingleton("systemconfiguration", "add", { dns_virtualservice_refs: ["x"] });
    await avi.logout();
    expect(trace.length).toBeGreaterThan(2);
    const all = trace.join("\n");
    for (const secret of [PASSWORD, CSRF, SESSION]) expect(all).not.toContain(secret);
    expect(stub.requests.at(-1)!.headers["x-csrftoken"]).toBe(CSRF);
  });

  describe("getDeferred", () => {
    const page = { count: 3, results: [{ log_id: 1 }, { log_id: 2 }, { log_id: 3 }], note: "x".repeat(40_000) };

    it("checks the status first, logs in again or retries 5xx, and reads the body only when asked", async () => {
      stub
        .on("POST", "/login", loginReply(), loginReply())
        .on("GET", "/api/analytics/logs", { status: 401, body: "" }, { status: 503, body: "" }, { status: 200, body: page });
      const avi = await connect();
      const read = await avi.getDeferred<typeof page>("analytics/logs", { page_size: 3 });
      expect(stub.requests.filter((r) => r.path === "/api/analytics/logs")).toHaveLength(3);
      expect((await read()).results.map((r) => r.log_id)).toEqual([1, 2, 3]);
      stub.verify();
    });

    it("turns a refusal into the controller's error before any body is read", async () => {
      stub.on("POST", "/login", loginReply()).on("GET", "/api/analytics/logs", { status: 400, body: { error: "Invalid filter" } });
      const err = await (await connect()).getDeferred("analytics/logs").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AviApiError);
      expect((err as Error).message).toMatch(/400\): Invalid filter/);
    });

    it("asks again when the body is cut on the way", async () => {
      stub
        .on("POST", "/login", loginReply())
        .on("GET", "/api/analytics/logs", { status: 200, body: page, partial: "cut" }, { status: 200, body: page });
      const read = await (await connect()).getDeferred<typeof page>("analytics/logs");
      expect((await read()).count).toBe(3);
      expect(stub.requests.filter((r) => r.path === "/api/analytics/logs")).toHaveLength(2);
      expect(trace.some((l) => /body → ECONNRESET/.test(l))).toBe(true);
    });

    it("gives up on a body that stops coming, in one sentence", async () => {
      stub.on("POST", "/login", loginReply()).always("GET", "/api/analytics/logs", { status: 200, body: page, partial: "stall" });
      const read = await (await connect({ timeoutMs: 1000, maxRetries: 1 })).getDeferred("analytics/logs");
      const err = await read().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OperationError);
      expect((err as Error).message).toMatch(/did not answer in time/);
      expect(stub.requests.filter((r) => r.path === "/api/analytics/logs")).toHaveLength(2);
    });
  });
});
