import type { ApplicationProfile, VirtualService, VsVip } from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import { uuidOfRef } from "../../clients/avi/types.js";
import { UsageError } from "../../base/errors.js";

export interface DnsRecordRow {
  fqdn: string;
  type: string;
  addresses: string[];
  ttl?: number;
  /** "static" or the virtual service that registered the name. */
  source: string;
}

/** The records a DNS virtual service serves: its static records and names registered by virtual services. */
export async function listDnsRecords(o: { name: string; cloud: string }, avi: AviClient): Promise<DnsRecordRow[]> {
  const cloud = await avi.getByName("cloud", o.cloud);
  const vs = await avi.getByName<VirtualService>("virtualservice", o.name, { cloudUuid: cloud?.uuid });
  if (!vs) throw new UsageError(`DNS virtual service ${o.name} does not exist`, "create it with 'avictl dns-vs create'");
  const [vsvips, vses, dnsProfile] = await Promise.all([
    avi.list<VsVip>("vsvip"),
    avi.list<VirtualService>("virtualservice", { fields: "name,vsvip_ref" }),
    cloud?.dns_provider_ref
      ? avi.getByUuid<{ internal_profile?: { dns_service_domain?: { domain_name: string }[] } }>(
          "ipamdnsproviderprofile",
          uuidOfRef(String(cloud.dns_provider_ref)),
        )
      : undefined,
  ]);
  const profile = vs.application_profile_ref
    ? await avi.getByUuid<ApplicationProfile>("applicationprofile", uuidOfRef(vs.application_profile_ref))
    : undefined;
  const ttl = profile?.dns_service_profile?.ttl;
  const rows: DnsRecordRow[] = (vs.static_dns_records ?? []).flatMap((r) =>
    (r.fqdn ?? []).map((fqdn) => ({
      fqdn,
      type: r.type.replace("DNS_RECORD_", ""),
      addresses: (r.ip_address ?? []).map((a) => a.ip_address.addr),
      ttl: r.ttl === undefined ? ttl : Number(r.ttl),
      source: "static",
    })),
  );
  const domains = (dnsProfile?.internal_profile?.dns_service_domain ?? []).map((d) => d.domain_name);
  const byVip = new Map(vsvips.map((v) => [v.uuid, v]));
  for (const other of vses) {
    const vip = other.vsvip_ref ? byVip.get(uuidOfRef(other.vsvip_ref)) : undefined;
    for (const info of vip?.dns_info ?? []) {
      if (!info.fqdn || !domains.some((d) => info.fqdn === d || info.fqdn!.endsWith(`.${d}`))) continue;
      rows.push({
        fqdn: info.fqdn,
        type: "A",
        addresses: (vip?.vip ?? []).map((v) => v.ip_address?.addr).filter((a): a is string => Boolean(a)),
        ttl: info.ttl ?? ttl,
        source: String(other.name),
      });
    }
  }
  return rows.sort((a, b) => a.fqdn.localeCompare(b.fqdn));
}
