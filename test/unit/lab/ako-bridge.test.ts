import { describe, expect, it } from "vitest";
import { akoStarted } from "../../../src/lab/ako-bridge.js";
import { MemoryStore } from "../../../src/lab/avi/store.js";

const base = "http://127.0.0.1:1";
function store() {
  const s = new MemoryStore();
  s.put("cloud", { uuid: "cloud-1", name: "Default-Cloud", url: `${base}/api/cloud/cloud-1` });
  s.put("vrfcontext", {
    uuid: "vrf-1",
    name: "VRF_AZ1",
    cloud_ref: `${base}/api/cloud/cloud-1`,
    static_routes: [
      {
        route_id: "other-1",
        prefix: { ip_addr: { addr: "192.168.9.0", type: "V4" }, mask: 24 },
        next_hop: { addr: "10.0.0.9", type: "V4" },
      },
    ],
  });
  s.put("network", {
    uuid: "net-1",
    name: "AVI_FRONTEND_3025",
    cloud_ref: `${base}/api/cloud/cloud-1`,
    vrf_context_ref: `${base}/api/vrfcontext/vrf-1`,
  });
  s.put("serviceenginegroup", { uuid: "seg-1", name: "S1-AZ1-SE-Group", cloud_ref: `${base}/api/cloud/cloud-1` });
  return s;
}
const config = {
  clusterName: "S1-AZ1",
  cloudName: "Default-Cloud",
  serviceEngineGroupName: "S1-AZ1-SE-Group",
  vipNetworkList: JSON.stringify([{ networkName: "AVI_FRONTEND_3025", cidr: "10.10.25.0/24" }]),
};
const nodes = [
  { name: "master", internalIP: "10.10.24.160", podCIDR: "10.34.0.0/24" },
  { name: "worker1", internalIP: "10.10.24.161", podCIDR: "10.34.1.0/24" },
];

describe("AKO emulation on the lab controller", () => {
  it("labels the SE group and syncs one route per node into the VIP network's VRF, keeping others", () => {
    const s = store();
    expect(akoStarted(s, base, config, nodes).connected).toBe(true);
    expect(s.findByName("serviceenginegroup", "S1-AZ1-SE-Group")?.labels).toEqual([{ key: "clustername", value: "S1-AZ1" }]);
    const routes = s.findByName("vrfcontext", "VRF_AZ1")?.static_routes as { route_id: string; next_hop: { addr: string } }[];
    expect(routes.map((r) => r.route_id)).toEqual(["other-1", "S1-AZ1-1", "S1-AZ1-2"]);
    // A restart with one node less converges instead of piling up routes.
    akoStarted(s, base, config, nodes.slice(0, 1));
    expect((s.findByName("vrfcontext", "VRF_AZ1")?.static_routes as unknown[]).length).toBe(2);
  });
  it("refuses an SE group labelled for another cluster, and unknown clouds or networks", () => {
    const s = store();
    akoStarted(s, base, { ...config, clusterName: "S1-AZ2" }, nodes);
    expect(akoStarted(s, base, config, nodes)).toMatchObject({
      connected: false,
      message: expect.stringMatching(/Labels do not match with cluster name for SE group/),
    });
    expect(akoStarted(store(), base, { ...config, cloudName: "Nope" }, nodes).message).toMatch(/Cloud Nope not found/);
    expect(akoStarted(store(), base, { ...config, vipNetworkList: "[]" }, nodes).message).toMatch(
      /No user input detected for vipNetworkList/,
    );
  });
});
