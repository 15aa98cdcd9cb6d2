import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("delete-context")
    .description("remove a context and its stored password file")
    .argument("<name>", "context name")
    .action(async (name) => {
      const { deleteContext } = await import("../../workflows/config.js");
      deleteContext(name);
      app.io.err(`${app.io.ok(`deleted context "${name}"`)}\n`);
    });
}
