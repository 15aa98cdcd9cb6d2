import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { lifecycleBase, runLifecycle } from "./lifecycle-command.js";

export function build(app: App): CommandUnknownOpts {
  return lifecycleBase(
    "reload",
    "upgrade AKO in place with new values or chart: CRDs first, restart when values changed, roll back on failure",
    `
Examples:
  avictl ako reload -f values-s1az1.yaml --chart ako-1.13.4.tgz --kube-context s1az1
  avictl ako reload -f values.yaml --chart ako-1.13.4.tgz --force    # shardVSSize changed
  avictl ako reload -f values.yaml --chart ako/ako --latest          # newest chart of a classic repository

Unlike delete-and-install, the release keeps its name and history; on failure the previous revision is restored.`,
  )
    .option("--force", "allow a shardVSSize or clusterName change")
    .option("--latest", "the newest released chart version of --chart (a classic repository reference)")
    .action((raw) => runLifecycle(app, "reload", raw));
}
