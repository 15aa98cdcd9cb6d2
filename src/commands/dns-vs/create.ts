import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { collect, flagsFor } from "../../cli/options.js";
import type { App } from "../../cli/app.js";
import { runPlan } from "../../cli/plan.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("create")
    .description("a DNS virtual service: VIP from IPAM on a network, UDP 53, the DNS SE group, static records")
    .argument("<name>", "virtual service name")
    .option("--cloud <name>", "cloud", "Default-Cloud")
    .option("--network <name>", "network whose VIP pool provides the address")
    .option("--vrf <name>", "VRF (default: the network's)")
    .option("--se-group <name>", "SE group", "DNS-SE-Group")
    .option("--record <fqdn=ip>", "static A record, FQDN=IP[,IP] (repeatable)", collect)
    .option("--answers-per-query <n>", "addresses returned per query for multi-address records, picked round robin (0 = all)")
    .option("--authoritative <domain>", "authoritative zone answered with SOA/NXDOMAIN (repeatable)", collect)
    .option("--admin-email <email>", "SOA contact of the authoritative zones")
    .option("--ns <name>", "SOA name server of the authoritative zones")
    .option("--invalid-query <respond|drop>", "answer unknown names with NXDOMAIN (respond) or drop them")
    .option("--set-system-dns", "register it as the controller's DNS service")
    .option("--ttl <seconds>", "TTL of the answers")
    .addHelpText(
      "after",
      `
Examples:
  avictl dns-vs create local-dns-site1 --network AVI_FRONTEND_3025 --record test.avi.iberia.local=10.10.25.99 --set-system-dns
  avictl dns-vs create g-dns --network AVI_FRONTEND_3025 --authoritative avi.iberia.local --admin-email johernandez@iberia.local --invalid-query respond`,
    )
    .action(async (name, raw) => {
      const { toDnsVsOptions, createDnsVs } = await import("../../workflows/dns-vs/create.js");
      const opts = toDnsVsOptions(name, flagsFor<Parameters<typeof toDnsVsOptions>[1]>()({ ...raw, dryRun: app.globals().dryRun }));
      await runPlan(app, `DNS virtual service ${name}`, (avi, events) => createDnsVs(opts, avi, events));
    });
}
