import Papa from "papaparse";
import type { LogRecord } from "./pages.js";

export type RowFormat = "csv" | "json" | "ndjson";

/** Where rows go: a file or stdout, with backpressure. */
export interface RowSink {
  write(chunk: string): Promise<void>;
  close(): Promise<void>;
}

/** The columns of a DNS export when --fields is not given. */
export const DNS_FIELDS = [
  "report_timestamp",
  "client_ip",
  "client_src_port",
  "dns_fqdn",
  "dns_qtype",
  "dns_ips",
  "dns_response.response_code",
  "gslbservice_name",
  "dns_response.records.site_name",
  "significant",
  "service_engine",
  "log_id",
];
/** The columns of a connection (L4) export: who talked to which server through which VIP. */
export const CONN_FIELDS = [
  "report_timestamp",
  "client_ip",
  "client_src_port",
  "vs_ip",
  "client_dest_port",
  "protocol",
  "server_ip",
  "server_dest_port",
  "pool_name",
  "rx_bytes",
  "tx_bytes",
  "significant",
  "service_engine",
  "log_id",
];
export const APP_FIELDS = [
  "report_timestamp",
  "client_ip",
  "method",
  "host",
  "uri_path",
  "response_code",
  "server_ip",
  "pool_name",
  "total_time",
  "significant",
  "service_engine",
  "log_id",
];

/** Fields the model carries as IPv4 integers (js_compat sends them as digit strings). */
const IP_FIELDS = new Set(["client_ip", "server_ip", "vs_ip", "server_conn_src_ip", "dns_ips", "addr_ip"]);

const quads = new Map<unknown, unknown>();

/** A dotted quad from an IPv4 integer or its digit string; anything else unchanged. */
export function dottedQuad(v: unknown): unknown {
  // Answers repeat a handful of addresses millions of times: remember the conversions.
  let q = quads.get(v);
  if (q === undefined) {
    if (quads.size > 10_000) quads.clear();
    quads.set(v, (q = toQuad(v)));
  }
  return q;
}

function toQuad(v: unknown): unknown {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) return v;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/** The values at a dotted path; lists on the way are walked, so `dns_response.records.site_name` gives one per answer. */
export function valuesAt(r: unknown, path: string): unknown[] {
  let current: unknown[] = [r];
  const parts = path.split(".");
  for (const p of parts) {
    const next: unknown[] = [];
    for (const c of current) {
      const v = c !== null && typeof c === "object" && !Array.isArray(c) ? (c as Record<string, unknown>)[p] : undefined;
      if (Array.isArray(v)) next.push(...v);
      else if (v !== undefined && v !== null) next.push(v);
    }
    current = next;
  }
  const leaf = parts[parts.length - 1]!;
  return IP_FIELDS.has(leaf) ? current.map(dottedQuad) : current;
}

/**
 * A cell reader for one column, compiled once: values joined by spaces, nested lists walked without
 * copies; a lone number stays a number (the CSV writer then skips its formula check).
 */
export function cellReader(path: string): (r: LogRecord) => string | number {
  const parts = path.split(".");
  const ip = IP_FIELDS.has(parts[parts.length - 1]!);
  const text = (v: unknown) => (v !== null && typeof v === "object" ? JSON.stringify(v) : String(ip ? dottedQuad(v) : v));
  return (r) => {
    let out: string | number | undefined;
    const walk = (v: unknown, i: number): void => {
      if (v === undefined || v === null) return;
      if (Array.isArray(v)) for (const x of v) walk(x, i);
      else if (i === parts.length) out = out === undefined ? (typeof v === "number" && !ip ? v : text(v)) : `${out} ${text(v)}`;
      else if (typeof v === "object") walk((v as Record<string, unknown>)[parts[i]!], i + 1);
    };
    walk(r[parts[0]!], 1);
    return out ?? "";
  };
}

/**
 * CSV text of rows, one line each (RFC 4180 quoting). A leading = + - @ (or tab/CR) would make a
 * spreadsheet evaluate the cell: such cells get a leading quote (the library's own pattern misses
 * cells that span lines, hence ours).
 */
function csvLines(rows: (string | number)[][]): string {
  return `${Papa.unparse(rows, { newline: "\n", escapeFormulae: /^[=+\-@\t\r]/ })}\n`;
}

/** A record with every IP field as a dotted quad (and, with fields, only those), for JSON output. */
export function normalise(r: LogRecord, fields?: string[]): LogRecord {
  if (fields)
    return Object.fromEntries(
      fields.map((f) => {
        const v = valuesAt(r, f);
        return [f, v.length > 1 || f === "dns_ips" ? v : v[0]];
      }),
    );
  const walk = (v: unknown, key: string): unknown =>
    Array.isArray(v)
      ? v.map((x) => walk(x, key))
      : v !== null && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]))
        : IP_FIELDS.has(key)
          ? dottedQuad(v)
          : v;
  return walk(r, "") as LogRecord;
}

/** Turns pages of records into text for the sink: CSV with one stable header, a JSON array, or NDJSON. */
export class RowWriter {
  private rows = 0;
  private readonly cells: ((r: LogRecord) => string | number)[];

  constructor(
    private readonly sink: RowSink,
    private readonly format: RowFormat,
    private readonly fields: string[],
    /** JSON keeps whole records unless the user chose fields. */
    private readonly chosen: boolean,
  ) {
    this.cells = fields.map(cellReader);
  }

  get written(): number {
    return this.rows;
  }

  async write(records: LogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const first = this.rows === 0;
    let text: string;
    if (this.format === "csv") {
      const rows = records.map((r) => this.cells.map((cell) => cell(r)));
      text = csvLines(first ? [this.fields, ...rows] : rows);
    } else {
      const lines = records.map((r) => JSON.stringify(normalise(r, this.chosen ? this.fields : undefined)));
      text =
        this.format === "ndjson"
          ? lines.map((l) => `${l}\n`).join("")
          : lines.map((l, i) => `${first && i === 0 ? "[\n" : ",\n"}${l}`).join("");
    }
    this.rows += records.length;
    if (text) await this.sink.write(text);
  }

  async close(): Promise<void> {
    if (this.format === "json") await this.sink.write(this.rows ? "\n]\n" : "[]\n");
    // A CSV without rows still gets its header.
    if (this.format === "csv" && this.rows === 0) await this.sink.write(csvLines([this.fields]));
    await this.sink.close();
  }
}
