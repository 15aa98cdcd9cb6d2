import { Command } from "commander";
import type { App } from "../../cli/app.js";

export function build(app: App): Command {
  return new Command("delete-context")
    .description("remove a context and its stored password file")
    .argument("<name>", "context name")
    .action(async (name: string) => {
      const { deleteContext } = await import("../../workflows/config.js");
      deleteContext(name);
      app.io.err(`${app.io.ok(`deleted context "${name}"`)}\n`);
    });
}
