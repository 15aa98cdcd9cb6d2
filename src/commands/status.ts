import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../cli/app.js";
import { VerificationFailed } from "../cli/errors.js";
import type { Io } from "../cli/io.js";
import { printTable, writeOutput } from "../cli/output.js";
import type { StatusResult } from "../workflows/status.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("status")
    .description("one-screen health of the controller: version, cluster, clouds, SE groups, VRFs, DNS VS, GSLB role")
    .addHelpText(
      "after",
      `
Examples:
  avictl status
  avictl --context site1 status -o json

Exit status: 3 when the cluster is not up or a cloud is not ready for placement (the report is printed first).`,
    )
    .action(async () => {
      const { getStatus } = await import("../workflows/status.js");
      const result = await getStatus(await app.clients.avi());
      await writeOutput(app.output(), app.io, result, renderStatus);
      if (!result.healthy) throw new VerificationFailed();
    });
}

export function renderStatus(io: Io, r: StatusResult): void {
  const c = io.color;
  const h = (s: string) => (io.stdoutTTY ? `\n${c.bold(s)}\n` : `\n# ${s}\n`);
  const state = (s: string, good: boolean) => (good ? c.green(s) : c.yellow(s));
  io.out(`${c.bold("Controller")} ${r.controller}  version ${r.controllerVersion} (API ${r.apiVersion})  tenant ${r.tenant}\n`);
  io.out(
    `${c.bold("Cluster")}    ${r.cluster.name} ${io.dim(r.cluster.uuid)}  ${state(r.cluster.state, r.cluster.state.startsWith("CLUSTER_UP"))}\n`,
  );
  io.out(`${c.bold("GSLB")}       ${r.gslb.role}${r.gslb.name ? ` (${r.gslb.name}, ${r.gslb.sites} sites)` : ""}\n`);
  io.out(h("Clouds"));
  printTable(
    io,
    ["NAME", "TYPE", "STATE", "IPAM", "DNS"],
    r.clouds.map((x) => [x.name, x.type, state(x.state, x.ready), x.ipamProfile ?? "-", x.dnsProfile ?? "-"]),
  );
  io.out(h("Service engine groups"));
  printTable(
    io,
    ["NAME", "CLOUD", "HA MODE", "PREFIX", "CLUSTER", "VS"],
    r.seGroups.map((s) => [s.name, s.cloud ?? "-", s.haMode ?? "-", s.seNamePrefix ?? "-", s.clusterLabel ?? "-", s.virtualServices]),
  );
  io.out(h("VRF contexts"));
  printTable(
    io,
    ["NAME", "CLOUD", "STATIC ROUTES"],
    r.vrfs.map((v) => [v.name, v.cloud ?? "-", v.staticRoutes]),
  );
  io.out(h("DNS virtual services"));
  if (r.dnsVirtualServices.length === 0) io.out(io.dim("none\n"));
  printTable(
    io,
    ["NAME", "VIP", "STATE", "SYSTEM DNS"],
    r.dnsVirtualServices.map((d) => [d.name, d.vip ?? "-", d.operState ?? "-", d.systemDns ? "yes" : "no"]),
  );
}
