import type { IpamDnsProviderProfile, Network, VrfContext } from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import { UsageError } from "../../base/errors.js";
import { ensure, updateOwned, type PlanItem } from "../ensure.js";
import type { Events } from "../events.js";
import { assertDiscoveredSubnet, ensureRoutes, refOrName, requireCloud, requireNetwork, type InfraResult } from "../infra/common.js";
import {
  assertDnsName,
  inCidr,
  mergeSubnets,
  parseCidr,
  parseIp,
  parsePool,
  parseSchemaCount,
  routeFor,
  subnetBody,
  type Cidr,
  type Pool,
} from "../infra/net.js";

export interface BootstrapCloudOptions {
  cloud: string;
  dnsDomains: string[];
  ttl: number;
  ipamProfile: string;
  dnsProfile: string;
  allocateIpInVrf: boolean;
  stateBasedDnsRegistration: boolean;
  mgmt?: { network: string; subnet: Cidr; pool: Pool; gateway?: string };
  /** Accept a management subnet that differs from the discovered one. */
  force: boolean;
  dryRun: boolean;
}

/** Validate flags before any request; one sentence per problem. */
export function toBootstrapCloudOptions(raw: {
  cloud?: string;
  dnsDomain?: string[];
  ttl?: string;
  ipamProfile?: string;
  dnsProfile?: string;
  allocateIpInVrf?: boolean;
  stateBasedDnsRegistration?: boolean;
  mgmtNetwork?: string;
  mgmtSubnet?: string;
  mgmtPool?: string;
  mgmtGateway?: string;
  force?: boolean;
  dryRun?: boolean;
}): BootstrapCloudOptions {
  const domains = (raw.dnsDomain ?? []).flatMap((d) => d.split(",")).filter(Boolean);
  if (domains.length === 0) throw new UsageError("--dns-domain is required (e.g. avi.iberia.local)");
  const ttl = parseSchemaCount(raw.ttl, "--ttl", "IpamDnsInternalProfile.ttl") ?? 30;
  const mgmtFlags = [raw.mgmtNetwork, raw.mgmtSubnet, raw.mgmtPool];
  if (mgmtFlags.some(Boolean) && !mgmtFlags.every(Boolean))
    throw new UsageError("--mgmt-network, --mgmt-subnet and --mgmt-pool go together");
  let mgmt: BootstrapCloudOptions["mgmt"];
  if (raw.mgmtNetwork && raw.mgmtSubnet && raw.mgmtPool) {
    const subnet = parseCidr(raw.mgmtSubnet, "--mgmt-subnet");
    const pool = parsePool(raw.mgmtPool, subnet, "STATIC_IPS_FOR_SE", "--mgmt-pool");
    const gateway = raw.mgmtGateway ? parseIp(raw.mgmtGateway, "--mgmt-gateway") : undefined;
    if (gateway && !inCidr(gateway, subnet)) throw new UsageError(`--mgmt-gateway ${gateway} is outside ${subnet.text}`);
    mgmt = { network: raw.mgmtNetwork, subnet, pool, gateway };
  } else if (raw.mgmtGateway) throw new UsageError("--mgmt-gateway needs --mgmt-network, --mgmt-subnet and --mgmt-pool");
  return {
    cloud: raw.cloud ?? "Default-Cloud",
    dnsDomains: domains.map((d) => assertDnsName(d, "--dns-domain")),
    ttl,
    ipamProfile: raw.ipamProfile ?? "IPAM_Default",
    dnsProfile: raw.dnsProfile ?? "DNS_Default",
    allocateIpInVrf: raw.allocateIpInVrf ?? true,
    stateBasedDnsRegistration: raw.stateBasedDnsRegistration ?? true,
    mgmt,
    force: Boolean(raw.force),
    dryRun: Boolean(raw.dryRun),
  };
}

/** IPAM and DNS profiles attached to the cloud, plus the SE management network's pool and gateway. */
export async function bootstrapCloud(o: BootstrapCloudOptions, avi: AviClient, events: Events): Promise<InfraResult> {
  const start = avi.writes;
  events.step("looking up", { cloud: o.cloud });
  const cloud = await requireCloud(avi, o.cloud);
  const [mgmtNet, status, mgmtVrf] = await Promise.all([
    o.mgmt ? requireNetwork(avi, o.mgmt.network, cloud) : undefined,
    avi.get<{ state?: string }>(`cloud/${cloud.uuid}/status`).catch(() => undefined),
    o.mgmt?.gateway ? avi.getByName<VrfContext>("vrfcontext", "management", { cloudUuid: cloud.uuid }) : undefined,
  ]);
  if (o.mgmt && mgmtNet) await assertDiscoveredSubnet(avi, mgmtNet, o.mgmt.subnet, o.force);
  const warnings: string[] = [];
  if (status?.state && status.state !== "CLOUD_STATE_PLACEMENT_READY")
    warnings.push(`cloud ${o.cloud} is ${status.state}, not ready for placement; virtual services will wait for it`);
  const opts = { dryRun: o.dryRun };
  const plan: PlanItem[] = [];

  events.step("IPAM and DNS profiles");
  const [ipam, dns] = await Promise.all([
    ensure<IpamDnsProviderProfile>(
      avi,
      {
        type: "ipamdnsproviderprofile",
        name: o.ipamProfile,
        desired: { type: "IPAMDNS_TYPE_INTERNAL", allocate_ip_in_vrf: o.allocateIpInVrf },
      },
      opts,
    ),
    ensure<IpamDnsProviderProfile>(
      avi,
      {
        type: "ipamdnsproviderprofile",
        name: o.dnsProfile,
        desired: {
          type: "IPAMDNS_TYPE_INTERNAL_DNS",
          internal_profile: {
            ttl: o.ttl,
            dns_service_domain: o.dnsDomains.map((d) => ({ domain_name: d, pass_through: true, record_ttl: o.ttl })),
          },
        },
      },
      opts,
    ),
  ]);
  plan.push(ipam.item, dns.item);

  events.step("attaching profiles to the cloud", { cloud: o.cloud });
  const attached = await updateOwned(
    avi,
    "cloud",
    cloud,
    {
      ipam_provider_ref: refOrName(avi, "ipamdnsproviderprofile", ipam.item.uuid, o.ipamProfile),
      dns_provider_ref: refOrName(avi, "ipamdnsproviderprofile", dns.item.uuid, o.dnsProfile),
      state_based_dns_registration: o.stateBasedDnsRegistration,
    },
    opts,
  );
  plan.push(attached.item);

  if (o.mgmt && mgmtNet) {
    events.step("management network", { network: o.mgmt.network });
    const subnet = subnetBody(o.mgmt.subnet, [o.mgmt.pool], avi.atLeast("20.1.3"));
    plan.push(
      (
        await updateOwned<Network>(
          avi,
          "network",
          mgmtNet,
          (net) => ({ dhcp_enabled: false, configured_subnets: mergeSubnets(net?.configured_subnets, subnet) }),
          opts,
        )
      ).item,
    );
    if (o.mgmt.gateway && mgmtVrf)
      plan.push((await ensureRoutes(avi, mgmtVrf, [routeFor(parseCidr("0.0.0.0/0", "default route"), o.mgmt.gateway)], opts)).item);
  }
  return { dryRun: o.dryRun, plan, warnings, writes: avi.writes - start };
}
