import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { collect, flagsFor } from "../../cli/options.js";
import type { App } from "../../cli/app.js";
import { runPlan } from "../../cli/plan.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("cloud")
    .description("internal IPAM and DNS profiles attached to the cloud, state-based DNS registration, SE management network")
    .option("--cloud <name>", "cloud", "Default-Cloud")
    .option("--dns-domain <domain>", "DNS domain served by the internal DNS (repeatable or comma-separated)", collect)
    .option("--ttl <seconds>", "record TTL", "30")
    .option("--ipam-profile <name>", "IPAM profile name", "IPAM_Default")
    .option("--dns-profile <name>", "DNS profile name", "DNS_Default")
    .option("--allocate-ip-in-vrf", "allocate VIPs only from networks in the virtual service's VRF (default)")
    .option("--no-allocate-ip-in-vrf", "allocate VIPs from any usable network")
    .option("--state-based-dns-registration", "register DNS records only while VIPs are up (default)")
    .option("--no-state-based-dns-registration", "register DNS records regardless of VIP state")
    .option("--mgmt-network <name>", "SE management network (port group)")
    .option("--mgmt-subnet <cidr>", "its subnet")
    .option("--mgmt-pool <begin-end>", "static pool for SE management addresses")
    .option("--mgmt-gateway <ip>", "default gateway of the management VRF (replaces an earlier one)")
    .option("--force", "accept a --mgmt-subnet that differs from the subnet the cloud discovered")
    .addHelpText(
      "after",
      `
Examples:
  avictl bootstrap cloud --dns-domain avi.iberia.local --ttl 30
  avictl bootstrap cloud --dns-domain avi.iberia.local --mgmt-network REGIONB_MGMT_3020 \\
    --mgmt-subnet 10.10.20.0/24 --mgmt-pool 10.10.20.45-10.10.20.50 --mgmt-gateway 10.10.20.1`,
    )
    .action(async (raw) => {
      const { toBootstrapCloudOptions, bootstrapCloud } = await import("../../workflows/bootstrap/cloud.js");
      const opts = toBootstrapCloudOptions(
        flagsFor<Parameters<typeof toBootstrapCloudOptions>[0]>()({ ...raw, dryRun: app.globals().dryRun }),
      );
      await runPlan(app, "bootstrapping the cloud", (avi, events) => bootstrapCloud(opts, avi, events));
    });
}
