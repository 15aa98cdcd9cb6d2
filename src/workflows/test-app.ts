import { OperationError, UsageError } from "../base/errors.js";
import type { Clock } from "../base/clock.js";
import type { Kube, KubeObject } from "../clients/k8s.js";
import { DNS_LABEL, intFlag, namespaceFlag } from "./k8s/flags.js";
import { diffOwned, type EnsureAction, type FieldChange } from "./ensure.js";
import type { Events } from "./events.js";

export type TestAppAction = "apply" | "scale" | "delete";

export interface TestAppOptions {
  action: TestAppAction;
  name: string;
  namespace: string;
  image: string;
  port: number;
  /** Undefined for apply means 1; scale requires it. */
  replicas?: number;
  env: Record<string, string>;
  /** Extra labels on the Deployment and the Service, e.g. app=gslb for AMKO's selector. */
  labels: Record<string, string>;
  wait: boolean;
  timeoutMs: number;
  dryRun: boolean;
}

/** What happened (or, with --dry-run, would happen) to one object. */
export interface TestAppChange {
  kind: string;
  name: string;
  action: EnsureAction | "delete" | "absent";
  diff: FieldChange[];
}

export interface TestAppResult {
  action: TestAppAction;
  dryRun: boolean;
  namespace: string;
  name: string;
  plan: TestAppChange[];
  warnings: string[];
  /** With --wait: the ready pods of the Deployment and what AKO wrote on the Service. */
  ready?: number;
  replicas?: number;
  vip?: string;
  hostname?: string;
}

/** Marks what this command made, so delete never removes a same-named object someone else owns. */
const MANAGED = "avictl.io/test-app";
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** The blog's Part 3 app. */
export const DEFAULT_IMAGE = "gcr.io/kuar-demo/kuard-amd64:1";

/** Validate the flags into options: one sentence per mistake, before anything is contacted. */
export function toTestAppOptions(
  action: string,
  name: string,
  raw: {
    namespace?: string;
    image?: string;
    port?: string;
    replicas?: string;
    env?: string[];
    label?: string[];
    wait?: boolean;
    timeoutMs: number;
    dryRun?: boolean;
  },
): TestAppOptions {
  if (action !== "apply" && action !== "scale" && action !== "delete")
    throw new UsageError(`action must be apply, scale or delete, not "${action}"`);
  if (!DNS_LABEL.test(name) || name.length > 63) throw new UsageError(`NAME "${name}" must be a lowercase DNS label, e.g. kuard`);
  const namespace = namespaceFlag(raw.namespace);
  const replicas = intFlag(raw.replicas, "--replicas", 0, 100);
  if (action === "scale" && replicas === undefined) throw new UsageError("scale needs --replicas N");
  if (action !== "apply" && [raw.image, raw.port, raw.env?.[0], raw.label?.[0]].some((v) => v !== undefined))
    throw new UsageError("--image, --port, --env and --label go with apply");
  if (action === "delete" && replicas !== undefined) throw new UsageError("--replicas goes with apply or scale");
  const pairs = (list: string[] | undefined, flag: string, key: RegExp, value: RegExp) =>
    Object.fromEntries(
      (list ?? []).map((kv) => {
        const i = kv.indexOf("=");
        const [k, v] = i < 0 ? [kv, ""] : [kv.slice(0, i), kv.slice(i + 1)];
        if (i < 0 || !key.test(k) || !value.test(v)) throw new UsageError(`${flag} "${kv}" must be KEY=VALUE with a valid key and value`);
        return [k, v];
      }),
    );
  const image = raw.image ?? DEFAULT_IMAGE;
  if (!/^[^\s]+$/.test(image)) throw new UsageError(`--image "${image}" is not an image reference`);
  return {
    action,
    name,
    namespace,
    image,
    port: intFlag(raw.port, "--port", 1, 65535) ?? 8080,
    replicas,
    env: pairs(raw.env, "--env", /^[A-Za-z_][A-Za-z0-9_]*$/, /^[^\0]*$/),
    labels: pairs(raw.label, "--label", LABEL_KEY, LABEL_VALUE),
    wait: raw.wait ?? false,
    timeoutMs: raw.timeoutMs,
    dryRun: Boolean(raw.dryRun),
  };
}

/** What kubectl create deployment + kubectl expose --type=LoadBalancer make, with avictl's marker label. */
function desired(o: TestAppOptions): KubeObject[] {
  const labels = { app: o.name, ...o.labels, [MANAGED]: o.name };
  const metadata = { name: o.name, namespace: o.namespace, labels };
  const env = Object.entries(o.env).map(([name, value]) => ({ name, value }));
  return [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata,
      spec: {
        replicas: o.replicas ?? 1,
        selector: { matchLabels: { app: o.name } },
        template: {
          metadata: { labels: { app: o.name } },
          spec: {
            containers: [{ name: o.name, image: o.image, ports: [{ containerPort: o.port }], ...(env.length ? { env } : {}) }],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata,
      spec: { type: "LoadBalancer", selector: { app: o.name }, ports: [{ port: o.port, targetPort: o.port, protocol: "TCP" }] },
    },
  ];
}

const item = (kind: string, name: string, action: TestAppChange["action"], diff: FieldChange[] = []): TestAppChange => ({
  kind,
  name,
  action,
  diff,
});

/**
 * The blog's Part 3 by hand (kubectl create deployment, expose --type=LoadBalancer, scale), as one
 * idempotent command: apply converges a Deployment and its LoadBalancer Service, scale changes only
 * the replicas, delete removes what apply made. With wait, the ready pods and the VIP and FQDN AKO
 * wrote on the Service.
 */
export async function runTestApp(o: TestAppOptions, kube: Kube, events: Events, clock: Clock): Promise<TestAppResult> {
  const id = `${o.namespace}/${o.name}`;
  const result: TestAppResult = { action: o.action, dryRun: o.dryRun, namespace: o.namespace, name: o.name, plan: [], warnings: [] };
  const live = (kind: string) => kube.get(kind === "Deployment" ? "apps/v1" : "v1", kind, o.name, o.namespace);
  if (o.action === "apply") {
    for (const obj of desired(o)) {
      const actual = await live(String(obj.kind));
      const diff = actual
        ? [...diffOwned(obj.metadata?.labels, actual.metadata?.labels, "metadata.labels"), ...diffOwned(obj.spec, actual.spec, "spec")]
        : [];
      const p = item(String(obj.kind).toLowerCase(), id, !actual ? "create" : diff.length ? "update" : "unchanged", diff);
      if (p.action !== "unchanged" && !o.dryRun) await kube.apply(obj);
      result.plan.push(p);
    }
  } else if (o.action === "scale") {
    const dep = await live("Deployment");
    if (!dep) throw new OperationError(`no Deployment ${id} to scale`, `create it with: avictl test-app apply ${o.name}`);
    const from = (dep.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    const changed = from !== o.replicas;
    result.plan.push(
      item("deployment", id, changed ? "update" : "unchanged", changed ? [{ path: "spec.replicas", from, to: o.replicas }] : []),
    );
    if (changed && !o.dryRun) await kube.mergePatch("apps/v1", "Deployment", o.name, o.namespace, { spec: { replicas: o.replicas } });
  } else {
    // The Service first: AKO removes the virtual service while the pods still answer.
    for (const kind of ["Service", "Deployment"]) {
      const actual = await live(kind);
      const mine = actual?.metadata?.labels?.[MANAGED] === o.name;
      if (actual && !mine) result.warnings.push(`${kind} ${id} was not made by avictl test-app; left alone`);
      if (mine && !o.dryRun) await kube.delete(kind === "Deployment" ? "apps/v1" : "v1", kind, o.name, o.namespace);
      result.plan.push(item(kind.toLowerCase(), id, mine ? "delete" : actual ? "unchanged" : "absent"));
    }
    return result;
  }
  if (!o.wait || o.dryRun) return result;

  events.step(`waiting for ${id}: pods ready and the Service's VIP`);
  // One list, then a watch per kind (Kube.listUntil), within one deadline.
  const deadline = clock.now() + o.timeoutMs;
  const left = () => Math.max(0, deadline - clock.now());
  const mine = (items: KubeObject[]) => items.find((x) => x.metadata?.name === o.name);
  const pods = (dep: KubeObject | undefined) => ({
    want: (dep?.spec as { replicas?: number } | undefined)?.replicas ?? 1,
    ready: (dep?.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0,
  });
  const lbOf = (svc: KubeObject | undefined) =>
    (svc?.status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } | undefined)?.loadBalancer?.ingress?.[0];
  const deployments = await kube.listUntil(
    "apps/v1",
    "Deployment",
    "deployments",
    o.namespace,
    (items) => {
      const p = pods(mine(items));
      return p.ready === p.want;
    },
    left(),
  );
  const { want, ready } = pods(mine(deployments));
  // Scaled to 0 AKO keeps the VIP; a new Service waits for it.
  const services = await kube.listUntil(
    "v1",
    "Service",
    "services",
    o.namespace,
    (items) => want === 0 || Boolean(lbOf(mine(items))?.ip),
    left(),
  );
  const lb = lbOf(mine(services));
  Object.assign(result, { replicas: want, ready, vip: lb?.ip, hostname: lb?.hostname });
  if (ready !== want || (want > 0 && !lb?.ip))
    throw new OperationError(
      `${id}: ${ready} of ${want} pods ready${lb?.ip ? "" : " and no VIP on the Service"} after ${Math.round(o.timeoutMs / 1000)}s`,
      "check AKO with: avictl ako status",
    );
  return result;
}
