import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { configDir, loadConfig, updateConfig, writeSecretFile, type ConfigFile, type ContextEntry } from "../base/config.js";
import { UsageError } from "../base/errors.js";

export interface SetContextInput {
  name: string;
  fields: Partial<Omit<ContextEntry, "name" | "passwordFile">>;
  /** A password to keep in a 0600 file beside the config (from --password-stdin or --password-file). */
  password?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Create or update a context; unspecified fields keep their current values. */
export function setContext(input: SetContextInput, path?: string): { action: "created" | "updated"; context: ContextEntry } {
  if (!NAME.test(input.name)) throw new UsageError(`context name "${input.name}" must be letters, digits, '.', '_' or '-'`);
  let action: "created" | "updated" = "created";
  let result: ContextEntry | undefined;
  updateConfig((cfg) => {
    const existing = cfg.contexts.find((c) => c.name === input.name);
    const merged: ContextEntry = { ...(existing ?? { name: input.name, controller: "" }) };
    for (const [k, v] of Object.entries(input.fields)) if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
    if (!merged.controller) throw new UsageError(`context "${input.name}" needs --controller`);
    if (input.password !== undefined) {
      merged.passwordFile = join(configDir(), "credentials", `${input.name}.password`);
      writeSecretFile(merged.passwordFile, input.password);
    }
    if (existing) {
      action = "updated";
      Object.assign(existing, merged);
    } else cfg.contexts.push(merged);
    cfg.currentContext ??= input.name;
    result = merged;
  }, path);
  return { action, context: result! };
}

export function useContext(name: string, path?: string): void {
  updateConfig((cfg) => {
    requireContext(cfg, name);
    cfg.currentContext = name;
  }, path);
}

export function deleteContext(name: string, path?: string): void {
  updateConfig((cfg) => {
    const ctx = requireContext(cfg, name);
    cfg.contexts = cfg.contexts.filter((c) => c !== ctx);
    if (cfg.currentContext === name) delete cfg.currentContext;
    if (ctx.passwordFile?.startsWith(configDir())) rmSync(ctx.passwordFile, { force: true });
  }, path);
}

export interface ContextRow extends ContextEntry {
  current: boolean;
}

export function listContexts(path?: string): ContextRow[] {
  const cfg = loadConfig(path);
  return cfg.contexts.map((c) => ({ ...c, current: c.name === cfg.currentContext }));
}

/** The config with secrets masked: password files are shown as present, never read out. */
export function viewConfig(path?: string): ConfigFile & { contexts: (ContextEntry & { password?: string })[] } {
  const cfg = loadConfig(path);
  return {
    ...cfg,
    contexts: cfg.contexts.map((c) => ({
      ...c,
      ...(c.passwordFile ? { password: hasContent(c.passwordFile) ? "REDACTED" : "MISSING" } : {}),
    })),
  };
}

function hasContent(file: string): boolean {
  try {
    return readFileSync(file, "utf8").length > 0;
  } catch {
    return false;
  }
}

function requireContext(cfg: ConfigFile, name: string): ContextEntry {
  const ctx = cfg.contexts.find((c) => c.name === name);
  if (!ctx) throw new UsageError(`context "${name}" does not exist (known: ${cfg.contexts.map((c) => c.name).join(", ") || "none"})`);
  return ctx;
}
