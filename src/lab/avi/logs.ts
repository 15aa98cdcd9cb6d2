import type { DnsLogEntry, LabStore } from "../types.js";
import type { Reply } from "./api.js";
import { uuidOf } from "./refs.js";

/** One stored connection (L4) log record; DNS virtual services log every query as one. */
interface LogRecord {
  /** report_timestamp, microseconds since the epoch. */
  t: number;
  /** Arrival order; also the log_id. */
  seq: number;
  /** Epoch ms from which queries see the record (the controller indexes logs after they arrive). */
  indexedAt: number;
  client: string;
  port: number;
  fqdn: string;
  qtype: string;
  rcode: string;
  answers: string[];
  sites?: string[];
  significant: boolean;
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
const UINT64 = new Set(["significant", "rx_bytes", "tx_bytes", "total_bytes", "rx_pkts", "tx_pkts", "total_pkts", "dns_ips"]);
const FILTER_OPS = new Set(["eq", "ne", "co", "nc", "sw", "gt", "ge", "lt", "le"]);

/**
 * The analytics logs store of one lab controller: GET /api/analytics/logs over the connection logs
 * its DNS virtual services write, with the real API's parameters (type, start/end/duration, adf/nf,
 * filter, cols, orderby, page/page_size up to 10000, js_compat), an indexing delay reported as
 * percent_remaining, and the virtual service's log settings (non-significant logs, throttles).
 */
export class LogStore {
  private byVs = new Map<string, LogRecord[]>();
  private unsorted = new Set<string>();
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
    this.add(e.vsUuid, [
      {
        t: toMicros(e.timestamp),
        client: e.clientIp,
        port: e.clientPort ?? 0,
        fqdn: e.fqdn,
        qtype: e.qtype,
        rcode: e.rcode,
        answers: e.answers,
        sites: e.siteNames,
        significant,
      },
    ]);
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
    const wheel = Object.entries(o.answers ?? { "10.10.25.99": 1 }).flatMap(([ip, w]) =>
      Array<string>(Math.max(0, Math.round(w))).fill(ip),
    );
    if (wheel.length === 0) return { status: 400, body: { error: "answers needs a positive weight" } };
    const fqdn = o.fqdn ?? "hello.avi.iberia.local";
    const step = instants > 1 ? (end - start) / (instants - 1) : 0;
    const records: Omit<LogRecord, "seq" | "indexedAt">[] = [];
    const answers = new Map(wheel.map((ip) => [ip, [ip]]));
    for (let i = 0; i < count; i++) {
      const k = Math.floor((i * instants) / count);
      records.push({
        t: Math.round(start + k * step),
        client: `127.0.${(i >> 8) & 255}.${i & 255}`,
        port: 1024 + (i % 60000),
        fqdn,
        qtype: "A",
        rcode: "NOERROR",
        answers: answers.get(wheel[i % wheel.length]!)!,
        significant: false,
      });
    }
    this.add(vs.uuid, records);
    return { status: 200, body: { virtualservice: vs.uuid, injected: count, timestamps: instants } };
  }

  private add(vsUuid: string, records: Omit<LogRecord, "seq" | "indexedAt">[]): void {
    const list = this.byVs.get(vsUuid) ?? [];
    this.byVs.set(vsUuid, list);
    const perRecord = 1000 / this.indexing.recordsPerSecond;
    let at = Math.max(this.now() + this.indexing.delayMs, this.lastIndexedAt);
    for (const r of records) {
      at += perRecord;
      const rec = { ...r, seq: ++this.seq, indexedAt: at };
      if (list.length && list[list.length - 1]!.t > rec.t) this.unsorted.add(vsUuid);
      list.push(rec);
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

  private records(vsUuid: string): LogRecord[] {
    const list = this.byVs.get(vsUuid) ?? [];
    if (this.unsorted.delete(vsUuid)) list.sort((a, b) => a.t - b.t || a.seq - b.seq);
    return list;
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

    const list = type === LOG_TYPE.conn && vs?.uuid ? this.records(vs.uuid) : [];
    const lo = lowerBound(list, start);
    const hi = lowerBound(list, end + 1) - 1;
    const now = this.now();
    const wanted = (r: LogRecord) => (r.significant ? adf : nf);
    let total = 0;
    let pending = 0;
    const matches: LogRecord[] = [];
    const skip = (page - 1) * pageSize;
    const desc = orderby.startsWith("-");
    if (adf && nf && filters.length === 0 && this.lastIndexedAt <= now) {
      // Everything indexed and nothing filtered: the window is the answer.
      total = Math.max(0, hi - lo + 1);
      for (let k = skip; k < Math.min(total, skip + pageSize); k++) matches.push(list[desc ? hi - k : lo + k]!);
    } else {
      for (let k = 0; k <= hi - lo; k++) {
        const r = list[desc ? hi - k : lo + k]!;
        if (!wanted(r)) continue;
        if (r.indexedAt > now) {
          pending++;
          continue;
        }
        if (filters.length && !filters.every((f) => f(this.view(r, vsUuid)))) continue;
        if (total >= skip && matches.length < pageSize) matches.push(r);
        total++;
      }
    }
    const results = matches.map((r) => shape(this.view(r, vsUuid), cols, jsCompat));
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

  /** A record as the API shows it (connection log model; IP lists as integers like the model's int64). */
  private view(r: LogRecord, vsUuid: string): Record<string, unknown> {
    const ok = r.rcode !== "DROPPED";
    const sig = DNS_SIGNIFICANCE[r.rcode];
    return {
      report_timestamp: isoMicros(r.t),
      virtualservice: vsUuid,
      service_engine: "lab-se-1",
      vcpu_id: 0,
      log_id: r.seq % 4294967296,
      client_ip: r.client,
      client_src_port: r.port,
      client_dest_port: 53,
      protocol: "PROTOCOL_UDP",
      adf: r.significant,
      udf: false,
      significant: r.significant ? 1 : 0,
      ...(sig ? { significance: "DNS query failed", significant_log: [sig] } : {}),
      connection_ended: true,
      rx_bytes: 40 + r.fqdn.length,
      tx_bytes: ok ? 56 + r.fqdn.length + 16 * r.answers.length : 0,
      dns_fqdn: r.fqdn,
      dns_qtype: `DNS_RECORD_${r.qtype}`,
      dns_etype: "DNS_ENTRY_STATIC",
      dns_ips: r.answers.map(ipToInt),
      dns_request: { identifier: r.seq % 65536, opcode: "DNS_OPCODE_QUERY", question_count: 1, recursion_desired: true },
      ...(ok
        ? {
            dns_response: {
              response_code: `DNS_RCODE_${r.rcode}`,
              authoritative_answer: true,
              answer_records_count: r.answers.length,
              records: r.answers.map((a, j) => ({
                type: `DNS_RECORD_${r.qtype}`,
                name: r.fqdn,
                ttl: 30,
                addr_ip: ipToInt(a),
                ...(r.sites?.[j] ? { site_name: r.sites[j] } : {}),
              })),
            },
          }
        : {}),
    };
  }
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

function lowerBound(list: LogRecord[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

const round2 = (n: number) => Math.round(n * 100) / 100;
