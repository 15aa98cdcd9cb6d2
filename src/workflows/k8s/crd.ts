import type { Kube, KubeObject } from "../../clients/k8s.js";
import { OperationError } from "../../base/errors.js";

/**
 * The version to use for a custom resource: the CRD's storage version if served, else the first
 * served one — read from the cluster rather than assumed, as charts moved kinds between versions.
 */
export async function crdVersion(kube: Kube, plural: string, group: string, hint: string): Promise<string> {
  const crd = await kube.get<KubeObject & { spec?: { versions?: { name: string; served?: boolean; storage?: boolean }[] } }>(
    "apiextensions.k8s.io/v1",
    "CustomResourceDefinition",
    `${plural}.${group}`,
  );
  const versions = crd?.spec?.versions?.filter((v) => v.served !== false) ?? [];
  const v = versions.find((x) => x.storage) ?? versions[0];
  if (!v) throw new OperationError(`cluster ${kube.context} does not serve ${plural}.${group}`, hint);
  return `${group}/${v.name}`;
}
