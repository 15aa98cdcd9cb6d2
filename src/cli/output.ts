import { createRequire } from "node:module";
import type { Io } from "./io.js";
import { UsageError } from "./errors.js";

export type OutputFormat = "table" | "json" | "yaml";

/** How a result looks to a person; json/yaml serialise the result object itself. */
export type RenderTable<T> = (io: Io, result: T) => void;

export function parseOutput(value: unknown): OutputFormat {
  if (value === undefined) return "table";
  if (value === "table" || value === "json" || value === "yaml") return value;
  throw new UsageError(`--output must be table, json or yaml, not "${String(value)}"`);
}

/** One writer for every command: a table for people, a stable document for machines. */
export async function writeOutput<T>(format: OutputFormat, io: Io, result: T, render: RenderTable<T>): Promise<void> {
  if (format === "json") io.out(`${JSON.stringify(result, null, 2)}\n`);
  else if (format === "yaml") {
    const { stringify } = await import("yaml");
    io.out(stringify(result));
  } else render(io, result);
}

export interface Column {
  header: string;
  /** Colour/format for terminal display only; piped output stays plain. */
  style?: (s: string, io: Io) => string;
}

/**
 * A table on a terminal (cli-table3, header, colour); tab-separated plain lines without a header when
 * piped, so scripts can `cut -f`.
 */
export function printTable(io: Io, columns: (string | Column)[], rows: (string | number | boolean | undefined)[][]): void {
  const cols = columns.map((c) => (typeof c === "string" ? { header: c } : c));
  const cells = rows.map((r) => cols.map((_, i) => (r[i] === undefined ? "" : String(r[i]))));
  if (!io.stdoutTTY) {
    for (const r of cells) io.out(`${r.join("\t")}\n`);
    return;
  }
  if (cells.length === 0) return;
  // Lazy: cli-table3 is only needed for terminal output.
  tableModule ??= loadTable();
  const Table = tableModule;
  const t = new Table({
    head: cols.map((c) => io.color.bold(c.header)),
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const r of cells) t.push(r.map((v, i) => (cols[i]?.style ? cols[i].style(v, io) : v)));
  io.out(`${t.toString()}\n`);
}

type TableCtor = new (opts: Record<string, unknown>) => { push(row: string[]): void; toString(): string };
let tableModule: TableCtor | undefined;
function loadTable(): TableCtor {
  return requireCjs("cli-table3") as TableCtor;
}

const requireCjs = createRequire(import.meta.url);
