import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanItem } from "../../src/workflows/ensure.js";
import { startTestController } from "../helpers/lab.js";
import { discoveredNetworks, type DiscoveredNetwork } from "../helpers/networks.js";
import { isolatedConfig, runCli } from "../helpers/run-cli.js";

type Lab = Awaited<ReturnType<typeof startTestController>>;
interface Route {
  route_id: string;
  prefix: { ip_addr: { addr: string }; mask: number | string };
  next_hop: { addr: string };
  labels?: { key: string; value: string }[];
}
interface Subnet {
  prefix: { ip_addr: { addr: string }; mask: number };
  static_ip_ranges: { range: { begin: { addr: string }; end: { addr: string } } }[];
}

let lab: Lab;
let env: Record<string, string>;
let nets: DiscoveredNetwork[];
beforeAll(async () => {
  lab = await startTestController();
  env = { AVICTL_CONFIG: isolatedConfig(), ...lab.env() };
  nets = discoveredNetworks(lab.ctrl);
});
afterAll(async () => {
  await lab?.ctrl.close();
});

const cli = (args: string[]) => runCli(["-o", "json", ...args], { env });
const plan = (stdout: string) => (JSON.parse(stdout) as { plan: PlanItem[] }).plan;
const defaults = (vrf: string) =>
  ((lab.ctrl.store.findByName("vrfcontext", vrf)?.static_routes as Route[] | undefined) ?? []).filter(
    (r) => r.prefix.ip_addr.addr === "0.0.0.0" && Number(r.prefix.mask) === 0,
  );
const subnets = (net: string) => (lab.ctrl.store.findByName("network", net)?.configured_subnets as Subnet[] | undefined) ?? [];
const pools = (net: string) => subnets(net).flatMap((s) => s.static_ip_ranges.map((p) => `${p.range.begin.addr}-${p.range.end.addr}`));

const bootstrapMgmt = (mgmt: DiscoveredNetwork, pool: string, extra: string[] = []) =>
  cli([
    "bootstrap",
    "cloud",
    "--dns-domain",
    "owned.example",
    "--mgmt-network",
    mgmt.name,
    "--mgmt-subnet",
    mgmt.subnet,
    "--mgmt-pool",
    pool,
    ...extra,
  ]);

describe("owned values are replaced, not accumulated", () => {
  it("a changed --default-gateway leaves one default route (the new one, reported as an update); AKO's stays", async () => {
    const net = nets[0]!;
    expect((await cli(["create-vrf", "VRF_GW", "--default-gateway", net.at(1)])).code).toBe(0);
    // AKO's own default route in the same VRF (labelled with its cluster) is not avictl's to replace.
    const vrf = lab.ctrl.store.findByName("vrfcontext", "VRF_GW")!;
    const ako: Route = {
      route_id: "S1-AZ1-0",
      prefix: { ip_addr: { addr: "0.0.0.0" }, mask: 0 },
      next_hop: { addr: net.at(3) },
      labels: [{ key: "clustername", value: "S1-AZ1" }],
    };
    lab.ctrl.store.put("vrfcontext", { ...vrf, static_routes: [...(vrf.static_routes as Route[]), ako] });

    const r = await cli(["create-vrf", "VRF_GW", "--default-gateway", net.at(2)]);
    expect(r.code, r.stderr).toBe(0);
    expect(
      plan(r.stdout)
        .find((p) => p.kind === "vrfcontext" && p.action === "update")
        ?.diff.map((d) => d.path),
    ).toEqual([`static_routes[0.0.0.0/0>${net.at(2)}]`, `static_routes[0.0.0.0/0>${net.at(1)}]`]);
    expect(
      defaults("VRF_GW")
        .map((d) => d.next_hop.addr)
        .sort(),
    ).toEqual([net.at(2), net.at(3)].sort());

    const before = lab.ctrl.writes;
    const again = await cli(["create-vrf", "VRF_GW", "--default-gateway", net.at(2)]);
    expect(plan(again.stdout).every((p) => p.action === "unchanged")).toBe(true);
    expect(lab.ctrl.writes).toBe(before);
  });

  it("bootstrap cloud: a changed --mgmt-gateway and a corrected --mgmt-pool replace the earlier ones", async () => {
    const mgmt = nets[1]!;
    const run = (pool: string, gateway: string) => bootstrapMgmt(mgmt, pool, ["--mgmt-gateway", gateway]);
    expect((await run(mgmt.pool(45, 50), mgmt.at(1))).code).toBe(0);
    const r = await run(mgmt.pool(45, 60), mgmt.at(254));
    expect(r.code, r.stderr).toBe(0);
    expect(defaults("management").map((d) => d.next_hop.addr)).toEqual([mgmt.at(254)]);
    expect(pools(mgmt.name)).toEqual([mgmt.pool(45, 60)]);
    expect(
      plan(r.stdout)
        .filter((p) => p.action === "update")
        .map((p) => p.kind)
        .sort(),
    ).toEqual(["network", "vrfcontext"]);
  });

  it("bootstrap cloud's SE pool and a VIP pool on the same management subnet both stay; each corrects only its own", async () => {
    const mgmt = nets[1]!;
    const typed = () =>
      subnets(mgmt.name).flatMap((s) =>
        (s.static_ip_ranges as { range: { begin: { addr: string }; end: { addr: string } }; type: string }[]).map(
          (p) => `${p.type.replace("STATIC_IPS_FOR_", "")} ${p.range.begin.addr}-${p.range.end.addr}`,
        ),
      );
    const bootstrap = (pool: string) => bootstrapMgmt(mgmt, pool);
    // What `gslb add-site --prepare --network NAME=CIDR@RANGE` does on the follower: a VIP pool in the global VRF.
    const vipPool = (pool: string, type = "vip") =>
      cli(["create-vrf", "global", "--network", `${mgmt.name}=${mgmt.subnet}@${pool}:${type}`]);
    expect((await bootstrap(mgmt.pool(45, 50))).code).toBe(0);
    expect((await vipPool(mgmt.pool(60, 69))).code).toBe(0);
    expect(typed()).toEqual([`SE ${mgmt.pool(45, 50)}`, `VIP ${mgmt.pool(60, 69)}`]);

    const before = lab.ctrl.writes;
    const again = await bootstrap(mgmt.pool(45, 50));
    expect(plan(again.stdout).every((p) => p.action === "unchanged")).toBe(true);
    expect((await vipPool(mgmt.pool(60, 69))).code).toBe(0);
    expect(lab.ctrl.writes).toBe(before);

    expect((await bootstrap(mgmt.pool(45, 55))).code).toBe(0);
    expect((await vipPool(mgmt.pool(70, 79))).code).toBe(0);
    expect(typed()).toEqual([`SE ${mgmt.pool(45, 55)}`, `VIP ${mgmt.pool(70, 79)}`]);
    // A pool that overlaps the other use's range, or serves both uses, takes its place rather than sharing.
    expect((await vipPool(mgmt.pool(50, 59))).code).toBe(0);
    expect(typed()).toEqual([`VIP ${mgmt.pool(50, 59)}`]);
    expect((await bootstrap(mgmt.pool(45, 49))).code).toBe(0);
    expect((await vipPool(mgmt.pool(60, 69), "vip+se")).code).toBe(0);
    expect(typed()).toEqual([`VIP_AND_SE ${mgmt.pool(60, 69)}`]);
  });

  it("create-vrf: a corrected pool replaces the one set earlier", async () => {
    const net = nets[2]!;
    expect((await cli(["create-vrf", "VRF_POOL", "--network", `${net.name}=${net.subnet}@${net.pool(40, 59)}`])).code).toBe(0);
    const r = await cli(["create-vrf", "VRF_POOL", "--network", `${net.name}=${net.subnet}@${net.pool(100, 119)}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(pools(net.name)).toEqual([net.pool(100, 119)]);
  });

  it("refuses a subnet other than the discovered one (suggesting it) unless --force; the corrected one then replaces it", async () => {
    const net = nets[3]!;
    const [a, b, c] = net.network.split(".");
    const wrong = `${a}.${b}.${Number(c) + 100}.0/24`;
    const wrongPool = `${a}.${b}.${Number(c) + 100}.40-${a}.${b}.${Number(c) + 100}.59`;
    const before = lab.ctrl.writes;
    const refused = await cli(["create-vrf", "VRF_SUB", "--network", `${net.name}=${wrong}@${wrongPool}`]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`subnet ${wrong} differs from the subnet the cloud discovered on it (${net.subnet})`);
    expect(refused.stderr).not.toMatch(/bug/i);
    expect(lab.ctrl.writes).toBe(before);

    const forced = await cli(["create-vrf", "VRF_SUB", "--force", "--network", `${net.name}=${wrong}@${wrongPool}`]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(subnets(net.name).map((s) => s.prefix.ip_addr.addr)).toEqual([wrong.split("/")[0]]);
    // Disjoint subnets both stay; only an overlapping one is avictl's earlier value.
    const fixed = await cli(["create-vrf", "VRF_SUB", "--network", `${net.name}=${net.subnet}@${net.pool()}`]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(subnets(net.name).map((s) => `${s.prefix.ip_addr.addr}/${s.prefix.mask}`)).toEqual([wrong, net.subnet]);
    const narrower = await cli(["create-vrf", "VRF_SUB", "--force", "--network", `${net.name}=${net.network}/25@${net.pool()}`]);
    expect(narrower.code, narrower.stderr).toBe(0);
    expect(subnets(net.name).map((s) => `${s.prefix.ip_addr.addr}/${s.prefix.mask}`)).toEqual([wrong, `${net.network}/25`]);
  });

  it("dns-vs create: a record given again with other addresses replaces ours; other records stay", async () => {
    const net = nets[2]!;
    for (const args of [
      ["create-vrf", "VRF_POOL", "--network", `${net.name}=${net.subnet}@${net.pool(100, 119)}`],
      ["seg", "create", "DNS-SE-Group", "--buffer-se", "0"],
    ]) {
      expect((await cli(args)).code).toBe(0);
    }
    const records = () =>
      (
        lab.ctrl.store.findByName("virtualservice", "owned-dns")?.static_dns_records as {
          fqdn: string[];
          ip_address: { ip_address: { addr: string } }[];
        }[]
      ).map((r) => `${r.fqdn.join()}=${r.ip_address.map((a) => a.ip_address.addr).join()}`);
    expect(
      (
        await cli([
          "dns-vs",
          "create",
          "owned-dns",
          "--network",
          net.name,
          "--record",
          "a.owned.example=192.0.2.1",
          "--record",
          "b.owned.example=192.0.2.9",
        ])
      ).code,
    ).toBe(0);
    const r = await cli(["dns-vs", "create", "owned-dns", "--network", net.name, "--record", "a.owned.example=192.0.2.2"]);
    expect(r.code, r.stderr).toBe(0);
    expect(plan(r.stdout).find((p) => p.kind === "virtualservice")?.action).toBe("update");
    expect(records().sort()).toEqual(["a.owned.example=192.0.2.2", "b.owned.example=192.0.2.9"]);
  });

  it.each([
    ["network", (n: DiscoveredNetwork) => `${n.network}-${n.at(20)}`, "the network address"],
    ["broadcast", (n: DiscoveredNetwork) => `${n.at(200)}-${n.broadcast}`, "the broadcast address"],
  ])("refuses a static pool that covers the %s address", async (_, pool, words) => {
    const net = nets[4]!;
    const before = lab.ctrl.writes;
    const r = await cli(["create-vrf", "VRF_EDGE", "--network", `${net.name}=${net.subnet}@${pool(net)}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(words);
    expect(lab.ctrl.writes).toBe(before);
    const m = await cli([
      "bootstrap",
      "cloud",
      "--dns-domain",
      "owned.example",
      "--mgmt-network",
      net.name,
      "--mgmt-subnet",
      net.subnet,
      "--mgmt-pool",
      pool(net),
    ]);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain(words);
  });
});
