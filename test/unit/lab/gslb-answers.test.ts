import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/lab/avi/store.js";
import { GslbAnswers } from "../../../src/lab/dns/gslb.js";
import type { GslbMember } from "../../../src/lab/avi/gslb-behaviour.js";

function store(opts: { siteRatio?: number; groups?: unknown[] } = {}) {
  const s = new MemoryStore();
  s.put("gslb", {
    uuid: "gslb-1",
    name: "GSLB",
    leader_cluster_uuid: "c-leader",
    dns_configs: [{ domain_name: "avi.iberia.local" }],
    sites: [
      { name: "leader", cluster_uuid: "c-leader", dns_vses: [{ dns_vs_uuid: "vs-dns" }] },
      { name: "site1", cluster_uuid: "c-1" },
      { name: "site2", cluster_uuid: "c-2", ...(opts.siteRatio ? { ratio: opts.siteRatio } : {}) },
    ],
  });
  s.put("gslbservice", {
    uuid: "gs-1",
    name: "hello",
    domain_names: ["hello.avi.iberia.local"],
    ttl: 7,
    groups: opts.groups ?? [
      {
        name: "g10",
        priority: 10,
        members: [
          { ip: { addr: "10.0.0.1" }, cluster_uuid: "c-1", ratio: 6 },
          { ip: { addr: "10.0.0.2" }, cluster_uuid: "c-1", ratio: 3 },
          { ip: { addr: "10.0.0.3" }, cluster_uuid: "c-2", ratio: 1 },
        ],
      },
    ],
  });
  return s;
}

const tally = (a: GslbAnswers, n: number) => {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) for (const ip of a.lookup("hello.avi.iberia.local", 30)!.ips) out[ip] = (out[ip] ?? 0) + 1;
  return out;
};

describe("GSLB answers of a lab DNS VS", () => {
  it("splits answers by the members' ratios with the service's TTL", () => {
    const a = new GslbAnswers(store(), "vs-dns", () => true);
    expect(a.lookup("hello.avi.iberia.local", 30)!.ttl).toBe(7);
    expect(tally(a, 100)).toEqual({ "10.0.0.1": 60, "10.0.0.2": 30, "10.0.0.3": 10 });
  });

  it("lets a site's ratio override its members' ratios", () => {
    const a = new GslbAnswers(store({ siteRatio: 11 }), "vs-dns", () => true);
    expect(tally(a, 200)).toEqual({ "10.0.0.1": 60, "10.0.0.2": 30, "10.0.0.3": 110 });
  });

  it("leaves unhealthy members out and falls back to the next priority group when a group has none up", () => {
    const groups = [
      { name: "primary", priority: 20, members: [{ ip: { addr: "10.0.0.1" }, cluster_uuid: "c-1", ratio: 1 }] },
      {
        name: "backup",
        priority: 10,
        members: [
          { ip: { addr: "10.0.0.3" }, cluster_uuid: "c-2", ratio: 1 },
          { ip: { addr: "10.0.0.4" }, cluster_uuid: "c-2", ratio: 1, enabled: false },
        ],
      },
    ];
    let site1Up = true;
    const a = new GslbAnswers(store({ groups }), "vs-dns", (_gs, m: GslbMember) => m.cluster_uuid !== "c-1" || site1Up);
    expect(tally(a, 10)).toEqual({ "10.0.0.1": 10 });
    site1Up = false;
    expect(tally(a, 10)).toEqual({ "10.0.0.3": 10 });
  });

  it("answers no address when every member is down, and nothing at all on a DNS VS the Gslb does not list", () => {
    expect(new GslbAnswers(store(), "vs-dns", () => false).lookup("hello.avi.iberia.local", 30)).toEqual({ ips: [], ttl: 7, sites: [] });
    expect(new GslbAnswers(store(), "vs-other", () => true).lookup("hello.avi.iberia.local", 30)).toBeUndefined();
    expect(new GslbAnswers(store(), "vs-dns", () => true).lookup("other.avi.iberia.local", 30)).toBeUndefined();
  });
});
