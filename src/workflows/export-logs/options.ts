import { parseDuration } from "../../base/duration.js";
import { UsageError } from "../../base/errors.js";
import { parseLabels, parseWeights } from "../split/weights.js";
import { ANSWER_FIELD } from "./analyze.js";
import { isoToMicros, MAX_PAGE_SIZE } from "./pages.js";
import { APP_FIELDS, CONN_FIELDS, DNS_FIELDS, type RowFormat } from "./rows.js";

export type LogKind = "dns" | "app" | "conn";

export interface ExportLogsOptions {
  vs: string;
  startUs: number;
  endUs: number;
  kind: LogKind;
  significantOnly: boolean;
  filters: string[];
  fields: string[];
  /** True when the user chose the fields (JSON then holds only those). */
  fieldsChosen: boolean;
  format: RowFormat;
  out?: string;
  analyze: boolean;
  by: string;
  expect?: Record<string, number>;
  labels: Record<string, string>;
  chart?: { file: string; kind: "svg" | "html" };
  allowIncomplete: boolean;
  pageSize: number;
  maxWaitMs: number;
}

export interface ExportLogsRaw {
  vs?: string;
  since?: string;
  start?: string;
  end?: string;
  type?: string;
  significantOnly?: boolean;
  filter?: string[];
  fields?: string;
  format?: string;
  out?: string;
  analyze?: boolean;
  by?: string;
  expect?: string;
  label?: string[];
  chart?: string;
  allowIncomplete?: boolean;
  pageSize?: string;
  wait?: string;
}

/**
 * Records per call by default. A full page of 10000 parses into some 40 MiB of objects, and the
 * next page is already on its way while one is written: smaller pages keep the export's memory
 * well under 150 MiB for a few more round trips.
 */
const DEFAULT_PAGE_SIZE = 2000;
const FILTER = /^(eq|ne|co|nc|sw|gt|ge|lt|le)\(([A-Za-z_][\w.]*),(.*)\)$/;
const FIELD = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

function parseTime(text: string, flag: string): number {
  // Plain dates and times without a zone are taken as UTC, the controller's log time.
  const full = /^\d{4}-\d\d-\d\d$/.test(text) ? `${text}T00:00:00Z` : text;
  let us = isoToMicros(full);
  if (Number.isNaN(us)) us = Date.parse(full) * 1000;
  if (Number.isNaN(us)) throw new UsageError(`${flag} "${text}" is not a time: use ISO 8601, e.g. 2026-12-01T10:00:00Z`);
  return us;
}

export function toExportLogsOptions(raw: ExportLogsRaw, nowMs: number): ExportLogsOptions {
  if (!raw.vs) throw new UsageError("--vs NAME is required: the virtual service whose logs to export");
  if (raw.since !== undefined && (raw.start !== undefined || raw.end !== undefined))
    throw new UsageError("--since and --start/--end are alternatives: give one or the other");
  if ((raw.start === undefined) !== (raw.end === undefined)) throw new UsageError("--start and --end go together");
  let startUs: number;
  let endUs: number;
  if (raw.start !== undefined) {
    startUs = parseTime(raw.start, "--start");
    endUs = parseTime(raw.end!, "--end");
    if (startUs >= endUs) throw new UsageError("--start must be before --end");
  } else {
    endUs = nowMs * 1000;
    startUs = endUs - parseDuration(raw.since ?? "1h", "--since") * 1000;
  }
  const kind = (raw.type ?? "dns") as LogKind;
  if (!["dns", "app", "conn"].includes(kind)) throw new UsageError(`--type must be dns, app or conn, not "${raw.type}"`);
  const filters = raw.filter ?? [];
  for (const f of filters)
    if (!FILTER.test(f))
      throw new UsageError(
        `--filter "${f}" must look like OP(FIELD,VALUE) with OP one of eq ne co nc sw gt ge lt le, e.g. eq(dns_fqdn,hello.avi.iberia.local)`,
      );
  const fields =
    raw.fields === undefined
      ? { app: APP_FIELDS, conn: CONN_FIELDS, dns: DNS_FIELDS }[kind]
      : raw.fields
          .split(",")
          .map((f) => f.trim())
          .filter(Boolean);
  for (const f of fields)
    if (!FIELD.test(f)) throw new UsageError(`--fields "${f}" is not a field name (letters, digits, '_', dotted for nested fields)`);
  if (fields.length === 0) throw new UsageError("--fields needs at least one field");
  const format = (raw.format ?? "csv") as RowFormat;
  if (!["csv", "json", "ndjson"].includes(format)) throw new UsageError(`--format must be csv, json or ndjson, not "${raw.format}"`);
  const by = raw.by ?? ANSWER_FIELD;
  if (!FIELD.test(by)) throw new UsageError(`--by "${by}" is not a field name`);
  let chart: ExportLogsOptions["chart"];
  if (raw.chart !== undefined) {
    const kindOf = /\.svg$/i.test(raw.chart) ? "svg" : /\.html?$/i.test(raw.chart) ? "html" : undefined;
    if (!kindOf) throw new UsageError(`--chart "${raw.chart}" must end in .svg or .html`);
    chart = { file: raw.chart, kind: kindOf };
  }
  const pageSize = raw.pageSize === undefined ? DEFAULT_PAGE_SIZE : Number(raw.pageSize);
  if (!Number.isInteger(pageSize) || pageSize < 2 || pageSize > MAX_PAGE_SIZE)
    throw new UsageError(`--page-size must be a whole number from 2 to ${MAX_PAGE_SIZE}`);
  const expect = raw.expect === undefined ? undefined : parseWeights(raw.expect);
  return {
    vs: raw.vs,
    startUs,
    endUs,
    kind,
    significantOnly: Boolean(raw.significantOnly),
    filters,
    fields,
    fieldsChosen: raw.fields !== undefined,
    format,
    out: raw.out,
    // --expect and --chart only make sense over an analysis.
    analyze: Boolean(raw.analyze) || expect !== undefined || chart !== undefined || raw.by !== undefined,
    by,
    expect,
    labels: parseLabels(raw.label),
    chart,
    allowIncomplete: Boolean(raw.allowIncomplete),
    pageSize,
    maxWaitMs: raw.wait === undefined ? 120_000 : parseDuration(raw.wait, "--wait"),
  };
}
