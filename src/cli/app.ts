import type { Events } from "../workflows/events.js";
import { createClients, type Clients } from "./clients.js";
import type { GlobalOptions, RootCommand } from "./root.js";
import { UsageError } from "./errors.js";
import type { Io, Spinner } from "./io.js";
import { parseOutput, type OutputFormat } from "./output.js";
import { inquirerPrompter, type Prompter } from "./prompter.js";

/** What every command builder receives: the terminal, global options, lazy clients, prompts. */
export interface App {
  io: Io;
  globals(): GlobalOptions;
  output(): OutputFormat;
  clients: Clients;
  prompter(): Prompter;
  /** Events for a workflow, shown as a spinner on a terminal and as plain stderr lines otherwise. */
  progress(label: string): { events: Events; spinner: Spinner };
  /** Aborted on the first Ctrl-C, so long loops can stop and print what they did. */
  signal: AbortSignal;
  /** Refuse a risky step unless --yes was given or the user confirms at a prompt. */
  confirm(question: string): Promise<void>;
}

export function createApp(io: Io, root: () => RootCommand, signal: AbortSignal, env = process.env): App {
  const globals = () => root().opts();
  let prompter: Prompter | undefined;
  const getPrompter = () => (prompter ??= inquirerPrompter());
  const app: App = {
    io,
    globals,
    output: () => parseOutput(globals().output),
    clients: createClients(globals, io, getPrompter, env, signal),
    prompter: getPrompter,
    signal,
    progress(label) {
      const spinner = io.spinner(label);
      const debug = Boolean(globals().debug);
      // Off a terminal, step lines are noise in CI logs unless --debug asks for them.
      const show = io.stderrTTY || debug;
      const events: Events = {
        step: (name, detail) => (show ? spinner.text(detail ? `${name} ${summarise(detail)}` : name) : undefined),
        progress: (done, total) => (show ? spinner.text(total ? `${label} ${done}/${total}` : `${label} ${done}`) : undefined),
        warn: (m) => spinner.log(io.warn(m)),
        info: (m) => (debug || io.stderrTTY ? spinner.log(io.dim(m)) : undefined),
      };
      return { events, spinner };
    },
    async confirm(question) {
      if (globals().yes) return;
      if (!io.canPrompt) throw new UsageError("--yes required when not running interactively", `${question} Re-run with --yes to confirm.`);
      if (!(await getPrompter().confirm(question))) throw new UsageError("not confirmed; nothing was changed");
    },
  };
  return app;
}

function summarise(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}
