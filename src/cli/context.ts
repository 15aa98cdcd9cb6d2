import { readFileSync } from "node:fs";
import type { ConfigFile, ContextEntry } from "./config-file.js";
import { UsageError } from "./errors.js";
import { checkController } from "./options.js";

/** Options every command accepts (see program.ts). */
export interface GlobalOptions {
  context?: string;
  controller?: string;
  username?: string;
  tenant?: string;
  apiVersion?: string;
  caCert?: string;
  insecure?: boolean;
  passwordFile?: string;
  passwordStdin?: boolean;
  output?: string;
  color?: boolean;
  debug?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  timeout?: string;
}

/** A setting and where it came from, so `config view` and errors can say which source won. */
export interface Sourced<T> {
  value: T;
  source: string;
}

export interface Target {
  contextName?: string;
  controller: Sourced<string>;
  username: Sourced<string>;
  tenant: Sourced<string>;
  apiVersion?: Sourced<string>;
  caCert?: Sourced<string>;
  insecure: Sourced<boolean>;
  kubeContext?: Sourced<string>;
  timeoutMs: number;
  /** Where the secret will come from; read only when a client logs in. */
  credential: CredentialSource;
}

export type CredentialSource =
  | { kind: "token"; source: string; read: () => string }
  | { kind: "password"; source: string; read: () => string }
  | { kind: "prompt"; source: "prompt" }
  | { kind: "missing"; source: "none" };

function pick<T>(...candidates: [T | undefined, string][]): Sourced<T> | undefined {
  for (const [value, source] of candidates) if (value !== undefined && value !== "") return { value, source };
  return undefined;
}

/** flags > environment > context > defaults, with each value's source. */
export function resolveTarget(g: GlobalOptions, env: NodeJS.ProcessEnv, cfg: ConfigFile, canPrompt: boolean): Target {
  const ctx = selectContext(g, env, cfg);
  const cs = ctx ? `context:${ctx.name}` : "";
  const controller = pick<string>([g.controller, "flag"], [env.AVI_CONTROLLER, "env:AVI_CONTROLLER"], [ctx?.controller, cs]);
  if (!controller) {
    throw new UsageError(
      "no controller given",
      "pass --controller, set AVI_CONTROLLER, create a context with 'avictl config set-context', or start the lab with 'avictl lab up'",
    );
  }
  checkController(controller.value, controller.source === "flag" ? "--controller" : controller.source);
  const timeout = g.timeout ? parseDuration(g.timeout, "--timeout") : 30_000;

  return {
    contextName: ctx?.name,
    controller,
    username: pick<string>([g.username, "flag"], [env.AVI_USERNAME, "env:AVI_USERNAME"], [ctx?.username, cs]) ?? { value: "admin", source: "default" },
    tenant: pick<string>([g.tenant, "flag"], [env.AVI_TENANT, "env:AVI_TENANT"], [ctx?.tenant, cs]) ?? { value: "admin", source: "default" },
    apiVersion: pick<string>([g.apiVersion, "flag"], [env.AVI_VERSION, "env:AVI_VERSION"], [env.AVI_API_VERSION, "env:AVI_API_VERSION"], [ctx?.apiVersion, cs]),
    caCert: pick<string>([g.caCert, "flag"], [env.AVI_CA_CERT, "env:AVI_CA_CERT"], [ctx?.caCert, cs]),
    insecure: pick<boolean>([g.insecure, "flag"], [ctx?.insecure, cs]) ?? { value: false, source: "default" },
    kubeContext: pick<string>([ctx?.kubeContext, cs]),
    timeoutMs: timeout,
    credential: credentialSource(g, env, ctx, canPrompt),
  };
}

function selectContext(g: GlobalOptions, env: NodeJS.ProcessEnv, cfg: ConfigFile): ContextEntry | undefined {
  const name = g.context ?? env.AVICTL_CONTEXT ?? cfg.currentContext;
  if (!name) return undefined;
  const ctx = cfg.contexts.find((c) => c.name === name);
  if (!ctx && (g.context || env.AVICTL_CONTEXT)) {
    const known = cfg.contexts.map((c) => c.name).join(", ") || "none";
    throw new UsageError(`context "${name}" does not exist (known: ${known})`, "list them with 'avictl config get-contexts'");
  }
  return ctx;
}

function credentialSource(g: GlobalOptions, env: NodeJS.ProcessEnv, ctx: ContextEntry | undefined, canPrompt: boolean): CredentialSource {
  if (g.passwordFile) return { kind: "password", source: "flag:--password-file", read: () => readSecret(g.passwordFile!) };
  if (g.passwordStdin) return { kind: "password", source: "stdin", read: () => readFileSync(0, "utf8").replace(/\r?\n$/, "") };
  if (env.AVI_AUTHTOKEN) return { kind: "token", source: "env:AVI_AUTHTOKEN", read: () => env.AVI_AUTHTOKEN! };
  if (env.AVI_PASSWORD) return { kind: "password", source: "env:AVI_PASSWORD", read: () => env.AVI_PASSWORD! };
  if (env.AVI_PASSWORD_FILE) return { kind: "password", source: "env:AVI_PASSWORD_FILE", read: () => readSecret(env.AVI_PASSWORD_FILE!) };
  if (ctx?.passwordEnv && env[ctx.passwordEnv]) return { kind: "password", source: `env:${ctx.passwordEnv}`, read: () => env[ctx.passwordEnv!]! };
  if (ctx?.passwordFile) return { kind: "password", source: `context:${ctx.name}`, read: () => readSecret(ctx.passwordFile!) };
  if (canPrompt) return { kind: "prompt", source: "prompt" };
  return { kind: "missing", source: "none" };
}

function readSecret(path: string): string {
  try {
    return readFileSync(path, "utf8").replace(/\r?\n$/, "");
  } catch {
    throw new UsageError(`cannot read password file ${path}`, "check the path and its permissions");
  }
}

/** "30s", "5m", "1500ms", "2h" or plain seconds → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag} must be a duration like 30s, 5m or 1h, not "${text}"`);
  const n = Number(m[1]);
  if (n <= 0) throw new UsageError(`${flag} must be a duration longer than zero, like 30s or 5m`);
  const unit = m[2] ?? "s";
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as "ms" | "s" | "m" | "h"]);
}
