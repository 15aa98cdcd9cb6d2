import { Command } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";

function siteCommand(app: App, up: boolean) {
  const verb = up ? "start-site" : "stop-site";
  return new Command(verb)
    .description(
      up
        ? "bring a lab site back: its controller, DNS service and VIPs"
        : "take a whole lab site down (Part 7 blackout): its controller, DNS service and VIPs",
    )
    .argument("<site>", "lab site: site1, site2 or leader")
    .addHelpText("after", `\nExample:\n  avictl lab ${verb} site2`)
    .action(async (name) => {
      const { setLabSite } = await import("../../workflows/lab/sites.js");
      const r = await setLabSite(name, up);
      const what = up ? "up" : "down";
      app.io.err(r.changed ? `${app.io.ok(`site ${name} is ${what}`)}\n` : `site ${name} was already ${what}\n`);
    });
}

export const buildStopSite = (app: App) => siteCommand(app, false);
export const buildStartSite = (app: App) => siteCommand(app, true);
