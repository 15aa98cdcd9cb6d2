import { OperationError, UsageError } from "../../base/errors.js";
import type { Clock } from "../../base/clock.js";
import { AviApiError } from "../../clients/avi/errors.js";
import type { AviClient } from "../../clients/avi/types.js";
import { createDnsVs, toDnsVsOptions } from "../dns-vs/create.js";
import { diffOwned, type PlanItem } from "../ensure.js";
import type { Events } from "../events.js";
import type { InfraResult } from "../infra/common.js";
import { createVrf, toCreateVrfOptions } from "../vrf/create.js";
import { clusterUuid, gslbRuntime, host, leaderGslb, siteAddress, siteProblem, type Gslb, type GslbSite } from "./common.js";
import { redact, requireDnsVs } from "./enable.js";

export interface AddSiteOptions {
  name: string;
  dnsVs: string;
  memberType: "GSLB_ACTIVE_MEMBER" | "GSLB_PASSIVE_MEMBER";
  prepare?: { network: string; gateway?: string; seGroup: string };
  waitMs: number;
  dryRun: boolean;
}

export interface AddSiteResult extends InfraResult {
  site: { name: string; clusterUuid: string; address: string; dnsVs: string; ready: boolean };
}

export function toAddSiteOptions(
  name: string,
  raw: {
    dnsVs?: string;
    memberType?: string;
    prepare?: boolean;
    network?: string;
    gateway?: string;
    seGroup?: string;
    waitMs?: number;
    dryRun?: boolean;
  },
): AddSiteOptions {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))
    throw new UsageError(`site name "${name}" may only hold letters, digits, '_', '.' and '-'`);
  const memberType = (raw.memberType ?? "active").toLowerCase();
  if (memberType !== "active" && memberType !== "passive")
    throw new UsageError(`--member-type must be active or passive, not "${raw.memberType}"`);
  if (raw.prepare && !raw.network)
    throw new UsageError("--prepare needs --network NAME[=CIDR@RANGE]: where the follower's DNS virtual service gets its VIP");
  if (!raw.prepare && (raw.network || raw.gateway)) throw new UsageError("--network and --gateway are used with --prepare only");
  const prepare = raw.prepare ? { network: raw.network!, gateway: raw.gateway, seGroup: raw.seGroup ?? "Default-Group" } : undefined;
  // Validate the prepare inputs now, before anything is contacted.
  if (prepare) prepareOptions(raw.dnsVs ?? `g-dns-${name}`, prepare, false);
  return {
    name,
    dnsVs: raw.dnsVs ?? `g-dns-${name}`,
    memberType: memberType === "active" ? "GSLB_ACTIVE_MEMBER" : "GSLB_PASSIVE_MEMBER",
    prepare,
    waitMs: raw.waitMs ?? 120_000,
    dryRun: Boolean(raw.dryRun),
  };
}

function prepareOptions(dnsVs: string, p: NonNullable<AddSiteOptions["prepare"]>, dryRun: boolean) {
  const [netName] = p.network.split("=");
  // The pool is for the DNS VS's VIP: typed so, it sits beside the SE pool of a shared management network.
  const vrf = toCreateVrfOptions(
    "global",
    { network: p.network.includes("=") ? [p.network] : [], defaultGateway: p.gateway, dryRun },
    "vip",
  );
  const dns = toDnsVsOptions(dnsVs, { network: netName, vrf: "global", seGroup: p.seGroup, dryRun });
  return { vrf, dns };
}

/**
 * Add a follower site: log in to the follower (its cluster uuid and DNS VS), optionally prepare its
 * DNS VS in the global VRF with a default gateway, have the leader verify it, add the site with PATCH
 * add (other sites' entries and passwords are never sent), then wait until the leader sees the site
 * reachable, in sync and its DNS VS up.
 */
export async function addSite(
  o: AddSiteOptions,
  leader: AviClient,
  follower: AviClient,
  creds: { username: string; password: string },
  events: Events,
  clock: Clock,
): Promise<AddSiteResult> {
  const before = leader.writes + follower.writes;
  const where = `follower ${o.name} (${host(follower)})`;
  const plan: PlanItem[] = [];
  const warnings: string[] = [];
  events.step(`reading ${where}`);
  const followerUuid = await clusterUuid(follower);
  if (o.prepare) {
    events.step(`preparing the DNS virtual service on ${where}`);
    const p = prepareOptions(o.dnsVs, o.prepare, o.dryRun);
    for (const r of [await createVrf(p.vrf, follower, events), await createDnsVs(p.dns, follower, events)]) {
      plan.push(...r.plan);
      warnings.push(...r.warnings);
    }
  }
  const vs =
    o.dryRun && o.prepare && !(await follower.getByName("virtualservice", o.dnsVs))
      ? undefined
      : await requireDnsVs(follower, o.dnsVs, where);

  events.step("reading the GSLB configuration on the leader");
  const leaderUuid = await clusterUuid(leader);
  if (leaderUuid === followerUuid)
    throw new UsageError(`${where} is the leader itself; give the follower's controller with --site-controller or --site-context`);
  const gslb = await leaderGslb(leader, leaderUuid);
  if (!gslb)
    throw new OperationError(
      `GSLB is not enabled on the leader ${host(leader)}`,
      "run 'avictl gslb enable --subdomain DOMAIN --dns-vs NAME' on the leader first",
    );
  const clash = gslb.sites?.find((s) => s.name !== o.name && s.cluster_uuid === followerUuid);
  if (clash)
    throw new OperationError(
      `${where} is already a GSLB site under the name ${clash.name}`,
      `use 'avictl gslb add-site ${clash.name}' to update it`,
    );

  const addr = siteAddress(follower.controller);
  const domains = (gslb.dns_configs ?? []).map((d) => d.domain_name);
  const entry: GslbSite = {
    name: o.name,
    member_type: o.memberType,
    cluster_uuid: followerUuid,
    ip_addresses: [{ addr: addr.addr, type: "V4" }],
    port: addr.port,
    username: creds.username,
    password: creds.password,
    enabled: true,
    dns_vses: vs ? [{ dns_vs_uuid: vs.uuid, domain_names: domains }] : [],
  };
  const current = gslb.sites?.find((s) => s.name === o.name);
  const { password: _secret, username: _user, ...owned } = entry;
  void _secret;
  void _user;
  const diff = current ? diffOwned(owned, current) : [{ path: `sites[${o.name}]`, to: redact(entry) }];
  if (current && current.username !== creds.username)
    diff.push({ path: `sites[${o.name}].username`, from: current.username, to: creds.username });
  if (current && diff.length === 0) {
    // The stored password cannot be read back; when the leader fails to log in with it, send ours.
    const rt = (await gslbRuntime(leader, gslb.uuid!)).find((s) => s.site_info?.cluster_uuid === followerUuid);
    const reason = [rt?.site_cfg?.sync_info?.reason, rt?.site_info?.state_reason, ...(rt?.site_info?.oper_status?.reason ?? [])].join(" ");
    if (/credential|login|auth/i.test(reason))
      diff.push({ path: `sites[${o.name}].password`, from: "<rejected by the site>", to: "<hidden>" });
  }
  const item: PlanItem = {
    kind: "gslb",
    name: gslb.name ?? "GSLB",
    uuid: gslb.uuid,
    action: current ? (diff.length ? "update" : "unchanged") : "update",
    diff: current ? diff.map((d) => ({ ...d, path: d.path.startsWith("sites[") ? d.path : `sites[${o.name}].${d.path}` })) : diff,
  };
  plan.push(item);
  const site = { name: o.name, clusterUuid: followerUuid, address: `${addr.addr}:${addr.port}`, dnsVs: o.dnsVs, ready: false };
  if (o.dryRun) return { dryRun: true, plan, warnings, writes: 0, site };

  if (item.action !== "unchanged") {
    events.step(`the leader verifies ${where}`);
    const verified = await verifySite(leader, entry, where);
    if (verified !== followerUuid)
      throw new OperationError(
        `the leader reached a different controller at ${site.address} (cluster ${verified}, expected ${followerUuid})`,
        "check the address the leader uses for the site",
      );
    events.step(`adding ${o.name} on the leader`);
    await leader.patch<Gslb>("gslb", gslb.uuid!, "add", { sites: [entry] });
  }

  const deadline = clock.now() + o.waitMs;
  let problem: string | undefined;
  for (;;) {
    const rt = (await gslbRuntime(leader, gslb.uuid!)).find(
      (s) => s.site_info?.cluster_uuid === followerUuid || s.site_info?.name === o.name,
    );
    problem = siteProblem(rt);
    if (!problem) break;
    events.step(`waiting for ${o.name}: ${problem}`);
    if (clock.now() >= deadline)
      throw new OperationError(
        `site ${o.name} was added but is not ready after ${Math.round(o.waitMs / 1000)}s: ${problem}`,
        "see 'avictl gslb status' on the leader",
      );
    await clock.sleep(1000);
  }
  site.ready = true;
  return { dryRun: false, plan, warnings, writes: leader.writes + follower.writes - before, site };
}

async function verifySite(leader: AviClient, entry: GslbSite, where: string): Promise<string> {
  const body = { name: entry.name, username: entry.username, password: entry.password, port: entry.port, ip_addresses: entry.ip_addresses };
  try {
    const r = await leader.post<{ rx_uuid?: string }>("gslbsiteops/verify", body);
    if (!r.rx_uuid) throw new OperationError(`the leader's verification of ${where} returned no cluster uuid`);
    return r.rx_uuid;
  } catch (err) {
    if (err instanceof AviApiError)
      throw new OperationError(
        `the leader could not verify ${where}: ${err.detail}`,
        "check that the leader reaches the follower's address and that the site credentials are right",
      );
    throw err;
  }
}
