import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { flagsFor } from "../../cli/options.js";
import type { Io } from "../../cli/io.js";
import { printTable, writeOutput } from "../../cli/output.js";
import { renderPlan } from "../../cli/plan.js";
import type { AnalyticsSettings, VsAnalyticsResult } from "../../workflows/vs/analytics.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("analytics")
    .description("the analytics switches of a virtual service: non-significant logs, real-time metrics, log throttling")
    .argument("<name>", "virtual service name")
    .option("--non-significant-logs <on|off>", "log every request, not only errors (kept on forever)")
    .option("--realtime-metrics <on|off>", "real-time metrics (kept on forever)")
    .option("--log-throttle <on|off>", "throttle significant, non-significant and UDF logs (off for a complete export)")
    .addHelpText(
      "after",
      `
Examples:
  avictl vs analytics g-dns --non-significant-logs on --realtime-metrics on --log-throttle off
  avictl vs analytics g-dns                      # show the current settings

Without a switch it only shows the settings. Re-running with the same switches changes nothing.`,
    )
    .action(async (name, raw) => {
      const { toVsAnalyticsOptions, setVsAnalytics } = await import("../../workflows/vs/analytics.js");
      const opts = toVsAnalyticsOptions(
        name,
        flagsFor<Parameters<typeof toVsAnalyticsOptions>[1]>()({ ...raw, dryRun: app.globals().dryRun }),
      );
      const avi = await app.clients.avi();
      const { events, spinner } = app.progress(`analytics of ${name}`);
      let result: VsAnalyticsResult;
      try {
        result = await setVsAnalytics(opts, avi, events);
      } finally {
        spinner.stop();
      }
      await writeOutput(app.output(), app.io, result, renderVsAnalytics);
    });
}

const ROWS: [keyof AnalyticsSettings, string][] = [
  ["nonSignificantLogs", "non-significant logs"],
  ["nonSignificantLogsDuration", "non-significant logs duration (min, 0 = forever)"],
  ["realtimeMetrics", "real-time metrics"],
  ["realtimeMetricsDuration", "real-time metrics duration (min, 0 = forever)"],
  ["nonSignificantLogThrottle", "non-significant log throttle (/s, 0 = off)"],
  ["significantLogThrottle", "significant log throttle (/s, 0 = off)"],
  ["udfLogThrottle", "UDF log throttle (/s, 0 = off)"],
];

export function renderVsAnalytics(io: Io, r: VsAnalyticsResult): void {
  const show = (v: boolean | number) => (typeof v === "boolean" ? (v ? "on" : "off") : v);
  printTable(
    io,
    ["SETTING", "BEFORE", r.dryRun ? "PLANNED" : "AFTER"],
    ROWS.map(([k, label]) => [
      label,
      show(r.before[k]),
      r.before[k] === r.after[k] ? show(r.after[k]) : io.color.yellow(String(show(r.after[k]))),
    ]),
  );
  renderPlan(io, r);
}
