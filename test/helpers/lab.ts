import { startController } from "../../src/lab/avi/index.js";
import type { FaultOptions, LabControllerHandle } from "../../src/lab/types.js";
import { SwaggerConformance, type SentRequest } from "./swagger-conformance.js";

export const LAB_PASSWORD = "Lab-Pa55word-for-tests";

/** Start a lab controller for a test file; env() points the CLI at it. */
export async function startTestController(opts: { version?: string; seed?: "site1" | "site2" | "leader" | "empty"; faults?: FaultOptions } = {}) {
  const ctrl = await startController({ name: "site1", port: 0, version: opts.version ?? "30.2.1", seed: opts.seed ?? "site1", username: "admin", password: LAB_PASSWORD, faults: opts.faults });
  return {
    ctrl,
    env: (extra: Record<string, string> = {}): Record<string, string> => ({ AVI_CONTROLLER: ctrl.url, AVI_USERNAME: "admin", AVI_PASSWORD: LAB_PASSWORD, ...extra }),
    admin: <T>(path: string, init?: RequestInit) => labAdmin<T>(ctrl, path, init),
  };
}

export async function labAdmin<T>(ctrl: LabControllerHandle, path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${ctrl.url}${path}`, init);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Request bodies the lab received that do not conform to the official schemas (empty when none or no schemas). */
export async function nonConformingRequests(ctrl: LabControllerHandle): Promise<string[]> {
  if (!SwaggerConformance.available()) return [];
  const log = await labAdmin<SentRequest[]>(ctrl, "/lab/requests");
  const checker = new SwaggerConformance();
  return log.flatMap((r) => checker.check(r));
}
