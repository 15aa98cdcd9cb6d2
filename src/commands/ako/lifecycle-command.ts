import { Command } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { parseDuration } from "../../cli/context.js";
import { OperationError, VerificationFailed } from "../../cli/errors.js";
import type { Io } from "../../cli/io.js";
import { withKubeOptions } from "../../cli/options.js";
import { printTable, writeOutput } from "../../cli/output.js";
import type { AkoRunResult } from "../../workflows/ako/lifecycle.js";
import type { AkoPlan } from "../../workflows/ako/plan.js";
import { withValueFlags } from "./flags.js";
import { renderPreflight } from "./preflight.js";

/** The options `ako install` and `ako reload` share. */
export function lifecycleBase(mode: "install" | "reload", description: string, examples: string) {
  return withKubeOptions(withValueFlags(new Command(mode).description(description)))
    .option("-f, --values <file>", "AKO values file (instead of, or as the base of, the value flags)")
    .option(
      "--chart <path|ref>",
      "AKO chart: archive, directory or chart reference (default: the published OCI chart, with --chart-version)",
    )
    .option("-n, --namespace <ns>", "release namespace (AKO 1.4.2 and older only work in avi-system)", "avi-system")
    .option("--release <name>", "release name (default: the existing AKO release, else ako)")
    .option("--wait-timeout <duration>", "how long to wait for AKO to connect", "5m")
    .option("--skip-preflight", "do not run the preflight checks first")
    .addHelpText("after", examples);
}

type LifecycleFlags = ReturnType<ReturnType<typeof lifecycleBase>["opts"]> & { force?: boolean; latest?: boolean };

/** `ako install` and `ako reload` share everything but the failure handling of the workflow. */
export async function runLifecycle(app: App, mode: "install" | "reload", raw: LifecycleFlags): Promise<void> {
  const { readValuesFile, requireChart, renderValuesFile, scratch, lifecycleDeps } = await import("./run.js");
  const { runAko, checkAkoNamespace, chooseAkoValues } = await import("../../workflows/ako/lifecycle.js");
  const chart = await requireChart(app, raw);
  checkAkoNamespace(chart.version, raw.namespace);
  const waitTimeoutMs = parseDuration(raw.waitTimeout, "--wait-timeout");
  const { text, values } = await chooseAkoValues(
    { flags: Boolean(raw.clusterName || raw.vipNetwork || raw.seGroup), file: raw.values },
    async () => (await renderValuesFile(app, raw, chart)).yaml,
    readValuesFile,
  );
  const tmp = scratch();
  if (app.globals().dryRun) {
    const { planAko } = await import("../../workflows/ako/plan.js");
    try {
      const deps = await lifecycleDeps(app, raw, tmp.write("values.yaml", text).path);
      const plan = await planAko(mode, { values, chart, namespace: raw.namespace, release: raw.release }, deps);
      await writeOutput(app.output(), app.io, plan, renderPlan);
    } finally {
      tmp.dispose();
    }
    return;
  }
  const { events, spinner } = app.progress(`AKO ${mode}`);
  let result: AkoRunResult;
  try {
    const deps = await lifecycleDeps(app, raw, tmp.write("values.yaml", text).path);
    result = await runAko(
      mode,
      {
        values,
        chart,
        namespace: raw.namespace,
        release: raw.release,
        waitTimeoutMs,
        credentials: await app.clients.credentials(),
        force: raw.force === true,
        skipPreflight: raw.skipPreflight === true,
      },
      deps,
      events,
    );
  } finally {
    spinner.stop();
    tmp.dispose();
  }
  await writeOutput(app.output(), app.io, result, renderRun);
  if (result.preflight && !result.preflight.passed) throw new VerificationFailed("preflight failed; nothing was installed");
  if (!result.connected) throw new OperationError("AKO did not connect");
}

function renderPlan(io: Io, p: AkoPlan): void {
  const short = (v: unknown) => {
    const s = v === undefined ? "-" : JSON.stringify(v);
    return io.stdoutTTY && s.length > 40 ? `${s.slice(0, 39)}…` : s;
  };
  io.out(
    `${p.mode} ${p.release} in ${p.namespace}: chart ${p.chart.from ? `${p.chart.from} → ` : ""}${p.chart.to}${p.unchanged ? " (unchanged: no new revision)" : ""}\n`,
  );
  io.out(`AKO restarts: ${p.restart.yes ? "yes" : "no"} (${p.restart.why})\n`);
  printTable(
    io,
    ["VALUE", "INSTALLED", "NEW"],
    p.values.map((v) => [v.path, short(v.from), short(v.to)]),
  );
  printTable(
    io,
    ["CRD", "ACTION"],
    p.crds.map((c) => [c.name, c.action]),
  );
  if (io.stderrTTY) io.err(io.dim("dry run: nothing was changed\n"));
}

function renderRun(io: Io, r: AkoRunResult): void {
  if (r.preflight && (!r.preflight.passed || io.stdoutTTY)) renderPreflight(io, r.preflight);
  if (r.preflight && !r.preflight.passed) return;
  printTable(
    io,
    ["STEP", "DETAIL"],
    r.steps.map((s) => [s.step, s.detail]),
  );
  io.out(`${io.ok(`${r.release} (${r.chart}) revision ${r.revision ?? "?"} in ${r.namespace}: AKO connected`)}\n`);
  io.out(`static routes in VRF ${r.routes.vrf || "-"}: ${r.routes.found} for ${r.routes.expected} node(s)\n`);
}
