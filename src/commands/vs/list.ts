import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import type { Io } from "../../cli/io.js";
import { printTable, writeOutput } from "../../cli/output.js";
import type { KubeOrigin, VsView } from "../../workflows/vs/inspect.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("list")
    .description("virtual services with VIP, state, SE group, pool members and the Kubernetes object behind them")
    .option("--cluster <name>", "only those AKO made for this clusterName")
    .addHelpText("after", `\nExamples:\n  avictl vs list\n  avictl vs list --cluster S1-AZ1 -o json`)
    .action(async (raw) => {
      const { listVirtualServices } = await import("../../workflows/vs/inspect.js");
      const rows = await listVirtualServices(await app.clients.avi(), raw);
      if (rows.length === 0 && app.io.stderrTTY) app.io.err("no virtual services found\n");
      await writeOutput(app.output(), app.io, rows, render);
    });
}

export function origin(k?: KubeOrigin): string {
  if (!k) return "-";
  if (k.kind === "shared") return `shared L7 (${k.hosts.length} host${k.hosts.length === 1 ? "" : "s"})`;
  return `${k.kind} ${k.namespace}/${k.name}`;
}

export function stateText(io: Io, v: VsView): string {
  const s = v.state.replace(/^OPER_/, "");
  return v.state === "OPER_UP" ? io.color.green(s) : io.color.red(`${s}${v.reason ? ` (${v.reason})` : ""}`);
}

function render(io: Io, rows: VsView[]): void {
  printTable(
    io,
    ["NAME", "VIP", "STATE", "SE GROUP", "MEMBERS", "KUBERNETES"],
    rows.map((v) => [
      v.name,
      v.vips.join(",") || "-",
      stateText(io, v),
      v.seGroup ?? "-",
      `${v.members.up}/${v.members.total}`,
      origin(v.kube),
    ]),
  );
}
