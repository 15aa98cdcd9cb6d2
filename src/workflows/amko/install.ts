import { Kube, type KubeObject, type KubeTarget } from "../../clients/k8s.js";
import { Cancelled, OperationError, UsageError } from "../../base/errors.js";
import type { Events } from "../events.js";
import { chartRelease, undoInterrupted, type ChartInfo, type Credentials, type HelmOps, type StepRecord } from "../helm-release.js";
import { crdVersion } from "../k8s/crd.js";
import { AMKO_NAMESPACE, expectedShares } from "./traffic-split.js";

export interface AmkoMember {
  /** Name AMKO knows the cluster by (context name in gslb-members), e.g. s1az1. */
  name: string;
  /** Kube context in the user's kubeconfig. */
  context: string;
}

/** What the values renderer needs; credentials are not part of it. */
export interface AmkoValuesInput {
  chartVersion: string;
  leaderController: string;
  controllerVersion: string;
  members: string[];
  currentCluster: string;
  selector: Record<string, string>;
  trafficSplit: { cluster: string; weight: number }[];
  ttl?: number;
  amkoUUID?: string;
}

export interface AmkoInstallOptions {
  leader: KubeTarget;
  members: AmkoMember[];
  selector: Record<string, string>;
  split: { cluster: string; weight: number }[];
  ttl?: number;
  chart: ChartInfo;
  leaderController: string;
  controllerVersion: string;
  credentials: Credentials;
  waitTimeoutMs: number;
}

export interface AmkoDeps {
  helm: HelmOps;
  render(i: AmkoValuesInput): string;
  /** Writes a values file (never with secrets); returns its path and a remover. */
  writeValues(text: string): { path: string; remove(): void };
  connect(t: KubeTarget): Promise<Kube>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export interface AmkoInstallResult {
  warnings: string[];
  release: string;
  namespace: string;
  chart: string;
  amkoUUID?: string;
  members: { name: string; context: string; server: string; version: string }[];
  shares: ReturnType<typeof expectedShares>;
  steps: StepRecord[];
}

/** `--member s1az1=CTX` (repeatable) → members; names must be unique DNS labels. */
export function parseMembers(specs: string[]): AmkoMember[] {
  if (specs.length === 0) throw new UsageError("give the GSLB member clusters: --member s1az1=KUBECONTEXT (repeatable)");
  const seen = new Set<string>();
  return specs.map((spec) => {
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)=(\S+)$/.exec(spec);
    if (!m) throw new UsageError(`--member "${spec}" must look like NAME=KUBECONTEXT with a lower-case NAME`);
    if (seen.has(m[1]!)) throw new UsageError(`member ${m[1]} is given twice`);
    seen.add(m[1]!);
    return { name: m[1]!, context: m[3]! };
  });
}

export function parseSelector(spec: string): Record<string, string> {
  const m = /^([A-Za-z0-9][-A-Za-z0-9_./]*)=([-A-Za-z0-9_.]*)$/.exec(spec);
  if (!m) throw new UsageError(`--selector "${spec}" must look like KEY=VALUE, e.g. app=gslb`);
  return { [m[1]!]: m[2]! };
}

/** Build and install AMKO on the leader cluster, with gslb-members made from the named kube contexts. */
export async function installAmko(o: AmkoInstallOptions, d: AmkoDeps, events: Events): Promise<AmkoInstallResult> {
  const names = new Set(o.members.map((m) => m.name));
  const strays = o.split.filter((w) => !names.has(w.cluster)).map((w) => w.cluster);
  if (strays.length)
    throw new UsageError(
      `--split names ${strays.join(", ")}, which ${strays.length > 1 ? "are not members" : "is not a member"}; members: ${[...names].join(", ")}`,
    );
  const steps: StepRecord[] = [];
  const step = (s: string, detail: string) => {
    events.step(s, { detail });
    steps.push({ step: s, detail });
  };

  step("members", `checking ${o.members.length} API servers`);
  const checked = await Promise.all(
    o.members.map(async (m) => {
      try {
        const k = await d.connect({ kubeconfig: o.leader.kubeconfig, context: m.context });
        return { name: m.name, context: m.context, server: k.server, version: (await k.version()).gitVersion };
      } catch (err) {
        return { name: m.name, context: m.context, error: (err as Error).message };
      }
    }),
  );
  const down = checked.filter((c) => "error" in c);
  if (down.length)
    throw new OperationError(
      `member cluster${down.length > 1 ? "s" : ""} not reachable: ${down.map((c) => `${c.name} (${"error" in c ? c.error : ""})`).join("; ")}`,
      "fix the kube contexts or leave the member out",
    );

  const leader = await d.connect(o.leader);
  const current = o.members.find((m) => m.context === leader.context)?.name ?? o.members[0]!.name;
  step("namespace", AMKO_NAMESPACE);
  await leader.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: AMKO_NAMESPACE } });
  step("secret", `gslb-config-secret with ${o.members.length} member contexts`);
  const members = await Kube.membersKubeconfig({ kubeconfig: o.leader.kubeconfig }, o.members);
  await leader.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "gslb-config-secret", namespace: AMKO_NAMESPACE },
    type: "Opaque",
    stringData: { "gslb-members": members },
  });

  // A reinstall must keep the UUID, or AMKO no longer owns the GSLB services it created.
  const gcVersion = await crdVersion(leader, "gslbconfigs", "amko.vmware.com", "").catch(() => undefined);
  const gc = gcVersion
    ? await leader.get<KubeObject & { metadata?: { annotations?: Record<string, string> } }>(
        gcVersion,
        "GSLBConfig",
        "gc-1",
        AMKO_NAMESPACE,
      )
    : undefined;
  const amkoUUID = gc?.metadata?.annotations?.["amko.vmware.com/amko-uuid"];

  const split = o.split.length ? o.split : o.members.map((m) => ({ cluster: m.name, weight: 1 }));
  const values = d.render({
    chartVersion: o.chart.version,
    leaderController: o.leaderController,
    controllerVersion: o.controllerVersion,
    members: o.members.map((m) => m.name),
    currentCluster: current,
    selector: o.selector,
    trafficSplit: split,
    ttl: o.ttl,
    amkoUUID,
  });
  const valuesFile = d.writeValues(values);
  const existing = await chartRelease(d.helm, AMKO_NAMESPACE, "amko");
  const release = existing?.name ?? "amko";
  try {
    step("CRDs", `${o.chart.crds.length} from the chart`);
    for (const crd of o.chart.crds) await leader.apply(crd);
    step(existing ? "upgrade" : "install", `helm upgrade --install ${release} ${o.chart.path} -n ${AMKO_NAMESPACE}`);
    // The leader's credentials go to helm on its stdin: no file holds them at any moment.
    const secretValues = { gslbLeaderCredentials: { username: o.credentials.username, password: o.credentials.password ?? "" } };
    await d.helm.upgradeInstall(release, o.chart.path, {
      namespace: AMKO_NAMESPACE,
      valuesFiles: [valuesFile.path],
      secretValues,
      timeout: `${Math.ceil(o.waitTimeoutMs / 1000)}s`,
    });
  } catch (err) {
    if (err instanceof Cancelled && err.stopped) throw await undoInterrupted(d.helm, release, AMKO_NAMESPACE, existing?.revision, events);
    throw err;
  } finally {
    valuesFile.remove();
  }
  step("wait", "amko-0 running, GSLBConfig and GDP accepted");
  const deadline = d.now() + o.waitTimeoutMs;
  const gdpVersion = await crdVersion(leader, "globaldeploymentpolicies", "amko.vmware.com", "");
  const gcInstalled = await crdVersion(leader, "gslbconfigs", "amko.vmware.com", "");
  const warnings: string[] = [];
  for (;;) {
    const pod = await leader.get<KubeObject & { status?: { phase?: string } }>("v1", "Pod", "amko-0", AMKO_NAMESPACE);
    const [gcState, gdpStatus] = await Promise.all([
      leader
        .get<KubeObject & { status?: { state?: string } }>(gcInstalled, "GSLBConfig", "gc-1", AMKO_NAMESPACE)
        .then((g) => g?.status?.state),
      leader
        .get<KubeObject & { status?: { errorStatus?: string } }>(gdpVersion, "GlobalDeploymentPolicy", "global-gdp", AMKO_NAMESPACE)
        .then((g) => g?.status?.errorStatus),
    ]);
    // AMKO writes its verdict into the objects' status; an error there will not heal by waiting.
    if (gcState?.startsWith("error"))
      throw new OperationError(`AMKO refused the GSLBConfig: ${gcState}`, `see: kubectl -n ${AMKO_NAMESPACE} logs amko-0`);
    if (gdpStatus && gdpStatus !== "success") throw new OperationError(`AMKO refused the GlobalDeploymentPolicy: ${gdpStatus}`);
    const running = pod?.status?.phase === "Running";
    if (running && gcState?.startsWith("success") && gdpStatus === "success") break;
    if (d.now() > deadline) {
      if (!running)
        throw new OperationError(
          `amko-0 is not running after ${Math.round(o.waitTimeoutMs / 1000)}s`,
          `see: kubectl -n ${AMKO_NAMESPACE} describe pod amko-0`,
        );
      warnings.push(`AMKO runs but has not reported on its GSLBConfig/GDP yet (state: ${gcState ?? "none"}, GDP: ${gdpStatus ?? "none"})`);
      break;
    }
    await d.sleep(500);
  }
  return {
    warnings,
    release,
    namespace: AMKO_NAMESPACE,
    chart: `amko-${o.chart.version}`,
    amkoUUID,
    members: checked.filter((c): c is { name: string; context: string; server: string; version: string } => !("error" in c)),
    shares: expectedShares(split),
    steps,
  };
}
