import type { Cloud, IpamDnsProviderProfile, Network, ServiceEngineGroup, VsVip } from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import { nameOfRef, uuidOfRef } from "../../clients/avi/types.js";
import { compareVersions } from "../../clients/avi/version.js";
import type { Kube } from "../../clients/k8s.js";
import type { Events } from "../events.js";
import { toNumber } from "../infra/net.js";
import type { AkoSettings } from "./settings.js";

export interface PreflightCheck {
  scope: "values" | "controller" | "cluster";
  check: string;
  result: "pass" | "fail" | "warn";
  detail: string;
}

export interface PreflightResult {
  passed: boolean;
  checks: PreflightCheck[];
}

export interface PreflightInputs {
  settings: AkoSettings;
  /** Chart version that will be installed (decides the supported Kubernetes range). */
  chartVersion: string;
  avi?: AviClient;
  kube?: Kube;
  /** `helm version --short`, or an error when helm is missing. */
  helmVersion?: () => Promise<string>;
}

/** Checks before installing AKO: the values, the controller objects they name, and the cluster. */
export async function akoPreflight(i: PreflightInputs, events: Events): Promise<PreflightResult> {
  const checks: PreflightCheck[] = [];
  const add = (scope: PreflightCheck["scope"], check: string, result: PreflightCheck["result"], detail: string) =>
    checks.push({ scope, check, result, detail });
  const s = i.settings;

  // Values: what AKO itself refuses at boot.
  if (!s.clusterName) add("values", "clusterName", "fail", "AKOSettings.clusterName is empty");
  else if (!/^[a-zA-Z0-9_-]+$/.test(s.clusterName))
    add("values", "clusterName", "fail", `"${s.clusterName}" may only hold letters, digits, '-' and '_'`);
  else
    add(
      "values",
      "clusterName",
      s.clusterName.length > 32 ? "warn" : "pass",
      s.clusterName.length > 32 ? `${s.clusterName.length} characters; keep it to 32` : s.clusterName,
    );
  if (!s.cloudName) add("values", "cloudName", "fail", "ControllerSettings.cloudName is empty");
  if (s.vipNetworks.length === 0) add("values", "vipNetworkList", "fail", "no VIP network: NetworkSettings.vipNetworkList is empty");
  if (s.serviceType === "NodePortLocal" && s.cniPlugin !== "antrea")
    add("values", "serviceType", "fail", "NodePortLocal needs cniPlugin: antrea");

  if (i.avi) {
    events.step("checking the controller");
    await controllerChecks(i.avi, s, add);
  }
  if (i.kube) {
    events.step("checking the cluster");
    try {
      const v = await i.kube.version();
      add("cluster", "API server", "pass", `${i.kube.context}: Kubernetes ${v.gitVersion}`);
      // AKO up to 1.5.x watches networking.k8s.io/v1beta1 Ingress, which Kubernetes 1.22 removed.
      if (compareVersions(i.chartVersion, "1.6.1") < 0 && v.minor >= 22)
        add(
          "cluster",
          "Kubernetes version",
          "fail",
          `AKO ${i.chartVersion} supports Kubernetes up to 1.21; this cluster runs ${v.gitVersion} (use AKO 1.6.1 or newer)`,
        );
      else add("cluster", "Kubernetes version", "pass", `${v.gitVersion} with AKO ${i.chartVersion}`);
    } catch (err) {
      add("cluster", "API server", "fail", (err as Error).message);
    }
  }
  if (i.helmVersion) {
    try {
      add("cluster", "helm", "pass", await i.helmVersion());
    } catch (err) {
      add("cluster", "helm", "fail", (err as Error).message);
    }
  }
  return { passed: checks.every((c) => c.result !== "fail"), checks };
}

type Add = (scope: PreflightCheck["scope"], check: string, result: PreflightCheck["result"], detail: string) => void;

async function controllerChecks(avi: AviClient, s: AkoSettings, add: Add): Promise<void> {
  add("controller", "reachable", "pass", `${avi.controller} version ${avi.controllerVersion}`);
  if (s.controllerVersion && compareVersions(s.controllerVersion, avi.controllerVersion) > 0) {
    add(
      "controller",
      "controllerVersion",
      "fail",
      `values say ${s.controllerVersion} but the controller runs ${avi.controllerVersion}; AKO would send fields it does not know`,
    );
  }
  if (!s.cloudName) return;
  const cloud = await avi.getByName<Cloud>("cloud", s.cloudName);
  if (!cloud?.uuid) {
    add("controller", "cloud", "fail", `cloud ${s.cloudName} does not exist`);
    return;
  }
  const state = String((await avi.get<{ state?: string }>(`cloud/${cloud.uuid}/status`).catch(() => undefined))?.state ?? "unknown");
  add("controller", "cloud", state === "CLOUD_STATE_PLACEMENT_READY" ? "pass" : "fail", `${s.cloudName}: ${state}`);

  const scope = { cloudUuid: cloud.uuid };
  const [ipam, dns, vsvips] = await Promise.all([
    cloud.ipam_provider_ref
      ? avi.getByUuid<IpamDnsProviderProfile>("ipamdnsproviderprofile", uuidOfRef(cloud.ipam_provider_ref))
      : undefined,
    cloud.dns_provider_ref ? avi.getByUuid<IpamDnsProviderProfile>("ipamdnsproviderprofile", uuidOfRef(cloud.dns_provider_ref)) : undefined,
    avi.list<VsVip>("vsvip", { "cloud_ref.uuid": cloud.uuid, fields: "vip,name" }),
  ]);
  if (!ipam) add("controller", "IPAM profile", "fail", `cloud ${s.cloudName} has no IPAM profile`);
  const usable = (ipam?.internal_profile as { usable_networks?: { nw_ref: string }[]; usable_network_refs?: string[] } | undefined) ?? {};
  const usableRefs = [...(usable.usable_networks ?? []).map((u) => u.nw_ref), ...(usable.usable_network_refs ?? [])];

  for (const vip of s.vipNetworks) {
    const net = await avi.getByName<Network>("network", vip.name, scope);
    if (!net?.uuid) {
      add("controller", `VIP network ${vip.name}`, "fail", `not discovered on cloud ${s.cloudName}`);
      continue;
    }
    const subnet = net.configured_subnets?.find((sn) => !vip.cidr || `${sn.prefix.ip_addr.addr}/${sn.prefix.mask}` === vip.cidr);
    if (!subnet) {
      add("controller", `VIP network ${vip.name}`, "fail", vip.cidr ? `no configured subnet ${vip.cidr}` : "no configured subnet");
      continue;
    }
    const ranges = [
      ...(subnet.static_ip_ranges ?? []).filter((r) => r.type !== "STATIC_IPS_FOR_SE").map((r) => r.range),
      ...(subnet.static_ranges ?? []),
    ];
    const size = ranges.reduce((n, r) => n + toNumber(r.end.addr) - toNumber(r.begin.addr) + 1, 0);
    const inRange = (ip: string) => ranges.some((r) => toNumber(ip) >= toNumber(r.begin.addr) && toNumber(ip) <= toNumber(r.end.addr));
    const used = vsvips
      .flatMap((v) => ((v.vip ?? []) as { ip_address?: { addr: string } }[]).map((x) => x.ip_address?.addr))
      .filter((a): a is string => Boolean(a) && inRange(a!)).length;
    const free = size - used;
    add(
      "controller",
      `VIP network ${vip.name}`,
      free > 0 ? "pass" : "fail",
      `${subnet.prefix.ip_addr.addr}/${subnet.prefix.mask}, ${free} of ${size} VIP addresses free, VRF ${(net.vrf_context_ref && nameOfRef(net.vrf_context_ref)) || "global"}`,
    );
    if (usableRefs.length && !usableRefs.some((r) => uuidOfRef(r) === net.uuid))
      add("controller", `IPAM ${vip.name}`, "fail", `${vip.name} is not a usable network of IPAM profile ${ipam?.name}`);
  }

  if (s.seGroup) {
    const seg = await avi.getByName<ServiceEngineGroup>("serviceenginegroup", s.seGroup, scope);
    const label = seg?.labels?.find((l) => l.key === "clustername")?.value;
    if (!seg) add("controller", "SE group", "fail", `${s.seGroup} does not exist on cloud ${s.cloudName}`);
    else if (label && label !== s.clusterName && !s.disableStaticRouteSync)
      add(
        "controller",
        "SE group",
        "fail",
        `${s.seGroup} is labelled for AKO cluster ${label}; AKO refuses it ("Labels do not match with cluster name for SE group")`,
      );
    else
      add(
        "controller",
        "SE group",
        "pass",
        label ? `${s.seGroup}, labelled for ${label}` : `${s.seGroup}, free (AKO labels it for ${s.clusterName})`,
      );
  }

  const domains = ((dns?.internal_profile as { dns_service_domain?: { domain_name: string }[] } | undefined)?.dns_service_domain ?? []).map(
    (d) => d.domain_name,
  );
  if (domains.length === 0)
    add("controller", "DNS sub-domain", "warn", `cloud ${s.cloudName} has no DNS profile domain; services get no FQDN and AMKO skips them`);
  else if (s.defaultDomain && !domains.includes(s.defaultDomain))
    add(
      "controller",
      "DNS sub-domain",
      "fail",
      `defaultDomain ${s.defaultDomain} is not in the cloud's DNS profile (${domains.join(", ")})`,
    );
  else add("controller", "DNS sub-domain", "pass", domains.join(", "));
}
