import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { build as values } from "./values.js";
import { build as install } from "./install.js";
import { build as trafficSplit } from "./traffic-split.js";
import { build as status } from "./status.js";

/** The verbs of the group, in help order; a new verb is one more entry. */
export const subcommands = [values, install, trafficSplit, status];

export function build(app: App): CommandUnknownOpts {
  const cmd = new Command("amko").description("AMKO: values, install on the GSLB leader cluster, traffic split, status");
  for (const b of subcommands) cmd.addCommand(b(app));
  return cmd;
}
