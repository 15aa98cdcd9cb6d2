import { writeFile } from "node:fs/promises";
import { htmlChart, svgChart, terminalBars, type Bar } from "../../cli/chart.js";
import type { Io } from "../../cli/io.js";
import { printTable } from "../../cli/output.js";
import type { Analysis } from "../../workflows/export-logs/analyze.js";
import type { ExportLogsResult } from "../../workflows/export-logs/run.js";

export function renderExport(io: Io, r: ExportLogsResult): void {
  const where = r.out ? ` to ${r.out}` : "";
  const count = r.complete
    ? io.ok(`${r.rows} rows${where}, as many as the controller counted`)
    : io.warn(`${r.rows} rows${where}; the controller counted ${r.reported}`);
  io.out(`${r.virtualService} ${r.window.start} → ${r.window.end}: ${count} (${r.durationS}s)\n`);
  if (r.analysis) renderAnalysis(io, r.analysis);
}

/** Per label: observed count and share, and the expected share when a split was given. */
export function bars(a: Analysis): Bar[] {
  const e = a.expectation;
  if (e) {
    return [
      ...e.rows.map((r) => ({ label: r.label, count: r.observed, share: r.observedShare, expectedShare: r.expectedShare })),
      ...Object.entries(e.unexpected).map(([label, count]) => ({ label, count, share: a.total ? count / a.total : 0, expectedShare: 0 })),
    ];
  }
  const byLabel = new Map<string, number>();
  for (const c of a.counts) byLabel.set(c.label, (byLabel.get(c.label) ?? 0) + c.count);
  return [...byLabel].map(([label, count]) => ({ label, count, share: a.total ? count / a.total : 0 }));
}

export function renderAnalysis(io: Io, a: Analysis): void {
  io.out(`\n${io.color.bold(`${a.field}`)}: ${a.total} values in ${a.records} records\n`);
  printTable(
    io,
    ["VALUE", "LABEL", "COUNT", "SHARE"],
    a.counts.map((c) => [c.value, c.label === c.value ? "" : c.label, c.count, `${(c.share * 100).toFixed(1)}%`]),
  );
  if (io.stdoutTTY) for (const line of terminalBars(bars(a), Math.max(10, Math.min(40, io.width - 60)))) io.out(`${io.color.cyan(line)}\n`);
  const e = a.expectation;
  if (!e) return;
  io.out(`\n${io.color.bold("Expected split")} (${e.test}, α=${e.alpha})\n`);
  printTable(
    io,
    ["LABEL", "WEIGHT", "EXPECTED", "OBSERVED", "COUNT"],
    e.rows.map((r) => [r.label, r.weight, `${(r.expectedShare * 100).toFixed(1)}%`, `${(r.observedShare * 100).toFixed(1)}%`, r.observed]),
  );
  const dev = e.largestDeviation
    ? `; largest deviation ${e.largestDeviation.label} ${e.largestDeviation.points > 0 ? "+" : ""}${e.largestDeviation.points} points`
    : "";
  const verdict = e.verdict === "pass" ? io.ok("pass") : e.verdict === "fail" ? io.fail("fail") : io.warn("inconclusive");
  io.out(`${verdict}: ${e.reason}; p=${e.pValue}${dev}\n`);
}

/** The analysis as an SVG, or an HTML page holding the SVG and a table. */
export async function writeChart(chart: { file: string; kind: "svg" | "html" }, r: ExportLogsResult): Promise<void> {
  const a = r.analysis!;
  const title = `${r.virtualService}: ${a.field} by label`;
  const e = a.expectation;
  const subtitle = `${a.total} values, ${r.window.start} → ${r.window.end}${e ? ` · ${e.verdict}: ${e.reason}` : ""}`;
  await writeFile(chart.file, chart.kind === "svg" ? svgChart(title, subtitle, bars(a)) : htmlChart(title, subtitle, bars(a)));
}
