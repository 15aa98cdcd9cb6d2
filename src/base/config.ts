import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { parse, stringify } from "yaml";
import { OperationError, UsageError } from "./errors.js";

/** One named target: a controller, how to log in, and the Kubernetes context that goes with it. */
export interface ContextEntry {
  name: string;
  controller: string;
  username?: string;
  tenant?: string;
  apiVersion?: string;
  caCert?: string;
  insecure?: boolean;
  kubeContext?: string;
  /** DNS server (ip[:port]) check-dns asks when no --server is given. */
  dnsServer?: string;
  /** Password kept in a 0600 file beside the config, never inline. */
  passwordFile?: string;
  /** Or read from this environment variable at run time. */
  passwordEnv?: string;
}

export interface ConfigFile {
  apiVersion: "avictl/v1";
  currentContext?: string;
  contexts: ContextEntry[];
}

/** $AVICTL_CONFIG, else $XDG_CONFIG_HOME/avictl/config.yaml, else ~/.config/avictl/config.yaml. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AVICTL_CONFIG) return env.AVICTL_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "avictl", "config.yaml");
}

/** Directory for files that belong with the config (lab state, credential files). */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return dirname(configPath(env));
}

export function loadConfig(path = configPath()): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EISDIR")
      throw new UsageError(`config file ${path} is a directory; point AVICTL_CONFIG at a file`);
    return { apiVersion: "avictl/v1", contexts: [] };
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new UsageError(`config file ${path} is not valid YAML: ${(err as Error).message.split("\n")[0]}`, "fix or remove the file");
  }
  if (doc !== null && doc !== undefined && (typeof doc !== "object" || Array.isArray(doc)))
    throw new UsageError(
      `config file ${path} must be a map (apiVersion, contexts, currentContext), not ${Array.isArray(doc) ? "a list" : "a single value"}`,
    );
  const d = (doc ?? {}) as Partial<ConfigFile> & { "current-context"?: string };
  return {
    apiVersion: "avictl/v1",
    currentContext: d.currentContext ?? d["current-context"],
    contexts: Array.isArray(d.contexts) ? d.contexts.filter((c) => c && typeof c.name === "string") : [],
  };
}

/** Read-modify-write under a lock, written to a temp file then renamed, mode 0600. */
export function updateConfig(mutate: (cfg: ConfigFile) => void, path = configPath()): ConfigFile {
  return withLock(`${path}.lock`, () => {
    const cfg = loadConfig(path);
    mutate(cfg);
    writeSecretFile(path, stringify(cfg));
    return cfg;
  });
}

/** Write a file that may hold secrets: 0600, atomically. */
export function writeSecretFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, path);
}

function withLock<T>(lockPath: string, fn: () => T): T {
  mkdirSync(dirname(lockPath), { recursive: true, mode: 0o700 });
  for (let i = 0; i < 200; i++) {
    try {
      closeSync(openSync(lockPath, "wx", 0o600));
      try {
        return fn();
      } finally {
        rmSync(lockPath, { force: true });
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // A lock older than 30 s belongs to a crashed run.
      try {
        if (Date.now() - statSync(lockPath).mtimeMs > 30_000) rmSync(lockPath, { force: true });
      } catch {
        /* gone already */
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
  throw new OperationError(
    `config file is locked (${lockPath})`,
    "another avictl is writing it; retry, or remove the lock file if none is running",
  );
}
