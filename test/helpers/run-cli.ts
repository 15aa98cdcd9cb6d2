import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const binPath = resolve(import.meta.dirname, "../../bin/avictl");

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** A private config dir per test file, so tests never see the user's contexts. */
export function isolatedConfig(): string {
  return join(mkdtempSync(join(tmpdir(), "avictl-test-")), "config.yaml");
}

/**
 * Run the built CLI as a child process, exactly as a user would: NO_COLOR, CI=1, an isolated config,
 * no inherited AVI_* variables unless given, and a timeout.
 */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return startCli(args, opts).result;
}

/** runCli with the child process at hand, e.g. to interrupt it. */
export function startCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {},
): { child: ChildProcess; result: Promise<CliResult> } {
  const base: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AVI") && k !== "KUBECONFIG") base[k] = v;
  const env = { ...base, NO_COLOR: "1", CI: "1", AVICTL_RETRY_BASE_MS: "20", ...opts.env };
  const child = spawn(process.execPath, [binPath, ...args], { env: env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
  const result = new Promise<CliResult>((resolvePromise, reject) => {
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`avictl ${args.join(" ")} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ stdout, stderr, code: code ?? 1 });
    });
    child.stdin.end(opts.input ?? "");
  });
  return { child, result };
}
