import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { UsageError } from "../../cli/errors.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("current-context").description("print the current context's name").action(async () => {
    const { loadConfig } = await import("../../base/config.js");
    const current = loadConfig().currentContext;
    if (!current) throw new UsageError("no current context is set", "set one with 'avictl config use-context NAME'");
    app.io.out(`${current}\n`);
  });
}
