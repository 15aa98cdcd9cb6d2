import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { printTable, writeOutput } from "../../cli/output.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("get-contexts").description("list the contexts").action(async () => {
    const { listContexts } = await import("../../workflows/config.js");
    const rows = listContexts();
    await writeOutput(app.output(), app.io, rows, (io, r) => {
      if (r.length === 0 && io.stderrTTY) io.err("no contexts; create one with 'avictl config set-context'\n");
      printTable(
        io,
        ["CURRENT", "NAME", "CONTROLLER", "USER", "TENANT", "KUBE CONTEXT"],
        r.map((c) => [c.current ? "*" : "", c.name, c.controller, c.username ?? "", c.tenant ?? "", c.kubeContext ?? ""]),
      );
    });
  });
}
