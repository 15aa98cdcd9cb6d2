import type { AviClient } from "../clients/avi/types.js";
import type { Kube, KubeTarget } from "../clients/k8s.js";
import { resolveTarget, type GlobalOptions, type Target } from "./context.js";
import { OperationError, UsageError } from "./errors.js";
import type { Io } from "./io.js";
import type { Prompter } from "./prompter.js";

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
  /** Log out of every session opened during the run. */
  close(): Promise<void>;
}

export function createClients(globals: () => GlobalOptions, io: Io, prompter: () => Prompter, env = process.env): Clients {
  let target: Promise<Target> | undefined;
  let avi: Promise<AviClient> | undefined;
  const kubes = new Map<string, Promise<Kube>>();
  let secret: Promise<{ kind: "token" | "password"; value: string }> | undefined;
  const getSecret = async () => (secret ??= getTarget().then((t) => readCredential(t, prompter)));
  // The config module (and its YAML parser) loads only when a command needs a target.
  const getTarget = () =>
    (target ??= import("../base/config.js").then(async ({ loadConfig }) => {
      const t = resolveTarget(globals(), env, loadConfig(), io.canPrompt);
      // Checked here, not in resolveTarget, so commands without a controller never load the Avi modules.
      if (t.apiVersion) (await import("../clients/avi/version.js")).checkApiVersion(t.apiVersion.value, t.apiVersion.source === "flag" ? "--api-version" : t.apiVersion.source);
      return t;
    }));
  return {
    target: getTarget,
    avi() {
      avi ??= (async () => {
        const t = await getTarget();
        const secret = await getSecret();
        const { RestAviClient } = await import("../clients/avi/client.js");
        const debug = globals().debug;
        return await RestAviClient.connect({
          controller: t.controller.value,
          username: t.username.value,
          ...(secret.kind === "token" ? { token: secret.value } : { password: secret.value }),
          tenant: t.tenant.value,
          apiVersion: t.apiVersion?.value,
          caCert: t.caCert?.value,
          insecure: t.insecure.value,
          timeoutMs: t.timeoutMs,
          retryBaseMs: env.AVICTL_RETRY_BASE_MS ? Number(env.AVICTL_RETRY_BASE_MS) : undefined,
          trace: debug ? (line) => io.err(io.dim(`[debug] ${line}\n`)) : undefined,
        }).catch(async (err: unknown) => {
          throw (await labLockout(err, t)) ?? err;
        });
      })();
      return avi;
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
    async close() {
      if (!avi) return;
      const client = await avi.catch(() => undefined);
      await client?.logout();
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
