import { readFileSync } from "node:fs";
import type { ConfigFile, ContextEntry } from "../base/config.js";
import { parseDuration } from "../base/duration.js";
import { UsageError } from "./errors.js";
import { checkCaCert, checkController } from "./options.js";
import type { GlobalOptions } from "./root.js";

/** The global options that choose the controller and how to reach it. */
export type TargetOptions = Partial<
  Pick<
    GlobalOptions,
    "context" | "controller" | "username" | "tenant" | "apiVersion" | "caCert" | "insecure" | "passwordFile" | "passwordStdin" | "timeout"
  >
>;

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
  | { kind: "missing"; source: "none"; /** The variable the context reads the password from, when it names one. */ passwordEnv?: string };

function pick<T>(...candidates: [T | undefined, string][]): Sourced<T> | undefined {
  for (const [value, source] of candidates) if (value !== undefined && value !== "") return { value, source };
  return undefined;
}

/**
 * flags > environment > context > defaults, with each value's source. An explicit --context is a flag:
 * its values win over AVI_* (after `eval "$(avictl lab env)"`, `--context site1` still means site1).
 */
export function resolveTarget(g: TargetOptions, env: NodeJS.ProcessEnv, cfg: ConfigFile, canPrompt: boolean): Target {
  const ctx = selectContext(g, env, cfg);
  const cs = ctx ? `context:${ctx.name}` : "";
  const explicit = g.context !== undefined;
  // The context's value, ranked as a flag when --context named it, else below the environment.
  const byContext = <T>(flag: T | undefined, envValues: [T | undefined, string][], ctxValue: T | undefined) =>
    explicit ? pick<T>([flag, "flag"], [ctxValue, cs], ...envValues) : pick<T>([flag, "flag"], ...envValues, [ctxValue, cs]);
  const controller = byContext<string>(g.controller, [[env.AVI_CONTROLLER, "env:AVI_CONTROLLER"]], ctx?.controller);
  if (!controller) {
    throw new UsageError(
      "no controller given",
      "pass --controller, set AVI_CONTROLLER, create a context with 'avictl config set-context', or start the lab with 'avictl lab up'",
    );
  }
  checkController(controller.value, controller.source === "flag" ? "--controller" : controller.source);
  const timeout = g.timeout ? parseDuration(g.timeout, "--timeout") : 30_000;
  const caCert = byContext<string>(g.caCert, [[env.AVI_CA_CERT, "env:AVI_CA_CERT"]], ctx?.caCert);

  return {
    contextName: ctx?.name,
    controller,
    username: byContext<string>(g.username, [[env.AVI_USERNAME, "env:AVI_USERNAME"]], ctx?.username) ?? {
      value: "admin",
      source: "default",
    },
    tenant: byContext<string>(g.tenant, [[env.AVI_TENANT, "env:AVI_TENANT"]], ctx?.tenant) ?? { value: "admin", source: "default" },
    apiVersion: byContext<string>(
      g.apiVersion,
      [
        [env.AVI_VERSION, "env:AVI_VERSION"],
        [env.AVI_API_VERSION, "env:AVI_API_VERSION"],
      ],
      ctx?.apiVersion,
    ),
    caCert: caCert && {
      ...caCert,
      value: checkCaCert(caCert.value, caCert.source === "flag" ? "--ca-cert" : `CA file of ${caCert.source}`),
    },
    insecure: pick<boolean>([g.insecure, "flag"], [ctx?.insecure, cs]) ?? { value: false, source: "default" },
    kubeContext: pick<string>([ctx?.kubeContext, cs]),
    timeoutMs: timeout,
    credential: credentialSource(g, env, explicit ? ctx : undefined, ctx, canPrompt, controller.value),
  };
}

/** The context in effect: --context, else AVICTL_CONTEXT, else the current one. */
export function selectContext(g: Pick<TargetOptions, "context">, env: NodeJS.ProcessEnv, cfg: ConfigFile): ContextEntry | undefined {
  const name = g.context ?? env.AVICTL_CONTEXT ?? cfg.currentContext;
  if (!name) return undefined;
  const ctx = cfg.contexts.find((c) => c.name === name);
  if (!ctx && (g.context || env.AVICTL_CONTEXT)) {
    const known = cfg.contexts.map((c) => c.name).join(", ") || "none";
    throw new UsageError(`context "${name}" does not exist (known: ${known})`, "list them with 'avictl config get-contexts'");
  }
  return ctx;
}

function credentialSource(
  g: TargetOptions,
  env: NodeJS.ProcessEnv,
  explicitCtx: ContextEntry | undefined,
  ctx: ContextEntry | undefined,
  canPrompt: boolean,
  controller: string,
): CredentialSource {
  if (g.passwordFile) return { kind: "password", source: "flag:--password-file", read: () => readSecret(g.passwordFile!) };
  if (g.passwordStdin) return { kind: "password", source: "stdin", read: () => readFileSync(0, "utf8").replace(/\r?\n$/, "") };
  const fromContext = (): CredentialSource | undefined => {
    if (ctx?.passwordEnv && env[ctx.passwordEnv])
      return { kind: "password", source: `env:${ctx.passwordEnv}`, read: () => env[ctx.passwordEnv!]! };
    if (ctx?.passwordFile) return { kind: "password", source: `context:${ctx.name}`, read: () => readSecret(ctx.passwordFile!) };
    return undefined;
  };
  if (explicitCtx) {
    const c = fromContext();
    if (c) return c;
  }
  // AVI_* credentials belong to AVI_CONTROLLER: never send them to the controller of another context.
  const envMatches = !explicitCtx || !env.AVI_CONTROLLER || env.AVI_CONTROLLER === controller;
  if (envMatches) {
    if (env.AVI_AUTHTOKEN) return { kind: "token", source: "env:AVI_AUTHTOKEN", read: () => env.AVI_AUTHTOKEN! };
    if (env.AVI_PASSWORD) return { kind: "password", source: "env:AVI_PASSWORD", read: () => env.AVI_PASSWORD! };
    if (env.AVI_PASSWORD_FILE) return { kind: "password", source: "env:AVI_PASSWORD_FILE", read: () => readSecret(env.AVI_PASSWORD_FILE!) };
  }
  const c = fromContext();
  if (c) return c;
  if (canPrompt) return { kind: "prompt", source: "prompt" };
  return { kind: "missing", source: "none", ...(ctx?.passwordEnv ? { passwordEnv: ctx.passwordEnv } : {}) };
}

function readSecret(path: string): string {
  try {
    return readFileSync(path, "utf8").replace(/\r?\n$/, "");
  } catch {
    throw new UsageError(`cannot read password file ${path}`, "check the path and its permissions");
  }
}

export { parseDuration };

/** The DNS server the selected context names (`config set-context --dns-server`; the lab context has one). */
export async function contextDnsServer(
  g: TargetOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ server: string; context: string } | undefined> {
  const { loadConfig } = await import("../base/config.js");
  const ctx = selectContext(g, env, loadConfig());
  return ctx?.dnsServer ? { server: ctx.dnsServer, context: ctx.name } : undefined;
}
