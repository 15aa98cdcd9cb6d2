import { Command } from "commander";
import type { App } from "../../cli/app.js";
import { build as install } from "./install.js";
import { build as trafficSplit } from "./traffic-split.js";
import { build as status } from "./status.js";

export function build(app: App): Command {
  const cmd = new Command("amko").description("AMKO: install on the GSLB leader cluster, change the traffic split, status");
  for (const b of [install, trafficSplit, status]) cmd.addCommand(b(app));
  return cmd;
}
