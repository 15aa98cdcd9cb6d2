// Typed shapes of the controller objects avictl reads and writes, written from the official object
// schemas (field names and enums as in the 30.2.1 schema; fields marked "< 20.1.3" exist only on older
// controllers). Only the fields avictl uses are listed; everything else passes through AviObject.
import type { AviObject } from "./types.js";

export type IpAddrType = "V4" | "V6" | "DNS";
export interface IpAddr {
  addr: string;
  type: IpAddrType;
}
export interface IpAddrPrefix {
  ip_addr: IpAddr;
  mask: number;
}
export interface IpAddrRange {
  begin: IpAddr;
  end: IpAddr;
}
export interface KeyValue {
  key: string;
  value?: string;
}

export type StaticIpRangeType = "STATIC_IPS_FOR_SE" | "STATIC_IPS_FOR_VIP" | "STATIC_IPS_FOR_VIP_AND_SE";
/** 20.1.3+. */
export interface StaticIpRange {
  range: IpAddrRange;
  type?: StaticIpRangeType;
}
export interface Subnet {
  prefix: IpAddrPrefix;
  static_ip_ranges?: StaticIpRange[];
  /** < 20.1.3 (removed after 21.1). */
  static_ranges?: IpAddrRange[];
  /** < 20.1.3 (removed after 21.1). */
  static_ips?: IpAddr[];
}

export interface Network extends AviObject {
  cloud_ref?: string;
  vrf_context_ref?: string;
  configured_subnets?: Subnet[];
  dhcp_enabled?: boolean;
  exclude_discovered_subnets?: boolean;
  /** Read-only. */
  vimgrnw_ref?: string;
}

export interface StaticRoute {
  route_id: string;
  prefix: IpAddrPrefix;
  next_hop: IpAddr;
  if_name?: string;
  disable_gateway_monitor?: boolean;
  /** AKO marks its routes with clustername=<cluster>. */
  labels?: KeyValue[];
}
export interface VrfContext extends AviObject {
  cloud_ref?: string;
  static_routes?: StaticRoute[];
  system_default?: boolean;
}

export type HaMode = "HA_MODE_SHARED_PAIR" | "HA_MODE_SHARED" | "HA_MODE_LEGACY_ACTIVE_STANDBY";
export interface ServiceEngineGroup extends AviObject {
  cloud_ref?: string;
  ha_mode?: HaMode;
  algo?: "PLACEMENT_ALGO_PACKED" | "PLACEMENT_ALGO_DISTRIBUTED";
  se_name_prefix?: string;
  vcenter_folder?: string;
  buffer_se?: number;
  max_se?: number;
  min_scaleout_per_vs?: number;
  max_scaleout_per_vs?: number;
  realtime_se_metrics?: { enabled: boolean; duration?: number };
  non_significant_log_throttle?: number;
  significant_log_throttle?: number;
  udf_log_throttle?: number;
  /** At most one: clustername=<AKO clusterName>. */
  labels?: KeyValue[];
}

export type IpamDnsType = "IPAMDNS_TYPE_INTERNAL" | "IPAMDNS_TYPE_INTERNAL_DNS" | string;
export interface DnsServiceDomain {
  domain_name: string;
  pass_through?: boolean;
  record_ttl?: number;
}
export interface IpamDnsProviderProfile extends AviObject {
  type: IpamDnsType;
  allocate_ip_in_vrf?: boolean;
  internal_profile?: {
    ttl?: number;
    dns_service_domain?: DnsServiceDomain[];
    /** 20.1.3+. */
    usable_networks?: { nw_ref: string }[];
    /** < 20.1.3. */
    usable_network_refs?: string[];
  };
}

export interface Cloud extends AviObject {
  vtype?: string;
  ipam_provider_ref?: string;
  dns_provider_ref?: string;
  state_based_dns_registration?: boolean;
  vcenter_configuration?: Record<string, unknown> & { management_network?: string; management_ip_subnet?: IpAddrPrefix };
}

export interface Vip {
  vip_id: string;
  enabled?: boolean;
  ip_address?: IpAddr;
  auto_allocate_ip?: boolean;
  auto_allocate_ip_type?: "V4_ONLY" | "V6_ONLY" | "V4_V6";
  ipam_network_subnet?: { network_ref?: string; subnet?: IpAddrPrefix };
}
export interface VsVip extends AviObject {
  cloud_ref?: string;
  vrf_context_ref?: string;
  vip?: Vip[];
  dns_info?: { fqdn?: string; type?: string; ttl?: number }[];
}

export type DnsRecordType = "DNS_RECORD_A" | "DNS_RECORD_AAAA" | "DNS_RECORD_CNAME" | "DNS_RECORD_NS" | "DNS_RECORD_SOA" | string;
export interface DnsRecord {
  type: DnsRecordType;
  fqdn?: string[];
  ip_address?: { ip_address: IpAddr }[];
  ttl?: number;
  num_records_in_response?: number;
  algorithm?: "DNS_RECORD_RESPONSE_ROUND_ROBIN" | "DNS_RECORD_RESPONSE_CONSISTENT_HASH";
}
export interface VirtualService extends AviObject {
  cloud_ref?: string;
  vrf_context_ref?: string;
  vsvip_ref?: string;
  se_group_ref?: string;
  application_profile_ref?: string;
  network_profile_ref?: string;
  services?: { port: number; port_range_end?: number; override_network_profile_ref?: string }[];
  static_dns_records?: DnsRecord[];
  enabled?: boolean;
}

export interface DnsServiceApplicationProfile {
  dns_zones?: { domain_name: string; name_server?: string; admin_email?: string }[];
  domain_names?: string[];
  error_response?: "DNS_ERROR_RESPONSE_ERROR" | "DNS_ERROR_RESPONSE_NONE";
  ttl?: number;
  negative_caching_ttl?: number;
  aaaa_empty_response?: boolean;
  admin_email?: string;
  name_server?: string;
}
export interface ApplicationProfile extends AviObject {
  type: "APPLICATION_PROFILE_TYPE_DNS" | "APPLICATION_PROFILE_TYPE_HTTP" | "APPLICATION_PROFILE_TYPE_L4" | string;
  dns_service_profile?: DnsServiceApplicationProfile;
}

export interface SystemConfiguration extends AviObject {
  dns_virtualservice_refs?: string[];
}

// GSLB (Gslb, GslbSite, GslbService): written on the leader, replicated to the followers.
export interface GslbSite {
  name: string;
  cluster_uuid: string;
  member_type?: string;
  enabled?: boolean;
  username?: string;
  password?: string;
  port?: number;
  ratio?: number;
  ip_addresses?: { addr: string; type?: string }[];
  dns_vses?: { dns_vs_uuid: string; domain_names?: string[] }[];
}

export interface Gslb extends AviObject {
  leader_cluster_uuid: string;
  sites?: GslbSite[];
  dns_configs?: { domain_name: string }[];
}

export interface GslbMember {
  ip?: { addr: string; type?: string };
  cluster_uuid?: string;
  vs_uuid?: string;
  ratio?: number;
  enabled?: boolean;
}

export interface GslbService extends AviObject {
  domain_names?: string[];
  ttl?: number;
  enabled?: boolean;
  created_by?: string;
  groups?: { name: string; priority?: number; enabled?: boolean; members?: GslbMember[] }[];
}
