import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { withValueFlags } from "./flags.js";

export function build(app: App): CommandUnknownOpts {
  return withValueFlags(new Command("values").description("render commented AKO Helm values for one cluster (no credentials in them)"))
    .option("-f, --values <file>", "base values to start from (what the flags say wins)")
    .option("--out <file>", "write to this file instead of stdout")
    .addHelpText(
      "after",
      `
Examples:
  avictl ako values --cluster-name S1-AZ1 --vip-network AVI_FRONTEND_3025 --se-group S1-AZ1-SE-Group \\
      --default-domain avi.iberia.local --cni antrea --shard-size SMALL > values-s1az1.yaml
  avictl ako values --cluster-name S1-AZ1 --vip-network AVI_FRONTEND_3025=10.10.25.0/24 \\
      --se-group S1-AZ1-SE-Group --controller-version 20.1.5 --chart-version 1.4.2   # offline`,
    )
    .action(async (raw) => {
      const { checkOutFile, emitValues, renderValuesFile } = await import("./run.js");
      if (raw.out) checkOutFile(raw.out);
      emitValues(app, await renderValuesFile(app, raw), raw.out);
    });
}
