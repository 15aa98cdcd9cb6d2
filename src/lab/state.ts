import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { configDir, writeSecretFile } from "../base/config.js";

/** What a running lab publishes so other avictl processes can find it (0600: it holds the lab admin token). */
export interface LabState {
  pid: number;
  startedAt: string;
  /** When a detached lab stops by itself. */
  expiresAt?: string;
  /** site1 first (the "lab" context), then site2 and the GSLB leader. */
  controllers: {
    name: string;
    url: string;
    version: string;
    username: string;
    passwordFile: string;
    clusterUuid?: string;
    kubeContexts?: string[];
    up?: boolean;
    /** Absolute path of the lab CA certificate (PEM). */
    caCert: string;
    /** Bearer token of the controller's /lab/ admin endpoints. */
    adminToken: string;
  }[];
  /** The lab's own admin endpoint (site blackouts), reached through src/clients/lab-admin.ts. */
  admin?: string;
  dns: { controller: string; vs: string; host: string; port: number }[];
  /** Where site1's system DNS service answers, whichever DNS virtual service holds that role. */
  systemDns?: { host: string; port: number };
  backends: { site: string; url: string }[];
  kubeconfig?: string;
  clusters: string[];
  /** HTTP listeners on the VIPs of application virtual services (loopback only). */
  vips?: { vs: string; vip: string; port: number; listenPort: number }[];
}

export function labDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), "lab");
}

export function readLabState(env: NodeJS.ProcessEnv = process.env): LabState | undefined {
  try {
    const s = JSON.parse(readFileSync(join(labDir(env), "state.json"), "utf8")) as LabState;
    return isAlive(s.pid) ? s : undefined;
  } catch {
    return undefined;
  }
}

export function writeLabState(s: LabState, env: NodeJS.ProcessEnv = process.env): void {
  writeSecretFile(join(labDir(env), "state.json"), `${JSON.stringify(s, null, 2)}\n`);
}

export function clearLabState(env: NodeJS.ProcessEnv = process.env): void {
  rmSync(join(labDir(env), "state.json"), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
