import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { build as setContext } from "./set-context.js";
import { build as useContext } from "./use-context.js";
import { build as getContexts } from "./get-contexts.js";
import { build as currentContext } from "./current-context.js";
import { build as deleteContext } from "./delete-context.js";
import { build as view } from "./view.js";

export function build(app: App): CommandUnknownOpts {
  const cmd = new Command("config").description(
    "named contexts for several controllers ($XDG_CONFIG_HOME/avictl/config.yaml, AVICTL_CONFIG)",
  );
  for (const b of [setContext, useContext, getContexts, currentContext, deleteContext, view]) cmd.addCommand(b(app));
  return cmd;
}
