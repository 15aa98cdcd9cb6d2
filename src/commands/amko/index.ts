import { Command } from "commander";
import type { App } from "../../cli/app.js";
import { build as install } from "./install.js";
import { build as trafficSplit } from "./traffic-split.js";

export function build(app: App): Command {
  const cmd = new Command("amko").description("AMKO: install on the GSLB leader cluster, change the traffic split");
  for (const b of [install, trafficSplit]) cmd.addCommand(b(app));
  return cmd;
}
