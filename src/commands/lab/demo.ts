import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { flagsFor } from "../../cli/options.js";
import { Cancelled, OperationError } from "../../cli/errors.js";
import { printTable, writeOutput } from "../../cli/output.js";
import type { DemoResult, DemoStepResult } from "../../workflows/lab/demo.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("demo")
    .description("walk through the blog series on a fresh lab, one real avictl command per step, ending with a table of results")
    .option("--step <n>", "narrate from step N; the steps before it run first, quietly, because later steps build on them")
    .option("--pause", "wait for Enter before each step (on a terminal)")
    .option("--keep", "leave the lab running with everything the demo made; stop it with 'avictl lab down'")
    .option(
      "--charts <dir>",
      "folder of AKO/AMKO chart archives (ako-1.13.4.tgz, ako-1.4.2.tgz, amko-1.13.1.tgz); without it the chart steps are skipped",
    )
    .addHelpText(
      "after",
      `
Steps that need what is not here (a chart archive, helm, python3 for the lab's ControlScripts) are skipped and say why.
The Slack alert goes to a receiver the demo runs on 127.0.0.1; its webhook URL stays in a 0600 file.

Examples:
  avictl lab demo
  avictl lab demo --charts ../charts --keep && eval "$(avictl lab env)"
  avictl lab demo --charts ../charts --step 18 --pause

Exit status: 1 when a step fails (the rest are skipped and the table says which).`,
    )
    .action(async (raw) => {
      const { toDemoOptions, playDemo } = await import("../../workflows/lab/demo.js");
      const opts = toDemoOptions(flagsFor<Parameters<typeof toDemoOptions>[0]>()(raw));
      const io = app.io;
      const narrate = app.output() === "table";
      const pause = raw.pause === true && io.canPrompt;
      if (raw.pause && !pause) io.err(`${io.warn("--pause needs a terminal; running straight through")}\n`);
      if (narrate) io.err(`${io.warn("SIMULATION: every step runs against avictl's lab on 127.0.0.1, not an Avi controller.")}\n`);
      const started = Date.now();
      const result = await playDemo(
        opts,
        {
          helm: (env) => app.clients.helm({ env }),
          async before(s) {
            if (!narrate) return true;
            if (s.setup) {
              io.out(io.dim(`(setting the stage) ${s.n}. ${shown(s)}\n`));
              return true;
            }
            io.out(`\n${io.color.bold(`${s.n}. ${s.title}`)}\n${io.color.cyan(s.watch ?? `$ ${shown(s)}`)}\n`);
            return !pause || !s.ask || s.n === opts.from || app.prompter().confirm("run it?", true);
          },
          after(r) {
            // After a stop (prompt, Ctrl-C) the final table lists what did not run.
            if (!narrate || (r.setup && r.outcome === "ok") || r.reason === "interrupted" || r.reason === "stopped at the prompt") return;
            if (r.outcome === "skipped") {
              const cmd = shown(r);
              if (r.setup) io.out(io.dim(`(setting the stage) ${r.n}. ${cmd}\n`));
              else io.out(`\n${io.color.bold(`${r.n}. ${r.title}`)}\n${io.dim(r.watch ?? `$ ${cmd}`)}\n`);
              io.out(`${io.warn(`skipped: ${r.reason}`)}\n`);
              return;
            }
            io.out(r.stdout);
            if (r.stderr) io.out(io.dim(r.stderr));
            if (r.tries) io.out(io.dim(`(${r.outcome === "ok" ? "passed" : "gave up"} after ${r.tries} runs)\n`));
          },
        },
        app.signal,
      );
      await writeOutput(app.output(), io, result, (o, res) => renderDemo(o, res, Date.now() - started));
      if (app.signal.aborted) throw new Cancelled("demo interrupted");
      const failed = result.steps.find((s) => s.outcome === "failed");
      if (failed)
        throw new OperationError(
          `demo step ${failed.n} failed: ${failed.watch ?? `avictl ${failed.args.join(" ")} exited ${failed.code}`}`,
          "its output is above; re-run from it with --step",
        );
    });
}

function renderDemo(io: App["io"], r: DemoResult, ms: number): void {
  io.out("\n");
  const style = (s: string) => (s === "ok" ? io.ok(s) : s === "failed" ? io.fail(s) : io.warn(s));
  printTable(
    io,
    ["step", "command", { header: "result", style }, "time"],
    r.steps.map((s) => [
      s.n,
      command(io, s),
      s.outcome === "skipped" ? `skipped: ${s.reason}` : s.outcome,
      s.outcome === "skipped" ? "" : seconds(s.ms),
    ]),
  );
  const count = (o: string) => r.steps.filter((s) => s.outcome === o).length;
  io.err(`demo: ${count("ok")} ok, ${count("skipped")} skipped, ${count("failed")} failed in ${seconds(ms)}\n`);
  io.err(`files the demo wrote (values, log exports, the split chart): ${r.files}\n`);
  if (r.config) io.err(`the lab is still running; use it with: eval "$(avictl lab env)"   stop it with: avictl lab down\n`);
}

/** The full command when piped; on a terminal the first words, so the table fits. */
function command(io: App["io"], s: DemoStepResult): string {
  const full = shown(s);
  return io.stdoutTTY && full.length > 48 ? `${full.slice(0, 47)}…` : full;
}

/** The command line as typed, or what the demo watched. */
function shown(s: { args: string[]; watch?: string }): string {
  return s.watch ?? `avictl ${s.args.map(quote).join(" ")}`;
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}
