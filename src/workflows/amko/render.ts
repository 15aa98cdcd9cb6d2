import { compareVersions } from "../../clients/avi/version.js";
import { loadTemplate, renderDoc, setValue } from "../values-doc.js";
import type { AmkoValuesInput } from "./install.js";

/** AMKO values from the commented template of the chart's layout (the federator arrived in 1.4.2). */
export function renderAmkoValues(i: AmkoValuesInput): string {
  const federated = compareVersions(i.chartVersion, "1.4.2") >= 0;
  const doc = loadTemplate(federated ? "amko/values.yaml" : "amko/values-1.4.yaml");
  setValue(doc, ["configs", "gslbLeaderController"], i.leaderController);
  setValue(doc, ["configs", "controllerVersion"], i.controllerVersion);
  setValue(
    doc,
    ["configs", "memberClusters"],
    i.members.map((m) => ({ clusterContext: m })),
  );
  // The chart's template fails on a UUID that is not exactly 36 characters; keep a valid one only.
  if (i.amkoUUID && /^[0-9a-f-]{36}$/i.test(i.amkoUUID) && compareVersions(i.chartVersion, "1.11.1") >= 0)
    setValue(doc, ["configs", "amkoUUID"], i.amkoUUID);
  if (federated) {
    setValue(doc, ["federation", "currentCluster"], i.currentCluster);
    setValue(doc, ["federation", "currentClusterIsLeader"], i.leader !== false);
    setValue(doc, ["federation", "memberClusters"], i.members);
  }
  // An empty selector renders `matchRules: null`, which the API server rejects: always set one.
  setValue(doc, ["globalDeploymentPolicy", "appSelector", "label"], i.selector);
  setValue(
    doc,
    ["globalDeploymentPolicy", "matchClusters"],
    i.members.map((m) => ({ cluster: m })),
  );
  setValue(
    doc,
    ["globalDeploymentPolicy", "trafficSplit"],
    i.trafficSplit.map((t) => ({ cluster: t.cluster, weight: t.weight })),
  );
  if (i.ttl !== undefined) setValue(doc, ["globalDeploymentPolicy", "ttl"], i.ttl);
  // The chart always renders gslb-avi-secret and fails on null fields: empty here, real ones from a 0600 file at install.
  setValue(doc, ["gslbLeaderCredentials"], { username: "", password: "" });
  return renderDoc(doc);
}
