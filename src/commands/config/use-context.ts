import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("use-context")
    .description("make a context the current one")
    .argument("<name>", "context name")
    .action(async (name) => {
      const { useContext } = await import("../../workflows/config.js");
      useContext(name);
      app.io.err(`${app.io.ok(`switched to context "${name}"`)}\n`);
    });
}
