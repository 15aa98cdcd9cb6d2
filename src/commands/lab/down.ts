import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("down").description("stop a running lab").action(async () => {
    const { stopLab } = await import("../../workflows/lab/up.js");
    const r = await stopLab();
    app.io.err(r.stopped ? `${app.io.ok(`lab stopped (pid ${r.pid})`)}\n` : "no lab is running\n");
  });
}
