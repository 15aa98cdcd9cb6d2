import { Cancelled } from "../base/errors.js";
import type { KubeObject } from "../clients/k8s.js";
import type { Events } from "./events.js";

/** The helm operations the AKO and AMKO lifecycles need (the real binary in production, the same in tests). */
export interface HelmOps {
  version(): Promise<string>;
  list(
    namespace: string,
  ): Promise<{ name: string; namespace: string; revision: string; status: string; chart: string; app_version: string }[]>;
  getValues(release: string, namespace: string): Promise<Record<string, unknown>>;
  /** `secretValues` (credentials) are handed to helm without touching the disk; rejects with Cancelled when interrupted. */
  upgradeInstall(
    release: string,
    chart: string,
    o: { namespace: string; valuesFiles: string[]; secretValues?: Record<string, unknown>; version?: string; timeout?: string },
  ): Promise<void>;
  rollback(release: string, revision: number, namespace: string): Promise<void>;
  uninstall(release: string, namespace: string): Promise<void>;
}

/** The release of a chart in a namespace (one AKO and one AMKO per namespace), whatever its name. */
export async function chartRelease(
  helm: HelmOps,
  namespace: string,
  chart: "ako" | "amko",
): Promise<Awaited<ReturnType<HelmOps["list"]>>[number] | undefined> {
  return (await helm.list(namespace)).find((r) => r.chart.startsWith(`${chart}-`));
}

/** A chart archive or directory: its version and the CRDs it ships in crds/. */
export interface ChartInfo {
  path: string;
  version: string;
  appVersion: string;
  crds: KubeObject[];
}

export interface Credentials {
  username: string;
  password?: string;
  token?: string;
}

export interface StepRecord {
  step: string;
  detail: string;
}

/**
 * After Ctrl-C stopped helm, undo the release as helm's --atomic would after a failure: roll back to
 * the revision that was there before, or uninstall a release this run created. Returns the Cancelled to throw.
 */
export async function undoInterrupted(
  helm: HelmOps,
  release: string,
  namespace: string,
  previousRevision: string | undefined,
  events: Events,
): Promise<Cancelled> {
  try {
    if (previousRevision) {
      events.warn(`interrupted; rolling back ${release} to revision ${previousRevision}`);
      await helm.rollback(release, Number(previousRevision), namespace);
      return new Cancelled(`interrupted; helm was stopped and ${release} rolled back to revision ${previousRevision}`);
    }
    // helm may have been stopped before it recorded the release: then there is nothing to remove.
    if (!(await helm.list(namespace)).some((r) => r.name === release))
      return new Cancelled(`interrupted; helm was stopped before it installed ${release}`);
    events.warn(`interrupted; uninstalling ${release}`);
    await helm.uninstall(release, namespace);
    return new Cancelled(`interrupted; helm was stopped and the new release ${release} uninstalled`);
  } catch (err) {
    return new Cancelled(
      `interrupted; helm was stopped but undoing ${release} failed (${(err as Error).message}): inspect helm history ${release} -n ${namespace}`,
    );
  }
}
