import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { collect, flagsFor } from "../cli/options.js";
import type { App } from "../cli/app.js";
import { runPlan } from "../cli/plan.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("create-vrf")
    .description("a VRF context with discovered networks moved into it (subnet + static pool) and static routes")
    .argument("<name>", "VRF name, or global/management to change the system VRFs")
    .option("--cloud <name>", "cloud", "Default-Cloud")
    .option(
      "--network <spec>",
      "NAME=CIDR@BEGIN-END[:vip|se|vip+se] (repeatable; pool type defaults to vip+se; replaces the subnet's pool for that use, keeps the other use's)",
      collect,
    )
    .option("--route <spec>", "static route PREFIX=NEXTHOP (repeatable)", collect)
    .option("--default-gateway <ip>", "0.0.0.0/0 via this gateway (replaces the VRF's earlier default route)")
    .option("--move", "move networks that are already in another VRF")
    .option("--force", "accept a subnet that differs from the one the cloud discovered on the network")
    .addHelpText(
      "after",
      `
Routes are added with PATCH next to existing ones, so routes AKO owns in the same VRF survive.
A network's subnet must be the one the cloud discovered on it; a corrected subnet or pool replaces
the one set earlier.

Examples:
  avictl create-vrf VRF_AZ1 --network AVI_FRONTEND_3025=10.10.25.0/24@10.10.25.40-10.10.25.59 \\
    --network REGIONB_VMS_3024=10.10.24.0/24@10.10.24.164-10.10.24.178:se
  avictl create-vrf global --default-gateway 10.10.22.1`,
    )
    .action(async (name, raw) => {
      const { toCreateVrfOptions, createVrf } = await import("../workflows/vrf/create.js");
      const opts = toCreateVrfOptions(name, flagsFor<Parameters<typeof toCreateVrfOptions>[1]>()({ ...raw, dryRun: app.globals().dryRun }));
      await runPlan(app, `creating VRF ${name}`, (avi, events) => createVrf(opts, avi, events));
    });
}
