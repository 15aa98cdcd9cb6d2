import { beforeEach, describe, expect, it } from "vitest";
import { AviApi } from "../../../src/lab/avi/api.js";
import { seedStore } from "../../../src/lab/avi/seed.js";
import { MemoryStore } from "../../../src/lab/avi/store.js";
import type { FaultOptions } from "../../../src/lab/types.js";

const base = "http://127.0.0.1:1";
const V = "30.2.1";
let store: MemoryStore;
let faults: FaultOptions;
let api: AviApi;
const route = (id: string, prefix: string, hop: string) => ({
  route_id: id,
  prefix: { ip_addr: { addr: prefix, type: "V4" }, mask: 24 },
  next_hop: { addr: hop, type: "V4" },
});
const vrf = () => store.findByName("vrfcontext", "global")!;
const token = () => String(vrf()._last_modified);
const routeIds = () => ((vrf().static_routes as { route_id: string }[] | undefined) ?? []).map((r) => r.route_id);

beforeEach(() => {
  store = new MemoryStore();
  seedStore(store, base, "site1", "cluster-1");
  faults = {};
  api = new AviApi(store, base, { clusterUuid: "cluster-1" }, () => faults);
});

describe("lab controller: concurrency token", () => {
  it("answers 412 to a PUT whose _last_modified is stale, and moves the token on every write", () => {
    const read = structuredClone(vrf());
    expect(api.replace("vrfcontext", read.uuid!, { ...read, static_routes: [route("1", "10.1.0.0", "10.10.22.1")] }, V).status).toBe(200);
    expect(token()).not.toBe(read._last_modified);
    const stale = api.replace("vrfcontext", read.uuid!, { ...read, static_routes: [] }, V);
    expect(stale).toEqual({ status: 412, body: { error: "Need to reload object data VrfContext" } });
    expect(routeIds()).toEqual(["1"]);
  });

  it("checks a _last_modified carried in a PATCH and an If-Match header, on PUT and PATCH", () => {
    const uuid = vrf().uuid!;
    const old = token();
    expect(
      api.patch("vrfcontext", uuid, { add: { static_routes: [route("1", "10.1.0.0", "10.10.22.1")], _last_modified: old } }, V).status,
    ).toBe(200);
    expect(
      api.patch("vrfcontext", uuid, { add: { static_routes: [route("2", "10.2.0.0", "10.10.22.1")], _last_modified: old } }, V).status,
    ).toBe(412);
    expect(api.patch("vrfcontext", uuid, { add: { static_routes: [route("2", "10.2.0.0", "10.10.22.1")] } }, V, `"${old}"`).status).toBe(
      412,
    );
    expect(api.replace("vrfcontext", uuid, { name: "global" }, V, old).status).toBe(412);
    expect(api.patch("vrfcontext", uuid, { add: { static_routes: [route("2", "10.2.0.0", "10.10.22.1")] } }, V, token()).status).toBe(200);
    // Without a token the write is unconditional, as on the controller.
    expect(api.patch("vrfcontext", uuid, { add: { static_routes: [route("3", "10.3.0.0", "10.10.22.1")] } }, V).status).toBe(200);
    expect(routeIds()).toEqual(["1", "2", "3"]);
    expect(vrf()).not.toHaveProperty("_last_modified", old);
  });

  it("staleFirstWrite answers 412 once per object, as if another writer had just changed it", () => {
    const uuid = vrf().uuid!;
    faults = { staleFirstWrite: true };
    const before = token();
    const body = { add: { static_routes: [route("1", "10.1.0.0", "10.10.22.1")], _last_modified: before } };
    expect(api.patch("vrfcontext", uuid, body, V).status).toBe(412);
    expect(routeIds()).toEqual([]);
    // The token moved, so the same request stays refused; a re-read one passes.
    expect(api.patch("vrfcontext", uuid, body, V).status).toBe(412);
    expect(api.patch("vrfcontext", uuid, { add: { ...body.add, _last_modified: token() } }, V).status).toBe(200);
    const net = store.findByName("network", "AVI_FRONTEND_3025")!;
    expect(api.patch("network", net.uuid!, { replace: { dhcp_enabled: false } }, V).status).toBe(412);
    // New fault settings start over.
    faults = {};
    expect(api.patch("network", net.uuid!, { replace: { dhcp_enabled: false } }, V).status).toBe(200);
  });
});

describe("lab controller: static route ids", () => {
  it("refuses a PATCH add whose route_id is taken, by a different route or the same one, and keeps the list", () => {
    const uuid = vrf().uuid!;
    expect(api.patch("vrfcontext", uuid, { add: { static_routes: [route("1", "10.1.0.0", "10.10.22.1")] } }, V).status).toBe(200);
    for (const r of [route("1", "10.9.0.0", "10.10.22.9"), route("1", "10.1.0.0", "10.10.22.1")]) {
      expect(() => api.patch("vrfcontext", uuid, { add: { static_routes: [r] } }, V)).toThrow(
        "Field check for static_routes failed: Unique constraints route_id has duplicated value",
      );
    }
    expect(vrf().static_routes as unknown[]).toEqual([route("1", "10.1.0.0", "10.10.22.1")]);
  });

  it("refuses duplicate ids within one PUT body too", () => {
    const read = vrf();
    expect(() =>
      api.replace(
        "vrfcontext",
        read.uuid!,
        { ...read, static_routes: [route("1", "10.1.0.0", "10.10.22.1"), route("1", "10.2.0.0", "10.10.22.1")] },
        V,
      ),
    ).toThrow(/Unique constraints route_id/);
  });

  it("still updates keyed entries of other lists in place on PATCH add (configured subnets by prefix)", () => {
    const net = store.findByName("network", "AVI_FRONTEND_3025")!;
    const subnet = (end: string) => ({
      prefix: { ip_addr: { addr: "10.10.25.0", type: "V4" }, mask: 24 },
      static_ip_ranges: [
        { range: { begin: { addr: "10.10.25.40", type: "V4" }, end: { addr: end, type: "V4" } }, type: "STATIC_IPS_FOR_VIP_AND_SE" },
      ],
    });
    api.patch("network", net.uuid!, { add: { configured_subnets: [subnet("10.10.25.59")] } }, V);
    api.patch("network", net.uuid!, { add: { configured_subnets: [subnet("10.10.25.69")] } }, V);
    expect(store.get("network", net.uuid!)!.configured_subnets).toEqual([subnet("10.10.25.69")]);
  });
});
