import type { Network, StaticIpRangeType, VrfContext } from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import { uuidOfRef } from "../../clients/avi/types.js";
import { UsageError } from "../../base/errors.js";
import { ensure, updateOwned, type PlanItem } from "../ensure.js";
import type { Events } from "../events.js";
import { assertDiscoveredSubnet, ensureRoutes, refOrName, requireCloud, requireNetwork, type InfraResult } from "../infra/common.js";
import { assertNoOverlap, mergeSubnets, parseCidr, parseIp, parsePool, routeFor, subnetBody, type Cidr, type Pool } from "../infra/net.js";

export interface NetworkSpec {
  name: string;
  subnet: Cidr;
  pool: Pool;
}
export interface CreateVrfOptions {
  name: string;
  cloud: string;
  networks: NetworkSpec[];
  routes: { prefix: Cidr; nextHop: string }[];
  move: boolean;
  /** Accept subnets that differ from the ones the cloud discovered. */
  force: boolean;
  dryRun: boolean;
}

const POOL_TYPES: Record<string, StaticIpRangeType> = {
  vip: "STATIC_IPS_FOR_VIP",
  se: "STATIC_IPS_FOR_SE",
  "vip+se": "STATIC_IPS_FOR_VIP_AND_SE",
};

export function toCreateVrfOptions(
  name: string,
  raw: { cloud?: string; network?: string[]; route?: string[]; defaultGateway?: string; move?: boolean; force?: boolean; dryRun?: boolean },
  /** Pool type of a --network without a :TYPE suffix. */
  defaultPoolType: "vip" | "se" | "vip+se" = "vip+se",
): CreateVrfOptions {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))
    throw new UsageError(`VRF name "${name}" may only hold letters, digits, '_', '.' and '-'`);
  const networks = (raw.network ?? []).map((spec) => {
    const v6 = /^([^=]+)=[^@]*:/.exec(spec);
    if (v6) throw new UsageError(`IPv6 is not supported for --network ${v6[1]}: give an IPv4 subnet and pool, NAME=CIDR@BEGIN-END`);
    const m = /^([^=]+)=([^@]+)@([^:]+)(?::(.+))?$/.exec(spec);
    if (!m) throw new UsageError(`--network "${spec}" must look like NAME=CIDR@BEGIN-END[:vip|se|vip+se]`);
    const type = POOL_TYPES[(m[4] ?? defaultPoolType).toLowerCase()];
    if (!type) throw new UsageError(`--network "${spec}": pool type must be vip, se or vip+se`);
    const subnet = parseCidr(m[2]!, `--network ${m[1]} subnet`);
    return { name: m[1]!, subnet, pool: parsePool(m[3]!, subnet, type, `--network ${m[1]}`) };
  });
  const names = networks.map((n) => n.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new UsageError(`--network ${twice} is given twice`);
  assertNoOverlap(networks.map((n) => ({ label: n.name, pool: n.pool })));
  const routes = (raw.route ?? []).map((spec) => {
    const m = /^([^=]+)=(.+)$/.exec(spec);
    if (!m) throw new UsageError(`--route "${spec}" must look like PREFIX=NEXTHOP, e.g. 10.10.0.0/16=10.10.25.1`);
    return { prefix: parseCidr(m[1]!, "--route prefix"), nextHop: parseIp(m[2]!, "--route next hop") };
  });
  if (raw.defaultGateway)
    routes.push({ prefix: parseCidr("0.0.0.0/0", "default route"), nextHop: parseIp(raw.defaultGateway, "--default-gateway") });
  if (networks.length && name === "management")
    throw new UsageError("networks are not moved into the management VRF; use bootstrap cloud --mgmt-network");
  return {
    name,
    cloud: raw.cloud ?? "Default-Cloud",
    networks,
    routes,
    move: Boolean(raw.move),
    force: Boolean(raw.force),
    dryRun: Boolean(raw.dryRun),
  };
}

/** A VRF on the cloud, discovered networks moved into it with subnet and pool, static routes added by PATCH. */
export async function createVrf(o: CreateVrfOptions, avi: AviClient, events: Events): Promise<InfraResult> {
  const start = avi.writes;
  events.step("looking up", { cloud: o.cloud });
  const cloud = await requireCloud(avi, o.cloud);
  const [nets, vrf] = await Promise.all([
    Promise.all(o.networks.map((n) => requireNetwork(avi, n.name, cloud))),
    avi.getByName<VrfContext>("vrfcontext", o.name, { cloudUuid: cloud.uuid }),
  ]);
  // Refuse networks that another VRF already owns before anything is written.
  const vrfNames = new Map(
    (await avi.list<VrfContext>("vrfcontext", { "cloud_ref.uuid": cloud.uuid, fields: "name" })).map((v) => [v.uuid, v.name]),
  );
  for (const net of nets) {
    const current = vrfNames.get(uuidOfRef(net.vrf_context_ref ?? ""));
    if (current && current !== "global" && current !== o.name && !o.move) {
      throw new UsageError(`network ${net.name} is already in VRF ${current}`, `pass --move to move it into ${o.name}`);
    }
  }
  await Promise.all(nets.map((net, i) => assertDiscoveredSubnet(avi, net, o.networks[i]!.subnet, o.force)));
  const opts = { dryRun: o.dryRun };
  const plan: PlanItem[] = [];
  const system = o.name === "global" || o.name === "management";
  let target = vrf;
  if (!system) {
    events.step("VRF context", { name: o.name });
    const r = await ensure<VrfContext>(
      avi,
      { type: "vrfcontext", name: o.name, cloudUuid: cloud.uuid, desired: { cloud_ref: avi.ref("cloud", cloud.uuid) } },
      opts,
    );
    plan.push(r.item);
    target = r.object;
  } else if (!vrf) throw new UsageError(`VRF ${o.name} does not exist on cloud ${o.cloud}`);
  const vrfRef = refOrName(avi, "vrfcontext", target?.uuid, o.name);
  const modern = avi.atLeast("20.1.3");
  events.step("networks", { count: nets.length });
  const moved = await Promise.all(
    nets.map((net, i) => {
      const spec = o.networks[i]!;
      const subnet = subnetBody(spec.subnet, [spec.pool], modern);
      return updateOwned<Network>(
        avi,
        "network",
        net,
        (current) => ({
          vrf_context_ref: vrfRef,
          dhcp_enabled: false,
          configured_subnets: mergeSubnets(current?.configured_subnets, subnet),
        }),
        opts,
      );
    }),
  );
  plan.push(...moved.map((m) => m.item));
  if (o.routes.length) {
    events.step("static routes", { count: o.routes.length });
    if (!target)
      plan.push({
        kind: "vrfcontext",
        name: o.name,
        action: "update",
        diff: o.routes.map((r) => ({ path: `static_routes[${r.prefix.text}>${r.nextHop}]`, to: r })),
      });
    else
      plan.push(
        (
          await ensureRoutes(
            avi,
            target,
            o.routes.map((r) => routeFor(r.prefix, r.nextHop)),
            opts,
          )
        ).item,
      );
  }
  return { dryRun: o.dryRun, plan, warnings: [], writes: avi.writes - start };
}
