import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { flagsFor } from "../../cli/options.js";
import { runPlan } from "../../cli/plan.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("enable")
    .description("GSLB on at the leader: the leader site with its cluster uuid, the DNS sub-domain and the leader's DNS VS")
    .option("--subdomain <domain>", "DNS sub-domain of the GSLB services, e.g. avi.iberia.local")
    .option("--dns-vs <name>", "the leader's DNS virtual service, e.g. g-dns")
    .option("--site-name <name>", "name of the leader site", "gslb-leader")
    .option("--site-ip <ip>", "address the other sites reach the leader on (default: the controller's)")
    .addHelpText("after", `\nExample:\n  avictl --context lab-leader gslb enable --subdomain avi.iberia.local --dns-vs g-dns`)
    .action(async (raw) => {
      const { toGslbEnableOptions, enableGslb } = await import("../../workflows/gslb/enable.js");
      const opts = toGslbEnableOptions(flagsFor<Parameters<typeof toGslbEnableOptions>[0]>()({ ...raw, dryRun: app.globals().dryRun }));
      const creds = await app.clients.credentials();
      await runPlan(app, "enabling GSLB", (avi, events) => enableGslb(opts, avi, creds, events));
    });
}
