import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { build as cloud } from "./cloud.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("bootstrap").description("first-time controller setup (blog part 1)").addCommand(cloud(app));
}
