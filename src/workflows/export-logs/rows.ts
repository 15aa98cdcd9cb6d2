import { stringify } from "csv-stringify/sync";
import type { LogRecord } from "./pages.js";

export type RowFormat = "csv" | "json" | "ndjson";

/** Where rows go: a file or stdout, with backpressure. */
export interface RowSink {
  write(chunk: string): Promise<void>;
  close(): Promise<void>;
}

/** The columns of a DNS export when --fields is not given. */
export const DNS_FIELDS = ["report_timestamp", "client_ip", "client_src_port", "dns_fqdn", "dns_qtype", "dns_ips", "dns_response.response_code", "gslbservice_name", "dns_response.records.site_name", "significant", "service_engine", "log_id"];
export const APP_FIELDS = ["report_timestamp", "client_ip", "method", "host", "uri_path", "response_code", "server_ip", "pool_name", "total_time", "significant", "service_engine", "log_id"];

/** Fields the model carries as IPv4 integers (js_compat sends them as digit strings). */
const IP_FIELDS = new Set(["client_ip", "server_ip", "vs_ip", "server_conn_src_ip", "dns_ips", "addr_ip"]);
/** A leading = + - @ (or tab/CR) makes a spreadsheet evaluate the cell; a quote keeps it text. */
const FORMULA = /^[=+\-@\t\r]/;

/** A dotted quad from an IPv4 integer or its digit string; anything else unchanged. */
export function dottedQuad(v: unknown): unknown {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) return v;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/** The values at a dotted path; lists on the way are walked, so `dns_response.records.site_name` gives one per answer. */
export function valuesAt(r: unknown, path: string): unknown[] {
  let current: unknown[] = [r];
  const parts = path.split(".");
  for (const p of parts) {
    current = current.flatMap((c) => {
      const v = c !== null && typeof c === "object" && !Array.isArray(c) ? (c as Record<string, unknown>)[p] : undefined;
      return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
    });
  }
  const leaf = parts[parts.length - 1]!;
  return IP_FIELDS.has(leaf) ? current.map(dottedQuad) : current;
}

function cell(r: LogRecord, path: string): string {
  const vals = valuesAt(r, path).map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v)));
  const text = vals.join(" ");
  return FORMULA.test(text) ? `'${text}` : text;
}

/** A record with every IP field as a dotted quad (and, with fields, only those), for JSON output. */
export function normalise(r: LogRecord, fields?: string[]): LogRecord {
  if (fields) return Object.fromEntries(fields.map((f) => { const v = valuesAt(r, f); return [f, v.length > 1 || f === "dns_ips" ? v : v[0]]; }));
  const walk = (v: unknown, key: string): unknown =>
    Array.isArray(v) ? v.map((x) => walk(x, key)) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)])) : IP_FIELDS.has(key) ? dottedQuad(v) : v;
  return walk(r, "") as LogRecord;
}

/** Turns pages of records into text for the sink: CSV with one stable header, a JSON array, or NDJSON. */
export class RowWriter {
  private rows = 0;

  constructor(
    private readonly sink: RowSink,
    private readonly format: RowFormat,
    private readonly fields: string[],
    /** JSON keeps whole records unless the user chose fields. */
    private readonly chosen: boolean,
  ) {}

  get written(): number {
    return this.rows;
  }

  async write(records: LogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const first = this.rows === 0;
    let text: string;
    if (this.format === "csv") {
      const rows = records.map((r) => this.fields.map((f) => cell(r, f)));
      text = stringify(first ? [this.fields, ...rows] : rows);
    } else {
      const lines = records.map((r) => JSON.stringify(normalise(r, this.chosen ? this.fields : undefined)));
      text = this.format === "ndjson" ? lines.map((l) => `${l}\n`).join("") : lines.map((l, i) => `${first && i === 0 ? "[\n" : ",\n"}${l}`).join("");
    }
    this.rows += records.length;
    if (text) await this.sink.write(text);
  }

  async close(): Promise<void> {
    if (this.format === "json") await this.sink.write(this.rows ? "\n]\n" : "[]\n");
    // A CSV without rows still gets its header.
    if (this.format === "csv" && this.rows === 0) await this.sink.write(stringify([this.fields]));
    await this.sink.close();
  }
}
