import { isIP } from "node:net";
import type { RecordType } from "dns-packet";
import { UsageError } from "../../base/errors.js";
import { parseDuration } from "../../base/duration.js";
import { assertDnsName } from "../infra/net.js";
import { parseLabels, parseWeights } from "../split/weights.js";

export const QUERY_TYPES = ["A", "AAAA", "SOA", "NS", "CNAME", "TXT", "MX"] as const;

export interface ServerSpec {
  /** IP address or host name (resolved by the loop, so a failure is counted, not fatal). */
  host: string;
  port: number;
}

export interface CheckDnsOptions {
  fqdn: string;
  intervalMs: number;
  /** Undefined: the system resolver. */
  server?: ServerSpec;
  count?: number;
  type: RecordType;
  http: boolean;
  scheme: "http" | "https";
  port: number;
  path: string;
  /** Response headers shown per iteration. */
  headers: string[];
  expect?: Record<string, number>;
  /** Answer address → site label. */
  labels: Record<string, string>;
  /** Load mode: a target rate, or "max" for as fast as possible. */
  qps?: number | "max";
  inFlight: number;
  durationMs?: number;
  timeoutMs: number;
  insecure: boolean;
  /** Talking to the lab: never probe an address outside 127.0.0.0/8 (the blog's 10.x addresses are data). */
  loopbackOnly?: boolean;
}

export function parseServer(spec: string): ServerSpec {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(.*))?$/.exec(spec);
  const [host, portText] = v6
    ? [v6[1]!, v6[2]]
    : isIP(spec) === 6
      ? [spec, undefined]
      : (spec.split(":", 2) as [string, string | undefined]);
  if (/^[\d.]+$/.test(host) && isIP(host) !== 4) throw new UsageError(`--server "${spec}" is not a valid IPv4 address`);
  if (!host || (isIP(host) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host))) {
    throw new UsageError(`--server "${spec}" must be IP[:PORT] or HOST[:PORT]`);
  }
  return { host, port: portText === undefined ? 53 : parsePort(portText, "--server port") };
}

export function parsePort(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new UsageError(`${what} "${text}" must be a number from 1 to 65535`);
  return n;
}

export function toCheckDnsOptions(
  fqdn: string,
  interval: string | undefined,
  raw: {
    server?: string;
    count?: string;
    type?: string;
    http?: boolean;
    scheme?: string;
    port?: string;
    path?: string;
    header?: string[];
    expect?: string;
    label?: string[];
    qps?: string;
    inFlight?: string;
    duration?: string;
    timeout?: string;
    insecure?: boolean;
  },
): CheckDnsOptions {
  const name = assertDnsName(fqdn.replace(/\.$/, ""), "FQDN");
  let intervalMs = 1000;
  if (interval !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(interval)) throw new UsageError(`interval "${interval}" must be a number of seconds, e.g. 2 or 0.5`);
    intervalMs = Number(interval) * 1000;
  }
  const count = raw.count === undefined ? undefined : Number(raw.count);
  if (count !== undefined && (!Number.isInteger(count) || count < 1))
    throw new UsageError(`--count "${raw.count}" must be a whole number of at least 1`);
  const type = (raw.type ?? "A").toUpperCase();
  if (!(QUERY_TYPES as readonly string[]).includes(type))
    throw new UsageError(`--type "${raw.type}" must be one of ${QUERY_TYPES.join(", ")}`);
  const scheme = raw.scheme ?? "http";
  if (scheme !== "http" && scheme !== "https") throw new UsageError(`--scheme must be http or https, not "${scheme}"`);
  const path = raw.path ?? "/";
  if (!path.startsWith("/")) throw new UsageError(`--path "${path}" must start with /`);
  const labels = parseLabels(raw.label);
  let qps: number | "max" | undefined;
  if (raw.qps !== undefined) {
    qps = raw.qps === "max" ? "max" : Number(raw.qps);
    if (qps !== "max" && (!Number.isFinite(qps) || qps <= 0 || qps > 1_000_000))
      throw new UsageError(`--qps "${raw.qps}" must be a positive rate or "max"`);
  }
  const inFlight = raw.inFlight === undefined ? 100 : Number(raw.inFlight);
  if (!Number.isInteger(inFlight) || inFlight < 1 || inFlight > 10_000)
    throw new UsageError(`--in-flight "${raw.inFlight}" must be a whole number from 1 to 10000`);
  const durationMs = raw.duration === undefined ? undefined : parseDuration(raw.duration, "--duration");
  if (qps !== undefined && count === undefined && durationMs === undefined)
    throw new UsageError("load mode (--qps) needs --count N or --duration D");
  const timeoutMs = raw.timeout === undefined ? 2000 : parseDuration(raw.timeout, "--timeout");
  return {
    fqdn: name,
    intervalMs,
    server: raw.server === undefined ? undefined : parseServer(raw.server),
    count,
    type: type as RecordType,
    // Probing HTTP only makes sense for address answers, and never in load mode.
    http: raw.http !== false && qps === undefined && (type === "A" || type === "AAAA"),
    scheme,
    port: raw.port === undefined ? (scheme === "https" ? 443 : 80) : parsePort(raw.port, "--port"),
    path,
    headers: (raw.header ?? ["server"]).map((h) => h.toLowerCase()),
    expect: raw.expect === undefined ? undefined : parseWeights(raw.expect),
    labels,
    qps,
    inFlight,
    durationMs,
    timeoutMs,
    insecure: Boolean(raw.insecure),
  };
}
