import { createFormatValue, json2csv, type CsvField } from "csv42";
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
  // A string with a dot is already an address (or a name): nothing to convert or remember.
  if (typeof v === "string" && v.includes(".")) return v;
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
 * copies; a lone number stays a number; nothing there is undefined (an empty cell).
 */
export function cellReader(path: string): (r: LogRecord) => string | number | undefined {
  const parts = path.split(".");
  const ip = IP_FIELDS.has(parts[parts.length - 1]!);
  const text = (v: unknown) => (v !== null && typeof v === "object" ? JSON.stringify(v) : String(ip ? dottedQuad(v) : v));
  const walk = (v: unknown, i: number, out: string | number | undefined): string | number | undefined => {
    if (v === undefined || v === null) return out;
    if (Array.isArray(v)) {
      for (const x of v) out = walk(x, i, out);
      return out;
    }
    if (i === parts.length) return out === undefined ? (typeof v === "number" && !ip ? v : text(v)) : `${out} ${text(v)}`;
    return typeof v === "object" ? walk((v as Record<string, unknown>)[parts[i]!], i + 1, out) : out;
  };
  return (r) => walk(r[parts[0]!], 1, undefined);
}

const quoted = createFormatValue(",");
/** A leading = + - @ (or tab/CR) would make a spreadsheet evaluate the cell: such cells get a leading quote. */
const FORMULA = /^[=+\-@\t\r]/;
const cellText = (v: unknown) => quoted(typeof v === "string" && FORMULA.test(v) ? `'${v}` : v);

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

/** Records per CSV chunk: a page's text in one string would go straight to the old generation and pile up until a full GC. */
const CSV_SLICE = 500;

/** Turns pages of records into text for the sink: CSV with one stable header, a JSON array, or NDJSON. */
export class RowWriter {
  private rows = 0;
  private readonly columns: CsvField<LogRecord>[];

  constructor(
    private readonly sink: RowSink,
    private readonly format: RowFormat,
    private readonly fields: string[],
    /** JSON keeps whole records unless the user chose fields. */
    private readonly chosen: boolean,
  ) {
    this.columns = fields.map((name) => ({ name, getValue: cellReader(name) }));
  }

  get written(): number {
    return this.rows;
  }

  async write(records: LogRecord[]): Promise<void> {
    if (this.format === "csv") {
      for (let i = 0; i < records.length; i += CSV_SLICE) {
        const slice = records.slice(i, i + CSV_SLICE);
        const text = this.csv(slice);
        this.rows += slice.length;
        await this.sink.write(text);
      }
      return;
    }
    if (records.length === 0) return;
    const first = this.rows === 0;
    const lines = records.map((r) => JSON.stringify(normalise(r, this.chosen ? this.fields : undefined)));
    this.rows += records.length;
    await this.sink.write(
      this.format === "ndjson"
        ? lines.map((l) => `${l}\n`).join("")
        : lines.map((l, i) => `${first && i === 0 ? "[\n" : ",\n"}${l}`).join(""),
    );
  }

  async close(): Promise<void> {
    if (this.format === "json") await this.sink.write(this.rows ? "\n]\n" : "[]\n");
    // A CSV without rows still gets its header.
    if (this.format === "csv" && this.rows === 0) await this.sink.write(this.csv([]));
    await this.sink.close();
  }

  /** CSV lines of records (RFC 4180 quoting, LF line ends), the header first in the file. */
  private csv(records: LogRecord[]): string {
    return json2csv(records, { fields: this.columns, formatValue: cellText, eol: "\n", header: this.rows === 0 });
  }
}
