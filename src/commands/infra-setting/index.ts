import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { build as create } from "./create.js";

export function build(app: App): CommandUnknownOpts {
  const cmd = new Command("infra-setting").description("AviInfraSettings: per-class SE group, VIP network, RHI and shard size");
  cmd.addCommand(create(app));
  return cmd;
}
