import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { writeOutput } from "../../cli/output.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("delete")
    .description("delete an SE group (refused while virtual services are placed on it)")
    .argument("<name>", "SE group name")
    .option("--cloud <name>", "cloud", "Default-Cloud")
    .action(async (name, raw) => {
      const dryRun = Boolean(app.globals().dryRun);
      if (!dryRun) await app.confirm(`Delete SE group ${name}?`);
      const { deleteSeg } = await import("../../workflows/seg/delete.js");
      const { events, spinner } = app.progress(`deleting ${name}`);
      const r = await deleteSeg({ name, cloud: raw.cloud, dryRun }, await app.clients.avi(), events).finally(() => spinner.stop());
      await writeOutput(app.output(), app.io, r, (io, x) => io.out(`${x.name}\t${x.action}\n`));
    });
}
