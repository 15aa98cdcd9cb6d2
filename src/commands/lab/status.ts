import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { printTable, writeOutput } from "../../cli/output.js";
import type { LabFaults, LabStatus } from "../../workflows/lab/status.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("status")
    .description("what the running lab is made of: controllers, clusters, DNS services and backends, with addresses")
    .addHelpText("after", `\nExamples:\n  avictl lab status\n  avictl lab status -o json | jq -r '.controllers[0].url'`)
    .action(async () => {
      const { labStatus } = await import("../../workflows/lab/status.js");
      await writeOutput(app.output(), app.io, await labStatus(), renderLabStatus);
    });
}

function renderLabStatus(io: App["io"], s: LabStatus): void {
  io.err(`lab pid ${s.pid}, started ${s.startedAt}${s.expiresAt ? `, stops by itself at ${s.expiresAt}` : ""}\n`);
  printTable(
    io,
    ["kind", "name", "address", "detail"],
    [
      ...s.controllers.map((c) => [
        "controller",
        c.name,
        c.url,
        `${c.version}, ${c.state}${c.faults ? `, faults: ${describeFaults(c.faults)}` : ""}`,
      ]),
      ...s.clusters.map((c) => ["cluster", c.name, c.server, s.kubeconfig ? `context ${c.name} in ${s.kubeconfig}` : ""]),
      ...s.dns.map((d) => ["dns", d.vs, `${d.host}:${d.port}/udp`, `on ${d.controller}`]),
      ...s.backends.map((b) => ["backend", b.site, b.url, "hello page"]),
    ],
  );
}

export function describeFaults(f: LabFaults): string {
  const on = [
    f.latencyMs ? `latency ${f.latencyMs}ms` : "",
    f.errorRate ? `5xx ${f.errorRate}` : "",
    f.resetRate ? `resets ${f.resetRate}` : "",
  ].filter(Boolean);
  return on.length ? on.join(", ") : "none";
}
