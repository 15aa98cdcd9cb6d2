import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { UsageError } from "../../cli/errors.js";
import { runPlan } from "../../cli/plan.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("set-ttl")
    .description("set the DNS TTL of a GSLB service (on the leader)")
    .argument("<service>", "GSLB service name, e.g. hello.avi.iberia.local")
    .argument("<seconds>", "TTL, 0–86400")
    .addHelpText("after", `\nExample:\n  avictl --context lab-leader gslb set-ttl hello.avi.iberia.local 2`)
    .action(async (service, seconds) => {
      if (!/^\d+$/.test(seconds) || Number(seconds) > 86400)
        throw new UsageError(`TTL must be a whole number of seconds between 0 and 86400, not "${seconds}"`);
      const { setTtl } = await import("../../workflows/gslb/status.js");
      await runPlan(app, `TTL of ${service}`, (avi) => setTtl(avi, service, Number(seconds), Boolean(app.globals().dryRun)));
    });
}
