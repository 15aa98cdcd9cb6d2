import { describe, expect, it } from "vitest";
import { SwaggerConformance } from "../../../helpers/swagger-conformance.js";

const available = SwaggerConformance.available();
if (!available) console.warn("skipping swagger conformance checker tests: ../shared/avi-swagger not found");

describe.skipIf(!available)("SwaggerConformance", () => {
  const c = available ? new SwaggerConformance() : undefined!;

  it("knows the workflow object types", () => {
    expect(c.types()).toEqual(
      expect.arrayContaining(["vrfcontext", "network", "serviceenginegroup", "vsvip", "virtualservice", "ipamdnsproviderprofile", "cloud"]),
    );
  });

  it("accepts a valid VRF with a static route and rejects an unknown field and a bad enum", () => {
    const route = {
      route_id: "1",
      prefix: { ip_addr: { addr: "0.0.0.0", type: "V4" }, mask: 0 },
      next_hop: { addr: "10.10.22.1", type: "V4" },
    };
    expect(c.check({ method: "POST", path: "/api/vrfcontext", body: { name: "VRF_AZ1", static_routes: [route] } })).toEqual([]);
    expect(c.check({ method: "POST", path: "/api/vrfcontext", body: { name: "VRF_AZ1", colour: "red" } }).join()).toContain("(colour)");
    const bad = { ...route, next_hop: { addr: "10.10.22.1", type: "V5" } };
    expect(c.check({ method: "POST", path: "/api/vrfcontext", body: { name: "x", static_routes: [bad] } }).join()).toMatch(
      /must be equal to one of the allowed values/,
    );
  });

  it("requires required fields on POST but not inside a PATCH", () => {
    expect(c.check({ method: "POST", path: "/api/serviceenginegroup", body: { ha_mode: "HA_MODE_SHARED" } }).join()).toContain(
      "must have required property 'name'",
    );
    expect(c.check({ method: "PATCH", path: "/api/serviceenginegroup/seg-1", body: { replace: { buffer_se: 0 } } })).toEqual([]);
    expect(c.check({ method: "PATCH", path: "/api/serviceenginegroup/seg-1", body: { merge: { buffer_se: 0 } } }).join()).toContain(
      "add/replace/delete",
    );
  });
});
