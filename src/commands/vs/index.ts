import { Command } from "commander";
import type { App } from "../../cli/app.js";
import { build as analytics } from "./analytics.js";

export function build(app: App): Command {
  const cmd = new Command("vs").description("virtual services: analytics settings");
  for (const b of [analytics]) cmd.addCommand(b(app));
  return cmd;
}
