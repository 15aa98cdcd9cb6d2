/** Option helpers shared by command modules, and the checks every input goes through. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command, CommandUnknownOpts, OptionValues } from "@commander-js/extra-typings";
import type { KubeTarget } from "../clients/k8s.js";
import { UsageError } from "./errors.js";

/** --kubeconfig and --kube-context on a command that talks to a cluster (KUBECONFIG is the default). */
export function withKubeOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option("--kubeconfig <file>", "kubeconfig (default: $KUBECONFIG or ~/.kube/config)")
    .option("--kube-context <name>", "kube context (default: the current one)");
}

export function kubeTarget(raw: { kubeconfig?: string; kubeContext?: string }): KubeTarget {
  return { kubeconfig: raw.kubeconfig, context: raw.kubeContext };
}

/** Commander accumulator for repeatable options (--network A --network B). */
export const collect = (v: string, all: string[] = []): string[] => [...all, v];

/**
 * Longest object name avictl sends. The official schemas set no maximum for `name`; 256 is the
 * stricter reading (the controller's own limit is not documented).
 */
export const MAX_NAME_LENGTH = 256;
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkValue(value: string, what: string, isName: boolean): void {
  if (value.trim() === "") throw new UsageError(`${what} must not be empty`);
  if (CONTROL.test(value)) throw new UsageError(`${what} must not contain control characters (newline, tab, ...)`);
  if (isName && value.length > MAX_NAME_LENGTH)
    throw new UsageError(`${what} is ${value.length} characters long; at most ${MAX_NAME_LENGTH} are allowed`);
}

/**
 * Run before every command action: a value given on the command line or from the environment is
 * never empty or blank, never holds control characters, and a name (`<name>` placeholders and
 * `<name>` arguments) is not longer than MAX_NAME_LENGTH.
 */
export function checkInputs(cmd: CommandUnknownOpts): void {
  for (let c: CommandUnknownOpts | null = cmd; c; c = c.parent) {
    for (const opt of c.options) {
      const key = opt.attributeName();
      if (!["cli", "env"].includes(c.getOptionValueSource(key) ?? "")) continue;
      const value: unknown = c.getOptionValue(key);
      for (const v of [value].flat()) if (typeof v === "string") checkValue(v, opt.long ?? opt.flags, /<name>/.test(opt.flags));
    }
  }
  cmd.registeredArguments.forEach((arg, i) => {
    const what = arg.description ? arg.description.split(/,| e\.g\./)[0]! : `<${arg.name()}>`;
    for (const v of [cmd.processedArgs[i] as unknown].flat()) if (typeof v === "string") checkValue(v, what, arg.name() === "name");
  });
}

/** A controller as given (host, host:port or an http(s) URL); `what` names where it came from. */
export function checkController(value: string, what: string): void {
  if (CONTROL.test(value)) throw new UsageError(`${what} must not contain control characters (newline, tab, ...)`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1];
  if (scheme && !/^https?$/i.test(scheme))
    throw new UsageError(`controller "${value}" must be http:// or https://, or a bare HOST[:PORT] (from ${what})`);
  try {
    const url = new URL(scheme ? value : `https://${value}`);
    if (!url.hostname) throw new Error("no host");
  } catch {
    throw new UsageError(`controller "${value}" is not a valid address (from ${what})`);
  }
}

/** A CA bundle file: it exists and holds at least one PEM certificate. Returns its absolute path. */
export function checkCaCert(path: string, what = "--ca-cert"): string {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "EISDIR" ? `${what} ${path} is a directory, not a PEM file` : `${what} ${path} does not exist or cannot be read`,
    );
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----"))
    throw new UsageError(`${what} ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return abs;
}

type NoneMissing<I, F> = [Exclude<keyof I, keyof F>] extends [never] ? F : F & { [K in Exclude<keyof I, keyof F>]-?: never };

/**
 * Parsed flags handed to a workflow input `I`. Compiles only when every key `I` reads is present, so a
 * renamed or removed flag is a compile error, not a silent undefined (TypeScript does not check the
 * keys of a spread). Use: `toXOptions(flagsFor<Parameters<typeof toXOptions>[0]>()({ ...raw, dryRun }))`.
 */
export const flagsFor =
  <I>() =>
  <F extends I>(flags: NoneMissing<I, F>): F =>
    flags as F;
