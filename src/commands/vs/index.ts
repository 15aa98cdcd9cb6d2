import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { build as analytics } from "./analytics.js";
import { build as list } from "./list.js";
import { build as show } from "./show.js";

/** The `vs` group; a subcommand is one module under src/commands/vs with a build(app), listed here. */
export function build(app: App): CommandUnknownOpts {
  const cmd = new Command("vs").description("virtual services: list, show (with the Kubernetes object behind them), analytics settings");
  for (const b of [list, show, analytics]) cmd.addCommand(b(app));
  return cmd;
}
