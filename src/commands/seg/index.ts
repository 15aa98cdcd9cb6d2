import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { build as create } from "./create.js";
import { build as list } from "./list.js";
import { build as del } from "./delete.js";

export function build(app: App): CommandUnknownOpts {
  const cmd = new Command("seg").description("service engine groups (one per AKO cluster)");
  for (const b of [create, list, del]) cmd.addCommand(b(app));
  return cmd;
}
