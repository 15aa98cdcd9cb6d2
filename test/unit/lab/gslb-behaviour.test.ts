import { describe, expect, it } from "vitest";
import { AviApi } from "../../../src/lab/avi/api.js";
import { seedStore } from "../../../src/lab/avi/seed.js";
import { MemoryStore } from "../../../src/lab/avi/store.js";
import { BadRequest } from "../../../src/lab/avi/refs.js";

const BASE = "http://127.0.0.1:1";
const V = "30.2.1";

function controller(clusterUuid = "cluster-leader") {
  const store = new MemoryStore();
  seedStore(store, BASE, "leader", clusterUuid);
  return { store, api: new AviApi(store, BASE, { clusterUuid }) };
}
const site = (name: string, cluster: string, extra: Record<string, unknown> = {}) => ({
  name,
  cluster_uuid: cluster,
  username: "admin",
  password: "pw",
  ip_addresses: [{ addr: "127.0.0.1", type: "V4" }],
  port: 443,
  ...extra,
});
const refused = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (err instanceof BadRequest) return `${err.status} ${err.message}`;
    throw err;
  }
  return "accepted";
};

describe("the lab controller's GSLB objects", () => {
  it("creates the Gslb only with this controller as leader, an active leader site, and adds the federated health monitors", () => {
    const { store, api } = controller();
    expect(
      refused(() =>
        api.create(
          "gslb",
          {
            name: "GSLB",
            leader_cluster_uuid: "cluster-other",
            sites: [site("l", "cluster-other", { member_type: "GSLB_ACTIVE_MEMBER" })],
          },
          V,
        ),
      ),
    ).toMatch(/^400 leader_cluster_uuid cluster-other is not this controller's cluster/);
    expect(
      refused(() => api.create("gslb", { name: "GSLB", leader_cluster_uuid: "cluster-leader", sites: [site("l", "cluster-leader")] }, V)),
    ).toBe("400 The leader site must be an active member");
    expect(
      api.create(
        "gslb",
        {
          name: "GSLB",
          leader_cluster_uuid: "cluster-leader",
          dns_configs: [{ domain_name: "avi.iberia.local" }],
          sites: [site("l", "cluster-leader", { member_type: "GSLB_ACTIVE_MEMBER" })],
        },
        V,
      ).status,
    ).toBe(201);
    expect(store.findByName("healthmonitor", "System-GSLB-HTTP")?.is_federated).toBe(true);
    expect(
      refused(() =>
        api.create(
          "gslb",
          {
            name: "GSLB2",
            leader_cluster_uuid: "cluster-leader",
            sites: [site("l", "cluster-leader", { member_type: "GSLB_ACTIVE_MEMBER" })],
          },
          V,
        ),
      ),
    ).toMatch(/^409 /);
    const g = store.list("gslb")[0]!;
    expect(refused(() => api.patch("gslb", g.uuid!, { add: { sites: [site("s1", "cluster-leader")] } }, V))).toMatch(
      /^400 Duplicate GSLB site cluster/,
    );
    expect(api.patch("gslb", g.uuid!, { add: { sites: [site("s1", "cluster-1")] } }, V).status).toBe(200);
    // Passwords read back masked, as the controller returns them.
    expect(JSON.stringify(api.get("gslb", g.uuid!, new URLSearchParams()).body)).not.toContain('"pw"');
  });

  it("accepts GSLB services only under a GSLB sub-domain, with known site members and unique names", () => {
    const { api } = controller();
    const gs = (name: string, cluster = "cluster-leader") => ({
      name,
      domain_names: [name],
      groups: [
        {
          name: "g",
          algorithm: "GSLB_ALGORITHM_ROUND_ROBIN",
          members: [{ ip: { addr: "10.10.25.46", type: "V4" }, cluster_uuid: cluster, ratio: 6 }],
        },
      ],
    });
    expect(refused(() => api.create("gslbservice", gs("hello.avi.iberia.local"), V))).toMatch(/GSLB is not configured/);
    api.create(
      "gslb",
      {
        name: "GSLB",
        leader_cluster_uuid: "cluster-leader",
        dns_configs: [{ domain_name: "avi.iberia.local" }],
        sites: [site("l", "cluster-leader", { member_type: "GSLB_ACTIVE_MEMBER" })],
      },
      V,
    );
    expect(refused(() => api.create("gslbservice", gs("hello.example.com"), V))).toMatch(
      /not in any GSLB sub-domain \(avi\.iberia\.local\)/,
    );
    expect(refused(() => api.create("gslbservice", gs("hello.avi.iberia.local", "cluster-x"), V))).toMatch(
      /cluster_uuid cluster-x is not a GSLB site/,
    );
    expect(api.create("gslbservice", gs("hello.avi.iberia.local"), V).status).toBe(201);
  });

  it("refuses GSLB configuration on a follower, which holds the leader's copies", () => {
    const { store, api } = controller("cluster-follower");
    store.put("gslb", {
      uuid: "gslb-1",
      name: "GSLB",
      leader_cluster_uuid: "cluster-leader",
      dns_configs: [{ domain_name: "avi.iberia.local" }],
      sites: [site("l", "cluster-leader"), site("f", "cluster-follower")],
    });
    expect(refused(() => api.create("gslbservice", { name: "x.avi.iberia.local", domain_names: ["x.avi.iberia.local"] }, V))).toMatch(
      /^403 GSLB configuration can be changed only on the leader site/,
    );
    expect(refused(() => api.create("healthmonitor", { name: "hm", type: "HEALTH_MONITOR_PING", is_federated: true }, V))).toMatch(/^403 /);
    expect(api.create("healthmonitor", { name: "local-hm", type: "HEALTH_MONITOR_PING" }, V).status).toBe(201);
  });
});
