import { randomUUID } from "node:crypto";
import type { AviObject } from "../../clients/avi/types.js";
import type { MemoryStore } from "./store.js";
import { hasField } from "./validate.js";

export type Seed = "site1" | "site2" | "leader" | "empty";

/** Discovered port groups per site, as in the blog series (names, VLAN-style ids, discovered subnet). */
const NETWORKS: Record<Exclude<Seed, "empty">, [string, string][]> = {
  site1: [
    ["REGIONB_MGMT_3020", "127.10.20.0"],
    ["REGIONB_VMS_3023", "127.10.23.0"],
    ["REGIONB_VMS_3024", "127.10.24.0"],
    ["AVI_FRONTEND_3025", "127.10.25.0"],
    ["AVI_FRONTEND_3026", "127.10.26.0"],
  ],
  site2: [
    ["REGIONA_MGMT_3030", "127.10.30.0"],
    ["REGIONA_VMS_3033", "127.10.33.0"],
    ["AVI_FRONTEND_3035", "127.10.35.0"],
  ],
  leader: [["REGIONC_MGMT_3040", "127.10.40.0"]],
};

let lastToken = 0;
export function lastModified(): string {
  // Microseconds since the epoch, as a string, like the controller; strictly increasing, because it is
  // the concurrency token: two writes must never leave the same value behind.
  lastToken = Math.max(lastToken + 1, Date.now() * 1000);
  return String(lastToken);
}

/** Singletons answer at /api/<type> and their url says so (recorded: systemconfiguration). */
const SINGLETON_URL = new Set(["systemconfiguration", "controllerproperties"]);

/** Fill the store with what a freshly installed controller with a vCenter cloud has. */
export function seedStore(store: MemoryStore, base: string, seed: Seed, clusterUuid: string): void {
  const ref = (type: string, uuid: string) => `${base}/api/${type}/${uuid}`;
  // Global objects (tenants, system configuration) carry no tenant_ref; the admin tenant no _last_modified (recorded).
  const add = (type: string, o: AviObject & { uuid: string }) =>
    store.put(type, {
      url: SINGLETON_URL.has(type) ? `${base}/api/${type}` : ref(type, o.uuid),
      ...(hasField(type, "tenant_ref") ? { tenant_ref: ref("tenant", "admin") } : {}),
      ...(type === "tenant" ? {} : { _last_modified: lastModified() }),
      ...o,
    });
  add("tenant", { uuid: "admin", name: "admin", local: true });
  add("cluster", { uuid: clusterUuid, name: "cluster-0-1", nodes: [{ name: "127.0.0.1", ip: { addr: "127.0.0.1", type: "V4" } }] });
  add("systemconfiguration", { uuid: "default", dns_configuration: {}, portal_configuration: { allow_basic_authentication: false } });
  add("controllerproperties", { uuid: "controllerproperties", api_idle_timeout: 15 });
  for (const [name, type] of [
    ["System-HTTP", "APPLICATION_PROFILE_TYPE_HTTP"],
    ["System-DNS", "APPLICATION_PROFILE_TYPE_DNS"],
    ["System-L4-Application", "APPLICATION_PROFILE_TYPE_L4"],
  ] as const) {
    const extra =
      type === "APPLICATION_PROFILE_TYPE_DNS"
        ? {
            dns_service_profile: {
              ttl: 30,
              negative_caching_ttl: 30,
              error_response: "DNS_ERROR_RESPONSE_NONE",
              aaaa_empty_response: true,
              dns_over_tcp_enabled: true,
              edns: true,
            },
          }
        : {};
    add("applicationprofile", { uuid: `applicationprofile-${randomUUID()}`, name, type, ...extra });
  }
  for (const [name, type] of [
    ["System-TCP-Proxy", "PROTOCOL_TYPE_TCP_PROXY"],
    ["System-UDP-Per-Pkt", "PROTOCOL_TYPE_UDP_FAST_PATH"],
    ["System-UDP-Fast-Path", "PROTOCOL_TYPE_UDP_FAST_PATH"],
  ] as const) {
    const profile =
      type === "PROTOCOL_TYPE_UDP_FAST_PATH"
        ? { type, udp_fast_path_profile: { per_pkt_loadbalance: name === "System-UDP-Per-Pkt" } }
        : { type };
    add("networkprofile", { uuid: `networkprofile-${randomUUID()}`, name, profile });
  }
  add("healthmonitor", { uuid: `healthmonitor-${randomUUID()}`, name: "System-Ping", type: "HEALTH_MONITOR_PING" });
  add("healthmonitor", { uuid: `healthmonitor-${randomUUID()}`, name: "System-HTTP", type: "HEALTH_MONITOR_HTTP" });
  if (seed === "empty") return;

  const cloudUuid = `cloud-${randomUUID()}`;
  const cloudRef = ref("cloud", cloudUuid);
  add("cloud", {
    uuid: cloudUuid,
    name: "Default-Cloud",
    vtype: "CLOUD_VCENTER",
    dhcp_enabled: false,
    state_based_dns_registration: true,
    vcenter_configuration: {
      vcenter_url: "vcenter.iberia.local",
      username: "administrator@vsphere.local",
      password: "<sensitive>",
      datacenter: "DC-REGIONB",
      privilege: "WRITE_ACCESS",
    },
  });
  for (const name of ["global", "management"])
    add("vrfcontext", { uuid: `vrfcontext-${randomUUID()}`, name, cloud_ref: cloudRef, system_default: true });
  const globalVrf = store.findByName("vrfcontext", "global", cloudUuid)!;
  add("serviceenginegroup", {
    uuid: `serviceenginegroup-${randomUUID()}`,
    name: "Default-Group",
    cloud_ref: cloudRef,
    ha_mode: "HA_MODE_SHARED",
    algo: "PLACEMENT_ALGO_PACKED",
    se_name_prefix: "Avi",
    vcenter_folder: "AviSeFolder",
    buffer_se: 1,
    max_se: 10,
    min_scaleout_per_vs: 1,
    max_scaleout_per_vs: 4,
    max_vs_per_se: 10,
    realtime_se_metrics: { enabled: false, duration: 30 },
  });
  for (const [i, [name, subnet]] of NETWORKS[seed].entries()) {
    const uuid = `dvportgroup-${60 + i}-${cloudUuid}`;
    add("network", {
      uuid,
      name,
      cloud_ref: cloudRef,
      vrf_context_ref: globalVrf.url,
      dhcp_enabled: true,
      exclude_discovered_subnets: false,
      vimgrnw_ref: ref("vimgrnwruntime", uuid),
      synced_from_se: false,
      ip6_autocfg_enabled: false,
    });
    add("vimgrnwruntime", { uuid, name, cloud_ref: cloudRef, discovered_subnet: [{ ip_addr: { addr: subnet, type: "V4" }, mask: 24 }] });
  }
}
