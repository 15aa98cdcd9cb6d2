import { readFileSync } from "node:fs";
import { OperationError, UsageError } from "../../base/errors.js";
import { parseDuration } from "../../base/duration.js";
import { labAdmin } from "../../clients/lab-admin.js";
import { readLabState, type LabState } from "../../lab/state.js";
import type { FaultOptions } from "../../lab/types.js";

/** The fault switches a lab controller applies to every API request. */
export type LabFaults = Pick<FaultOptions, "latencyMs" | "errorRate" | "resetRate">;

/** What a running lab is made of, with addresses, and whether each controller answers. */
export interface LabStatus {
  pid: number;
  startedAt: string;
  expiresAt?: string;
  controllers: { name: string; url: string; version: string; state: "up" | "down"; faults?: LabFaults }[];
  clusters: { name: string; server?: string }[];
  kubeconfig?: string;
  dns: LabState["dns"];
  backends: LabState["backends"];
}

export function runningLab(env: NodeJS.ProcessEnv = process.env): LabState {
  const s = readLabState(env);
  if (!s) throw new OperationError("no lab is running", "start one with 'avictl lab up --detach'");
  return s;
}

export async function labStatus(env: NodeJS.ProcessEnv = process.env): Promise<LabStatus> {
  const s = runningLab(env);
  const controllers = await Promise.all(
    s.controllers.map(async (c) => {
      const faults = await labAdmin<FaultOptions>(c, "GET", "/lab/faults").catch(() => undefined);
      return {
        name: c.name,
        url: c.url,
        version: c.version,
        state: faults ? ("up" as const) : ("down" as const),
        faults: faults && pickFaults(faults),
      };
    }),
  );
  return {
    pid: s.pid,
    startedAt: s.startedAt,
    expiresAt: s.expiresAt,
    controllers,
    clusters: await clusterServers(s),
    kubeconfig: s.kubeconfig,
    dns: s.dns,
    backends: s.backends,
  };
}

/** Each cluster's API server address, read from the lab's kubeconfig. */
async function clusterServers(s: LabState): Promise<LabStatus["clusters"]> {
  if (!s.kubeconfig) return s.clusters.map((name) => ({ name }));
  type Kubeconfig = {
    clusters?: { name: string; cluster: { server: string } }[];
    contexts?: { name: string; context: { cluster: string } }[];
  };
  const { parse } = await import("yaml");
  let doc: Kubeconfig = {};
  try {
    doc = (parse(readFileSync(s.kubeconfig, "utf8")) ?? {}) as Kubeconfig;
  } catch {
    // Shown without addresses rather than failing the whole status.
  }
  return s.clusters.map((name) => {
    const cluster = doc.contexts?.find((c) => c.name === name)?.context.cluster;
    return { name, server: doc.clusters?.find((c) => c.name === cluster)?.cluster.server };
  });
}

function pickFaults(f: FaultOptions): LabFaults {
  return { latencyMs: f.latencyMs ?? 0, errorRate: f.errorRate ?? 0, resetRate: f.resetRate ?? 0 };
}

export interface LabFaultsOptions {
  /** undefined: only show the faults in force. */
  set?: LabFaults;
  controller?: string;
}

/** --latency (a duration, bare numbers in milliseconds as for `lab up`), --error-rate, --reset-rate, --off. */
export function toLabFaultsOptions(raw: {
  latency?: string;
  errorRate?: string;
  resetRate?: string;
  off?: boolean;
  controller?: string;
}): LabFaultsOptions {
  const rate = (flag: string, v: string | undefined) => {
    if (v === undefined) return 0;
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1)
      throw new UsageError(`--${flag} must be a share between 0 and 1, not "${v}"`);
    return n;
  };
  const given = raw.latency !== undefined || raw.errorRate !== undefined || raw.resetRate !== undefined;
  if (raw.off && given) throw new UsageError("--off clears every fault; it does not go with --latency, --error-rate or --reset-rate");
  if (!given) return { set: raw.off ? { latencyMs: 0, errorRate: 0, resetRate: 0 } : undefined, controller: raw.controller };
  const latencyMs =
    raw.latency === undefined ? 0 : /^\d+$/.test(raw.latency.trim()) ? Number(raw.latency) : parseDuration(raw.latency, "--latency");
  if (latencyMs > 60_000) throw new UsageError(`--latency must be at most 60s, not "${raw.latency}"`);
  const set = { latencyMs, errorRate: rate("error-rate", raw.errorRate), resetRate: rate("reset-rate", raw.resetRate) };
  if (set.errorRate + set.resetRate > 1) throw new UsageError("--error-rate and --reset-rate together must not exceed 1");
  return { set, controller: raw.controller };
}

/** Set (the given switches replace those in force) or read the faults of the lab's controllers. */
export async function labFaults(
  o: LabFaultsOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ controller: string; faults: LabFaults }[]> {
  const s = runningLab(env);
  const targets = o.controller ? s.controllers.filter((c) => c.name === o.controller) : s.controllers;
  if (targets.length === 0)
    throw new UsageError(`the lab has no controller "${o.controller}"; it has ${s.controllers.map((c) => c.name).join(", ")}`);
  return Promise.all(
    targets.map(async (c) => ({
      controller: c.name,
      faults: pickFaults(
        await (o.set ? labAdmin<FaultOptions>(c, "POST", "/lab/faults", o.set) : labAdmin<FaultOptions>(c, "GET", "/lab/faults")),
      ),
    })),
  );
}
