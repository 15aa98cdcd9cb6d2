import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { build as create } from "./create.js";
import { build as records } from "./records.js";

export function build(app: App): CommandUnknownOpts {
  const cmd = new Command("dns-vs").description("DNS virtual services (the controller's embedded DNS)");
  for (const b of [create, records]) cmd.addCommand(b(app));
  return cmd;
}
