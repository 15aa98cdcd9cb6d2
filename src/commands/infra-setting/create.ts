import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { collect, kubeTarget, withKubeOptions, flagsFor } from "../../cli/options.js";
import { renderPlan } from "../../cli/plan.js";
import { writeOutput } from "../../cli/output.js";

export function build(app: App): CommandUnknownOpts {
  return withKubeOptions(
    new Command("create")
      .description("create or converge an AviInfraSetting and the IngressClass / GatewayClass that use it")
      .argument("<name>", "AviInfraSetting name, e.g. critical.infra")
      .option("--se-group <name>", "SE group for the virtual services of this class")
      .option("--network <name[=cidr]>", "VIP network (repeatable)", collect)
      .option("--enable-rhi", "advertise VIPs with BGP route health injection")
      .option("--bgp-peer-label <label>", "BGP peers to advertise to (repeatable; needs --enable-rhi)", collect)
      .option("--shard-size <size>", "SMALL | MEDIUM | LARGE | DEDICATED")
      .option("--ingress-class <name>", "IngressClass pointing at the setting")
      .option("--gateway-class <name>", "GatewayClass pointing at the setting"),
  )
    .addHelpText(
      "after",
      `
Examples:
  avictl infra-setting create critical.infra --se-group SE-Group-AKO-CRITICAL --network AVI_FRONTEND_3025 \\
      --shard-size DEDICATED --ingress-class critical-ic --gateway-class critical-gwc
  avictl infra-setting create rhi.infra --network AVI_FRONTEND_3025=10.10.25.0/24 --enable-rhi --bgp-peer-label peer1`,
    )
    .action(async (name, raw) => {
      const { toInfraSettingOptions, createInfraSetting } = await import("../../workflows/infra-setting/create.js");
      const o = toInfraSettingOptions(
        name,
        flagsFor<Parameters<typeof toInfraSettingOptions>[1]>()({ ...raw, dryRun: app.globals().dryRun }),
      );
      const kube = await app.clients.kube(kubeTarget(raw));
      await writeOutput(app.output(), app.io, await createInfraSetting(o, kube, await app.clients.avi()), renderPlan);
    });
}
