import { Command, Option, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { flagsFor } from "../../cli/options.js";
import { UsageError } from "../../cli/errors.js";
import { renderPlan } from "../../cli/plan.js";
import { writeOutput } from "../../cli/output.js";
import { parseDuration } from "../../cli/context.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("add-site")
    .description(
      "add a follower site: log in to it, verify it from the leader, add it, wait until it is reachable, in sync and its DNS VS is up",
    )
    .argument("<name>", "site name, e.g. gslb-site1")
    .option("--site-controller <addr>", "the follower's controller: host, host:port or URL (default: the site context's)")
    .option("--site-context <ctx>", "context holding the follower's controller and credentials")
    .option("--site-username <user>", "user on the follower (default: the site context's, else admin)")
    .option("--site-password-file <file>", "file holding the follower's password (else the site context's, else a prompt)")
    .option("--dns-vs <name>", "the follower's DNS virtual service (default: g-dns-<name>)")
    .addOption(new Option("--member-type <type>", "GSLB member type").choices(["active", "passive"]).default("active"))
    .option("--prepare", "first create the follower's DNS VS in the global VRF with a default gateway")
    .option(
      "--network <name[=cidr@range]>",
      "with --prepare: network of the DNS VS VIP, its subnet and pool as in create-vrf (pool type vip unless given)",
    )
    .option("--gateway <ip>", "with --prepare: default gateway of the global VRF (GSLB health monitors need it)")
    .option("--se-group <name>", "with --prepare: SE group of the DNS VS", "Default-Group")
    .option("--wait <duration>", "how long to wait for the site to be ready", "2m")
    .addHelpText(
      "after",
      `
Examples:
  avictl --context lab-leader gslb add-site gslb-site1 --site-context lab-site1 --prepare --network AVI_FRONTEND_3025=10.10.25.0/24@10.10.25.40-10.10.25.59 --gateway 10.10.25.1
  avictl gslb add-site gslb-site2 --site-controller 10.10.30.43 --site-password-file site2.pw --dns-vs g-dns-site2

Other sites' credentials are never sent again: the site is added with PATCH add.`,
    )
    .action(async (name, raw) => {
      const { toAddSiteOptions, addSite } = await import("../../workflows/gslb/add-site.js");
      if (!raw.siteController && !raw.siteContext)
        throw new UsageError("give the follower with --site-controller ADDR or --site-context CTX");
      const opts = toAddSiteOptions(
        name,
        flagsFor<Parameters<typeof toAddSiteOptions>[1]>()({
          ...raw,
          waitMs: parseDuration(raw.wait, "--wait"),
          dryRun: app.globals().dryRun,
        }),
      );
      const follower = await app.clients.siteAvi({
        label: `follower ${name}`,
        context: raw.siteContext,
        controller: raw.siteController,
        username: raw.siteUsername,
        passwordFile: raw.sitePasswordFile,
      });
      const leader = await app.clients.avi();
      const { events, spinner } = app.progress(`adding site ${name}`);
      let result;
      try {
        result = await addSite(
          opts,
          leader,
          follower.avi,
          { username: follower.username, password: follower.password },
          events,
          app.clients.clock,
        );
      } finally {
        spinner.stop();
      }
      await writeOutput(app.output(), app.io, result, (io, r) => {
        renderPlan(io, r);
        if (r.site.ready)
          io.err(
            `${io.ok(`site ${r.site.name} (${r.site.address}, cluster ${r.site.clusterUuid}) is reachable, in sync, DNS VS ${r.site.dnsVs} up`)}\n`,
          );
      });
    });
}
