import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { build as values } from "./values.js";
import { build as lint } from "./lint.js";
import { build as preflight } from "./preflight.js";
import { build as install } from "./install.js";
import { build as reload } from "./reload.js";
import { build as status } from "./status.js";
import { build as trace } from "./trace.js";

/** The verbs of the group, in help order; a new verb is one more entry. */
export const subcommands = [values, lint, preflight, install, reload, status, trace];

export function build(app: App): CommandUnknownOpts {
  const cmd = new Command("ako").description("AKO lifecycle: values, lint, preflight, install, reload, status, trace");
  for (const b of subcommands) cmd.addCommand(b(app));
  return cmd;
}
