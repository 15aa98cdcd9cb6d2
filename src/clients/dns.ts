import { createSocket, type Socket } from "node:dgram";
import { getServers } from "node:dns";
import { isIPv6 } from "node:net";
import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import packet from "dns-packet";
import type { Answer, Packet, RecordType } from "dns-packet";

export interface DnsServer {
  host: string;
  port: number;
}

export interface DnsRecordView {
  name: string;
  type: string;
  ttl: number;
  /** Presentation form, as dig prints it (names without the trailing dot). */
  data: string;
}

export interface DnsResult {
  server: DnsServer;
  rcode: string;
  /** Authoritative answer flag. */
  aa: boolean;
  /** The UDP answer was truncated and the query was repeated over TCP. */
  truncated: boolean;
  protocol: "udp" | "tcp";
  answers: DnsRecordView[];
  authorities: DnsRecordView[];
  rttMs: number;
}

export class DnsTimeoutError extends Error {
  constructor(
    readonly server: DnsServer,
    readonly attempts: number,
    readonly timeoutMs: number,
  ) {
    super(`no answer from ${formatServer(server)} after ${attempts} attempt(s) of ${timeoutMs} ms`);
  }
}

export interface QueryOptions {
  timeoutMs?: number;
  /** Extra attempts after a timeout (UDP only). */
  retries?: number;
  /** Ask over TCP from the start. */
  tcp?: boolean;
  recursion?: boolean;
}

export function formatServer(s: DnsServer): string {
  return isIPv6(s.host) ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

/** The first system resolver (from /etc/resolv.conf), as node reads it. */
export function systemServer(): DnsServer | undefined {
  const first = getServers()[0];
  if (!first) return undefined;
  const m = /^\[(.+)\]:(\d+)$/.exec(first) ?? /^([^:]+):(\d+)$/.exec(first);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: first, port: 53 };
}

function view(r: Answer): DnsRecordView {
  return { name: r.name, type: r.type, ttl: "ttl" in r ? (r.ttl ?? 0) : 0, data: presentData(r) };
}

function presentData(r: Answer): string {
  const d = (r as { data?: unknown }).data;
  if (r.type === "SOA") {
    const s = d as { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };
    return `${s.mname} ${s.rname} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
  }
  if (r.type === "TXT") return (Array.isArray(d) ? d : [d]).map((x) => `"${String(x)}"`).join(" ");
  if (r.type === "MX") return `${(d as { preference: number }).preference} ${(d as { exchange: string }).exchange}`;
  if (typeof d === "string") return d;
  return JSON.stringify(d);
}

function encodeQuery(id: number, name: string, type: RecordType, recursion: boolean): Buffer {
  return packet.encode({ type: "query", id, flags: recursion ? packet.RECURSION_DESIRED : 0, questions: [{ type, name, class: "IN" }] });
}

function toResult(server: DnsServer, p: Packet, protocol: "udp" | "tcp", truncated: boolean, rttMs: number): DnsResult {
  return {
    server,
    rcode: (p as { rcode?: string }).rcode ?? "NOERROR",
    aa: Boolean((p as { flag_aa?: boolean }).flag_aa),
    truncated,
    protocol,
    answers: (p.answers ?? []).map(view),
    authorities: (p.authorities ?? []).map(view),
    rttMs,
  };
}

const randomId = () => Math.floor(Math.random() * 0x10000);

/** One DNS query: UDP with retries on timeout, TCP when the UDP answer is truncated (or when asked). */
export async function query(server: DnsServer, name: string, type: RecordType, o: QueryOptions = {}): Promise<DnsResult> {
  const timeoutMs = o.timeoutMs ?? 2000;
  const recursion = o.recursion ?? true;
  if (o.tcp) return queryTcp(server, name, type, timeoutMs, recursion, false);
  const attempts = 1 + (o.retries ?? 2);
  for (let i = 0; i < attempts; i++) {
    const start = performance.now();
    const p = await udpOnce(server, encodeQuery(randomId(), name, type, recursion), timeoutMs);
    if (!p) continue;
    if ((p as { flag_tc?: boolean }).flag_tc) return queryTcp(server, name, type, timeoutMs, recursion, true);
    return toResult(server, p, "udp", false, performance.now() - start);
  }
  throw new DnsTimeoutError(server, attempts, timeoutMs);
}

function udpOnce(server: DnsServer, msg: Buffer, timeoutMs: number): Promise<Packet | undefined> {
  const id = msg.readUInt16BE(0);
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIPv6(server.host) ? "udp6" : "udp4");
    const done = (v: Packet | undefined, err?: Error) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.on("error", (err) => done(undefined, err));
    sock.on("message", (buf) => {
      // Ignore stray datagrams; only our id answers this query.
      if (buf.length < 12 || buf.readUInt16BE(0) !== id) return;
      try {
        done(packet.decode(buf));
      } catch (err) {
        done(undefined, new Error(`malformed answer from ${formatServer(server)}: ${(err as Error).message}`));
      }
    });
    sock.send(msg, server.port, server.host, (err) => err && done(undefined, err));
  });
}

function queryTcp(
  server: DnsServer,
  name: string,
  type: RecordType,
  timeoutMs: number,
  recursion: boolean,
  truncated: boolean,
): Promise<DnsResult> {
  const msg = packet.streamEncode({
    type: "query",
    id: randomId(),
    flags: recursion ? packet.RECURSION_DESIRED : 0,
    questions: [{ type, name, class: "IN" }],
  });
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const sock = connect({ host: server.host, port: server.port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new DnsTimeoutError(server, 1, timeoutMs));
    }, timeoutMs);
    sock.on("connect", () => sock.write(msg));
    sock.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      clearTimeout(timer);
      sock.end();
      try {
        resolve(toResult(server, packet.streamDecode(buf), "tcp", truncated, performance.now() - start));
      } catch (err) {
        reject(new Error(`malformed TCP answer from ${formatServer(server)}: ${(err as Error).message}`));
      }
    });
    sock.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export interface LoadOptions {
  /** Target rate; absent = as fast as possible with `inFlight` outstanding queries. */
  qps?: number;
  inFlight?: number;
  count?: number;
  durationMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called about once a second with the figures so far. */
  onProgress?: (r: LoadResult) => void;
}

export interface LoadResult {
  sent: number;
  answered: number;
  timeouts: number;
  rcodes: Record<string, number>;
  /** Per first answer address (what a client connects to). */
  firstAnswers: Record<string, number>;
  /** Seconds from the first send to the last answer or timeout. */
  elapsedS: number;
  /** Seconds from the first to the last send, plus one send interval when paced. */
  sendWindowS: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

/**
 * Load mode: one UDP socket, a pre-encoded query copied with a fresh id per send, answers matched
 * by id. Paced (`qps`) or closed-loop with `inFlight` outstanding queries.
 */
export function load(server: DnsServer, name: string, type: RecordType, o: LoadOptions): Promise<LoadResult> {
  const template = encodeQuery(0, name, type, true);
  const timeoutMs = o.timeoutMs ?? 2000;
  const inFlight = Math.max(1, o.inFlight ?? 100);
  const limit = o.count ?? Number.POSITIVE_INFINITY;
  const sock: Socket = createSocket(isIPv6(server.host) ? "udp6" : "udp4");
  const pending = new Map<number, number>(); // id → send time
  const rtts: number[] = [];
  const classified = new Map<string, { rcode: string; first?: string }>();
  const r: LoadResult = {
    sent: 0,
    answered: 0,
    timeouts: 0,
    rcodes: {},
    firstAnswers: {},
    elapsedS: 0,
    sendWindowS: 0,
    latencyMs: { p50: 0, p90: 0, p99: 0, max: 0 },
  };
  let nextId = 1;
  let firstSend = 0;
  let lastSend = 0;
  let lastDone = 0;
  let stopSending = false;

  return new Promise((resolve, reject) => {
    const deadline = o.durationMs !== undefined ? performance.now() + o.durationMs : Number.POSITIVE_INFINITY;
    const finish = () => {
      clearInterval(sweeper);
      clearInterval(pacer);
      clearInterval(progress);
      sock.close();
      r.elapsedS = (lastDone - firstSend) / 1000;
      r.sendWindowS = (lastSend - firstSend) / 1000 + (o.qps ? 1 / o.qps : 0);
      r.latencyMs = percentiles(rtts);
      resolve(r);
    };
    const maybeFinish = () => {
      if (stopSending && pending.size === 0) finish();
    };
    const canSend = () => !stopSending && r.sent < limit && performance.now() < deadline && !o.signal?.aborted;
    const sendOne = () => {
      if (!canSend()) {
        stopSending = true;
        maybeFinish();
        return;
      }
      let id = nextId;
      while (pending.has(id)) id = (id + 1) & 0xffff;
      nextId = (id + 1) & 0xffff;
      // sock.send is asynchronous and keeps the buffer: each query needs its own copy.
      const msg = Buffer.from(template);
      msg.writeUInt16BE(id, 0);
      const now = performance.now();
      if (r.sent === 0) firstSend = now;
      lastSend = now;
      pending.set(id, now);
      r.sent++;
      sock.send(msg, server.port, server.host);
    };
    const settle = () => {
      lastDone = performance.now();
      if (!o.qps) sendOne();
      else maybeFinish();
    };

    sock.on("error", (err) => {
      clearInterval(sweeper);
      clearInterval(pacer);
      clearInterval(progress);
      sock.close();
      reject(err);
    });
    sock.on("message", (buf) => {
      if (buf.length < 12) return;
      const id = buf.readUInt16BE(0);
      const sentAt = pending.get(id);
      if (sentAt === undefined) return;
      pending.delete(id);
      rtts.push(performance.now() - sentAt);
      r.answered++;
      // Answers to the same question repeat byte for byte after the id: decode each distinct one once.
      const key = buf.toString("latin1", 2);
      let seen = classified.get(key);
      if (!seen) {
        seen = classify(buf, type);
        if (classified.size < 1024) classified.set(key, seen);
      }
      r.rcodes[seen.rcode] = (r.rcodes[seen.rcode] ?? 0) + 1;
      if (seen.first !== undefined) r.firstAnswers[seen.first] = (r.firstAnswers[seen.first] ?? 0) + 1;
      settle();
    });
    const sweeper = setInterval(
      () => {
        const now = performance.now();
        for (const [id, at] of pending) {
          if (now - at < timeoutMs) continue;
          pending.delete(id);
          r.timeouts++;
          settle();
        }
      },
      Math.min(100, timeoutMs),
    );
    const progress = setInterval(() => o.onProgress?.({ ...r, latencyMs: percentiles(rtts) }), 1000);
    // Paced mode sends every query whose slot has come, so timer jitter does not lower the rate.
    const pacer = o.qps
      ? setInterval(() => {
          const due = Math.floor(((performance.now() - start) / 1000) * o.qps!) + 1;
          while (r.sent < due && canSend()) sendOne();
          if (!canSend()) {
            stopSending = true;
            maybeFinish();
          }
        }, 2)
      : undefined;
    let start = 0;
    // Bind first: datagrams queued while an implicit bind is under way can be lost.
    sock.bind(0, () => {
      start = performance.now();
      if (o.qps) sendOne();
      else for (let i = 0; i < inFlight; i++) sendOne();
    });
  });
}

function classify(buf: Buffer, type: RecordType): { rcode: string; first?: string } {
  try {
    const p = packet.decode(buf);
    const first = p.answers?.find((a) => a.type === type);
    return { rcode: (p as { rcode?: string }).rcode ?? "NOERROR", first: first ? presentData(first) : undefined };
  } catch {
    return { rcode: "MALFORMED" };
  }
}

/** Nearest-rank percentiles of latencies in milliseconds. */
export function percentiles(values: number[]): LoadResult["latencyMs"] {
  if (values.length === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
  const s = Float64Array.from(values).sort();
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(s[s.length - 1]!) };
}

const round = (n: number) => Math.round(n * 100) / 100;
