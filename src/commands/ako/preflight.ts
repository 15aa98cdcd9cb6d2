import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { VerificationFailed } from "../../cli/errors.js";
import type { Io } from "../../cli/io.js";
import { withKubeOptions } from "../../cli/options.js";
import { printTable, writeOutput } from "../../cli/output.js";
import type { PreflightResult } from "../../workflows/ako/preflight.js";

export function build(app: App): CommandUnknownOpts {
  return withKubeOptions(
    new Command("preflight")
      .description("check the controller and the cluster before installing AKO with these values")
      .requiredOption("-f, --values <file>", "AKO values file")
      .option("--chart <path>", "chart archive or directory (decides the supported Kubernetes versions)")
      .option("--chart-version <version>", "chart version when no --chart is given", "1.13.4")
      .option("--no-cluster", "controller checks only"),
  )
    .addHelpText(
      "after",
      `\nExample:\n  avictl ako preflight -f values-s1az1.yaml --kube-context s1az1\n\nExit status: 3 when a check fails (the table is printed first).`,
    )
    .action(async (raw) => {
      const { readValuesFile } = await import("./run.js");
      const { akoSettings, parseValues } = await import("../../workflows/ako/settings.js");
      const { akoPreflight } = await import("../../workflows/ako/preflight.js");
      const settings = akoSettings(parseValues(readValuesFile(raw.values), raw.values));
      const chartVersion = raw.chart ? (await (await import("../../workflows/charts.js")).loadChart(raw.chart)).version : raw.chartVersion;
      const avi = await app.clients.avi();
      const { kubeTarget } = await import("../../cli/options.js");
      const kube = raw.cluster ? await app.clients.kube(kubeTarget(raw)) : undefined;
      const helm = raw.cluster ? await app.clients.helm() : undefined;
      const { events, spinner } = app.progress("preflight");
      let result: PreflightResult;
      try {
        result = await akoPreflight({ settings, chartVersion, avi, kube, helmVersion: helm && (() => helm.version()) }, events);
      } finally {
        spinner.stop();
      }
      await writeOutput(app.output(), app.io, result, renderPreflight);
      if (!result.passed) throw new VerificationFailed(`${result.checks.filter((c) => c.result === "fail").length} check(s) failed`);
    });
}

export function renderPreflight(io: Io, r: PreflightResult): void {
  const mark = (x: string) => (x === "pass" ? io.color.green(x) : x === "fail" ? io.color.red(x) : io.color.yellow(x));
  printTable(
    io,
    ["SCOPE", "CHECK", "RESULT", "DETAIL"],
    r.checks.map((c) => [c.scope, c.check, mark(c.result), c.detail]),
  );
}
