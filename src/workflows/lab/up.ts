import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { updateConfig } from "../../base/config.js";
import { OperationError } from "../../base/errors.js";
import { clearLabState, isAlive, labDir, readLabState, writeLabState, type LabState } from "../../lab/state.js";
import type { Events } from "../events.js";

export interface LabUpOptions {
  port: number;
  aviVersion: string;
  detach: boolean;
  ttlMs: number;
  latencyMs?: number;
  errorRate?: number;
  resetRate?: number;
}

export interface LabUpResult {
  state: LabState;
  contextAction: "created" | "updated";
  detached: boolean;
  pid: number;
  /** The lab was running already; nothing was started. */
  alreadyRunning?: boolean;
  /** Resolves when a foreground lab has stopped (Ctrl-C, SIGTERM or --ttl). */
  wait?: Promise<void>;
}

/** Start the lab in this process, or in a detached child that stops by itself after the TTL. */
export async function runLabUp(o: LabUpOptions, events: Events, signal: AbortSignal): Promise<LabUpResult> {
  // One lab per config directory: a second `lab up` points the context at the running one again.
  const running = readLabState();
  if (running) return { state: running, contextAction: writeLabContext(running), detached: true, pid: running.pid, alreadyRunning: true };
  return o.detach ? detach(o, events) : foreground(o, events, signal);
}

async function foreground(o: LabUpOptions, events: Events, signal: AbortSignal): Promise<LabUpResult> {
  events.step("starting simulated controller", { version: o.aviVersion });
  const { startLab } = await import("../../lab/index.js");
  const dir = labDir();
  const faults = { latencyMs: o.latencyMs, errorRate: o.errorRate, resetRate: o.resetRate };
  const now = Date.now();
  const meta = { pid: process.pid, startedAt: new Date(now).toISOString(), expiresAt: new Date(now + o.ttlMs).toISOString() };
  let published = false;
  const lab = await startLab({
    port: o.port,
    aviVersion: o.aviVersion,
    faults,
    dir,
    onStateChange: (s) => published && writeLabState({ ...meta, ...s }),
  });
  const state: LabState = { ...meta, ...lab.state };
  writeLabState(state);
  published = true;
  const contextAction = writeLabContext(state);
  const wait = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, o.ttlMs);
    timer.unref();
    signal.addEventListener("abort", () => resolve(), { once: true });
  }).finally(async () => {
    clearLabState();
    await lab.close();
  });
  return { state, contextAction, detached: false, pid: process.pid, wait };
}

async function detach(o: LabUpOptions, events: Events): Promise<LabUpResult> {
  events.step("starting the lab in the background");
  const dir = labDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const log = openSync(join(dir, "lab.log"), "a", 0o600);
  const bin = fileURLToPath(new URL("../../../bin/avictl", import.meta.url));
  const args = [bin, "lab", "up", "--avi-version", o.aviVersion, "--port", String(o.port), "--ttl", `${o.ttlMs}ms`];
  if (o.latencyMs !== undefined) args.push("--latency", String(o.latencyMs));
  if (o.errorRate !== undefined) args.push("--error-rate", String(o.errorRate));
  if (o.resetRate !== undefined) args.push("--reset-rate", String(o.resetRate));
  const child = spawn(process.execPath, args, { detached: true, stdio: ["ignore", log, log], env: { ...process.env, CI: "1" } });
  closeSync(log);
  child.unref();
  const pid = child.pid ?? 0;
  // Bounded wait for the child to publish its state.
  for (let i = 0; i < 300; i++) {
    const s = readLabState();
    if (s && s.pid === pid) return { state: s, contextAction: "updated", detached: true, pid };
    if (!isAlive(pid)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new OperationError("the lab did not start", `see ${join(dir, "lab.log")}`);
}

/** Contexts "lab-<controller>" for every lab controller, and "lab" (site1) as before. */
function writeLabContext(s: LabState): "created" | "updated" {
  let action: "created" | "updated" = "created";
  updateConfig((cfg) => {
    for (const c of s.controllers) {
      const kubeContext = s.kubeconfig ? (c.kubeContexts?.[0] ?? s.clusters[0]) : undefined;
      const entry = {
        controller: c.url,
        username: c.username,
        passwordFile: c.passwordFile,
        caCert: c.caCert,
        ...(kubeContext ? { kubeContext } : {}),
      };
      // The lab's system DNS address is site1's (the "lab" context's); other sites' DNS VSes are listed by lab env.
      const dns = c === s.controllers[0] && s.systemDns ? { dnsServer: `${s.systemDns.host}:${s.systemDns.port}` } : {};
      for (const name of c === s.controllers[0] ? ["lab", `lab-${c.name}`] : [`lab-${c.name}`]) {
        const i = cfg.contexts.findIndex((x) => x.name === name);
        if (i >= 0) {
          if (name === "lab") action = "updated";
          cfg.contexts[i] = { name, ...entry, ...dns };
        } else cfg.contexts.push({ name, ...entry, ...dns });
      }
    }
    cfg.currentContext ??= "lab";
  });
  return action;
}

export async function stopLab(): Promise<{ stopped: boolean; pid?: number }> {
  const s = readLabState();
  if (!s) return { stopped: false };
  process.kill(s.pid, "SIGTERM");
  for (let i = 0; i < 100 && isAlive(s.pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(s.pid)) process.kill(s.pid, "SIGKILL");
  clearLabState();
  return { stopped: true, pid: s.pid };
}
