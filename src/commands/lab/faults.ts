import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { flagsFor } from "../../cli/options.js";
import { printTable, writeOutput } from "../../cli/output.js";
import { describeFaults } from "./status.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("faults")
    .description("set or show the fault injection of the running lab's controllers (latency, 5xx answers, dropped connections)")
    .option("--latency <duration>", "added delay per API request, e.g. 50ms (a bare number is milliseconds)")
    .option("--error-rate <0..1>", "share of API requests answered with 502/503")
    .option("--reset-rate <0..1>", "share of API connections dropped without an answer")
    .option("--off", "clear every fault")
    .option("--controller <name>", "only this lab controller (default: all)")
    .addHelpText(
      "after",
      `
The switches given replace those in force (unset ones become 0); with none, the faults in force are shown.

Examples:
  avictl lab faults --latency 50ms --error-rate 0.2 --reset-rate 0.1
  avictl lab faults --off`,
    )
    .action(async (raw) => {
      const { labFaults, toLabFaultsOptions } = await import("../../workflows/lab/status.js");
      const opts = toLabFaultsOptions(flagsFor<Parameters<typeof toLabFaultsOptions>[0]>()(raw));
      const result = await labFaults(opts);
      await writeOutput(app.output(), app.io, result, (io, r) =>
        printTable(
          io,
          ["controller", "faults"],
          r.map((c) => [c.controller, describeFaults(c.faults)]),
        ),
      );
    });
}
