import { isIP } from "node:net";
import { UsageError } from "../../base/errors.js";
import {
  percentiles,
  type DnsRecordView,
  type DnsResult,
  type DnsServer,
  type LoadOptions,
  type LoadResult,
  type QueryOptions,
} from "../../clients/dns.js";
import type { ProbeRequest, ProbeResponse } from "../../clients/http.js";
import type { RecordType } from "dns-packet";
import type { CheckDnsOptions, ServerSpec } from "./options.js";
import { compareShares, type ExpectationResult } from "../split/stats.js";

/** What check-dns needs from the outside world; tests pass fakes or the real clients. */
export interface CheckDnsClients {
  query(server: DnsServer, name: string, type: RecordType, o: QueryOptions): Promise<DnsResult>;
  load(server: DnsServer, name: string, type: RecordType, o: LoadOptions): Promise<LoadResult>;
  probe(r: ProbeRequest): Promise<ProbeResponse>;
  /** Address of a server given by name (system resolver). */
  lookup(host: string): Promise<string>;
  systemServer(): DnsServer | undefined;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  now(): Date;
}

export interface HttpOutcome {
  url: string;
  status?: number;
  headers: Record<string, string>;
  message?: string;
  pod?: string;
  ms?: number;
  error?: string;
}

/** One iteration: the DNS answer and what the first address served over HTTP. */
export interface Iteration {
  seq: number;
  time: string;
  fqdn: string;
  type: string;
  server?: string;
  rcode?: string;
  aa?: boolean;
  ttl?: number;
  /** Every address in the answer, in order. */
  addresses: string[];
  answers: DnsRecordView[];
  /** Authority section, e.g. the zone's SOA with NXDOMAIN. */
  authority: DnsRecordView[];
  /** Answered over TCP after a truncated UDP answer. */
  tcp?: boolean;
  /** Label of the first address: --label, else the site from the page, else the address. */
  label?: string;
  dnsMs?: number;
  dnsError?: string;
  http?: HttpOutcome;
}

export interface ShareRow {
  label: string;
  addresses: string[];
  count: number;
  share: number;
}

export interface CheckDnsSummary {
  mode: "probe" | "load";
  fqdn: string;
  type: string;
  server?: string;
  queries: number;
  answered: number;
  dnsFailures: number;
  httpFailures: number;
  rcodes: Record<string, number>;
  shares: ShareRow[];
  latencyMs: { dns: Percentiles; http?: Percentiles };
  rate?: { requested?: number; achieved: number };
  durationS: number;
  expectation?: ExpectationResult;
  /** True when the verification passed (or there was none and at least one answer came back). */
  passed: boolean;
}

export type Percentiles = LoadResult["latencyMs"];

/** Running counts shared by both modes; the command shows them live. */
export class Tally {
  readonly byLabel = new Map<string, { count: number; addresses: Set<string> }>();
  readonly rcodes: Record<string, number> = {};
  queries = 0;
  answered = 0;
  dnsFailures = 0;
  httpFailures = 0;
  readonly dnsMs: number[] = [];
  readonly httpMs: number[] = [];

  add(label: string, address: string, n = 1): void {
    const e = this.byLabel.get(label) ?? { count: 0, addresses: new Set<string>() };
    e.count += n;
    e.addresses.add(address);
    this.byLabel.set(label, e);
  }

  shares(): ShareRow[] {
    const total = [...this.byLabel.values()].reduce((a, e) => a + e.count, 0);
    return [...this.byLabel]
      .map(([label, e]) => ({ label, addresses: [...e.addresses], count: e.count, share: total ? round(e.count / total, 4) : 0 }))
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.byLabel].map(([l, e]) => [l, e.count]));
  }
}

/** "MESSAGE: This service resides in SITE1 AZ1" and the pod name, from a hello-kubernetes page. */
export function parseHelloPage(body: string): { message?: string; site?: string; pod?: string } {
  const text = body.replace(/<[^>]+>/g, " ");
  const message = /MESSAGE:\s*([^\n]*?)\s*(?:\n|$)/.exec(text)?.[1]?.trim();
  const site = message ? /resides in\s+(.+)$/i.exec(message)?.[1]?.trim() : undefined;
  const pod = /pod:\s*<\/th>\s*<td>\s*([^<\s]+)/i.exec(body)?.[1] ?? /pod:\s+(\S+)/i.exec(text)?.[1];
  return { message: message ? `MESSAGE: ${message}` : undefined, site, pod };
}

function displayServer(s: DnsServer): string {
  return isIP(s.host) === 6 ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

async function resolveServer(spec: ServerSpec | undefined, c: CheckDnsClients): Promise<DnsServer> {
  if (!spec) {
    const sys = c.systemServer();
    if (!sys) throw new UsageError("no system resolver is configured; pass --server IP[:PORT]");
    return sys;
  }
  if (isIP(spec.host)) return spec;
  try {
    return { host: await c.lookup(spec.host), port: spec.port };
  } catch {
    throw new UsageError(`--server ${spec.host} does not resolve to an address`);
  }
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The check_dns.sh loop: ask, probe the first address, tally; until --count or Ctrl-C. */
export async function checkDns(
  o: CheckDnsOptions,
  c: CheckDnsClients,
  onIteration: (it: Iteration, tally: Tally) => void,
  signal: AbortSignal,
): Promise<CheckDnsSummary> {
  const tally = new Tally();
  const started = c.now().getTime();
  // A server that does not resolve is a usage error, found before the first query.
  const server = await resolveServer(o.server, c);
  // Learned from pages: address → site, so later answers from the same address are labelled even if HTTP fails.
  const siteOf = new Map<string, string>();
  for (let seq = 1; !signal.aborted && (o.count === undefined || seq <= o.count); seq++) {
    if (seq > 1) await c.sleep(o.intervalMs, signal);
    if (signal.aborted) break;
    const it: Iteration = { seq, time: c.now().toISOString(), fqdn: o.fqdn, type: o.type, addresses: [], answers: [], authority: [] };
    tally.queries++;
    try {
      it.server = displayServer(server);
      const r = await c.query(server, o.fqdn, o.type, { timeoutMs: o.timeoutMs, retries: 1 });
      it.rcode = r.rcode;
      it.aa = r.aa;
      it.dnsMs = round(r.rttMs, 2);
      it.answers = r.answers;
      it.authority = r.authorities;
      if (r.protocol === "tcp") it.tcp = true;
      const addr = r.answers.filter((a) => a.type === o.type);
      it.addresses = addr.map((a) => a.data);
      it.ttl = (addr[0] ?? r.answers[0])?.ttl;
      tally.rcodes[r.rcode] = (tally.rcodes[r.rcode] ?? 0) + 1;
      tally.dnsMs.push(r.rttMs);
      if (r.rcode !== "NOERROR") it.dnsError = `${o.fqdn} answered ${r.rcode}`;
      else if (it.addresses.length === 0 && (o.type === "A" || o.type === "AAAA")) it.dnsError = `${o.fqdn} has no ${o.type} record`;
    } catch (err) {
      it.dnsError = errorText(err);
      tally.rcodes.TIMEOUT = (tally.rcodes.TIMEOUT ?? 0) + (/no answer/.test(it.dnsError) ? 1 : 0);
    }
    if (it.dnsError) tally.dnsFailures++;
    else tally.answered++;

    const first = it.addresses[0];
    if (first && o.http) {
      const url = `${o.scheme}://${o.fqdn}${o.port === (o.scheme === "https" ? 443 : 80) ? "" : `:${o.port}`}${o.path}`;
      if (o.loopbackOnly && !first.startsWith("127.")) {
        it.http = {
          url,
          headers: {},
          error: `not probed: ${first} is outside 127.0.0.0/8, and nothing run against the lab leaves loopback`,
        };
        tally.httpFailures++;
      } else {
        try {
          const res = await c.probe({
            scheme: o.scheme,
            address: first,
            port: o.port,
            path: o.path,
            host: o.fqdn,
            timeoutMs: o.timeoutMs,
            insecure: o.insecure,
          });
          const page = parseHelloPage(res.body);
          it.http = {
            url,
            status: res.status,
            headers: Object.fromEntries(o.headers.filter((h) => res.headers[h] !== undefined).map((h) => [h, res.headers[h]!])),
            message: page.message,
            pod: page.pod,
            ms: round(res.ms, 2),
          };
          if (page.site) siteOf.set(first, page.site);
          tally.httpMs.push(res.ms);
          if (res.status >= 400) {
            it.http.error = `HTTP ${res.status} from ${first}`;
            tally.httpFailures++;
          }
        } catch (err) {
          it.http = { url, headers: {}, error: `${first}:${o.port} ${errorText(err)}` };
          tally.httpFailures++;
        }
      }
    }
    if (first) {
      it.label = o.labels[first] ?? siteOf.get(first) ?? first;
      tally.add(it.label, first);
    }
    onIteration(it, tally);
  }
  return summarise(o, tally, server, (c.now().getTime() - started) / 1000);
}

/** Load mode (dnsperf-style): the split of first answers at a target rate or as fast as possible. */
export async function checkDnsLoad(
  o: CheckDnsOptions,
  c: CheckDnsClients,
  onProgress: (r: LoadResult) => void,
  signal: AbortSignal,
): Promise<CheckDnsSummary> {
  const server = await resolveServer(o.server, c);
  const r = await c.load(server, o.fqdn, o.type, {
    qps: o.qps === "max" ? undefined : o.qps,
    inFlight: o.inFlight,
    count: o.count,
    durationMs: o.durationMs,
    timeoutMs: o.timeoutMs,
    signal,
    onProgress,
  });
  const tally = new Tally();
  tally.queries = r.sent;
  tally.answered = Object.entries(r.rcodes)
    .filter(([k]) => k === "NOERROR")
    .reduce((a, [, n]) => a + n, 0);
  tally.dnsFailures = r.sent - tally.answered;
  Object.assign(tally.rcodes, r.rcodes, r.timeouts ? { TIMEOUT: r.timeouts } : {});
  for (const [address, n] of Object.entries(r.firstAnswers)) tally.add(o.labels[address] ?? address, address, n);
  const s = summarise(o, tally, server, r.elapsedS);
  s.latencyMs = { dns: r.latencyMs };
  s.rate = {
    requested: o.qps === "max" ? undefined : o.qps,
    achieved: round(o.qps === "max" ? r.answered / Math.max(r.elapsedS, 1e-9) : r.sent / Math.max(r.sendWindowS, 1e-9), 1),
  };
  return s;
}

function summarise(o: CheckDnsOptions, t: Tally, server: DnsServer | undefined, durationS: number): CheckDnsSummary {
  const expectation = o.expect ? compareShares(matchLabels(t.counts(), o.expect), o.expect) : undefined;
  return {
    mode: o.qps === undefined ? "probe" : "load",
    fqdn: o.fqdn,
    type: o.type,
    server: server ? displayServer(server) : undefined,
    queries: t.queries,
    answered: t.answered,
    dnsFailures: t.dnsFailures,
    httpFailures: t.httpFailures,
    rcodes: t.rcodes,
    shares: t.shares(),
    latencyMs: { dns: percentiles(t.dnsMs), ...(t.httpMs.length ? { http: percentiles(t.httpMs) } : {}) },
    durationS: round(durationS, 3),
    expectation,
    passed: expectation ? expectation.verdict === "pass" : t.answered > 0,
  };
}

/** Observed labels keyed like the expectation (case and spacing ignored: "SITE1 AZ1" matches "site1az1"). */
function matchLabels(observed: Record<string, number>, expect: Record<string, number>): Record<string, number> {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9.:]/g, "");
  const keyOf = new Map(Object.keys(expect).map((k) => [norm(k), k]));
  const out: Record<string, number> = {};
  for (const [label, n] of Object.entries(observed)) {
    const k = keyOf.get(norm(label)) ?? label;
    out[k] = (out[k] ?? 0) + n;
  }
  return out;
}

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;
