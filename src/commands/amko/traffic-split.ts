import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { kubeTarget, withKubeOptions } from "../../cli/options.js";
import { renderPlan } from "../../cli/plan.js";
import { printTable, writeOutput } from "../../cli/output.js";
import type { TrafficSplitResult } from "../../workflows/amko/traffic-split.js";

export function build(app: App): CommandUnknownOpts {
  return withKubeOptions(
    new Command("traffic-split")
      .description("change the GSLB weights of global-gdp at runtime and show the expected share per cluster")
      .argument("<cluster=weight...>", "weights from 1 to 20, e.g. s1az1=6 s1az2=3 s2=1"),
  )
    .addHelpText(
      "after",
      `
Examples:
  avictl amko traffic-split s1az1=6 s1az2=3 s2=1 --kube-context s1az1
  avictl amko traffic-split s2=20 --dry-run

Then measure it: avictl check-dns hello.avi.iberia.local --qps 100 --count 5000 --expect s1az1=6,s1az2=3,s2=1 ...`,
    )
    .action(async (specs, raw) => {
      const { parseSplit, setTrafficSplit } = await import("../../workflows/amko/traffic-split.js");
      const weights = parseSplit(specs);
      const kube = await app.clients.kube(kubeTarget(raw));
      const result = await setTrafficSplit({ weights, dryRun: Boolean(app.globals().dryRun) }, kube);
      await writeOutput(app.output(), app.io, result, render);
    });
}

function render(io: Parameters<typeof renderPlan>[0], r: TrafficSplitResult): void {
  renderPlan(io, r);
  io.out("\n");
  printTable(
    io,
    ["CLUSTER", "WEIGHT", "PRIORITY", "EXPECTED SHARE"],
    r.shares.map((s) => [s.cluster, s.weight, s.priority, `${(s.share * 100).toFixed(1)}%`]),
  );
}
