import type { AkoValuesInput } from "../../src/workflows/ako/render.js";
import type { AmkoValuesInput } from "../../src/workflows/amko/install.js";

/** The blog's S1-AZ1 AKO settings. */
export const S1AZ1: Omit<AkoValuesInput, "chartVersion"> = {
  controllerHost: "10.10.20.43",
  controllerVersion: "20.1.5",
  cloudName: "Default-Cloud",
  clusterName: "S1-AZ1",
  vipNetwork: { name: "AVI_FRONTEND_3025", cidr: "127.10.25.0/24" },
  seGroup: "S1-AZ1-SE-Group",
  defaultDomain: "avi.iberia.local",
  cni: "antrea",
  serviceType: "ClusterIP",
  shardSize: "SMALL",
};

/** The blog's GSLB setup: AMKO in s1az1, three members, weights 6/3/1. */
export const BLOG_AMKO: Omit<AmkoValuesInput, "chartVersion"> = {
  leaderController: "10.10.20.42",
  controllerVersion: "20.1.5",
  members: ["s1az1", "s1az2", "s2"],
  currentCluster: "s1az1",
  selector: { app: "gslb" },
  trafficSplit: [
    { cluster: "s1az1", weight: 6 },
    { cluster: "s1az2", weight: 3 },
    { cluster: "s2", weight: 1 },
  ],
};

/** The lab's site1 networks: the blog's port groups, discovered on loopback subnets (127.10.x where the blog has 10.10.x). */
export const LAB_SITE1 = {
  az1Vip: { name: "AVI_FRONTEND_3025", cidr: "127.10.25.0/24", pool: "127.10.25.40-127.10.25.59" },
  az2Vip: { name: "AVI_FRONTEND_3026", cidr: "127.10.26.0/24", pool: "127.10.26.40-127.10.26.59" },
};
