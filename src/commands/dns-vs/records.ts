import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { printTable, writeOutput } from "../../cli/output.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("records")
    .description("records a DNS virtual service serves: static ones and those registered by virtual services")
    .argument("<name>", "DNS virtual service")
    .option("--cloud <name>", "cloud", "Default-Cloud")
    .action(async (name, raw) => {
      const { listDnsRecords } = await import("../../workflows/dns-vs/records.js");
      const rows = await listDnsRecords({ name, cloud: raw.cloud }, await app.clients.avi());
      await writeOutput(app.output(), app.io, rows, (io, r) => {
        if (r.length === 0 && io.stderrTTY) io.err("no records\n");
        printTable(
          io,
          ["FQDN", "TYPE", "ADDRESSES", "TTL", "SOURCE"],
          r.map((x) => [x.fqdn, x.type, x.addresses.join(","), x.ttl, x.source]),
        );
      });
    });
}
