import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startController } from "../../src/lab/avi/index.js";
import type { FaultOptions, LabControllerHandle } from "../../src/lab/types.js";
import { caFetch } from "./https-fetch.js";
import { SwaggerConformance, type SentRequest } from "./swagger-conformance.js";

export const LAB_PASSWORD = "Lab-Pa55word-for-tests";

/**
 * Start a lab controller (HTTPS, certificate from its own lab CA) for a test file. env() points the CLI
 * at it with TLS verification on: AVI_CA_CERT names the CA file (caFile).
 */
export async function startTestController(
  opts: { version?: string; seed?: "site1" | "site2" | "leader" | "empty"; faults?: FaultOptions } = {},
) {
  const ctrl = await startController({
    name: "site1",
    port: 0,
    version: opts.version ?? "30.2.1",
    seed: opts.seed ?? "site1",
    username: "admin",
    password: LAB_PASSWORD,
    faults: opts.faults,
  });
  const caFile = writeCaFile(ctrl.caCert);
  return {
    ctrl,
    caFile,
    env: (extra: Record<string, string> = {}): Record<string, string> => ({
      AVI_CONTROLLER: ctrl.url,
      AVI_USERNAME: "admin",
      AVI_PASSWORD: LAB_PASSWORD,
      AVI_CA_CERT: caFile,
      ...extra,
    }),
    admin: <T>(path: string, init?: RequestInit) => labAdmin<T>(ctrl, path, init),
    fetch: (path: string, init?: RequestInit) => labFetch(ctrl, path, init),
  };
}

/** The lab CA in a file of its own, as `lab up` writes it for --ca-cert. */
export function writeCaFile(pem: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "avictl-lab-ca-")), "ca.crt");
  writeFileSync(file, pem);
  return file;
}

/** fetch() against a lab controller with TLS verified against its CA; /lab/ paths carry the admin token. */
export function labFetch(ctrl: LabControllerHandle, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (path.startsWith("/lab/")) headers.set("Authorization", `Bearer ${ctrl.adminToken}`);
  return caFetch(ctrl.caCert)(`${ctrl.url}${path}`, { ...init, headers });
}

export async function labAdmin<T>(ctrl: LabControllerHandle, path: string, init?: RequestInit): Promise<T> {
  const text = await (await labFetch(ctrl, path, init)).text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Request bodies the lab received that do not conform to the official schemas (empty when none or no schemas). */
export async function nonConformingRequests(ctrl: LabControllerHandle): Promise<string[]> {
  if (!SwaggerConformance.available()) return [];
  const log = await labAdmin<SentRequest[]>(ctrl, "/lab/requests");
  const checker = new SwaggerConformance();
  return log.flatMap((r) => checker.check(r));
}
