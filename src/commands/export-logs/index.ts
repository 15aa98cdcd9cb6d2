import { setFlagsFromString } from "node:v8";
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { Cancelled, OperationError, VerificationFailed } from "../../cli/errors.js";
import type { Io } from "../../cli/io.js";
import { collect, flagsFor } from "../../cli/options.js";
import type { RowSink } from "../../workflows/export-logs/rows.js";
import type { ExportLogsResult, ExportProgress } from "../../workflows/export-logs/run.js";
import { renderExport, writeChart } from "./report.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("export-logs")
    .description("export a virtual service's logs (CSV/JSON) and check the answer split against expected weights")
    .requiredOption("--vs <name>", "virtual service")
    .option("--since <duration>", "the window up to now, e.g. 15m, 1h (default 1h)")
    .option("--start <time>", "window start, ISO 8601 (UTC unless a zone is given); with --end")
    .option("--end <time>", "window end, ISO 8601")
    .option("--type <kind>", "dns (connection logs of a DNS VS), conn or app", "dns")
    .option("--significant-only", "only significant logs (errors), not every request")
    .option(
      "--filter <expr>",
      "logs API filter OP(FIELD,VALUE), e.g. eq(dns_fqdn,hello.avi.iberia.local) (repeatable, all must hold)",
      collect,
    )
    .option("--fields <a,b,c>", "columns; dotted for nested fields, e.g. dns_response.response_code")
    .option("--format <format>", "csv, json or ndjson", "csv")
    .option("--out <file>", "write rows to FILE (default: stdout)")
    .option("--analyze", "count the values of --by and show shares, a bar chart and the test against --expect")
    .option("--by <field>", "field to count (default: dns_ips, the DNS answer addresses)")
    .option("--expect <weights>", "expected split LABEL=WEIGHT,..., e.g. s1az1=6,s1az2=3,s2=1 (implies --analyze)")
    .option(
      "--label <ip=label>",
      "name the site behind an answer address (repeatable; default: the GSLB site logged with the answer, site/VS where one site has several)",
      collect,
    )
    .option("--chart <file>", "write the analysis as FILE.svg or FILE.html (implies --analyze)")
    .option("--allow-incomplete", "exit 0 even when fewer rows were read than the controller counted")
    .option("--page-size <n>", "records per logs API call, at most 10000 (default 2000)")
    .option("--wait <duration>", "longest wait for the controller to index the window", "2m")
    .addHelpText(
      "after",
      `
Examples:
  avictl export-logs --vs g-dns --since 1h --out g-dns.csv
  avictl export-logs --vs g-dns --since 1h --analyze --expect s1az1=6,s1az2=3,s2=1 --chart split.html
  avictl export-logs --vs g-dns --start 2026-12-01T10:00:00Z --end 2026-12-01T11:00:00Z --format ndjson --filter "eq(dns_fqdn,hello.avi.iberia.local)"

Turn on non-significant logs and turn off throttling first (avictl vs analytics NAME ...), or the
controller keeps only errors. Rows go to --out or stdout; the report goes to stdout, or to stderr
when the rows use stdout.
Exit status: 1 when fewer rows were read than the controller counted (unless --allow-incomplete),
3 when --expect does not hold.`,
    )
    .action(async (raw) => {
      // Paging turns gigabytes into garbage, and V8 lets the old generation grow to 4x its live size
      // between full collections; 3x keeps the peak some 10-15 MiB lower for ~5% more CPU (bench/export).
      setFlagsFromString("--heap-growing-percent=200");
      const { toExportLogsOptions } = await import("../../workflows/export-logs/options.js");
      const o = toExportLogsOptions(flagsFor<Parameters<typeof toExportLogsOptions>[0]>()(raw), Date.now());
      const { exportLogs } = await import("../../workflows/export-logs/run.js");
      const avi = await app.clients.avi();
      const sink = o.out ? await fileSink(o.out) : { write: (t: string) => app.io.write(t), close: async () => undefined };
      const { events, spinner } = app.progress(`exporting logs of ${o.vs}`);
      const started = Date.now();
      const progress = (p: ExportProgress) => {
        if (!app.io.stderrTTY) return;
        const rate = Math.round(p.rows / Math.max(0.001, (Date.now() - started) / 1000));
        spinner.text(
          `${progressBar(p.covered)} ${p.rows}/${p.reported} records · ${rate}/s · ${Math.round(p.covered * 100)}% of the window`,
        );
      };
      let result: ExportLogsResult;
      try {
        result = await exportLogs(
          o,
          { avi, now: Date.now, sleep: (ms) => sleep(ms, app.signal), signal: app.signal },
          sink,
          events,
          progress,
        );
      } finally {
        spinner.stop();
      }
      // The report never mixes with rows on stdout.
      const report: Io = o.out ? app.io : { ...app.io, out: app.io.err, stdoutTTY: app.io.stderrTTY, color: app.io.errColor };
      const { writeOutput } = await import("../../cli/output.js");
      await writeOutput(app.output(), report, result, renderExport);
      if (o.chart && result.analysis) {
        await writeChart(o.chart, result);
        app.io.err(`${app.io.ok(`chart written to ${o.chart.file}`)}\n`);
      }
      if (result.interrupted) throw new Cancelled(`interrupted after ${result.rows} rows`);
      if (!result.complete && !o.allowIncomplete) {
        throw new OperationError(
          `read ${result.rows} log records but the controller counted ${result.reported} in the window`,
          "re-run when the controller has indexed the window (--wait), check the log throttles (avictl vs analytics NAME --log-throttle off), or accept it with --allow-incomplete",
        );
      }
      const e = result.analysis?.expectation;
      if (e && e.verdict !== "pass") throw new VerificationFailed(`the observed split does not match --expect: ${e.reason}`);
    });
}

function progressBar(share: number, width = 20): string {
  const full = Math.round(share * width);
  return `[${"█".repeat(full)}${"░".repeat(width - full)}]`;
}

async function fileSink(path: string): Promise<RowSink> {
  const { createWriteStream } = await import("node:fs");
  const { once } = await import("node:events").then((m) => m.default);
  const stream = createWriteStream(path);
  await Promise.race([
    once(stream, "open"),
    once(stream, "error").then(([err]: unknown[]) =>
      Promise.reject(new OperationError(`cannot write ${path}: ${(err as Error).message}`, "check the --out path")),
    ),
  ]);
  return {
    write: async (t) => {
      if (!stream.write(t)) await once(stream, "drain");
    },
    close: () => new Promise((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve()))),
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
