import type {
  ApplicationProfile,
  DnsRecord,
  IpAddrPrefix,
  ServiceEngineGroup,
  SystemConfiguration,
  VirtualService,
  VsVip,
} from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import { uuidOfRef } from "../../clients/avi/types.js";
import { UsageError } from "../../base/errors.js";
import { diffOwned, ensure, ensureListEntries, retryConcurrent, type PlanItem } from "../ensure.js";
import type { Events } from "../events.js";
import { refOrName, requireCloud, requireNetwork, type InfraResult } from "../infra/common.js";
import { assertDnsName, parseIp, parseSchemaCount, v4 } from "../infra/net.js";

export interface DnsVsOptions {
  name: string;
  cloud: string;
  network: string;
  vrf?: string;
  seGroup: string;
  records: { fqdn: string; ips: string[] }[];
  /** num_records_in_response of our records; undefined leaves the controller default (all). */
  answersPerQuery?: number;
  authoritative: string[];
  adminEmail?: string;
  nameServer?: string;
  invalidQuery?: "respond" | "drop";
  setSystemDns: boolean;
  ttl?: number;
  dryRun: boolean;
}

export function toDnsVsOptions(
  name: string,
  raw: {
    cloud?: string;
    network?: string;
    vrf?: string;
    seGroup?: string;
    record?: string[];
    answersPerQuery?: string;
    authoritative?: string[];
    adminEmail?: string;
    ns?: string;
    invalidQuery?: string;
    setSystemDns?: boolean;
    ttl?: string;
    dryRun?: boolean;
  },
): DnsVsOptions {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))
    throw new UsageError(`virtual service name "${name}" may only hold letters, digits, '_', '.' and '-'`);
  if (!raw.network) throw new UsageError("--network is required: the network whose VIP pool the DNS service gets its address from");
  const byFqdn = new Map<string, string[]>();
  for (const spec of raw.record ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(spec);
    if (!m) throw new UsageError(`--record "${spec}" must look like FQDN=IP`);
    const fqdn = assertDnsName(m[1]!, "--record name");
    const ips = m[2]!.split(",").map((ip) => parseIp(ip.trim(), `--record ${fqdn} address`));
    byFqdn.set(fqdn, [...new Set([...(byFqdn.get(fqdn) ?? []), ...ips])]);
  }
  for (const [fqdn, ips] of byFqdn)
    if (ips.length > 4) throw new UsageError(`--record ${fqdn} has ${ips.length} addresses; a static record holds at most 4`);
  if (raw.invalidQuery !== undefined && raw.invalidQuery !== "respond" && raw.invalidQuery !== "drop")
    throw new UsageError(`--invalid-query must be respond or drop, not "${raw.invalidQuery}"`);
  const authoritative = (raw.authoritative ?? []).map((d) => assertDnsName(d, "--authoritative"));
  if ((raw.adminEmail || raw.ns) && authoritative.length === 0)
    throw new UsageError("--admin-email and --ns describe an authoritative zone; add --authoritative DOMAIN");
  if (raw.adminEmail && !/^[^@\s]+@[^@\s]+$|^[^@\s]+$/.test(raw.adminEmail))
    throw new UsageError(`--admin-email "${raw.adminEmail}" is not an email address`);
  return {
    name,
    cloud: raw.cloud ?? "Default-Cloud",
    network: raw.network,
    vrf: raw.vrf,
    seGroup: raw.seGroup ?? "DNS-SE-Group",
    records: [...byFqdn].map(([fqdn, ips]) => ({ fqdn, ips })),
    // 0 stands for "all" (the field left unset), below the schema's minimum of 1.
    answersPerQuery:
      raw.answersPerQuery?.trim() === "0"
        ? 0
        : parseSchemaCount(raw.answersPerQuery, "--answers-per-query", "DnsServiceApplicationProfile.num_dns_ip"),
    authoritative,
    adminEmail: raw.adminEmail,
    nameServer: raw.ns ? assertDnsName(raw.ns, "--ns") : undefined,
    invalidQuery: raw.invalidQuery as DnsVsOptions["invalidQuery"],
    setSystemDns: Boolean(raw.setSystemDns),
    ttl: parseSchemaCount(raw.ttl, "--ttl", "DnsServiceApplicationProfile.ttl"),
    dryRun: Boolean(raw.dryRun),
  };
}

/** A DNS virtual service: IPAM-allocated VIP on the network, UDP 53, the DNS SE group, static records. */
export async function createDnsVs(o: DnsVsOptions, avi: AviClient, events: Events): Promise<InfraResult> {
  const start = avi.writes;
  events.step("looking up", { cloud: o.cloud, network: o.network });
  const cloud = await requireCloud(avi, o.cloud);
  const scope = { cloudUuid: cloud.uuid };
  const [net, seg, systemDns, udp, vrf, sysconf] = await Promise.all([
    requireNetwork(avi, o.network, cloud),
    avi.getByName<ServiceEngineGroup>("serviceenginegroup", o.seGroup, scope),
    avi.getByName<ApplicationProfile>("applicationprofile", "System-DNS"),
    avi.getByName("networkprofile", "System-UDP-Per-Pkt"),
    o.vrf ? avi.getByName("vrfcontext", o.vrf, scope) : undefined,
    o.setSystemDns ? avi.get<SystemConfiguration>("systemconfiguration") : undefined,
  ]);
  // A dry run of a whole sequence plans against objects earlier steps would create: warn instead of refusing.
  const warnings: string[] = [];
  const missing = (message: string, hint: string) => {
    if (!o.dryRun) throw new UsageError(message, hint);
    warnings.push(`${message} yet; planned as if an earlier step creates it`);
  };
  if (!seg?.uuid) missing(`SE group ${o.seGroup} does not exist on cloud ${o.cloud}`, `create it first: avictl seg create ${o.seGroup}`);
  if (o.vrf && !vrf?.uuid) throw new UsageError(`VRF ${o.vrf} does not exist on cloud ${o.cloud}`);
  const subnet: IpAddrPrefix | undefined = net.configured_subnets?.[0]?.prefix;
  if (!subnet)
    missing(
      `network ${o.network} has no configured subnet and pool for VIPs`,
      `configure it first: avictl create-vrf VRF --network ${o.network}=CIDR@BEGIN-END`,
    );
  if (!systemDns?.uuid || !udp?.uuid)
    throw new UsageError("the controller lacks the System-DNS application profile or the System-UDP-Per-Pkt network profile");
  const vrfRef = vrf?.uuid ? avi.ref("vrfcontext", vrf.uuid) : net.vrf_context_ref!;
  const opts = { dryRun: o.dryRun };
  const plan: PlanItem[] = [];

  let profileRef = avi.ref("applicationprofile", systemDns.uuid);
  if (o.authoritative.length || o.invalidQuery || o.ttl !== undefined) {
    // A dedicated profile, so changing these does not change every DNS VS that uses System-DNS.
    const name = `${o.name}-dns-profile`;
    const dnsProfile: Record<string, unknown> = { aaaa_empty_response: true };
    if (o.authoritative.length)
      dnsProfile.dns_zones = o.authoritative.map((d) => ({
        domain_name: d,
        ...(o.adminEmail ? { admin_email: o.adminEmail } : {}),
        ...(o.nameServer ? { name_server: o.nameServer } : {}),
      }));
    if (o.invalidQuery) dnsProfile.error_response = o.invalidQuery === "respond" ? "DNS_ERROR_RESPONSE_ERROR" : "DNS_ERROR_RESPONSE_NONE";
    if (o.ttl !== undefined) dnsProfile.ttl = o.ttl;
    events.step("DNS application profile", { name });
    const r = await ensure<ApplicationProfile>(
      avi,
      { type: "applicationprofile", name, desired: { type: "APPLICATION_PROFILE_TYPE_DNS", dns_service_profile: dnsProfile } },
      opts,
    );
    plan.push(r.item);
    profileRef = refOrName(avi, "applicationprofile", r.item.uuid, name);
  }

  const vsvipName = `vsvip-${o.name}-${o.cloud}`;
  events.step("VIP", { name: vsvipName });
  const vsvip = await ensure<VsVip>(
    avi,
    {
      type: "vsvip",
      name: vsvipName,
      cloudUuid: cloud.uuid,
      desired: {
        cloud_ref: avi.ref("cloud", cloud.uuid),
        vrf_context_ref: vrfRef,
        vip: [
          {
            vip_id: "1",
            enabled: true,
            auto_allocate_ip: true,
            auto_allocate_ip_type: "V4_ONLY",
            ipam_network_subnet: { network_ref: avi.ref("network", net.uuid), ...(subnet ? { subnet } : {}) },
          },
        ],
      },
    },
    opts,
  );
  plan.push(vsvip.item);

  events.step("virtual service", { name: o.name });
  const records = staticRecords(o.records, o.ttl, o.answersPerQuery);
  const vs = await ensure<VirtualService>(
    avi,
    {
      type: "virtualservice",
      name: o.name,
      cloudUuid: cloud.uuid,
      desired: {
        cloud_ref: avi.ref("cloud", cloud.uuid),
        vrf_context_ref: vrfRef,
        vsvip_ref: refOrName(avi, "vsvip", vsvip.item.uuid, vsvipName),
        se_group_ref: refOrName(avi, "serviceenginegroup", seg?.uuid, o.seGroup),
        application_profile_ref: profileRef,
        network_profile_ref: avi.ref("networkprofile", udp.uuid),
        services: [{ port: 53 }],
        analytics_policy: {
          full_client_logs: { enabled: true, duration: 0, throttle: 0 },
          metrics_realtime_update: { enabled: true, duration: 0 },
          significant_log_throttle: 0,
          udf_log_throttle: 0,
        },
        enabled: true,
      },
      createWith: records.length ? { static_dns_records: records } : undefined,
    },
    opts,
  );
  if (vs.object && vs.item.action !== "create" && records.length) {
    // Records go in by PATCH add (ours replacing our older versions by PATCH delete), so parallel
    // runs adding different records to one DNS service never rebuild the list from a stale read.
    const r = await ensureListEntries<VirtualService, DnsRecord>(
      avi,
      "virtualservice",
      vs.object,
      "static_dns_records",
      records,
      { key: recordKey, same: (x, w) => diffOwned(w, x).length === 0 },
      opts,
    );
    if (r.item.action === "update") vs.item = { ...vs.item, action: "update", diff: [...vs.item.diff, ...r.item.diff] };
  }
  plan.push(vs.item);

  if (o.setSystemDns && sysconf) {
    const item = await retryConcurrent(
      avi,
      "systemconfiguration",
      sysconf,
      async (current): Promise<PlanItem> => {
        const present = vs.item.uuid !== undefined && (current.dns_virtualservice_refs ?? []).some((r) => uuidOfRef(r) === vs.item.uuid);
        if (!present && !o.dryRun)
          await avi.patchSingleton("systemconfiguration", "add", { dns_virtualservice_refs: [avi.ref("virtualservice", vs.item.uuid!)] });
        return {
          kind: "systemconfiguration",
          name: "default",
          action: present ? "unchanged" : "update",
          diff: present ? [] : [{ path: "dns_virtualservice_refs", to: o.name }],
        };
      },
      () => avi.get<SystemConfiguration>("systemconfiguration"),
    );
    plan.push(item);
  }
  return { dryRun: o.dryRun, plan, warnings, writes: avi.writes - start };
}

/** A static record is identified by its type and (sorted) names; ours replace any with the same identity. */
const recordKey = (r: DnsRecord) => `${r.type}|${[...(r.fqdn ?? [])].sort().join(",")}`;

export function staticRecords(ours: { fqdn: string; ips: string[] }[], ttl?: number, perQuery?: number): DnsRecord[] {
  return ours.map((r) => ({
    type: "DNS_RECORD_A",
    fqdn: [r.fqdn],
    ip_address: r.ips.map((ip) => ({ ip_address: v4(ip) })),
    ...(ttl !== undefined ? { ttl } : {}),
    ...(perQuery !== undefined && r.ips.length > 1
      ? { num_records_in_response: perQuery, algorithm: "DNS_RECORD_RESPONSE_ROUND_ROBIN" }
      : {}),
  }));
}
