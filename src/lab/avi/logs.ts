import type { AppLogEntry, DnsLogEntry, LabStore } from "../types.js";
import type { Reply } from "./api.js";
import { uuidOf } from "./refs.js";

/**
 * The parts of a log record many records share (a DNS question and its answer, an HTTP exchange with
 * one server), kept once: each record is a few numbers in typed arrays pointing at one of these.
 */
interface Shape {
  significant: boolean;
  /** The record's fields as the API shows them, except the per-record ones (see LogStore.view). */
  fields: Record<string, unknown>;
  /** DNS records carry a per-record dns_request.identifier, app records per-record timings. */
  kind: "dns" | "app" | "l4";
}

/** One virtual service's records of one log type, sorted by (report_timestamp, arrival) when queried. */
class Columns {
  length = 0;
  t = new Float64Array(1024);
  seq = new Uint32Array(1024);
  indexedAt = new Float64Array(1024);
  client = new Uint32Array(1024);
  port = new Uint16Array(1024);
  shape = new Uint32Array(1024);
  /** total_time in ms for app logs. */
  ms = new Uint32Array(1024);
  unsorted = false;

  push(t: number, seq: number, indexedAt: number, client: number, port: number, shape: number, ms: number): void {
    if (this.length === this.t.length) this.grow(this.length * 2);
    const i = this.length++;
    if (i > 0 && this.t[i - 1]! > t) this.unsorted = true;
    this.t[i] = t;
    this.seq[i] = seq;
    this.indexedAt[i] = indexedAt;
    this.client[i] = client;
    this.port[i] = port;
    this.shape[i] = shape;
    this.ms[i] = ms;
  }

  reserve(n: number): void {
    if (this.length + n > this.t.length) this.grow(this.length + n);
  }

  private grow(size: number): void {
    for (const k of ["t", "seq", "indexedAt", "client", "port", "shape", "ms"] as const) {
      const next = new (this[k].constructor as new (n: number) => typeof this.t)(size);
      next.set(this[k].subarray(0, this.length));
      (this as unknown as Record<string, unknown>)[k] = next;
    }
  }

  sort(): void {
    if (!this.unsorted) return;
    this.unsorted = false;
    const order = Uint32Array.from({ length: this.length }, (_, i) => i).sort(
      (a, b) => this.t[a]! - this.t[b]! || this.seq[a]! - this.seq[b]!,
    );
    for (const k of ["t", "seq", "indexedAt", "client", "port", "shape", "ms"] as const) {
      const col = this[k];
      const copy = col.slice(0, this.length);
      for (let i = 0; i < this.length; i++) col[i] = copy[order[i]!]!;
    }
  }

  /** The first index whose timestamp is >= t. */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** How the lab's log indexer keeps up: a fixed delay, then a bounded rate. */
export interface IndexingOptions {
  delayMs: number;
  recordsPerSecond: number;
}

/** The largest page the logs API returns; bigger page_size values are cut to it. */
export const MAX_PAGE_SIZE = 10_000;
const LOG_TYPE = { conn: 0, app: 1, event: 2 } as const;
const DNS_SIGNIFICANCE: Record<string, string> = {
  NXDOMAIN: "ADF_CLIENT_DNS_FAILED_INVALID_DOMAIN",
  DROPPED: "ADF_CLIENT_DNS_FAILED_INVALID_DOMAIN",
  SERVFAIL: "ADF_SERVER_DNS_ERROR_RESPONSE",
  FORMERR: "ADF_CLIENT_DNS_FAILED_INVALID_QUERY",
  NOTIMP: "ADF_CLIENT_DNS_FAILED_UNSUPPORTED_QUERY",
};
/** Fields the model types as 64-bit integers: js_compat=true sends them as strings. */
const UINT64 = new Set([
  "significant",
  "rx_bytes",
  "tx_bytes",
  "total_bytes",
  "rx_pkts",
  "tx_pkts",
  "total_pkts",
  "dns_ips",
  "total_time",
  "request_length",
  "response_length",
  "app_response_time",
  "data_transfer_time",
  "response_time_first_byte",
  "response_time_last_byte",
  "server_response_length",
  "server_response_time_first_byte",
  "server_response_time_last_byte",
]);
const FILTER_OPS = new Set(["eq", "ne", "co", "nc", "sw", "gt", "ge", "lt", "le"]);

/**
 * The analytics logs store of one lab controller: GET /api/analytics/logs over the connection logs
 * its DNS virtual services write and the application logs of the requests its VIP listeners serve,
 * with the real API's parameters (type, start/end/duration, adf/nf, filter, cols, orderby, page/page_size
 * up to 10000, js_compat), an indexing delay reported as percent_remaining, and the virtual service's
 * log settings (non-significant logs, throttles).
 */
export class LogStore {
  private byVs = new Map<string, Columns>();
  private shapes: Shape[] = [];
  private shapeIds = new Map<string, number>();
  private clients: string[] = [];
  private clientIds = new Map<string, number>();
  private seq = 0;
  private lastIndexedAt = 0;
  private throttles = new Map<string, { second: number; significant: number; other: number }>();

  constructor(
    private readonly store: LabStore,
    private indexing: IndexingOptions = { delayMs: 300, recordsPerSecond: 500_000 },
    private readonly now: () => number = Date.now,
  ) {}

  setIndexing(o: Partial<IndexingOptions>): IndexingOptions {
    this.indexing = { ...this.indexing, ...o };
    return this.indexing;
  }

  /** A DNS query as the service engine logs it, subject to the VS and SE group log settings. */
  recordDns(e: DnsLogEntry): void {
    const significant = e.rcode in DNS_SIGNIFICANCE;
    if (!this.admit(e.vsUuid, significant)) return;
    const shape = this.dnsShape(e.fqdn, e.qtype, e.rcode, e.answers, e.siteNames, e.gslb);
    this.add(e.vsUuid, LOG_TYPE.conn, 1, () => [toMicros(e.timestamp), this.clientId(e.clientIp), e.clientPort ?? 0, shape, 0]);
  }

  /** An HTTP request a VIP listener served, as the service engine's application log has it. */
  recordApp(e: AppLogEntry): void {
    const vs = this.store.get("virtualservice", e.vsUuid);
    // An L4 virtual service proxies the TCP connection: it writes connection logs, never application logs.
    const l4 =
      vs !== undefined && this.store.get("applicationprofile", uuidOf(vs.application_profile_ref))?.type === "APPLICATION_PROFILE_TYPE_L4";
    const significant = !l4 && e.status >= 400;
    if (!this.admit(e.vsUuid, significant)) return;
    if (l4) {
      const shape = this.intern({
        significant: false,
        kind: "l4",
        fields: {
          client_dest_port: e.vipPort,
          client_rtt: 0,
          vs_ip: e.vip,
          protocol: "PROTOCOL_TCP",
          ...(e.pool ? { pool: e.pool.uuid, pool_name: e.pool.name } : {}),
          ...(e.server ? { server_ip: e.server.ip, server_dest_port: e.server.port, server_rtt: 0 } : {}),
          adf: false,
          udf: false,
          significant: 0,
          connection_ended: true,
          rx_bytes: e.requestLength,
          tx_bytes: e.responseLength,
        },
      });
      this.add(e.vsUuid, LOG_TYPE.conn, 1, () => [toMicros(e.timestamp), this.clientId(e.clientIp), e.clientPort, shape, 0]);
      return;
    }
    const fields: Record<string, unknown> = {
      client_dest_port: e.vipPort,
      client_rtt: 0,
      vs_ip: e.vip,
      method: e.method,
      host: e.host,
      uri_path: e.path,
      ...(e.query ? { uri_query: e.query } : {}),
      http_version: e.httpVersion,
      ...(e.userAgent ? { user_agent: e.userAgent } : {}),
      response_code: e.status,
      request_length: e.requestLength,
      response_length: e.responseLength,
      ...(e.pool ? { pool: e.pool.uuid, pool_name: e.pool.name } : {}),
      ...(e.server
        ? {
            server_ip: e.server.ip,
            server_dest_port: e.server.port,
            ...(e.server.name ? { server_name: e.server.name } : {}),
            server_response_code: e.status,
            server_response_length: e.responseLength,
            server_rtt: 0,
          }
        : {}),
      adf: significant,
      udf: false,
      significant: significant ? 1 : 0,
      ...(significant ? { significance: appSignificance(e)[0], significant_log: [appSignificance(e)[1]] } : {}),
    };
    const shape = this.intern({ significant, fields, kind: "app" });
    this.add(e.vsUuid, LOG_TYPE.app, 1, () => [toMicros(e.timestamp), this.clientId(e.clientIp), e.clientPort, shape, e.totalTimeMs]);
  }

  /**
   * Synthetic DNS logs for load and paging tests: `count` records spread over `timestamps` distinct
   * instants in [start, end], answers cycling through the weighted addresses.
   */
  inject(o: {
    virtualservice: string;
    count: number;
    timestamps?: number;
    start?: string;
    end?: string;
    fqdn?: string;
    answers?: Record<string, number>;
  }): Reply {
    const vs = this.store.get("virtualservice", o.virtualservice) ?? this.store.findByName("virtualservice", o.virtualservice);
    if (!vs?.uuid) return { status: 404, body: { error: `virtual service ${o.virtualservice} not found` } };
    const count = Math.floor(Number(o.count));
    if (!(count > 0 && count <= 5_000_000)) return { status: 400, body: { error: "count must be 1..5000000" } };
    const end = o.end ? toMicros(o.end) : this.now() * 1000;
    const start = o.start ? toMicros(o.start) : end - 600e6;
    const instants = Math.max(1, Math.min(Math.floor(Number(o.timestamps ?? count)), count));
    const weights = Object.entries(o.answers ?? { "10.10.25.99": 1 });
    const fqdn = o.fqdn ?? "hello.avi.iberia.local";
    const wheel = weights.flatMap(([ip, w]) => Array<number>(Math.max(0, Math.round(w))).fill(this.dnsShape(fqdn, "A", "NOERROR", [ip])));
    if (wheel.length === 0) return { status: 400, body: { error: "answers needs a positive weight" } };
    const step = instants > 1 ? (end - start) / (instants - 1) : 0;
    let i = 0;
    this.add(vs.uuid, LOG_TYPE.conn, count, () => {
      const k = Math.floor((i * instants) / count);
      const row: Row = [
        Math.round(start + k * step),
        this.clientId(`127.0.${(i >> 8) & 255}.${i & 255}`),
        1024 + (i % 60000),
        wheel[i % wheel.length]!,
        0,
      ];
      i++;
      return row;
    });
    return { status: 200, body: { virtualservice: vs.uuid, injected: count, timestamps: instants } };
  }

  private dnsShape(fqdn: string, qtype: string, rcode: string, answers: string[], sites?: string[], gslb?: DnsLogEntry["gslb"]): number {
    const ok = rcode !== "DROPPED";
    const sig = DNS_SIGNIFICANCE[rcode];
    const significant = sig !== undefined;
    return this.intern({
      significant,
      kind: "dns",
      fields: {
        client_dest_port: 53,
        protocol: "PROTOCOL_UDP",
        adf: significant,
        udf: false,
        significant: significant ? 1 : 0,
        ...(sig ? { significance: "DNS query failed", significant_log: [sig] } : {}),
        connection_ended: true,
        rx_bytes: 40 + fqdn.length,
        tx_bytes: ok ? 56 + fqdn.length + 16 * answers.length : 0,
        dns_fqdn: fqdn,
        dns_qtype: `DNS_RECORD_${qtype}`,
        dns_etype: gslb ? "DNS_ENTRY_GSLB" : "DNS_ENTRY_STATIC",
        ...(gslb ? { gslbservice: gslb.uuid, gslbservice_name: gslb.name, gslbpool_name: gslb.pool } : {}),
        dns_ips: answers.map(ipToInt),
        ...(ok
          ? {
              dns_response: {
                response_code: `DNS_RCODE_${rcode}`,
                authoritative_answer: true,
                answer_records_count: answers.length,
                records: answers.map((a, j) => ({
                  type: `DNS_RECORD_${qtype}`,
                  name: fqdn,
                  ttl: 30,
                  addr_ip: ipToInt(a),
                  ...(sites?.[j] ? { site_name: sites[j] } : {}),
                  ...(gslb?.vsNames[j] ? { vs_name: gslb.vsNames[j] } : {}),
                })),
              },
            }
          : {}),
      },
    });
  }

  private intern(shape: Shape): number {
    const key = JSON.stringify(shape);
    let id = this.shapeIds.get(key);
    if (id === undefined) {
      id = this.shapes.push(shape) - 1;
      this.shapeIds.set(key, id);
    }
    return id;
  }

  private clientId(ip: string): number {
    let id = this.clientIds.get(ip);
    if (id === undefined) {
      id = this.clients.push(ip) - 1;
      this.clientIds.set(ip, id);
    }
    return id;
  }

  /** Appends `n` records made by `next` (timestamp µs, client id, port, shape id, total_time ms). */
  private add(vsUuid: string, type: number, n: number, next: () => Row): void {
    const key = `${vsUuid}/${type}`;
    let cols = this.byVs.get(key);
    if (!cols) this.byVs.set(key, (cols = new Columns()));
    cols.reserve(n);
    const perRecord = 1000 / this.indexing.recordsPerSecond;
    let at = Math.max(this.now() + this.indexing.delayMs, this.lastIndexedAt);
    for (let k = 0; k < n; k++) {
      at += perRecord;
      const [t, client, port, shape, ms] = next();
      cols.push(t, ++this.seq, at, client, port, shape, ms);
    }
    this.lastIndexedAt = at;
  }

  /** Non-significant logs need full_client_logs; both kinds obey the VS and SE group throttles (0 = none). */
  private admit(vsUuid: string, significant: boolean): boolean {
    const vs = this.store.get("virtualservice", vsUuid);
    const policy = (vs?.analytics_policy ?? {}) as {
      full_client_logs?: { enabled?: boolean; throttle?: number };
      significant_log_throttle?: number;
    };
    const seg = vs?.se_group_ref ? this.store.get("serviceenginegroup", uuidOf(vs.se_group_ref)) : undefined;
    if (!significant && policy.full_client_logs?.enabled !== true) return false;
    const limits = significant
      ? [policy.significant_log_throttle ?? 10, Number(seg?.significant_log_throttle ?? 100)]
      : [policy.full_client_logs?.throttle ?? 10, Number(seg?.non_significant_log_throttle ?? 100)];
    const second = Math.floor(this.now() / 1000);
    let t = this.throttles.get(vsUuid);
    if (!t || t.second !== second) this.throttles.set(vsUuid, (t = { second, significant: 0, other: 0 }));
    const used = significant ? t.significant : t.other;
    if (limits.some((l) => l > 0 && used >= l)) return false;
    if (significant) t.significant++;
    else t.other++;
    return true;
  }

  /** GET /api/analytics/logs */
  query(q: URLSearchParams, base: string): Reply {
    const vsUuid = q.get("virtualservice");
    if (!vsUuid) return bad("virtualservice is required");
    const vs = this.store.get("virtualservice", vsUuid);
    const nowUs = this.now() * 1000;
    let end: number, start: number;
    try {
      end = q.get("end") ? parseTime(q.get("end")!, "end") : nowUs;
      start = q.get("start")
        ? parseTime(q.get("start")!, "start")
        : q.get("duration") && Number(q.get("duration")) > 0
          ? end - Number(q.get("duration")) * 1e6
          : 0;
    } catch (err) {
      return bad((err as Error).message);
    }
    const pageSize = Math.min(intParam(q, "page_size", 10), MAX_PAGE_SIZE);
    const page = intParam(q, "page", 1);
    if (pageSize < 1 || page < 1) return bad("page and page_size must be positive");
    const app = vs ? this.store.get("applicationprofile", uuidOf(vs.application_profile_ref)) : undefined;
    const natural =
      app?.type === "APPLICATION_PROFILE_TYPE_DNS" || app?.type === "APPLICATION_PROFILE_TYPE_L4" ? LOG_TYPE.conn : LOG_TYPE.app;
    const type = q.has("type") ? Number(q.get("type")) : natural;
    const adf = flag(q, "adf", true);
    const nf = flag(q, "nf", false);
    const orderby = q.get("orderby") ?? "-report_timestamp";
    if (orderby !== "report_timestamp" && orderby !== "-report_timestamp") return bad(`orderby ${orderby} is not supported by this lab`);
    let filters: ((r: Record<string, unknown>) => boolean)[];
    try {
      filters = q.getAll("filter").map(parseFilter);
    } catch (err) {
      return bad((err as Error).message);
    }
    const cols = q
      .get("cols")
      ?.split(",")
      .map((c) => c.trim())
      .filter(Boolean);
    const jsCompat = flag(q, "js_compat", false);

    const list = vs?.uuid ? this.byVs.get(`${vs.uuid}/${type}`) : undefined;
    list?.sort();
    const lo = list ? list.lowerBound(start) : 0;
    const hi = list ? list.lowerBound(end + 1) - 1 : -1;
    const now = this.now();
    let total = 0;
    let pending = 0;
    const matches: number[] = [];
    const skip = (page - 1) * pageSize;
    const desc = orderby.startsWith("-");
    if (list && adf && nf && filters.length === 0 && this.lastIndexedAt <= now) {
      // Everything indexed and nothing filtered: the window is the answer.
      total = Math.max(0, hi - lo + 1);
      for (let k = skip; k < Math.min(total, skip + pageSize); k++) matches.push(desc ? hi - k : lo + k);
    } else if (list) {
      for (let k = 0; k <= hi - lo; k++) {
        const i = desc ? hi - k : lo + k;
        if (!(this.shapes[list.shape[i]!]!.significant ? adf : nf)) continue;
        if (list.indexedAt[i]! > now) {
          pending++;
          continue;
        }
        if (filters.length && !filters.every((f) => f(this.view(list, i, vsUuid)))) continue;
        if (total >= skip && matches.length < pageSize) matches.push(i);
        total++;
      }
    }
    const results = matches.map((i) => shape(this.view(list!, i, vsUuid), cols, jsCompat));
    const body: Record<string, unknown> = {
      count: total,
      results,
      percent_remaining: total + pending ? round2((100 * pending) / (total + pending)) : 0,
    };
    // As the SDK notes, a full page of 10000 never carries a next link.
    if (skip + pageSize < total && pageSize < MAX_PAGE_SIZE) {
      const next = new URLSearchParams(q);
      next.set("page", String(page + 1));
      body.next = `${base}/api/analytics/logs?${next.toString()}`;
    }
    return { status: 200, body };
  }

  /** A record as the API shows it (IP lists as integers like the model's int64). */
  private view(c: Columns, i: number, vsUuid: string): Record<string, unknown> {
    const s = this.shapes[c.shape[i]!]!;
    const seq = c.seq[i]!;
    const v: Record<string, unknown> = {
      report_timestamp: isoMicros(c.t[i]!),
      virtualservice: vsUuid,
      service_engine: "lab-se-1",
      vcpu_id: 0,
      log_id: seq,
      client_ip: this.clients[c.client[i]!],
      client_src_port: c.port[i],
      ...s.fields,
    };
    if (s.kind === "dns")
      v.dns_request = { identifier: seq % 65536, opcode: "DNS_OPCODE_QUERY", question_count: 1, recursion_desired: true };
    else if (s.kind === "app") {
      const ms = c.ms[i]!;
      Object.assign(v, {
        total_time: ms,
        app_response_time: ms,
        data_transfer_time: 0,
        response_time_first_byte: ms,
        response_time_last_byte: ms,
      });
    }
    return v;
  }
}

/** Timestamp µs, client id, client port, shape id, total_time ms. */
type Row = [number, number, number, number, number];

/** Why a request's log is significant: no pool for the request, no server up in its pool, or the response code. */
function appSignificance(e: AppLogEntry): [string, string] {
  if (!e.pool) return ["No pool for the request", "ADF_REQUEST_NO_POOL"];
  if (!e.server) return ["Load balancing failed: no server available", "ADF_LOAD_BALANCING_FAILED"];
  return [`Response code ${e.status}`, e.status >= 500 ? "ADF_RESPONSE_CODE_5XX" : "ADF_RESPONSE_CODE_4XX"];
}

function shape(v: Record<string, unknown>, cols: string[] | undefined, jsCompat: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of cols ?? Object.keys(v)) {
    const val = v[k];
    if (val === undefined) continue;
    out[k] = jsCompat && UINT64.has(k) ? (Array.isArray(val) ? val.map(String) : String(val)) : val;
  }
  return out;
}

/** op(field,value); strings compare as text, numbers numerically, IP fields by dotted quad. */
function parseFilter(spec: string): (r: Record<string, unknown>) => boolean {
  const m = /^(\w+)\(([\w.]+),(.*)\)$/.exec(spec);
  if (!m || !FILTER_OPS.has(m[1]!)) throw new Error(`invalid filter ${spec}: use OPERATOR(FIELD,VALUE) with ${[...FILTER_OPS].join(", ")}`);
  const [, op, field, value] = m as unknown as [string, string, string, string];
  const negated = op === "ne" || op === "nc";
  return (r) => {
    const raw = r[field];
    const vals = (Array.isArray(raw) ? raw : [raw]).map((x) => (field === "dns_ips" ? intToIp(Number(x)) : x));
    const hit = vals.some((x) => compare(op, x, value));
    return negated ? !hit : hit;
  };
}

function compare(op: string, x: unknown, value: string): boolean {
  const s = x === undefined || x === null ? "" : String(x);
  const num = typeof x === "number" || typeof x === "boolean";
  const a = num ? Number(x) : s;
  const b = num ? (value === "true" ? 1 : value === "false" ? 0 : Number(value)) : value;
  switch (op) {
    case "eq":
    case "ne":
      return a === b;
    case "co":
    case "nc":
      return s.includes(value);
    case "sw":
      return s.startsWith(value);
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "lt":
      return a < b;
    default:
      return a <= b;
  }
}

function bad(error: string): Reply {
  return { status: 400, body: { error } };
}

function intParam(q: URLSearchParams, name: string, dflt: number): number {
  const v = q.get(name);
  return v === null || v === "" ? dflt : Math.floor(Number(v));
}

function flag(q: URLSearchParams, name: string, dflt: boolean): boolean {
  const v = q.get(name);
  return v === null ? dflt : v === "true" || v === "True" || v === "1";
}

/** ISO 8601 with up to microseconds; no zone means UTC. A '+' sent unencoded arrives as a space and is refused. */
export function parseTime(text: string, what: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:\d\d)?$/.exec(text);
  const ms = m ? Date.parse(`${m[1]}${m[3] ?? "Z"}`) : NaN;
  if (!m || Number.isNaN(ms)) throw new Error(`Invalid ${what} time ${text}: expected ISO 8601, e.g. 2020-11-05T20:17:15.698573Z`);
  return ms * 1000 + Number((m[2] ?? "").padEnd(6, "0"));
}

function toMicros(iso: string): number {
  return parseTime(iso.replace(/(\.\d{6})\d+/, "$1"), "log");
}

/** report_timestamp as the controller writes it: microseconds and an explicit +00:00. */
function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, "0")}+00:00`;
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

const round2 = (n: number) => Math.round(n * 100) / 100;
