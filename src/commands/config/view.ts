import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("view").description("show the config file with secrets redacted").action(async () => {
    const { viewConfig } = await import("../../workflows/config.js");
    const cfg = viewConfig();
    if (app.output() === "json") app.io.out(`${JSON.stringify(cfg, null, 2)}\n`);
    else app.io.out((await import("yaml")).stringify(cfg));
  });
}
