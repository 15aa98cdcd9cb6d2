import { readFileSync } from "node:fs";
import { Command, Option } from "@commander-js/extra-typings";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

/** The root command and its global options; their parsed type is GlobalOptions. */
export function rootCommand() {
  return new Command("avictl")
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
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json", "yaml"] as const).default("table" as const))
    .option("--no-color", "plain output without colour (also NO_COLOR)")
    .option("--debug", "trace requests and show stack traces (never secrets)")
    .option("--dry-run", "show the plan without changing anything")
    .option("-y, --yes", "confirm risky steps without prompting")
    .option("--timeout <duration>", "timeout per request, e.g. 30s");
}

export type RootCommand = ReturnType<typeof rootCommand>;
/** Options every command accepts, as parsed from the command line. */
export type GlobalOptions = ReturnType<RootCommand["opts"]>;
