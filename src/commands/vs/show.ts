import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import type { Io } from "../../cli/io.js";
import { printTable, writeOutput } from "../../cli/output.js";
import type { VsView } from "../../workflows/vs/inspect.js";
import { origin, stateText } from "./list.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("show")
    .description("one virtual service: VIP, state and reason, SE group, pools and servers, FQDNs, the Kubernetes object behind it")
    .argument("<name>", "virtual service name, e.g. S1-AZ1--default-kuard")
    .addHelpText("after", `\nExamples:\n  avictl vs show S1-AZ1--default-kuard\n  avictl vs show S1-AZ1--Shared-L7-3 -o json`)
    .action(async (name) => {
      const { showVirtualService } = await import("../../workflows/vs/inspect.js");
      await writeOutput(app.output(), app.io, await showVirtualService(await app.clients.avi(), name), render);
    });
}

function render(io: Io, v: VsView): void {
  const b = io.color.bold;
  io.out(
    `${b("Name")}        ${v.name}\n${b("VIP")}         ${v.vips.join(", ") || "-"}\n${b("State")}       ${stateText(io, v)}\n${b("SE group")}    ${v.seGroup ?? "-"}\n`,
  );
  io.out(
    `${b("FQDNs")}       ${v.fqdns.join(", ") || "-"}\n` +
      `${b("Kubernetes")}  ${origin(v.kube)}${v.kube?.cluster ? ` in cluster ${v.kube.cluster}` : ""}\n` +
      `${b("Members")}     ${v.members.up}/${v.members.total} up\n\n`,
  );
  printTable(
    io,
    ["POOL", "HOST/PATH", "UP/TOTAL", "SERVERS"],
    v.pools.map((p) => [
      p.name,
      p.host ? `${p.host}${p.path ?? ""}` : "-",
      `${p.up}/${p.total}`,
      p.servers.map((s) => `${s.ip}:${s.port ?? ""}`).join(" ") || "-",
    ]),
  );
}
