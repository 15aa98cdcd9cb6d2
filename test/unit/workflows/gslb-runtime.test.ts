import { describe, expect, it } from "vitest";
import { gslbRuntime, siteProblem, type SiteRuntime } from "../../../src/workflows/gslb/common.js";
import type { AviClient } from "../../../src/clients/avi/types.js";

const up = (extra: Partial<SiteRuntime> = {}): SiteRuntime => ({
  site_info: {
    name: "gslb-site2",
    role: "GSLB_MEMBER",
    state: "SITE_STATE_INIT",
    oper_status: { state: "OPER_UP" },
    dns_info: { dns_vs_states: [{ name: "g-dns-site2", oper_status: { state: "OPER_UP" } }] },
  },
  site_cfg: { sync_info: { sync_state: "GSLB_SITE_CFG_IN_SYNC" } },
  replication_stats: { pending_object_count: 0, acknowledged_version: 7, received_version: 7 },
  ...extra,
});

describe("siteProblem reads the controller's GslbSiteRuntime fields", () => {
  it("is silent for a reachable site in sync with nothing pending", () => {
    expect(siteProblem(up())).toBeUndefined();
  });

  it("names the objects pending replication and the sync_info reason and recommendation", () => {
    const rt = up({
      site_cfg: { sync_info: { sync_state: "GSLB_SITE_CFG_OUT_OF_SYNC", reason: "Site is unreachable", recommendation: "Check the site" } },
      replication_stats: { pending_object_count: 3 },
    });
    expect(siteProblem(rt)).toBe("configuration out of sync (3 objects pending replication; Site is unreachable; Check the site)");
  });

  it("falls back to site_info.state_reason (before 21.1.3 sync_info has no reason) and names errored objects", () => {
    const rt: SiteRuntime = {
      site_info: {
        role: "GSLB_MEMBER",
        state: "SITE_STATE_UNREACHABLE",
        state_reason: "Login failed",
        oper_status: { state: "OPER_DOWN" },
      },
      site_cfg: {
        sync_info: { sync_state: "GSLB_SITE_CFG_OUT_OF_SYNC", errored_objects: [{ name: "hello.avi.iberia.local", ops: "GSLB_UPDATE" }] },
      },
      replication_stats: { pending_object_count: 1 },
    };
    expect(siteProblem(rt)).toBe(
      "not reachable from the leader (1 object pending replication, not replicated: hello.avi.iberia.local; Login failed)",
    );
  });

  it("reports a DNS virtual service that is down", () => {
    const rt = up();
    rt.site_info!.dns_info!.dns_vs_states![0]!.oper_status = { state: "OPER_DOWN" };
    expect(siteProblem(rt)).toBe("DNS virtual service g-dns-site2 is not up");
  });
});

describe("gslbRuntime accepts the runtime as an object, a list, or a GslbRuntimeSummary's info", () => {
  const client = (body: unknown) => ({ get: () => Promise.resolve(body) }) as unknown as AviClient;
  const site = up();
  it.each([
    ["object", { uuid: "gslb-1", site: [site] }],
    ["list", [{ uuid: "gslb-1", site: [site] }]],
    ["summary", { info: { uuid: "gslb-1", site: [site] } }],
    ["summary list", [{ info: { uuid: "gslb-1", site: [site] } }]],
  ])("%s", async (_shape, body) => {
    expect(await gslbRuntime(client(body), "gslb-1")).toEqual([site]);
  });
});
