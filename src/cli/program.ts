import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "./app.js";
import { commandModules } from "../commands/index.js";
import { checkInputs } from "./options.js";
import { rootCommand, type RootCommand } from "./root.js";

/** Global options that take a value, to find the command word in argv. */
const VALUE_OPTIONS = new Set([
  "--context",
  "--controller",
  "--username",
  "--tenant",
  "--api-version",
  "--ca-cert",
  "--password-file",
  "-o",
  "--output",
  "--timeout",
]);

/**
 * The command word of argv (`help ako` counts as `ako`); undefined for the root help. Completion
 * needs the whole tree.
 */
export function commandWord(argv: string[]): string | undefined {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith("-")) return a === "help" ? args[i + 1] : a;
  }
  return undefined;
}

/**
 * The root command: global options and the command groups. Only the command being run is loaded;
 * the others are listed from the table (all are loaded when `argv` is not given).
 */
export async function buildProgram(app: App, argv?: string[]): Promise<RootCommand> {
  const program = rootCommand()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => app.io.out(s),
      writeErr: (s) => app.io.err(s),
      // Parse errors are one line, like every other usage error.
      outputError: (s, write) => write(app.io.errColor.red(`${s.trimEnd().replace(/\n/g, " ")} (run with --help for usage)\n`)),
    });
  const word = argv ? commandWord(argv) : undefined;
  const full = !argv || word === "completion";
  for (const m of commandModules) {
    if (full || m.name === word) program.addCommand((await m.load()).build(app));
    else {
      const stub = new Command(m.name).description(m.description);
      program.addCommand(m.args ? stub.arguments(m.args) : stub);
    }
  }
  program.addHelpText(
    "after",
    `
Exit status:
  0  success            2  usage or validation error (nothing was changed)
  1  operation failed   3  a verification ran and did not pass`,
  );
  // Subcommands inherit exitOverride and output so their parse errors map to exit 2 as well, and their
  // help lists the global options (--yes, --dry-run, --context ...) under their own.
  const propagate = (cmd: CommandUnknownOpts) => {
    for (const sub of cmd.commands) {
      sub.exitOverride().configureOutput(program.configureOutput()).configureHelp({ showGlobalOptions: true });
      propagate(sub);
    }
  };
  propagate(program);
  // One place refuses empty, blank and control-character values before any command runs.
  program.hook("preAction", (_, action) => checkInputs(action));
  return program;
}
