import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { configPath, loadConfig } from "../../base/config.js";
import { OperationError, UsageError } from "../../base/errors.js";
import type { Helm } from "../../clients/helm.js";
import { labDir, readLabState } from "../../lab/state.js";
import { startSlackReceiver } from "./demo-receiver.js";
import { demoSteps, SLACK_URL_FILE, type DemoContext, type DemoStep, type Need } from "./demo-steps.js";

export type DemoOutcome = "ok" | "skipped" | "failed";

/** What one step did: its command line, exit code and output, or why it did not run. */
export interface DemoStepResult {
  /** 1-based position in the step list. */
  n: number;
  id: string;
  title: string;
  args: string[];
  outcome: DemoOutcome;
  reason?: string;
  code?: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** Ran before --step N to set the stage, without narration. */
  setup: boolean;
  /** What the demo watched instead of running a command (the Slack receiver). */
  watch?: string;
  /** Runs it took when the step is retried until it passes. */
  tries?: number;
}

/** Answers "why can't this need be met now?" (undefined when it can). */
export type NeedCheck = (need: Need, passed: ReadonlySet<string>) => Promise<string | undefined>;

/** Needs resolved against the --charts folder, a helm probe and the contexts in the config. */
export function needChecker(o: {
  charts?: string;
  helmVersion: () => Promise<string>;
  contexts: () => string[];
  /** Is this program on the PATH? */
  has?: (program: string) => boolean;
}): NeedCheck {
  let helm: Promise<string | undefined> | undefined;
  return async (need, passed) => {
    const [kind, name = ""] = need.split(/:(.*)/s) as [string, string?];
    if (kind === "chart") {
      if (!o.charts) return `needs the ${name} chart archive: pass --charts DIR`;
      return existsSync(join(o.charts, `${name}.tgz`)) ? undefined : `${name}.tgz is not in ${o.charts}`;
    }
    if (kind === "helm")
      return (helm ??= o.helmVersion().then(
        () => undefined,
        (err: Error) => `helm is not available: ${err.message}`,
      ));
    if (kind === "step") return passed.has(name) ? undefined : `needs step ${name}, which did not pass`;
    if (kind === "bin") return (o.has ?? onPath)(name) ? undefined : `${name} is not installed (the lab runs ControlScripts with it)`;
    return o.contexts().includes(name) ? undefined : `no context ${name}: this lab has no such controller yet`;
  };
}

export interface DemoRunOptions {
  /** Narrate from this 1-based step; earlier steps run first, quietly, because later ones build on them. */
  from: number;
  env: NodeJS.ProcessEnv;
  /** Where relative files (values-*.yaml) are written. */
  cwd: string;
  signal: AbortSignal;
  ctx: DemoContext;
  check: NeedCheck;
  /** Before a step runs; false stops the demo (the rest are skipped but for the final clean-up, which never asks). */
  before(step: { n: number; title: string; args: string[]; watch?: string; setup: boolean; ask: boolean }): Promise<boolean>;
  after(r: DemoStepResult): void;
}

/** Run each step as a child process of the real CLI; after a failure the rest are skipped with the reason. */
export async function runDemo(steps: DemoStep[], o: DemoRunOptions): Promise<DemoStepResult[]> {
  const results: DemoStepResult[] = [];
  const passed = new Set<string>();
  let stopped: string | undefined;
  for (const [i, step] of steps.entries()) {
    const n = i + 1;
    const setup = n < o.from;
    const args = step.watch ? [] : step.args(o.ctx);
    const watch = step.watch?.describe;
    const base = { n, id: step.id, title: step.title, args, ...(watch ? { watch } : {}), stdout: "", stderr: "", ms: 0, setup };
    // The clean-up step runs whatever stopped the demo, even Ctrl-C (it is short and leaves nothing behind).
    const cleanup = Boolean(step.always && stopped);
    let reason = cleanup ? undefined : stopped;
    for (const need of step.needs ?? []) reason ??= await o.check(need, passed);
    if (!reason && !(await o.before({ n, title: step.title, args, watch, setup, ask: !cleanup })) && !cleanup)
      reason = stopped = "stopped at the prompt";
    if (reason) {
      const r: DemoStepResult = { ...base, outcome: "skipped", reason };
      results.push(r);
      o.after(r);
      continue;
    }
    const started = Date.now();
    const signal = cleanup ? new AbortController().signal : o.signal;
    let child: { code: number; stdout: string; stderr: string };
    let ok: boolean;
    let tries = 0;
    for (;;) {
      tries++;
      if (step.watch) {
        const w = await step.watch.run(o.ctx, signal);
        child = { code: w.ok ? 0 : 1, stdout: w.out, stderr: "" };
      } else child = await runChild(args, { ...o, signal });
      ok = !signal.aborted && (step.ok ?? [0]).includes(child.code) && (!step.shows || step.shows.test(child.stdout + child.stderr));
      if (ok || signal.aborted || !step.retryMs || Date.now() - started > step.retryMs) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const r: DemoStepResult = {
      ...base,
      ...child,
      ms: Date.now() - started,
      outcome: ok ? "ok" : "failed",
      reason: signal.aborted ? "interrupted" : undefined,
      ...(tries > 1 ? { tries } : {}),
    };
    results.push(r);
    o.after(r);
    if (ok) passed.add(step.id);
    else stopped = o.signal.aborted ? "interrupted" : `step ${n} failed`;
  }
  return results;
}

function onPath(program: string): boolean {
  return spawnSync(program, ["--version"], { stdio: "ignore", timeout: 10_000 }).status === 0;
}

const bin = fileURLToPath(new URL("../../../bin/avictl", import.meta.url));

/** The real CLI in a child process, as a user runs it. */
function runChild(
  args: string[],
  o: { env: NodeJS.ProcessEnv; cwd: string; signal: AbortSignal },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    if (o.signal.aborted) return resolve({ code: 130, stdout: "", stderr: "" });
    // On Ctrl-C the child gets SIGTERM and stops as the CLI does on an interrupt.
    const child = spawn(process.execPath, [bin, ...args], {
      env: o.env,
      cwd: o.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      signal: o.signal,
      killSignal: "SIGTERM",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (err) => (stderr += (err as Error).name === "AbortError" ? "" : `${err.message}\n`));
    child.on("close", (code) => resolve({ code: code ?? 130, stdout, stderr }));
  });
}

export interface DemoOptions {
  /** 1-based step to narrate from. */
  from: number;
  keep: boolean;
  charts?: string;
}

export interface DemoResult {
  steps: DemoStepResult[];
  /** Set with --keep: the config the kept lab is registered in. */
  config?: string;
  /** The folder the steps ran in, with what they wrote (values files, log exports, the split chart); it stays. */
  files: string;
}

/**
 * The whole demo: a lab started and stopped by the steps themselves (`lab up --detach` … `lab down`).
 * Without --keep the lab lives in a private config dir that is removed afterwards; with --keep the
 * lab is registered in the user's config, as `lab up --detach` does. The files the steps write stay.
 */
export async function playDemo(
  o: DemoOptions,
  hooks: Pick<DemoRunOptions, "before" | "after"> & { helm(env: NodeJS.ProcessEnv): Promise<Pick<Helm, "version">> },
  signal: AbortSignal,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DemoResult> {
  const steps = demoSteps({ keep: o.keep });
  const child: NodeJS.ProcessEnv = {};
  // The steps talk to the lab only: no inherited controller, credentials, context or cluster.
  for (const [k, v] of Object.entries(env)) if (!/^(AVI_|AVICTL_CONTEXT$|KUBECONFIG$)/.test(k)) child[k] = v;
  const running = o.keep && readLabState(child);
  if (running)
    throw new OperationError(
      `a lab is already running (pid ${running.pid})`,
      "stop it with 'avictl lab down', or run the demo without --keep",
    );
  const scratch = mkdtempSync(join(tmpdir(), "avictl-demo-"));
  if (!o.keep) child.AVICTL_CONFIG = join(scratch, "config.yaml");
  Object.assign(child, { AVICTL_CONTEXT: "lab", KUBECONFIG: join(labDir(child), "kubeconfig") });
  const cwd = o.keep ? join(labDir(child), "demo") : mkdtempSync(join(tmpdir(), "avictl-demo-files-"));
  mkdirSync(cwd, { recursive: true, mode: 0o700 });
  const charts = o.charts === undefined ? undefined : resolve(o.charts);
  // The Slack alert goes to a receiver of the demo's own on loopback; its URL only in a 0600 file.
  const slack = await startSlackReceiver();
  writeFileSync(join(cwd, SLACK_URL_FILE), `${slack.url}\n`, { mode: 0o600 });
  const outputs = new Map<string, string>();
  const ctx: DemoContext = {
    lab: () => readLabState(child) ?? { dns: [], backends: [] },
    chart: (name) => join(charts ?? "CHARTS", `${name}.tgz`),
    output: (id) => outputs.get(id) ?? "",
    file: (name) => join(cwd, name),
    slack: (match, timeoutMs, s) => slack.next(match, timeoutMs, s),
  };
  const check = needChecker({
    charts,
    helmVersion: async () => (await hooks.helm(child)).version(),
    contexts: () => loadConfig(configPath(child)).contexts.map((c) => c.name),
  });
  try {
    const after = (r: DemoStepResult) => (outputs.set(r.id, r.stdout), hooks.after(r));
    const results = await runDemo(steps, { from: o.from, env: child, cwd, signal, ctx, check, before: hooks.before, after });
    return { steps: results, config: o.keep ? configPath(child) : undefined, files: cwd };
  } finally {
    // A failed or interrupted run still leaves nothing behind (unless asked to keep the lab).
    if (!o.keep && readLabState(child)) await runChild(["lab", "down"], { env: child, cwd, signal: new AbortController().signal });
    await slack.close();
    rmSync(join(cwd, SLACK_URL_FILE), { force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The demo's flags, checked before the lab starts: --step against the step list, --charts a folder. */
export function toDemoOptions(raw: { step?: string; keep?: boolean; charts?: string }): DemoOptions {
  const keep = Boolean(raw.keep);
  if (raw.charts !== undefined && !statSync(raw.charts, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--charts must be a folder of chart archives; ${raw.charts} is not a folder`);
  const count = demoSteps({ keep }).length;
  const n = Number(raw.step ?? 1);
  if (!Number.isInteger(n) || n < 1 || n > count)
    throw new UsageError(`--step must be a step number from 1 to ${count}, not "${raw.step}"`);
  return { from: n, keep, charts: raw.charts };
}
