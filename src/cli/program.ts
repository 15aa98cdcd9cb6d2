import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import type { App } from "./app.js";
import { commandModules } from "../commands/index.js";
import { checkInputs } from "./options.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

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
export async function buildProgram(app: App, argv?: string[]): Promise<Command> {
  const program = new Command("avictl")
    .description("Idempotent, scriptable operations for NSX Advanced Load Balancer (Avi) with Kubernetes (AKO, AMKO, GSLB)")
    .version(pkg.version, "-v, --version", "print the avictl version")
    .option("--context <name>", "named context from the config file (env AVICTL_CONTEXT)")
    .option("--controller <host>", "controller address or URL (env AVI_CONTROLLER)")
    .option("--username <name>", "controller user (env AVI_USERNAME)")
    .option("--tenant <name>", "tenant sent as X-Avi-Tenant (env AVI_TENANT)")
    .option("--api-version <version>", "X-Avi-Version to send (env AVI_VERSION / AVI_API_VERSION); default: the controller's")
    .option("--ca-cert <file>", "CA bundle to verify the controller's certificate (env AVI_CA_CERT)")
    .option("--insecure", "skip TLS verification of the controller")
    .option("--password-file <file>", "read the password from a file (env AVI_PASSWORD_FILE)")
    .option("--password-stdin", "read the password from standard input")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json", "yaml"]).default("table"))
    .option("--no-color", "plain output without colour (also NO_COLOR)")
    .option("--debug", "trace requests and show stack traces (never secrets)")
    .option("--dry-run", "show the plan without changing anything")
    .option("-y, --yes", "confirm risky steps without prompting")
    .option("--timeout <duration>", "timeout per request, e.g. 30s")
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
  const propagate = (cmd: Command) => {
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
