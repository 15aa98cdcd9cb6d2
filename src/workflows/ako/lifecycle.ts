import { isDeepStrictEqual } from "node:util";
import type { AviClient } from "../../clients/avi/types.js";
import type { Kube, KubeObject } from "../../clients/k8s.js";
import { Cancelled, OperationError, UsageError } from "../../base/errors.js";
import { compareVersions } from "../../clients/avi/version.js";
import type { Events } from "../events.js";
import { undoInterrupted, type ChartInfo, type Credentials, type HelmOps, type StepRecord } from "../helm-release.js";
import { akoPreflight, type PreflightResult } from "./preflight.js";
import { podReady, restartStatefulSet, type Pod } from "../k8s/pods.js";
import { akoConnection, akoRoutes, akoSettings, parseValues, type AkoConnection, type AkoSettings } from "./settings.js";

export interface AkoRunOptions {
  values: Record<string, unknown>;
  chart: ChartInfo;
  namespace: string;
  release?: string;
  waitTimeoutMs: number;
  credentials: Credentials;
  /** reload: allow a shardVSSize change (it needs a cleanup of the old virtual services). */
  force?: boolean;
  skipPreflight?: boolean;
}

export interface AkoDeps {
  avi: AviClient;
  kube: Kube;
  helm: HelmOps;
  valuesFile: string;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export interface AkoRunResult {
  release: string;
  namespace: string;
  chart: string;
  revision?: string;
  previousRevision?: string;
  preflight?: PreflightResult;
  steps: StepRecord[];
  connected: boolean;
  routes: { vrf: string; expected: number; found: number; missing: string[] };
  rolledBack?: boolean;
  /** The release already runs this chart version with these values: no new helm revision was made. */
  unchanged?: boolean;
}

const AKO_POD = "ako-0";

/** AKO up to 1.4.2 looks for its ConfigMap and Secret in avi-system whatever its own namespace. */
export function checkAkoNamespace(chartVersion: string, namespace: string): void {
  if (compareVersions(chartVersion, "1.4.3") < 0 && namespace !== "avi-system")
    throw new UsageError(`AKO ${chartVersion} only works in namespace avi-system, not ${namespace}`);
}

/**
 * The values install and reload apply: rendered from the value flags when any is given (a values
 * file is then their base), else the values file as given.
 */
export async function chooseAkoValues(
  o: { flags: boolean; file?: string },
  render: () => Promise<string>,
  read: (file: string) => string,
): Promise<{ text: string; values: Record<string, unknown> }> {
  let text: string;
  if (o.flags) text = await render();
  else if (o.file) text = read(o.file);
  else throw new UsageError("give -f values.yaml or the value flags (--cluster-name, --vip-network, --se-group)");
  return { text, values: parseValues(text, o.file ?? "rendered values") };
}

/** The values file must not carry credentials: avictl supplies them itself (secret or temporary file). */
function assertNoCredentials(values: Record<string, unknown>): void {
  const creds = values.avicredentials as Record<string, unknown> | undefined;
  if (creds && (creds.password || creds.authtoken)) {
    throw new UsageError(
      "the values file holds avicredentials; remove them: avictl takes the controller credentials from its context and stores them in avi-secret",
    );
  }
}

/**
 * Install or upgrade AKO: preflight, namespace, credentials, CRDs, `helm upgrade --install` under a
 * stable release name, restart when only values changed, wait until AKO is connected, and verify
 * its static routes on the controller. On `reload` a failure rolls back to the previous revision.
 */
export async function runAko(mode: "install" | "reload", o: AkoRunOptions, d: AkoDeps, events: Events): Promise<AkoRunResult> {
  assertNoCredentials(o.values);
  const settings = akoSettings(o.values);
  const steps: StepRecord[] = [];
  const step = (s: string, detail: string) => {
    events.step(s, { detail });
    steps.push({ step: s, detail });
  };

  const releases = await d.helm.list(o.namespace);
  const existing = releases.find((r) => (o.release ? r.name === o.release : r.chart.startsWith("ako-")));
  const release = o.release ?? existing?.name ?? "ako";
  if (mode === "reload" && !existing)
    throw new OperationError(`no AKO release in namespace ${o.namespace}`, "install it first: avictl ako install");
  const result: AkoRunResult = {
    release,
    namespace: o.namespace,
    chart: `ako-${o.chart.version}`,
    previousRevision: existing?.revision,
    steps,
    connected: false,
    routes: { vrf: "", expected: 0, found: 0, missing: [] },
  };

  let unchanged = false;
  if (existing) {
    const oldValues = await d.helm.getValues(existing.name, o.namespace);
    // Older charts get the credentials as extra values; they are not part of what the user asked for.
    const { avicredentials: _credentials, ...asked } = oldValues;
    unchanged = existing.status === "deployed" && existing.chart === `ako-${o.chart.version}` && isDeepStrictEqual(asked, o.values);
    const old = akoSettings(oldValues);
    if (old.shardVSSize && settings.shardVSSize && old.shardVSSize !== settings.shardVSSize && !o.force) {
      throw new UsageError(
        `shardVSSize changes from ${old.shardVSSize} to ${settings.shardVSSize}: AKO does not move existing Ingresses to new shards`,
        "re-run with --force after planning the cleanup: set deleteConfig, wait for AKO to remove its virtual services, then reload",
      );
    }
    if (old.clusterName && settings.clusterName && old.clusterName !== settings.clusterName && !o.force) {
      throw new UsageError(
        `clusterName changes from ${old.clusterName} to ${settings.clusterName}: the objects of ${old.clusterName} would stay on the controller`,
        "delete them first (deleteConfig), or re-run with --force",
      );
    }
  }

  if (!o.skipPreflight) {
    step("preflight", `${settings.clusterName ?? "?"} on ${d.kube.context}`);
    result.preflight = await akoPreflight(
      { settings, chartVersion: o.chart.version, avi: d.avi, kube: d.kube, helmVersion: () => d.helm.version() },
      events,
    );
    if (!result.preflight.passed) return result;
  }

  step("namespace", o.namespace);
  await d.kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: o.namespace } });

  // Charts from 1.12.1 use a pre-created avi-secret; older ones render it from values, so there the
  // credentials go to helm on its stdin, never argv nor a file.
  const ownSecret = compareVersions(o.chart.version, "1.12.1") >= 0;
  const credentials = {
    username: o.credentials.username,
    ...(o.credentials.token ? { authtoken: o.credentials.token } : { password: o.credentials.password ?? "" }),
  };
  if (ownSecret) {
    step("secret", `avi-secret in ${o.namespace}`);
    await d.kube.apply({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "avi-secret", namespace: o.namespace },
      type: "Opaque",
      stringData: credentials,
    });
  }

  try {
    step("CRDs", `${o.chart.crds.length} from the chart`);
    for (const crd of o.chart.crds) await d.kube.apply(crd);

    const before = await d.kube.get("v1", "ConfigMap", "avi-k8s-config", o.namespace);
    const oldPod = await d.kube.get("v1", "Pod", AKO_POD, o.namespace);
    if (unchanged) {
      result.unchanged = true;
      step("unchanged", `${release} revision ${existing!.revision} already runs ${o.chart.version} with these values`);
    } else {
      step(existing ? "upgrade" : "install", `helm upgrade --install ${release} ${o.chart.path} -n ${o.namespace}`);
      const secretValues = ownSecret ? undefined : { avicredentials: credentials };
      await d.helm.upgradeInstall(release, o.chart.path, {
        namespace: o.namespace,
        valuesFiles: [d.valuesFile],
        secretValues,
        timeout: `${Math.ceil(o.waitTimeoutMs / 1000)}s`,
      });
    }
    const after = await d.kube.get("v1", "ConfigMap", "avi-k8s-config", o.namespace);
    // The chart has no checksum annotation: a values-only upgrade changes the ConfigMap but not the pod.
    if (existing && oldPod && JSON.stringify(before?.data) !== JSON.stringify(after?.data)) {
      step("restart", "statefulset/ako (the ConfigMap changed)");
      await restartStatefulSet(d.kube, o.namespace, "ako", d.now());
    }
    step("wait", `${AKO_POD} running and connected`);
    const connection = await waitConnected(d, o, settings, oldPod, events);
    result.connected = connection?.status === "CONNECTED";
    if (!result.connected)
      throw new OperationError(
        `AKO did not connect: ${connection?.errors.at(-1)?.trim() ?? `${AKO_POD} is not ready`}`,
        `see: kubectl logs -n ${o.namespace} ${AKO_POD}`,
      );
    step("verify", "static routes for the node pod CIDRs");
    result.routes = await verifyRoutes(d, settings);
    const releasesAfter = await d.helm.list(o.namespace);
    result.revision = releasesAfter.find((r) => r.name === release)?.revision;
    return result;
  } catch (err) {
    if (err instanceof Cancelled) throw err.stopped ? await undoInterrupted(d.helm, release, o.namespace, existing?.revision, events) : err;
    if (mode === "reload" && existing) {
      events.warn(`reload failed; rolling back ${release} to revision ${existing.revision}`);
      try {
        await d.helm.rollback(release, Number(existing.revision), o.namespace);
        // The rollback restores the ConfigMap but not the running pod: restart it on the old values.
        await restartStatefulSet(d.kube, o.namespace, "ako", d.now());
        result.rolledBack = true;
      } catch (rollbackErr) {
        throw new OperationError(
          `${(err as Error).message}; the rollback to revision ${existing.revision} failed too: ${(rollbackErr as Error).message}`,
          `inspect: helm history ${release} -n ${o.namespace}`,
        );
      }
      throw new OperationError(
        `${(err as Error).message}; rolled back to revision ${existing.revision}, the previous AKO is running`,
        (err as OperationError).hint,
      );
    }
    throw err;
  }
}

/** Pod Ready is not enough (AKO has no readiness probe): wait for AKO's own word that it is connected. */
async function waitConnected(
  d: AkoDeps,
  o: AkoRunOptions,
  s: AkoSettings,
  oldPod: KubeObject | undefined,
  events: Events,
): Promise<AkoConnection | undefined> {
  const deadline = d.now() + o.waitTimeoutMs;
  const oldUid = (oldPod as Pod | undefined)?.metadata?.uid;
  let last: AkoConnection | undefined;
  while (d.now() < deadline) {
    const pod = await d.kube.get<Pod>("v1", "Pod", AKO_POD, o.namespace);
    const fresh = pod && (!oldUid || pod.metadata?.uid !== oldUid || !(await restartPending(d, o)));
    if (fresh && podReady(pod)) {
      last = await akoConnection(d.kube, o.namespace, AKO_POD, s.apiServerPort);
      if (last.status === "CONNECTED") return last;
      // A boot failure in the log does not heal by itself; /api/status errors may (AKO retries).
      if (last.status === "DISCONNECTED" && last.source === "log") return last;
    }
    events.step("waiting", { pod: pod?.status?.phase ?? "absent", ako: last?.status ?? "-" });
    await d.sleep(500);
  }
  return last;
}

/** A restart was asked (template annotation) but the StatefulSet has not rolled the pod yet. */
async function restartPending(d: AkoDeps, o: AkoRunOptions): Promise<boolean> {
  const sts = await d.kube.get<KubeObject & { status?: { currentRevision?: string; updateRevision?: string } }>(
    "apps/v1",
    "StatefulSet",
    "ako",
    o.namespace,
  );
  return Boolean(sts?.status?.updateRevision && sts.status.currentRevision !== sts.status.updateRevision);
}

/** AKO (ClusterIP mode) keeps one static route per node in the VIP network's VRF: check them. */
async function verifyRoutes(d: AkoDeps, s: AkoSettings): Promise<AkoRunResult["routes"]> {
  const nodes = await d.kube.list<KubeObject & { spec?: { podCIDR?: string } }>("v1", "Node");
  const cidrs = nodes.map((n) => n.spec?.podCIDR).filter((c): c is string => Boolean(c));
  const skip = s.disableStaticRouteSync || (s.serviceType ?? "ClusterIP") !== "ClusterIP";
  const { vrf, routes } = await akoRoutes(d.avi, s);
  const missing = skip ? [] : cidrs.filter((c) => !routes.includes(c));
  if (missing.length)
    throw new OperationError(
      `AKO connected but VRF ${vrf ?? "?"} lacks static routes for ${missing.join(", ")}`,
      "check AKO's log for static route errors",
    );
  return { vrf: vrf ?? "", expected: skip ? 0 : cidrs.length, found: routes.length, missing };
}
