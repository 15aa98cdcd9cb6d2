import { CommanderError } from "@commander-js/extra-typings";
import { createApp } from "./app.js";
import { Cancelled, ExitCode, OperationError, UsageError, VerificationFailed } from "./errors.js";
import { loadColour, processIo, type Io } from "./io.js";
import { buildProgram } from "./program.js";
import type { RootCommand } from "./root.js";

/** Parse argv, run one command, and map whatever happened to an exit code. The only such mapping. */
export async function main(argv: string[]): Promise<number> {
  // Help and version print plain text, so they skip loading the colour library.
  if (!argv.slice(2).some((a) => ["-h", "--help", "-v", "--version", "help"].includes(a))) await loadColour();
  const io = processIo({ noColor: argv.includes("--no-color") });
  const abort = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    // First Ctrl-C asks loops to stop and report; a second one ends the process.
    if (interrupted) process.exit(ExitCode.cancelled);
    interrupted = true;
    abort.abort(new Cancelled("interrupted"));
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  // `avictl ... | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(ExitCode.ok);
    // A full disk or a closed terminal: say so in one line; the result is lost either way.
    io.err(`error: cannot write the output (${err.code ?? err.message})\n`);
    process.exit(ExitCode.failed);
  });
  let program: RootCommand | undefined;
  const app = createApp(io, () => program!, abort.signal);
  const debug = argv.includes("--debug");
  try {
    program = await buildProgram(app, argv);
    // A command that returns after Ctrl-C (a loop that stops and reports) finished as it should.
    await program.parseAsync(argv);
    return ExitCode.ok;
  } catch (err) {
    // A write refused because the reader of stdout went away (see the stdout error handler above).
    if ((err as NodeJS.ErrnoException | undefined)?.code === "EPIPE") return ExitCode.ok;
    return report(err, io, debug);
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
    await app.clients.close().catch(() => undefined);
  }
}

export function report(err: unknown, io: Io, debug: boolean): number {
  const c = io.errColor;
  if (err instanceof CommanderError) {
    // commander already printed its message; help/version are successes, the rest are usage errors.
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return ExitCode.ok;
    return ExitCode.usage;
  }
  if (err instanceof VerificationFailed) {
    if (err.verdict) io.err(`${c.yellow("not passed")}: ${err.verdict}\n`);
    return ExitCode.verification;
  }
  if (err instanceof Cancelled) {
    io.err(`${c.yellow("cancelled")}: ${err.message}\n`);
    return ExitCode.cancelled;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const hint = (e as UsageError | OperationError).hint;
  // A usage error is one line, its hint included: scripts and CI logs show the whole reason.
  if (e instanceof UsageError) io.err(`${c.red("error")}: ${e.message}${hint ? `; ${hint.replace(/\n/g, " ")}` : ""}\n`);
  else {
    io.err(`${c.red("error")}: ${e.message}\n`);
    if (hint) io.err(`${c.dim(hint)}\n`);
  }
  if (debug && e.stack) io.err(`${c.dim(e.stack)}\n`);
  if (e instanceof UsageError) return ExitCode.usage;
  if (!(e instanceof OperationError) && !debug) io.err(c.dim("this looks like a bug in avictl; re-run with --debug for details\n"));
  return ExitCode.failed;
}
