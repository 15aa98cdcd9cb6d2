/** Part 1 of the blog series for Site1 as avictl command lines: the reference sequence of demo, tests and bench. */
export const SITE1_PART1: { id: string; title: string; args: string[] }[] = [
  {
    id: "site1-cloud",
    title: "Part 1: IPAM and DNS profiles on the cloud, management network and default route",
    args: ["bootstrap", "cloud", "--dns-domain", "avi.iberia.local", "--ttl", "30", "--mgmt-network", "REGIONB_MGMT_3020", "--mgmt-subnet", "127.10.20.0/24", "--mgmt-pool", "127.10.20.45-127.10.20.50", "--mgmt-gateway", "127.10.20.1"],
  },
  { id: "site1-vrf-az1", title: "One VRF per availability zone, with its VIP and node networks", args: ["create-vrf", "VRF_AZ1", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.25.40-127.10.25.59", "--network", "REGIONB_VMS_3024=127.10.24.0/24@127.10.24.164-127.10.24.178"] },
  { id: "site1-vrf-az2", title: "…and the second zone", args: ["create-vrf", "VRF_AZ2", "--network", "AVI_FRONTEND_3026=127.10.26.0/24@127.10.26.40-127.10.26.59", "--network", "REGIONB_VMS_3023=127.10.23.0/24@127.10.23.40-127.10.23.59"] },
  { id: "site1-vrf-global", title: "A default route in the global VRF", args: ["create-vrf", "global", "--default-gateway", "127.10.22.1"] },
  { id: "site1-seg-az1", title: "One SE group per AKO cluster, labelled with its clusterName", args: ["seg", "create", "S1-AZ1-SE-Group", "--prefix", "s1az1", "--folder", "AVI K8S/Site1 AZ1", "--buffer-se", "0", "--cluster-label", "S1-AZ1"] },
  { id: "site1-seg-az2", title: "…the second cluster", args: ["seg", "create", "S1-AZ2-SE-Group", "--prefix", "s1az2", "--folder", "AVI K8S/Site1 AZ2", "--buffer-se", "0", "--cluster-label", "S1-AZ2"] },
  { id: "site1-seg-dns", title: "…and a group for the DNS service, logs unthrottled", args: ["seg", "create", "DNS-SE-Group", "--prefix", "dns", "--folder", "AVI K8S/DNS", "--buffer-se", "0", "--no-log-throttle"] },
  { id: "site1-dns-vs", title: "The DNS virtual service with a static record, set as the system DNS", args: ["dns-vs", "create", "local-dns-site1", "--network", "AVI_FRONTEND_3025", "--record", "test.avi.iberia.local=127.10.25.99", "--set-system-dns"] },
];
