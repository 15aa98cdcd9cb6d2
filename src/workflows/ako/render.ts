import { compareVersions } from "../../clients/avi/version.js";
import { applyBase, loadTemplate, removeValue, renderDoc, setValue } from "../values-doc.js";

export const SERVICE_TYPES = ["ClusterIP", "NodePort", "NodePortLocal"] as const;
export const SHARD_SIZES = ["LARGE", "MEDIUM", "SMALL", "DEDICATED"] as const;
export const CNI_PLUGINS = ["", "calico", "canal", "flannel", "openshift", "antrea", "ncp", "ovn-kubernetes", "cilium"] as const;

export interface AkoValuesInput {
  chartVersion: string;
  controllerHost: string;
  controllerVersion: string;
  cloudName: string;
  clusterName: string;
  vipNetwork: { name: string; cidr: string };
  seGroup: string;
  defaultDomain?: string;
  cni?: string;
  serviceType?: (typeof SERVICE_TYPES)[number];
  shardSize?: (typeof SHARD_SIZES)[number];
  servicesApi?: boolean;
  tenant?: string;
  /** A user's values file, merged underneath (what avictl sets wins). */
  base?: { text: string; file: string };
}

/** The chart layout: 1.5.1 moved the VIP subnet into vipNetworkList[].cidr; 1.13.1 moved defaultDomain. */
export function akoLayout(chartVersion: string): { legacy: boolean; networkDomain: boolean } {
  return { legacy: compareVersions(chartVersion, "1.5.1") < 0, networkDomain: compareVersions(chartVersion, "1.13.1") >= 0 };
}

/** AKO values for one cluster from the commented template of the chart's layout. */
export function renderAkoValues(i: AkoValuesInput): string {
  const layout = akoLayout(i.chartVersion);
  const doc = loadTemplate(layout.legacy ? "ako/values-1.4.yaml" : "ako/values.yaml");
  applyBase(doc, i.base?.text, i.base?.file ?? "base values");
  setValue(doc, ["AKOSettings", "clusterName"], i.clusterName);
  if (i.cni !== undefined) setValue(doc, ["AKOSettings", "cniPlugin"], i.cni);
  if (i.servicesApi !== undefined) setValue(doc, ["AKOSettings", "servicesAPI"], i.servicesApi);
  const [ip, prefix] = i.vipNetwork.cidr.split("/") as [string, string];
  if (layout.legacy) {
    setValue(doc, ["NetworkSettings", "vipNetworkList"], [{ networkName: i.vipNetwork.name }]);
    setValue(doc, ["NetworkSettings", "subnetIP"], ip);
    setValue(doc, ["NetworkSettings", "subnetPrefix"], prefix);
  } else {
    setValue(doc, ["NetworkSettings", "vipNetworkList"], [{ networkName: i.vipNetwork.name, cidr: i.vipNetwork.cidr }]);
  }
  const domainPath = layout.networkDomain ? ["NetworkSettings", "defaultDomain"] : ["L4Settings", "defaultDomain"];
  if (i.defaultDomain) setValue(doc, domainPath, i.defaultDomain);
  else removeValue(doc, domainPath);
  if (i.serviceType) setValue(doc, ["L7Settings", "serviceType"], i.serviceType);
  if (i.shardSize) setValue(doc, ["L7Settings", "shardVSSize"], i.shardSize);
  setValue(doc, ["ControllerSettings", "controllerHost"], i.controllerHost);
  setValue(doc, ["ControllerSettings", "controllerVersion"], i.controllerVersion);
  setValue(doc, ["ControllerSettings", "cloudName"], i.cloudName);
  setValue(doc, ["ControllerSettings", "serviceEngineGroupName"], i.seGroup);
  if (i.tenant) setValue(doc, ["ControllerSettings", "tenantName"], i.tenant);
  // Credentials never go into a values file. Charts before 1.12.1 always render avi-secret and fail
  // on null fields, so they get empty strings here and the real ones from a 0600 file at install.
  removeValue(doc, ["avicredentials"]);
  if (compareVersions(i.chartVersion, "1.12.1") < 0) setValue(doc, ["avicredentials"], { username: "", password: "" });
  return renderDoc(doc);
}
