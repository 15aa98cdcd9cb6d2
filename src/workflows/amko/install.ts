import { Kube, type KubeObject, type KubeTarget } from "../../clients/k8s.js";
import { Cancelled, OperationError, UsageError } from "../../base/errors.js";
import type { Events } from "../events.js";
import { chartRelease, undoInterrupted, type ChartInfo, type Credentials, type HelmOps, type StepRecord } from "../helm-release.js";
import { crdVersion } from "../k8s/crd.js";
import { podReady, type Pod } from "../k8s/pods.js";
import { compareVersions } from "../../clients/avi/version.js";
import { parseDuration } from "../../base/duration.js";
import { parseCount } from "../infra/net.js";
import { AMKO_NAMESPACE, expectedShares, parseSplit } from "./traffic-split.js";

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
  /** False for a follower AMKO (federation, 1.4.2+): it creates no GSLB services. Default true. */
  leader?: boolean;
}

export interface AmkoInstallOptions {
  leader: KubeTarget;
  members: AmkoMember[];
  /** Member names that get a follower AMKO (federation); installed before the leader. */
  followers: string[];
  /** Namespace where AKO runs in every member cluster (its pod ako-0). */
  akoNamespace: string;
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
  /** Helm bound to one kube context. */
  helm(context: string): Promise<HelmOps>;
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
  /** Where AMKO was installed, in order: followers first, the leader last. */
  installed: { member: string; context: string; role: "leader" | "follower"; release: string }[];
  shares: ReturnType<typeof expectedShares>;
  steps: StepRecord[];
}

/** The flags of `amko install` that are not the chart, the controller or the credentials, checked before anything is read or written. */
export function toAmkoInstallFlags(raw: {
  leaderContext: string;
  kubeconfig?: string;
  member?: string[];
  followers?: string;
  akoNamespace: string;
  selector: string;
  split?: string;
  ttl?: string;
  waitTimeout: string;
}): Pick<AmkoInstallOptions, "leader" | "members" | "followers" | "akoNamespace" | "selector" | "split" | "ttl" | "waitTimeoutMs"> {
  const members = parseMembers(raw.member ?? []);
  return {
    leader: { kubeconfig: raw.kubeconfig, context: raw.leaderContext },
    members,
    followers: parseFollowers(raw.followers, members, raw.leaderContext),
    akoNamespace: raw.akoNamespace,
    selector: parseSelector(raw.selector),
    split: raw.split ? parseSplit([raw.split]) : [],
    ttl: parseCount(raw.ttl, "--ttl", 0, 86400),
    waitTimeoutMs: parseDuration(raw.waitTimeout, "--wait-timeout"),
  };
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

/** `--followers all|NAME,...`: member names other than the leader's (`all`: every one of them). */
export function parseFollowers(spec: string | undefined, members: AmkoMember[], leaderContext: string): string[] {
  if (!spec) return [];
  const others = members.filter((m) => m.context !== leaderContext).map((m) => m.name);
  if (spec.trim() === "all") return others;
  const names = spec.split(",").map((s) => s.trim());
  if (names.some((n) => !n)) throw new UsageError(`--followers "${spec}" must be 'all' or member names separated by commas`);
  return [...new Set(names)];
}

export function parseSelector(spec: string): Record<string, string> {
  const m = /^([A-Za-z0-9][-A-Za-z0-9_./]*)=([-A-Za-z0-9_.]*)$/.exec(spec);
  if (!m) throw new UsageError(`--selector "${spec}" must look like KEY=VALUE, e.g. app=gslb`);
  return { [m[1]!]: m[2]! };
}

/**
 * Install AMKO as its docs order it: AKO running in every member cluster first (refused otherwise,
 * before anything is written), then the follower AMKOs, then the leader AMKO, which alone creates
 * GSLB services; gslb-members is made from the named kube contexts and given to every one of them.
 */
export async function installAmko(o: AmkoInstallOptions, d: AmkoDeps, events: Events): Promise<AmkoInstallResult> {
  const names = new Set(o.members.map((m) => m.name));
  const strays = o.split.filter((w) => !names.has(w.cluster)).map((w) => w.cluster);
  if (strays.length)
    throw new UsageError(
      `--split names ${strays.join(", ")}, which ${strays.length > 1 ? "are not members" : "is not a member"}; members: ${[...names].join(", ")}`,
    );
  const unknown = o.followers.filter((f) => !names.has(f));
  if (unknown.length) throw new UsageError(`--followers names ${unknown.join(", ")}, not among the members: ${[...names].join(", ")}`);
  if (o.followers.length && compareVersions(o.chart.version, "1.4.2") < 0)
    throw new UsageError(
      `AMKO ${o.chart.version} has no federation: it runs on the leader cluster only; drop --followers or use chart 1.4.2+`,
    );
  const leaderMember = o.members.find((m) => m.context === o.leader.context);
  if (leaderMember && o.followers.includes(leaderMember.name))
    throw new UsageError(`${leaderMember.name} is the leader cluster (--leader-context ${o.leader.context}); it cannot be a follower too`);
  const steps: StepRecord[] = [];
  const step = (s: string, detail: string) => {
    events.step(s, { detail });
    steps.push({ step: s, detail });
  };

  step("members", `checking ${o.members.length} API servers and AKO in each`);
  const checked = await Promise.all(
    o.members.map(async (m) => {
      try {
        const k = await d.connect({ kubeconfig: o.leader.kubeconfig, context: m.context });
        const version = (await k.version()).gitVersion;
        const ako = await k.get<Pod>("v1", "Pod", "ako-0", o.akoNamespace);
        return { name: m.name, context: m.context, server: k.server, version, kube: k, ako: podReady(ako) ? undefined : akoState(ako) };
      } catch (err) {
        return { name: m.name, context: m.context, error: (err as Error).message };
      }
    }),
  );
  const down = checked.flatMap((c) => ("error" in c ? [`${c.name} (${c.error})`] : []));
  if (down.length)
    throw new OperationError(
      `member cluster${down.length > 1 ? "s" : ""} not reachable: ${down.join("; ")}`,
      "fix the kube contexts or leave the member out",
    );
  const reachable = checked.filter((c): c is Exclude<(typeof checked)[number], { error: string }> => !("error" in c));
  const noAko = reachable.filter((c) => c.ako);
  if (noAko.length)
    throw new OperationError(
      `AKO is not running in member cluster${noAko.length > 1 ? "s" : ""} ${noAko.map((c) => `${c.name} (${c.ako})`).join(", ")}: ` +
        "AMKO needs AKO installed and running in every member cluster first",
      `install AKO there first, e.g. 'avictl ako install --kube-context ${noAko[0]!.context}', and check it with 'avictl ako status'`,
    );

  const leader = await d.connect(o.leader);
  const current = leaderMember?.name ?? o.members[0]!.name;
  const gslbMembers = await Kube.membersKubeconfig({ kubeconfig: o.leader.kubeconfig }, o.members);
  // A reinstall must keep the UUID, or AMKO no longer owns the GSLB services it created.
  const amkoUUID = await keptUuid(leader);
  const split = o.split.length ? o.split : o.members.map((m) => ({ cluster: m.name, weight: 1 }));
  const render = (currentCluster: string, isLeader: boolean) =>
    d.render({
      chartVersion: o.chart.version,
      leaderController: o.leaderController,
      controllerVersion: o.controllerVersion,
      members: o.members.map((m) => m.name),
      currentCluster,
      selector: o.selector,
      trafficSplit: split,
      ttl: o.ttl,
      amkoUUID,
      leader: isLeader,
    });
  const installed: AmkoInstallResult["installed"] = [];
  const targets = [
    ...o.followers.map((f) => ({ member: f, context: o.members.find((m) => m.name === f)!.context, leader: false })),
    { member: current, context: leader.context, leader: true },
  ];
  for (const t of targets) {
    const kube = t.leader ? leader : reachable.find((c) => c.name === t.member)!.kube;
    const where = t.leader ? `leader ${t.context}` : `follower ${t.context}`;
    const helm = await d.helm(t.context);
    step(`namespace ${where}`, AMKO_NAMESPACE);
    await kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: AMKO_NAMESPACE } });
    step(`secret ${where}`, `gslb-config-secret with ${o.members.length} member contexts`);
    await kube.apply({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "gslb-config-secret", namespace: AMKO_NAMESPACE },
      type: "Opaque",
      stringData: { "gslb-members": gslbMembers },
    });
    const valuesFile = d.writeValues(render(t.member, t.leader));
    const existing = await chartRelease(helm, AMKO_NAMESPACE, "amko");
    const release = existing?.name ?? "amko";
    try {
      step(`CRDs ${where}`, `${o.chart.crds.length} from the chart`);
      for (const crd of o.chart.crds) await kube.apply(crd);
      step(`${existing ? "upgrade" : "install"} ${where}`, `helm upgrade --install ${release} ${o.chart.path} -n ${AMKO_NAMESPACE}`);
      // The leader's credentials go to helm on its stdin: no file holds them at any moment.
      const secretValues = { gslbLeaderCredentials: { username: o.credentials.username, password: o.credentials.password ?? "" } };
      await helm.upgradeInstall(release, o.chart.path, {
        namespace: AMKO_NAMESPACE,
        valuesFiles: [valuesFile.path],
        secretValues,
        timeout: `${Math.ceil(o.waitTimeoutMs / 1000)}s`,
      });
    } catch (err) {
      if (err instanceof Cancelled && err.stopped) throw await undoInterrupted(helm, release, AMKO_NAMESPACE, existing?.revision, events);
      throw err;
    } finally {
      valuesFile.remove();
    }
    installed.push({ member: t.member, context: t.context, role: t.leader ? "leader" : "follower", release });
    if (!t.leader) await waitRunning(kube, o.waitTimeoutMs, d, where);
  }
  const warnings = await waitLeader(leader, o.waitTimeoutMs, d, step);
  return {
    warnings,
    release: installed.at(-1)!.release,
    namespace: AMKO_NAMESPACE,
    chart: `amko-${o.chart.version}`,
    amkoUUID,
    members: reachable.map(({ name, context, server, version }) => ({ name, context, server, version })),
    installed,
    shares: expectedShares(split),
    steps,
  };
}

/** Why a member's AKO does not count as running. */
function akoState(pod: Pod | undefined): string {
  if (!pod) return "no pod ako-0";
  return `ako-0 is ${pod.status?.phase ?? "Unknown"}${pod.status?.phase === "Running" ? " but not ready" : ""}`;
}

async function keptUuid(kube: Kube): Promise<string | undefined> {
  const gcVersion = await crdVersion(kube, "gslbconfigs", "amko.vmware.com", "").catch(() => undefined);
  const gc = gcVersion
    ? await kube.get<KubeObject & { metadata?: { annotations?: Record<string, string> } }>(gcVersion, "GSLBConfig", "gc-1", AMKO_NAMESPACE)
    : undefined;
  return gc?.metadata?.annotations?.["amko.vmware.com/amko-uuid"];
}

/** A follower AMKO is up when its pod runs; it reports nothing on the GSLB services (the leader makes them). */
async function waitRunning(kube: Kube, timeoutMs: number, d: Pick<AmkoDeps, "now" | "sleep">, where: string): Promise<void> {
  const deadline = d.now() + timeoutMs;
  while (!podReady(await kube.get<Pod>("v1", "Pod", "amko-0", AMKO_NAMESPACE))) {
    if (d.now() > deadline)
      throw new OperationError(
        `amko-0 on the ${where} is not running after ${Math.round(timeoutMs / 1000)}s`,
        `see: kubectl --context ${kube.context} -n ${AMKO_NAMESPACE} describe pod amko-0`,
      );
    await d.sleep(500);
  }
}

/** The leader AMKO: amko-0 running and its verdict on the GSLBConfig and GDP; returns warnings. */
async function waitLeader(
  leader: Kube,
  timeoutMs: number,
  d: Pick<AmkoDeps, "now" | "sleep">,
  step: (s: string, detail: string) => void,
): Promise<string[]> {
  step("wait", "amko-0 running, GSLBConfig and GDP accepted");
  const deadline = d.now() + timeoutMs;
  const gdpVersion = await crdVersion(leader, "globaldeploymentpolicies", "amko.vmware.com", "");
  const gcInstalled = await crdVersion(leader, "gslbconfigs", "amko.vmware.com", "");
  for (;;) {
    const pod = await leader.get<Pod>("v1", "Pod", "amko-0", AMKO_NAMESPACE);
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
    if (running && gcState?.startsWith("success") && gdpStatus === "success") return [];
    if (d.now() > deadline) {
      if (!running)
        throw new OperationError(
          `amko-0 is not running after ${Math.round(timeoutMs / 1000)}s`,
          `see: kubectl -n ${AMKO_NAMESPACE} describe pod amko-0`,
        );
      return [`AMKO runs but has not reported on its GSLBConfig/GDP yet (state: ${gcState ?? "none"}, GDP: ${gdpStatus ?? "none"})`];
    }
    await d.sleep(500);
  }
}
