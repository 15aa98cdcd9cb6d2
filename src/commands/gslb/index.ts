import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { build as enable } from "./enable.js";
import { build as addSite } from "./add-site.js";
import { build as status, buildServices } from "./status.js";
import { build as setTtl } from "./set-ttl.js";

export function build(app: App): CommandUnknownOpts {
  const cmd = new Command("gslb").description("GSLB: enable on the leader, add follower sites, status of sites and GSLB services, TTL");
  for (const b of [enable, addSite, status, buildServices, setTtl]) cmd.addCommand(b(app));
  return cmd;
}
