import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { flagsFor } from "../../cli/options.js";
import { runPlan } from "../../cli/plan.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("create")
    .description("create or converge a service engine group")
    .argument("<name>", "SE group name")
    .option("--cloud <name>", "cloud", "Default-Cloud")
    .option("--ha-mode <mode>", "elastic-buffer | elastic-active-active | legacy-active-standby", "elastic-buffer")
    .option("--prefix <prefix>", "service engine name prefix")
    .option("--folder <path>", "vCenter folder for the service engines")
    .option("--buffer-se <n>", "buffer service engines")
    .option("--min-scaleout <n>", "minimum service engines per virtual service (2 with active/active)")
    .option("--max-se <n>", "maximum service engines")
    .option("--realtime-metrics", "real-time SE metrics, kept forever")
    .option("--no-realtime-metrics", "no real-time SE metrics")
    .option("--no-log-throttle", "no throttling of significant, non-significant and UDF logs (complete log exports)")
    .option("--cluster-label <cluster>", "AKO clusterName allowed to use this group (label clustername)")
    .addHelpText(
      "after",
      `
Examples:
  avictl seg create S1-AZ1-SE-Group --prefix s1az1 --folder "AVI K8S/Site1 AZ1" --buffer-se 0 --cluster-label S1-AZ1
  avictl seg create DNS-SE-Group --prefix dns --buffer-se 0 --no-log-throttle
  avictl seg create SE-Group-AKO-CRITICAL --ha-mode elastic-active-active --prefix critical`,
    )
    .action(async (name, raw) => {
      const { toSegCreateOptions, createSeg } = await import("../../workflows/seg/create.js");
      const opts = toSegCreateOptions(name, flagsFor<Parameters<typeof toSegCreateOptions>[1]>()({ ...raw, dryRun: app.globals().dryRun }));
      await runPlan(app, `SE group ${name}`, (avi, events) => createSeg(opts, avi, events));
    });
}
