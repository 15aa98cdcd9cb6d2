import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { printTable, writeOutput } from "../../cli/output.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("list").description("SE groups with their service engines and virtual services").action(async () => {
    const { listSegs } = await import("../../workflows/seg/list.js");
    const rows = await listSegs(await app.clients.avi());
    await writeOutput(app.output(), app.io, rows, (io, r) =>
      printTable(
        io,
        ["NAME", "HA MODE", "PREFIX", "FOLDER", "BUFFER", "MAX SE", "CLUSTER", "SES", "VIRTUAL SERVICES"],
        r.map((s) => [
          s.name,
          s.haMode,
          s.prefix,
          s.folder,
          s.bufferSe,
          s.maxSe,
          s.clusterLabel ?? "-",
          s.serviceEngines.length,
          s.virtualServices.join(",") || "-",
        ]),
      ),
    );
  });
}
