import { Command } from "commander";
import type { App } from "../../cli/app.js";

export function build(app: App): Command {
  return new Command("use-context")
    .description("make a context the current one")
    .argument("<name>", "context name")
    .action(async (name: string) => {
      const { useContext } = await import("../../workflows/config.js");
      useContext(name);
      app.io.err(`${app.io.ok(`switched to context "${name}"`)}\n`);
    });
}
