import { OperationError, UsageError } from "../../base/errors.js";
import type { ApplicationProfile, VirtualService } from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import { uuidOfRef } from "../../clients/avi/types.js";
import { diffOwned, type PlanItem } from "../ensure.js";
import type { Events } from "../events.js";
import { assertDnsName } from "../infra/net.js";
import type { InfraResult } from "../infra/common.js";
import { clusterUuid, host, leaderGslb, siteAddress, type Gslb, type GslbSite } from "./common.js";

export interface GslbEnableOptions {
  subdomain: string;
  dnsVs: string;
  siteName: string;
  siteIp?: string;
  dryRun: boolean;
}

export function toGslbEnableOptions(raw: {
  subdomain?: string;
  dnsVs?: string;
  siteName?: string;
  siteIp?: string;
  dryRun?: boolean;
}): GslbEnableOptions {
  if (!raw.subdomain) throw new UsageError("--subdomain is required: the DNS sub-domain GSLB services live in, e.g. avi.iberia.local");
  if (!raw.dnsVs) throw new UsageError("--dns-vs is required: the leader's DNS virtual service, e.g. g-dns");
  const siteName = raw.siteName ?? "gslb-leader";
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(siteName))
    throw new UsageError(`--site-name "${siteName}" may only hold letters, digits, '_', '.' and '-'`);
  if (raw.siteIp !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(raw.siteIp))
    throw new UsageError(`--site-ip "${raw.siteIp}" is not an IPv4 address`);
  return {
    subdomain: assertDnsName(raw.subdomain, "--subdomain"),
    dnsVs: raw.dnsVs,
    siteName,
    siteIp: raw.siteIp,
    dryRun: Boolean(raw.dryRun),
  };
}

/** A DNS virtual service by name, refused when absent or not a DNS service. */
export async function requireDnsVs(avi: AviClient, name: string, where: string): Promise<VirtualService & { uuid: string }> {
  const vs = await avi.getByName<VirtualService>("virtualservice", name);
  if (!vs?.uuid)
    throw new OperationError(
      `DNS virtual service "${name}" does not exist on ${where}`,
      "create it with 'avictl dns-vs create' (or 'gslb add-site --prepare' on a follower)",
    );
  const app = vs.application_profile_ref
    ? await avi.getByUuid<ApplicationProfile>("applicationprofile", uuidOfRef(vs.application_profile_ref))
    : undefined;
  if (app?.type !== "APPLICATION_PROFILE_TYPE_DNS")
    throw new OperationError(`virtual service "${name}" on ${where} is not a DNS virtual service`);
  return vs as VirtualService & { uuid: string };
}

/**
 * GSLB on at the leader: the Gslb object with the leader site (its cluster uuid read from the
 * controller, its DNS VS serving the sub-domain). An existing Gslb is converged with PATCH add, so the
 * other sites' credentials are never sent back.
 */
export async function enableGslb(
  o: GslbEnableOptions,
  avi: AviClient,
  creds: { username: string; password?: string },
  events: Events,
): Promise<InfraResult> {
  const before = avi.writes;
  events.step("reading the leader's cluster and DNS virtual service");
  const uuid = await clusterUuid(avi);
  const vs = await requireDnsVs(avi, o.dnsVs, `the leader ${host(avi)}`);
  const existing = await leaderGslb(avi, uuid);
  const addr = siteAddress(avi.controller);
  if (!creds.password)
    throw new UsageError("gslb enable needs the leader's password (the leader site entry carries it); a token login cannot provide it");
  const dnsVses = [{ dns_vs_uuid: vs.uuid, domain_names: [o.subdomain] }];
  const site: GslbSite = {
    name: o.siteName,
    member_type: "GSLB_ACTIVE_MEMBER",
    cluster_uuid: uuid,
    ip_addresses: [{ addr: o.siteIp ?? addr.addr, type: "V4" }],
    port: addr.port,
    username: creds.username,
    password: creds.password,
    enabled: true,
    dns_vses: dnsVses,
  };
  const plan: PlanItem[] = [];
  if (!existing) {
    const desired = { leader_cluster_uuid: uuid, dns_configs: [{ domain_name: o.subdomain }], sites: [site] };
    const item: PlanItem = {
      kind: "gslb",
      name: "GSLB",
      action: "create",
      diff: [
        { path: "leader_cluster_uuid", to: uuid },
        { path: "dns_configs", to: desired.dns_configs },
        { path: `sites[${o.siteName}]`, to: redact(site) },
      ],
    };
    if (!o.dryRun) item.uuid = (await avi.create<Gslb>("gslb", { name: "GSLB", ...desired })).uuid;
    plan.push(item);
    return { dryRun: o.dryRun, plan, warnings: [], writes: avi.writes - before };
  }
  const add: Record<string, unknown> = {};
  const diff: PlanItem["diff"] = [];
  if (!(existing.dns_configs ?? []).some((d) => d.domain_name.toLowerCase() === o.subdomain)) {
    add.dns_configs = [{ domain_name: o.subdomain }];
    diff.push({ path: "dns_configs", to: add.dns_configs });
  }
  const mine = existing.sites?.find((s) => s.cluster_uuid === uuid);
  const owned = {
    name: o.siteName,
    member_type: site.member_type,
    ip_addresses: site.ip_addresses,
    port: site.port,
    dns_vses: mine ? mergeDnsVses(mine.dns_vses, dnsVses) : dnsVses,
  };
  const siteDiff = diffOwned(owned, mine);
  if (siteDiff.length) {
    // PATCH add replaces the entry with the same name: only the leader's own entry, with its own password.
    add.sites = [{ ...(mine ?? {}), ...site, dns_vses: owned.dns_vses }];
    diff.push(...siteDiff.map((d) => ({ ...d, path: `sites[${o.siteName}].${d.path}` })));
  }
  const item: PlanItem = {
    kind: "gslb",
    name: existing.name ?? "GSLB",
    uuid: existing.uuid,
    action: diff.length ? "update" : "unchanged",
    diff,
  };
  if (diff.length && !o.dryRun) await avi.patch("gslb", existing.uuid!, "add", add);
  plan.push(item);
  return { dryRun: o.dryRun, plan, warnings: [], writes: avi.writes - before };
}

function mergeDnsVses(current: GslbSite["dns_vses"], ours: NonNullable<GslbSite["dns_vses"]>): NonNullable<GslbSite["dns_vses"]> {
  const out = [...(current ?? [])];
  for (const d of ours) {
    const i = out.findIndex((x) => x.dns_vs_uuid === d.dns_vs_uuid);
    if (i < 0) out.push(d);
    else out[i] = { ...out[i]!, domain_names: [...new Set([...(out[i]!.domain_names ?? []), ...(d.domain_names ?? [])])] };
  }
  return out;
}

/** A site entry for plans and output: the password is never shown. */
export function redact(site: GslbSite): GslbSite {
  const { password, ...rest } = site;
  return password === undefined ? rest : { ...rest, password: "<hidden>" };
}
