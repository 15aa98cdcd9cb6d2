import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RestAviClient } from "../../../src/clients/avi/client.js";
import type { AviObject } from "../../../src/clients/avi/types.js";
import { diffOwned, ensure, ensureListEntries, updateOwned } from "../../../src/workflows/ensure.js";
import { StubServer } from "../../helpers/stub-http.js";

let stub: StubServer;
const login = {
  status: 200,
  body: { version: { Version: "30.2.1" } },
  headers: { "Set-Cookie": ["csrftoken=abc; Path=/", "sessionid=s1; Path=/"] },
};
const empty = { status: 200, body: { count: 0, results: [] } };
const seg = (extra: Record<string, unknown> = {}) => ({
  uuid: "serviceenginegroup-1",
  name: "S1-AZ1-SE-Group",
  buffer_se: 1,
  ha_mode: "HA_MODE_SHARED",
  realtime_se_metrics: { enabled: false, duration: 30 },
  ...extra,
});
const found = (obj: unknown) => ({ status: 200, body: { count: 1, results: [obj] } });
const connect = () => RestAviClient.connect({ controller: stub.url, username: "admin", password: "pw", retryBaseMs: 1 });
const spec = {
  type: "serviceenginegroup",
  name: "S1-AZ1-SE-Group",
  cloudUuid: "cloud-1",
  desired: { buffer_se: 0, realtime_se_metrics: { enabled: true, duration: 0 } },
};

beforeEach(async () => {
  stub = await new StubServer().start();
  stub.on("POST", "/login", login);
});
afterEach(() => stub.close());

describe("ensure", () => {
  it("creates an absent object with its name and the owned fields", async () => {
    stub.on("GET", "/api/serviceenginegroup", empty).on("POST", "/api/serviceenginegroup", { status: 201, body: seg({ buffer_se: 0 }) });
    const r = await ensure(await connect(), spec, { dryRun: false });
    expect(r.item).toMatchObject({ action: "create", uuid: "serviceenginegroup-1" });
    expect(JSON.parse(stub.requests.at(-1)!.body)).toEqual({ name: "S1-AZ1-SE-Group", ...spec.desired });
    expect(stub.requests[1]!.query).toMatchObject({ name: "S1-AZ1-SE-Group", "cloud_ref.uuid": "cloud-1" });
    stub.verify();
  });

  it("PATCHes only the differing owned top-level fields, merging nested objects", async () => {
    stub
      .on("GET", "/api/serviceenginegroup", found(seg({ realtime_se_metrics: { enabled: false, duration: 30, extra: 1 } })))
      .on("PATCH", "/api/serviceenginegroup/serviceenginegroup-1", { status: 200, body: seg() });
    const r = await ensure(await connect(), spec, { dryRun: false });
    expect(r.item.action).toBe("update");
    expect(r.item.diff.map((d) => d.path).sort()).toEqual(["buffer_se", "realtime_se_metrics.duration", "realtime_se_metrics.enabled"]);
    expect(JSON.parse(stub.requests.at(-1)!.body)).toEqual({
      replace: { buffer_se: 0, realtime_se_metrics: { enabled: true, duration: 0, extra: 1 } },
    });
  });

  it("sends no write when everything owned already matches (numeric strings and ref hosts included)", async () => {
    stub.on(
      "GET",
      "/api/serviceenginegroup",
      found(
        seg({
          buffer_se: "0",
          realtime_se_metrics: { enabled: true, duration: 0 },
          cloud_ref: "https://10.10.20.43/api/cloud/cloud-1#Default-Cloud",
        }),
      ),
    );
    const avi = await connect();
    const r = await ensure(avi, { ...spec, desired: { ...spec.desired, cloud_ref: `${stub.url}/api/cloud/cloud-1` } }, { dryRun: false });
    expect(r.item.action).toBe("unchanged");
    expect(avi.writes).toBe(0);
    stub.verify();
  });

  it("plans without writing on --dry-run", async () => {
    stub.on("GET", "/api/serviceenginegroup", empty, found(seg()));
    stub.on("POST", "/login", login);
    const [first, second] = [await connect(), await connect()];
    expect((await ensure(first, spec, { dryRun: true })).item.action).toBe("create");
    expect((await ensure(second, spec, { dryRun: true })).item.action).toBe("update");
    expect(first.writes + second.writes).toBe(0);
  });

  it("looks a name up once per run until that type is written", async () => {
    stub.on("GET", "/api/serviceenginegroup", empty, found(seg({ uuid: "seg-1" })));
    stub.on("POST", "/api/serviceenginegroup", { status: 201, body: seg({ uuid: "seg-1" }) });
    const avi = await connect();
    expect(await avi.getByName("serviceenginegroup", "S1-AZ1-SE-Group", { cloudUuid: "cloud-1" })).toBeUndefined();
    expect((await ensure(avi, spec, { dryRun: false })).item.action).toBe("create");
    expect((await avi.getByName("serviceenginegroup", "S1-AZ1-SE-Group", { cloudUuid: "cloud-1" }))?.uuid).toBe("seg-1");
    stub.verify();
  });

  it("converges when the create races another creator (409)", async () => {
    stub
      .on("GET", "/api/serviceenginegroup", empty, found(seg({ buffer_se: 0, realtime_se_metrics: { enabled: true, duration: 0 } })))
      .on("POST", "/api/serviceenginegroup", {
        status: 409,
        body: { error: "Service engine group with this Name, Tenant ref and Cloud ref already exists." },
      });
    const r = await ensure(await connect(), spec, { dryRun: false });
    expect(r.item.action).toBe("unchanged");
    stub.verify();
  });
});

describe("ensureListEntries", () => {
  const route = (id: string, prefix: string, hop: string) => ({
    route_id: id,
    prefix: { ip_addr: { addr: prefix, type: "V4" }, mask: 0 },
    next_hop: { addr: hop, type: "V4" },
  });
  const key = (r: ReturnType<typeof route>) => `${r.prefix.ip_addr.addr}/${r.prefix.mask}>${r.next_hop.addr}`;

  it("adds only missing entries with PATCH add so entries written by others survive", async () => {
    stub.on("PATCH", "/api/vrfcontext/vrf-1", { status: 200, body: {} });
    const vrf = { uuid: "vrf-1", name: "global", static_routes: [route("S1-AZ1-1", "10.34.0.0", "10.10.23.11")] };
    const r = await ensureListEntries(await connect(), "vrfcontext", vrf, "static_routes", [route("1", "0.0.0.0", "10.10.22.1")], key, {
      dryRun: false,
    });
    expect(r.item.action).toBe("update");
    expect(JSON.parse(stub.requests.at(-1)!.body)).toEqual({ add: { static_routes: [route("1", "0.0.0.0", "10.10.22.1")] } });
  });

  it("is unchanged when the entry exists under another id", async () => {
    const vrf = { uuid: "vrf-1", name: "global", static_routes: [route("7", "0.0.0.0", "10.10.22.1")] };
    const avi = await connect();
    const r = await ensureListEntries(avi, "vrfcontext", vrf, "static_routes", [route("1", "0.0.0.0", "10.10.22.1")], key, {
      dryRun: false,
    });
    expect(r.item.action).toBe("unchanged");
    expect(avi.writes).toBe(0);
  });
});

describe("concurrent writers", () => {
  const stale = { status: 412, body: { error: "Need to reload object data ServiceEngineGroup" } };
  const labelled = (labels: { key: string; value: string }[], t: string) => seg({ labels, _last_modified: t });
  const withOurs = (current?: AviObject) => ({
    labels: [
      ...((current?.labels as { key: string; value: string }[] | undefined) ?? []).filter((l) => l.key !== "clustername"),
      { key: "clustername", value: "S1-AZ1" },
    ],
  });

  it("carries _last_modified; on 412 re-reads, recomputes from the fresh object and retries", async () => {
    const fresh = labelled([{ key: "team", value: "net" }], "2");
    stub.on("PATCH", "/api/serviceenginegroup/serviceenginegroup-1", stale, { status: 200, body: fresh });
    stub.on("GET", "/api/serviceenginegroup/serviceenginegroup-1", { status: 200, body: fresh });
    const r = await updateOwned(await connect(), "serviceenginegroup", labelled([], "1"), withOurs, { dryRun: false });
    expect(r.item.action).toBe("update");
    const patches = stub.requests.filter((q) => q.method === "PATCH").map((q) => JSON.parse(q.body));
    expect(patches).toEqual([
      { replace: { labels: [{ key: "clustername", value: "S1-AZ1" }], _last_modified: "1" } },
      {
        replace: {
          labels: [
            { key: "team", value: "net" },
            { key: "clustername", value: "S1-AZ1" },
          ],
          _last_modified: "2",
        },
      },
    ]);
    stub.verify();
  });

  it("is unchanged when the fresh read already holds what the stale one lacked", async () => {
    stub.on("PATCH", "/api/serviceenginegroup/serviceenginegroup-1", stale);
    stub.on("GET", "/api/serviceenginegroup/serviceenginegroup-1", {
      status: 200,
      body: labelled([{ key: "clustername", value: "S1-AZ1" }], "2"),
    });
    const r = await updateOwned(await connect(), "serviceenginegroup", labelled([], "1"), withOurs, { dryRun: false });
    expect(r.item.action).toBe("unchanged");
    stub.verify();
  });

  it("gives up after a bounded number of attempts, naming the object", async () => {
    stub.always("PATCH", "/api/serviceenginegroup/serviceenginegroup-1", stale);
    stub.always("GET", "/api/serviceenginegroup/serviceenginegroup-1", { status: 200, body: labelled([], "2") });
    const avi = await connect();
    await expect(updateOwned(avi, "serviceenginegroup", labelled([], "1"), withOurs, { dryRun: false })).rejects.toThrow(
      /^serviceenginegroup S1-AZ1-SE-Group kept changing under concurrent writers; gave up after 6 attempts$/,
    );
    expect(stub.requests.filter((q) => q.method === "PATCH")).toHaveLength(6);
  });

  it("a route added meanwhile by another writer (duplicate id refused) ends unchanged after a re-read", async () => {
    const route = {
      route_id: "avictl-0.0.0.0-0-10.10.22.1",
      prefix: { ip_addr: { addr: "0.0.0.0", type: "V4" }, mask: 0 },
      next_hop: { addr: "10.10.22.1", type: "V4" },
    };
    stub.on("PATCH", "/api/vrfcontext/vrf-1", {
      status: 400,
      body: { error: "Field check for static_routes failed: Unique constraints route_id has duplicated value" },
    });
    stub.on("GET", "/api/vrfcontext/vrf-1", { status: 200, body: { uuid: "vrf-1", name: "global", static_routes: [route] } });
    const key = (r: typeof route) => `${r.prefix.ip_addr.addr}/${r.prefix.mask}>${r.next_hop.addr}`;
    const r = await ensureListEntries(
      await connect(),
      "vrfcontext",
      { uuid: "vrf-1", name: "global", static_routes: [] },
      "static_routes",
      [route],
      key,
      { dryRun: false },
    );
    expect(r.item.action).toBe("unchanged");
    stub.verify();
  });
});

describe("diffOwned", () => {
  it("treats lists as equal regardless of order, and reports whole lists when they differ", () => {
    expect(diffOwned({ l: [{ a: 1 }, { a: 2 }] }, { l: [{ a: 2, x: 0 }, { a: 1 }] })).toEqual([]);
    expect(diffOwned({ l: [{ a: 1 }] }, { l: [{ a: 1 }, { a: 2 }] })).toEqual([{ path: "l", from: [{ a: 1 }, { a: 2 }], to: [{ a: 1 }] }]);
  });
  it("reports a field that is absent on the controller", () => {
    expect(diffOwned({ labels: [{ key: "clustername", value: "S1-AZ1" }] }, {})).toHaveLength(1);
    expect(diffOwned({ enabled: false }, {})).toEqual([{ path: "enabled", from: undefined, to: false }]);
  });
});
