import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { VerificationFailed } from "../../cli/errors.js";
import type { Io } from "../../cli/io.js";
import { printTable, writeOutput } from "../../cli/output.js";
import type { GslbServiceStatus, GslbStatus } from "../../workflows/gslb/status.js";

const short = (s: string | undefined) => (s ?? "-").replace(/^GSLB_SITE_CFG_|^GSLB_|^OPER_/, "");

export function build(app: App): CommandUnknownOpts {
  return new Command("status")
    .description(
      "GSLB sites (role, address, DNS VSes, reachable, sync, objects pending replication, version) and services (members, ratio, health, expected share, TTL)",
    )
    .addHelpText(
      "after",
      `\nExample:\n  avictl --context lab-leader gslb status -o json\n\nExit status: 3 when a site or a GSLB service member is down or out of sync (the report is printed first).`,
    )
    .action(async () => {
      const { gslbStatus } = await import("../../workflows/gslb/status.js");
      const r = await gslbStatus(await app.clients.avi());
      await writeOutput(app.output(), app.io, r, renderStatus);
      if (!r.healthy) throw new VerificationFailed(r.problems.join("; "));
    });
}

export function buildServices(app: App): CommandUnknownOpts {
  return new Command("services")
    .description("GSLB services on the leader: FQDNs, TTL, members with ratio, health and expected share")
    .action(async () => {
      const { gslbStatus } = await import("../../workflows/gslb/status.js");
      const r = await gslbStatus(await app.clients.avi());
      await writeOutput(app.output(), app.io, r.services, renderServices);
    });
}

function renderStatus(io: Io, r: GslbStatus): void {
  const c = io.color;
  const good = (s: string, ok: boolean) => (ok ? c.green(s) : c.red(s));
  io.out(`${c.bold("GSLB leader")} ${r.leader}  sub-domains ${r.subdomains.join(", ")}\n\n`);
  printTable(
    io,
    ["SITE", "ROLE", "ADDRESS", "DNS VS", "REACHABLE", "SYNC", "PENDING", "VERSION"],
    r.sites.map((s) => [
      s.name,
      short(s.role),
      s.addresses.join(","),
      s.dnsVses.join(",") || "-",
      good(s.reachable ? "yes" : "no", s.reachable),
      good(short(s.syncState), !s.problem),
      s.pendingObjects ?? "-",
      s.version ?? "-",
    ]),
  );
  io.out("\n");
  renderServices(io, r.services);
  for (const p of r.problems) io.err(`${io.warn(p)}\n`);
}

function renderServices(io: Io, services: GslbServiceStatus[]): void {
  if (services.length === 0) {
    io.out(io.dim("no GSLB services\n"));
    return;
  }
  printTable(
    io,
    ["SERVICE", "TTL", "MEMBER", "SITE", "GROUP", "RATIO", "HEALTH", "SHARE"],
    services.flatMap((s) =>
      s.members.map((m) => [
        s.name,
        s.ttl ?? "-",
        m.ip,
        m.site ?? "-",
        `${m.group} (${m.priority})`,
        m.ratio,
        m.health === "OPER_UP" ? io.color.green("UP") : io.color.red(short(m.health)),
        `${(m.expectedShare * 100).toFixed(1)}%`,
      ]),
    ),
  );
}
