import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { VerificationFailed } from "../../cli/errors.js";
import type { Io } from "../../cli/io.js";
import { printTable, writeOutput } from "../../cli/output.js";
import type { LintResult } from "../../workflows/ako/lint.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("lint")
    .description(
      "check AKO values against the chart's own defaults (unknown, misspelled, moved keys, wrong types), then render them with helm",
    )
    .requiredOption("-f, --values <file>", "values file to check")
    .option(
      "--chart <path|ref>",
      "the AKO chart the values are for: archive, directory or chart reference (default: the published OCI chart)",
    )
    .option("--chart-version <version>", "chart version to pull when --chart is not a local archive")
    .addHelpText(
      "after",
      `
Examples:
  avictl ako lint -f values.yaml --chart ako-1.13.4.tgz
  avictl ako lint -f values.yaml --chart-version 1.13.4     # pulls the published chart

Exit status: 3 when an error is found (the findings are printed first).`,
    )
    .action(async (raw) => {
      const { readValuesFile, requireChart } = await import("./run.js");
      const { lintAkoValues, lintWithHelm } = await import("../../workflows/ako/lint.js");
      const text = readValuesFile(raw.values);
      const chart = await requireChart(app, raw);
      const helm = await app.clients.helm();
      const checked = lintAkoValues(text, raw.values, chart);
      // Charts before 1.12.1 render avi-secret and fail on null credentials: empty ones stand in, as at install.
      const blank = { avicredentials: { username: "", password: "" } };
      const result = await lintWithHelm(checked, () =>
        helm.template("ako", chart.path, { namespace: "avi-system", valuesFiles: [raw.values], stdinValues: blank }),
      );
      await writeOutput(app.output(), app.io, result, render);
      if (!result.passed)
        throw new VerificationFailed(`${result.findings.filter((f) => f.severity === "error").length} error(s) in ${raw.values}`);
    });
}

function render(io: Io, r: LintResult): void {
  if (r.findings.length === 0) {
    io.out(`${io.ok(`no findings against AKO ${r.chartVersion}`)}\n`);
    return;
  }
  printTable(
    io,
    ["PATH", "SEVERITY", "MESSAGE"],
    r.findings.map((f) => [f.path, f.severity === "error" ? io.color.red(f.severity) : io.color.yellow(f.severity), f.message]),
  );
}
