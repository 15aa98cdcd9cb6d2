import { Command, Option, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { UsageError } from "../../cli/errors.js";
import { parseDuration } from "../../cli/context.js";
import type { LabUpOptions } from "../../workflows/lab/up.js";

export function toLabUpOptions(raw: {
  port?: string;
  aviVersion: string;
  detach?: boolean;
  ttl: string;
  latency?: string;
  errorRate?: string;
  resetRate?: string;
}): LabUpOptions {
  const num = (flag: string, v: string | undefined, max: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > max) throw new UsageError(`--${flag} must be a number between 0 and ${max}, not "${v}"`);
    return n;
  };
  return {
    port: num("port", raw.port, 65535) ?? 0,
    aviVersion: raw.aviVersion,
    detach: raw.detach === true,
    ttlMs: parseDuration(raw.ttl, "--ttl"),
    latencyMs: num("latency", raw.latency, 60_000),
    errorRate: num("error-rate", raw.errorRate, 1),
    resetRate: num("reset-rate", raw.resetRate, 1),
  };
}

export function build(app: App): CommandUnknownOpts {
  return new Command("up")
    .description("start the lab on 127.0.0.1 (GSLB leader, site1 and site2 controllers) and point contexts at it")
    .option("--port <n>", "controller port (default: any free port)")
    .addOption(
      new Option("--avi-version <version>", "controller version to simulate")
        .choices(["30.2.1", "22.1.3", "20.1.5", "20.1.2"])
        .default("30.2.1"),
    )
    .option("--detach", "run in the background and return once it is ready")
    .option("--ttl <duration>", "a detached lab stops by itself after this long", "8h")
    .option("--latency <ms>", "fault injection: added latency per request")
    .option("--error-rate <0..1>", "fault injection: share of requests answered with 5xx")
    .option("--reset-rate <0..1>", "fault injection: share of connections dropped")
    .addHelpText(
      "after",
      `
Examples:
  avictl lab up --detach && eval "$(avictl lab env)" && avictl status
  avictl lab up --avi-version 20.1.5 --latency 50`,
    )
    .action(async (raw) => {
      const opts = toLabUpOptions(raw);
      const { runLabUp } = await import("../../workflows/lab/up.js");
      const { events, spinner } = app.progress("starting the lab");
      const r = await runLabUp(opts, events, app.signal);
      spinner.stop();
      const io = app.io;
      io.err(`${io.warn("SIMULATION: this is avictl's lab, not an Avi controller. It listens on 127.0.0.1 only.")}\n`);
      for (const c of r.state.controllers) io.err(`  controller ${c.name}: ${c.url} (version ${c.version})\n`);
      if (r.state.kubeconfig) io.err(`  Kubernetes clusters ${r.state.clusters.join(", ")}: KUBECONFIG=${r.state.kubeconfig}\n`);
      if (r.state.systemDns)
        io.err(
          `  system DNS service: ${r.state.systemDns.host}:${r.state.systemDns.port} (answered by the DNS VS registered with --set-system-dns)\n`,
        );
      for (const d of r.state.dns) io.err(`  DNS VS ${d.vs}: ${d.host}:${d.port}\n`);
      io.err(
        `  contexts ${r.state.controllers.map((c) => `lab-${c.name}`).join(", ")} and "lab" (site1) ${r.contextAction}; try: avictl --context lab-leader status\n`,
      );
      if (r.alreadyRunning)
        io.err(`  already running (pid ${r.pid}, since ${r.state.startedAt}); nothing started; stop it with 'avictl lab down'\n`);
      else if (r.detached) io.err(`  running in the background (pid ${r.pid}); stop it with 'avictl lab down'\n`);
      if (r.wait) {
        io.err("  press Ctrl-C to stop\n");
        await r.wait;
        io.err("lab stopped\n");
      }
    });
}
