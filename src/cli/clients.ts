import { systemClock, type Clock, type Logger } from "../base/clock.js";
import type { AviClient } from "../clients/avi/types.js";
import type * as DnsClient from "../clients/dns.js";
import type { Helm, HelmOptions } from "../clients/helm.js";
import type * as HttpClient from "../clients/http.js";
import type { Kube, KubeTarget } from "../clients/k8s.js";
import { resolveTarget, type Target } from "./context.js";
import { OperationError, UsageError } from "./errors.js";
import type { Io } from "./io.js";
import type { Prompter } from "./prompter.js";
import type { GlobalOptions } from "./root.js";

/** Lazily built clients: nothing is imported, connected or logged in until a workflow asks for it. */
export interface Clients {
  /** The resolved target (controller, user, tenant, ... with sources); throws UsageError when incomplete. */
  target(): Promise<Target>;
  /** Logged-in Avi client for the target controller (cached for the run). */
  avi(): Promise<AviClient>;
  /** The target's user and secret, for handing to AKO/AMKO (never printed). */
  credentials(): Promise<{ username: string; password?: string; token?: string }>;
  /** A Kubernetes cluster by kubeconfig and context (cached per target for the run). */
  kube(t: KubeTarget): Promise<Kube>;
  /**
   * A second controller (e.g. a GSLB follower) from its own context or flags only: the main target's
   * environment and credentials are never used for it. Returns the logged-in client and its credentials.
   */
  siteAvi(site: SiteTarget): Promise<{ avi: AviClient; username: string; password: string }>;
  /** The helm binary for a cluster (PATH or $AVICTL_HELM); stopped by the first Ctrl-C. */
  helm(o?: Pick<HelmOptions, "kubeconfig" | "kubeContext" | "env">): Promise<Helm>;
  /** DNS queries and load (the client module, loaded on first use). */
  dns(): Promise<typeof DnsClient>;
  /** Plain HTTP: probes and webhook posts (the client module, loaded on first use). */
  http(): Promise<typeof HttpClient>;
  clock: Clock;
  logger: Logger;
  /** Log out of every session opened during the run. */
  close(): Promise<void>;
}

export interface SiteTarget {
  /** Used in messages, e.g. "follower gslb-site1". */
  label: string;
  context?: string;
  controller?: string;
  username?: string;
  passwordFile?: string;
}

export function createClients(
  globals: () => GlobalOptions,
  io: Io,
  prompter: () => Prompter,
  env = process.env,
  signal?: AbortSignal,
): Clients {
  let target: Promise<Target> | undefined;
  let avi: Promise<AviClient> | undefined;
  const others: Promise<AviClient>[] = [];
  const kubes = new Map<string, Promise<Kube>>();
  let secret: Promise<{ kind: "token" | "password"; value: string }> | undefined;
  const getSecret = async () => (secret ??= getTarget().then((t) => readCredential(t, prompter)));
  // The config module (and its YAML parser) loads only when a command needs a target.
  const getTarget = () =>
    (target ??= import("../base/config.js").then(async ({ loadConfig }) => {
      const t = resolveTarget(globals(), env, loadConfig(), io.canPrompt);
      // Checked here, not in resolveTarget, so commands without a controller never load the Avi modules.
      if (t.apiVersion)
        (await import("../clients/avi/version.js")).checkApiVersion(
          t.apiVersion.value,
          t.apiVersion.source === "flag" ? "--api-version" : t.apiVersion.source,
        );
      return t;
    }));
  const logger: Logger = { debug: (line) => (globals().debug ? io.err(io.dim(`[debug] ${line}\n`)) : undefined) };
  const connect = async (t: Target, secret: { kind: "token" | "password"; value: string }): Promise<AviClient> => {
    const { RestAviClient } = await import("../clients/avi/client.js");
    return RestAviClient.connect({
      controller: t.controller.value,
      username: t.username.value,
      ...(secret.kind === "token" ? { token: secret.value } : { password: secret.value }),
      tenant: t.tenant.value,
      apiVersion: t.apiVersion?.value,
      caCert: t.caCert?.value,
      insecure: t.insecure.value,
      timeoutMs: t.timeoutMs,
      retryBaseMs: env.AVICTL_RETRY_BASE_MS ? Number(env.AVICTL_RETRY_BASE_MS) : undefined,
      trace: globals().debug ? logger.debug : undefined,
    });
  };
  return {
    target: getTarget,
    avi() {
      avi ??= (async () => {
        const t = await getTarget();
        const secret = await getSecret();
        return connect(t, secret).catch(async (err: unknown) => {
          throw (await labLockout(err, t)) ?? err;
        });
      })();
      return avi;
    },
    async siteAvi(site) {
      const g = globals();
      const { loadConfig } = await import("../base/config.js");
      const cfg = loadConfig();
      // Only the site's own context and flags: no current context, no AVI_* environment.
      const t = resolveTarget(
        {
          context: site.context,
          controller: site.controller,
          username: site.username,
          passwordFile: site.passwordFile,
          caCert: g.caCert,
          insecure: g.insecure,
          timeout: g.timeout,
        },
        {},
        { ...cfg, currentContext: undefined },
        io.canPrompt,
      );
      const secret = await readCredential(t, prompter);
      if (secret.kind !== "password") throw new UsageError(`${site.label} needs a password (GSLB sites log in with username and password)`);
      const { OperationError } = await import("./errors.js");
      const p = connect(t, secret).catch((err: Error) => {
        const hint = /rejected the login/.test(err.message)
          ? "check --site-username/--site-password-file or the site context's credentials"
          : (err as { hint?: string }).hint;
        throw new OperationError(`${site.label} (${t.controller.value}): ${err.message}`, hint);
      });
      others.push(p);
      return { avi: await p, username: t.username.value, password: secret.value };
    },
    async credentials() {
      const [t, s] = await Promise.all([getTarget(), getSecret()]);
      return { username: t.username.value, ...(s.kind === "token" ? { token: s.value } : { password: s.value }) };
    },
    kube(t) {
      const key = `${t.kubeconfig ?? ""}\u0000${t.context ?? ""}`;
      let k = kubes.get(key);
      if (!k) {
        k = import("../clients/k8s.js").then(({ Kube }) => Kube.connect(t));
        kubes.set(key, k);
      }
      return k;
    },
    async helm(o = {}) {
      const { Helm } = await import("../clients/helm.js");
      return new Helm({ ...o, signal });
    },
    dns: () => import("../clients/dns.js"),
    http: () => import("../clients/http.js"),
    clock: systemClock,
    logger,
    async close() {
      for (const p of [...(avi ? [avi] : []), ...others]) {
        const client = await p.catch(() => undefined);
        await client?.logout().catch(() => undefined);
      }
    },
  };
}

/** The lab locks its admin after three wrong logins, as a controller does; say how to get out of it there. */
async function labLockout(err: unknown, t: Target): Promise<OperationError | undefined> {
  if (!(err instanceof OperationError) || !/locked/i.test(err.message)) return undefined;
  const { loadConfig } = await import("../base/config.js");
  const lab = loadConfig().contexts.find((c) => c.name === "lab");
  if (lab?.controller !== t.controller.value) return undefined;
  return new OperationError(
    err.message,
    "this is the lab: the lockout lasts 30 minutes; restart the lab to clear it (avictl lab down && avictl lab up --detach), then log in with its password file (avictl lab env)",
    { cause: err },
  );
}

async function readCredential(t: Target, prompter: () => Prompter): Promise<{ kind: "token" | "password"; value: string }> {
  const c = t.credential;
  if (c.kind === "token" || c.kind === "password") return { kind: c.kind, value: c.read() };
  if (c.kind === "prompt") {
    return { kind: "password", value: await prompter().password(`Password for ${t.username.value}@${t.controller.value}:`) };
  }
  if (c.passwordEnv) {
    throw new UsageError(
      `no password for ${t.username.value}@${t.controller.value}: context "${t.contextName}" reads it from ${c.passwordEnv}, which is not set`,
      `export ${c.passwordEnv}, pass --password-file/--password-stdin, or run in a terminal to be prompted`,
    );
  }
  throw new UsageError(
    `no password for ${t.username.value}@${t.controller.value}`,
    "set AVI_PASSWORD or AVI_PASSWORD_FILE, pass --password-file/--password-stdin, or run in a terminal to be prompted",
  );
}
