import type { AviClient, Query } from "../../clients/avi/types.js";

/** One log record as the analytics API returns it. */
export type LogRecord = Record<string, unknown>;

/** The most records one logs API call returns. */
export const MAX_PAGE_SIZE = 10_000;
/** Fields that identify a record across pages: the SE, its vCPU and the per-vCPU log id, at one instant. */
export const KEY_FIELDS = ["report_timestamp", "service_engine", "vcpu_id", "log_id"];
/** Readings of one over-full instant before giving up (the final count check then tells). */
const MAX_PASSES = 50;

export interface PageOptions {
  /** Fixed query: virtualservice, type, adf/nf/udf, filter, cols, js_compat. */
  query: Query;
  startUs: number;
  endUs: number;
  pageSize: number;
  /** Give up waiting for the indexer after this long (the export goes on and the count check tells). */
  maxWaitMs: number;
  sleep(ms: number): Promise<void>;
  now(): number;
  onIndexing?(percentRemaining: number): void;
  signal?: AbortSignal;
}

interface LogsPage {
  count?: number;
  results?: LogRecord[];
  percent_remaining?: number;
}

/**
 * Pages through GET /api/analytics/logs newest first, by time window: each full page moves the
 * window's (inclusive) end to the oldest instant in it, whose records are dropped there and fetched
 * again whole with the next window, so records sharing a timestamp never straddle two pages. An
 * instant holding more than a page is read with `page` (see instant()). Every step moves `end`
 * back, so the loop ends.
 */
export async function* logPages(avi: AviClient, o: PageOptions): AsyncGenerator<LogRecord[], void, void> {
  const query = (start: number, end: number, extra: Query = {}): Query => ({
    ...o.query,
    start: isoMicros(start),
    end: isoMicros(end),
    page_size: o.pageSize,
    query_id: queryId(o.now),
    ...extra,
  });
  const get = (start: number, end: number, extra: Query = {}) => avi.get<LogsPage>("analytics/logs", query(start, end, extra));
  // Window pages are read lazily: the next one is asked for early but its body stays in the socket until needed.
  const ask = (end: number) => avi.getDeferred<LogsPage>("analytics/logs", query(o.startUs, end));
  let end = o.endUs;
  let next = ask(end);
  while (!o.signal?.aborted) {
    const results = (await (await next)()).results ?? [];
    if (results.length < o.pageSize) {
      yield results;
      return;
    }
    const oldest = timestampOf(results[results.length - 1]!);
    if (timestampOf(results[0]!) !== oldest) {
      end = oldest;
      // Ask for the next window before handing this page over, so the controller works while rows are written.
      next = ask(end);
      next.catch(() => undefined);
      // Writing the page is synchronous work: without a turn of the event loop first, the request
      // would leave only after it, and the controller would sit idle while rows are written.
      await new Promise((r) => setImmediate(r));
      // Newest first, so the records at the oldest instant are the trailing run.
      let cut = results.length - 1;
      while (cut > 0 && timestampOf(results[cut - 1]!) === oldest) cut--;
      yield results.slice(0, cut);
      continue;
    }
    yield* instant(get, oldest, o);
    if (oldest <= o.startUs) return;
    end = oldest - 1;
    next = ask(end);
  }
}

/**
 * All records of one instant holding more than a page, read with `page`. Nothing promises the
 * order of records sharing a timestamp, so pages are read again (a bounded number of times) until
 * as many distinct records were seen as the controller counts for that instant.
 */
async function* instant(
  get: (start: number, end: number, extra?: Query) => Promise<LogsPage>,
  at: number,
  o: PageOptions,
): AsyncGenerator<LogRecord[], void, void> {
  const seen = new Set<string>();
  let count = Infinity;
  for (let pass = 0; pass < MAX_PASSES && seen.size < count && !o.signal?.aborted; pass++) {
    for (let page = 1; !o.signal?.aborted; page++) {
      const body = await get(at, at, { page });
      const rs = body.results ?? [];
      if (page === 1) count = Number(body.count ?? rs.length);
      yield rs.filter((r) => {
        const k = recordKey(r);
        return !seen.has(k) && Boolean(seen.add(k));
      });
      if (rs.length < o.pageSize || seen.size >= count) break;
    }
  }
}

/**
 * Wait until the controller has indexed the window (percent_remaining 0, as the export scripts do),
 * and return its record count for the window.
 */
export async function waitForIndex(avi: AviClient, o: PageOptions): Promise<{ count: number; percentRemaining: number }> {
  const started = o.now();
  for (;;) {
    const body = await avi.get<LogsPage>("analytics/logs", {
      ...o.query,
      start: isoMicros(o.startUs),
      end: isoMicros(o.endUs),
      page_size: 1,
      query_id: queryId(o.now),
    });
    const pct = Number(body.percent_remaining ?? 0);
    if (!(pct > 0) || o.now() - started >= o.maxWaitMs || o.signal?.aborted)
      return { count: Number(body.count ?? 0), percentRemaining: pct };
    o.onIndexing?.(pct);
    // The published exporter sleeps percent/10 seconds; bounded here so small windows poll briskly.
    await o.sleep(Math.min(Math.max(pct * 100, 200), 5_000));
  }
}

export function recordKey(r: LogRecord): string {
  return `${String(r.report_timestamp)}|${String(r.service_engine)}|${String(r.vcpu_id)}|${String(r.log_id)}`;
}

/** report_timestamp (ISO 8601 with microseconds and an offset) as microseconds since the epoch. */
export function timestampOf(r: LogRecord): number {
  return isoToMicros(String(r.report_timestamp));
}

export function isoToMicros(text: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/.exec(text.trim());
  const ms = m ? Date.parse(`${m[1]}${m[3] ?? "Z"}`) : NaN;
  if (!m || Number.isNaN(ms)) return NaN;
  return ms * 1000 + Number((m[2] ?? "").slice(0, 6).padEnd(6, "0"));
}

/** The form both published exporters found the controller accepts: UTC, microseconds, Z. */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, "0")}Z`;
}

/** A fresh query id per request, as the export scripts send (the API documents it as required). */
function queryId(now: () => number): number {
  return Math.floor(now() / 10);
}
