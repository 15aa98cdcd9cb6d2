import { UsageError } from "../../base/errors.js";
import type { VirtualService } from "../../clients/avi/models.js";
import type { AviClient, Query } from "../../clients/avi/types.js";
import type { Events } from "../events.js";
import { Analyzer, type Analysis } from "./analyze.js";
import type { ExportLogsOptions } from "./options.js";
import { isoMicros, KEY_FIELDS, logPages, timestampOf, waitForIndex, type PageOptions } from "./pages.js";
import { RowWriter, type RowSink } from "./rows.js";

export interface ExportClients {
  avi: AviClient;
  sleep(ms: number): Promise<void>;
  now(): number;
  signal?: AbortSignal;
}

export interface ExportProgress {
  rows: number;
  reported: number;
  /** Share (0..1) of the time window read so far, newest first. */
  covered: number;
}

export interface ExportLogsResult {
  virtualService: string;
  window: { start: string; end: string };
  format: string;
  out?: string;
  rows: number;
  /** The controller's count for the window once indexed. */
  reported: number;
  complete: boolean;
  /** Share of the window the controller had not indexed when the wait gave up (0 normally). */
  percentRemaining: number;
  interrupted: boolean;
  durationS: number;
  analysis?: Analysis;
}

const LOG_TYPE = { dns: 0, conn: 0, app: 1 } as const;

/** The logs API query shared by every page: what to read and which columns to bring back. */
export function logsQuery(o: ExportLogsOptions, vsUuid: string): Query {
  const q: Query = {
    virtualservice: vsUuid,
    type: LOG_TYPE[o.kind],
    adf: true,
    nf: !o.significantOnly,
    udf: !o.significantOnly,
    orderby: "-report_timestamp",
    js_compat: true,
  };
  if (o.filters.length) q.filter = o.filters;
  // Whole records for JSON without --fields; otherwise only the top-level fields needed.
  if (o.format === "csv" || o.fieldsChosen) {
    const needed = [...o.fields, ...KEY_FIELDS, ...(o.analyze ? [o.by, "dns_response"] : [])].map((f) => f.split(".")[0]!);
    q.cols = [...new Set(needed)].join(",");
  }
  return q;
}

/**
 * Export a virtual service's logs for a time window: wait for indexing, page newest first, stream
 * rows to the sink, count values for the analysis as they pass, and compare the rows written with
 * the controller's count.
 */
export async function exportLogs(
  o: ExportLogsOptions,
  c: ExportClients,
  sink: RowSink,
  events: Events,
  onProgress?: (p: ExportProgress) => void,
): Promise<ExportLogsResult> {
  const started = c.now();
  events.step("looking up", { virtualservice: o.vs });
  const vs = await c.avi.getByName<VirtualService>("virtualservice", o.vs);
  if (!vs?.uuid)
    throw new UsageError(
      `virtual service "${o.vs}" does not exist on the controller`,
      "check the name with 'avictl vs list' or the controller UI",
    );
  const paging: PageOptions = {
    query: logsQuery(o, vs.uuid),
    startUs: o.startUs,
    endUs: o.endUs,
    pageSize: o.pageSize,
    maxWaitMs: o.maxWaitMs,
    sleep: c.sleep,
    now: c.now,
    signal: c.signal,
    onIndexing: (pct) => events.step("controller indexing logs", { remaining: `${pct}%` }),
  };
  events.step("waiting for indexing");
  const index = await waitForIndex(c.avi, paging);
  if (index.percentRemaining > 0)
    events.warn(
      `the controller still had ${index.percentRemaining}% of the window to index after ${o.maxWaitMs / 1000}s; exporting what is indexed`,
    );
  const writer = new RowWriter(sink, o.format, o.fields, o.fieldsChosen);
  const analyzer = o.analyze ? new Analyzer(o.by, o.labels) : undefined;
  const span = Math.max(1, o.endUs - o.startUs);
  try {
    for await (const records of logPages(c.avi, paging)) {
      await writer.write(records);
      analyzer?.add(records);
      const oldest = records.length ? timestampOf(records[records.length - 1]!) : o.startUs;
      onProgress?.({ rows: writer.written, reported: index.count, covered: Math.min(1, (o.endUs - oldest) / span) });
    }
  } finally {
    await writer.close();
  }
  return {
    virtualService: o.vs,
    window: { start: isoMicros(o.startUs), end: isoMicros(o.endUs) },
    format: o.format,
    out: o.out,
    rows: writer.written,
    reported: index.count,
    complete: writer.written === index.count && !c.signal?.aborted,
    percentRemaining: index.percentRemaining,
    interrupted: Boolean(c.signal?.aborted),
    durationS: Math.round((c.now() - started) / 100) / 10,
    analysis: analyzer?.result(o.expect),
  };
}
