import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import type { AviClient, Query } from "../../../src/clients/avi/types.js";
import { Analyzer } from "../../../src/workflows/export-logs/analyze.js";
import {
  isoMicros,
  isoToMicros,
  logPages,
  waitForIndex,
  type LogRecord,
  type PageOptions,
} from "../../../src/workflows/export-logs/pages.js";
import { dottedQuad, RowWriter, type RowSink } from "../../../src/workflows/export-logs/rows.js";
import { chiSquarePValue } from "../../../src/workflows/split/stats.js";

/** A logs API over fixed records: newest first, inclusive window, ties in a new random order on every call. */
function fakeLogsApi(records: LogRecord[], o: { percentRemaining?: number[] } = {}) {
  const calls: Query[] = [];
  const remaining = [...(o.percentRemaining ?? [])];
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const get = async (path: string, q: Query) => {
    expect(path).toBe("analytics/logs");
    calls.push(q);
    const start = isoToMicros(String(q.start));
    const end = isoToMicros(String(q.end));
    const size = Number(q.page_size);
    const page = Number(q.page ?? 1);
    const hits = records
      .filter((r) => isoToMicros(String(r.report_timestamp)) >= start && isoToMicros(String(r.report_timestamp)) <= end)
      .map((r) => ({ r, k: rnd() }))
      .sort((a, b) => isoToMicros(String(b.r.report_timestamp)) - isoToMicros(String(a.r.report_timestamp)) || a.k - b.k)
      .map((x) => x.r);
    return { count: hits.length, results: hits.slice((page - 1) * size, page * size), percent_remaining: remaining.shift() ?? 0 };
  };
  const avi = {
    get,
    getDeferred: async (path: string, q: Query) => {
      const body = await get(path, q);
      return async () => body;
    },
  } as unknown as AviClient;
  return { avi, calls };
}

const T0 = Date.UTC(2026, 10, 30, 10) * 1000;
const options = (o: Partial<PageOptions> = {}): PageOptions => ({
  query: { virtualservice: "vs-1" },
  startUs: T0,
  endUs: T0 + 3_600e6,
  pageSize: 100,
  maxWaitMs: 10_000,
  sleep: async () => undefined,
  now: () => 0,
  ...o,
});

describe("logPages", () => {
  it("yields every record exactly once across page and window boundaries, whatever the order of ties", async () => {
    const records: LogRecord[] = [];
    // Instants of 1..120 records, one of 250 (more than a page), one at the window's start.
    const sizes = [...Array.from({ length: 60 }, (_, i) => (i * 37) % 121 || 1), 250];
    sizes.forEach((n, i) => {
      for (let j = 0; j < n; j++)
        records.push({
          report_timestamp: isoMicros(T0 + (i === sizes.length - 1 ? 0 : (i + 1) * 1_000_003)).replace("Z", "+00:00"),
          service_engine: "se-1",
          vcpu_id: j % 2,
          log_id: records.length,
        });
    });
    const { avi, calls } = fakeLogsApi(records);
    const seen: number[] = [];
    for await (const page of logPages(avi, options())) seen.push(...page.map((r) => Number(r.log_id)));
    expect(seen.length).toBe(records.length);
    expect(new Set(seen).size).toBe(records.length);
    // Every call carries the fixed query and the API's limits.
    expect(calls.every((c) => c.virtualservice === "vs-1" && Number(c.page_size) === 100)).toBe(true);
  });

  it("stops at a short page and sends UTC microsecond times", async () => {
    const { avi, calls } = fakeLogsApi([
      { report_timestamp: "2026-11-30T10:00:01.000001+00:00", service_engine: "se-1", vcpu_id: 0, log_id: 1 },
    ]);
    const pages: LogRecord[][] = [];
    for await (const p of logPages(avi, options())) pages.push(p);
    expect(pages.map((p) => p.length)).toEqual([1]);
    expect(calls[0]).toMatchObject({ start: "2026-11-30T10:00:00.000000Z", end: "2026-11-30T11:00:00.000000Z" });
  });
});

describe("waitForIndex", () => {
  it("polls while the controller reports logs still to index, then returns its count", async () => {
    const { avi, calls } = fakeLogsApi([{ report_timestamp: "2026-11-30T10:00:01.000000+00:00" }], { percentRemaining: [40, 5] });
    const slept: number[] = [];
    const r = await waitForIndex(avi, options({ sleep: async (ms) => void slept.push(ms) }));
    expect(r).toEqual({ count: 1, percentRemaining: 0 });
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.page_size === 1)).toBe(true);
    expect(slept).toEqual([4000, 500]);
  });

  it("gives up after the longest wait and says how much was left", async () => {
    let now = 0;
    const { avi } = fakeLogsApi([], { percentRemaining: [50, 50, 50, 50] });
    const r = await waitForIndex(avi, options({ maxWaitMs: 9_000, now: () => now, sleep: async (ms) => void (now += ms) }));
    expect(r.percentRemaining).toBe(50);
  });
});

describe("RowWriter", () => {
  const sink = () => {
    let text = "";
    return { sink: { write: async (t: string) => void (text += t), close: async () => undefined } satisfies RowSink, text: () => text };
  };

  it("writes one header, neutralises formulas and shows IPv4 integers as dotted quads", async () => {
    const s = sink();
    const w = new RowWriter(s.sink, "csv", ["dns_fqdn", "dns_ips", "client_ip", "dns_response.records.addr_ip", "note"], true);
    await w.write([
      {
        dns_fqdn: "=cmd|' /C calc'!A0",
        dns_ips: ["167778659", 167778660],
        client_ip: "127.0.0.1",
        dns_response: { records: [{ addr_ip: 167778659 }] },
        note: "@SUM(1,2)",
      },
    ]);
    await w.write([]);
    await w.write([{ dns_fqdn: 'a,b "quoted"', dns_ips: [], client_ip: "+1", note: "-2\n=3" }]);
    await w.close();
    const rows = parse(s.text(), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      {
        dns_fqdn: "'=cmd|' /C calc'!A0",
        dns_ips: "10.0.25.99 10.0.25.100",
        client_ip: "127.0.0.1",
        "dns_response.records.addr_ip": "10.0.25.99",
        note: "'@SUM(1,2)",
      },
      { dns_fqdn: 'a,b "quoted"', dns_ips: "", client_ip: "'+1", "dns_response.records.addr_ip": "", note: "'-2\n=3" },
    ]);
  });

  it("keeps the header when there are no rows, and closes a JSON array", async () => {
    const csv = sink();
    await new RowWriter(csv.sink, "csv", ["a", "b"], true).close();
    expect(csv.text()).toBe("a,b\n");
    const json = sink();
    const w = new RowWriter(json.sink, "json", ["dns_ips"], false);
    await w.write([{ dns_ips: [167778659], client_ip: "1" }]);
    await w.write([{ dns_ips: ["167778660"] }]);
    await w.close();
    expect(JSON.parse(json.text())).toEqual([{ dns_ips: ["10.0.25.99"], client_ip: "0.0.0.1" }, { dns_ips: ["10.0.25.100"] }]);
  });

  it("dottedQuad leaves anything that is not an IPv4 integer alone", () => {
    expect([dottedQuad(0), dottedQuad("4294967295"), dottedQuad("10.1.2.3"), dottedQuad(-1), dottedQuad("2001:db8::1")]).toEqual([
      "0.0.0.0",
      "255.255.255.255",
      "10.1.2.3",
      -1,
      "2001:db8::1",
    ]);
  });
});

describe("Analyzer", () => {
  it("labels answers from --label, else the GSLB site logged with the answer, and tests the split", () => {
    const a = new Analyzer("dns_ips", { "10.0.0.1": "s1az1" });
    const rec = (ip: number, site?: string) => ({
      dns_ips: [ip],
      dns_response: { records: [{ addr_ip: ip, ...(site ? { site_name: site } : {}) }] },
    });
    const ip = (d: number) => 10 * 2 ** 24 + d;
    a.add([
      ...Array.from({ length: 60 }, () => rec(ip(1), "ignored")),
      ...Array.from({ length: 30 }, () => rec(ip(2), "s1az2")),
      ...Array.from({ length: 10 }, () => rec(ip(3))),
    ]);
    const r = a.result({ s1az1: 6, s1az2: 3, "10.0.0.3": 1 });
    expect(r.counts.map((c) => [c.value, c.label, c.count])).toEqual([
      ["10.0.0.1", "s1az1", 60],
      ["10.0.0.2", "s1az2", 30],
      ["10.0.0.3", "10.0.0.3", 10],
    ]);
    expect(r.expectation).toMatchObject({ verdict: "pass", statistic: 0, pValue: 1 });
  });

  it("names the member's virtual service where one site answered with several addresses", () => {
    const a = new Analyzer("dns_ips", {});
    const rec = (ip: string, site: string, vs?: string) => ({
      dns_ips: [ip],
      dns_response: { records: [{ addr_ip: ip, site_name: site, ...(vs ? { vs_name: vs } : {}) }] },
    });
    a.add([rec("10.0.0.1", "site1", "s1az1-vs"), rec("10.0.0.2", "site1"), rec("10.0.0.3", "site2", "s2-vs"), rec("10.0.0.1", "site1")]);
    expect(a.result().counts.map((c) => [c.value, c.label, c.count])).toEqual([
      ["10.0.0.1", "site1/s1az1-vs", 2],
      ["10.0.0.2", "site1/10.0.0.2", 1],
      ["10.0.0.3", "site2", 1],
    ]);
  });
});

describe("chiSquarePValue", () => {
  it.each([
    [6.635, 1, 0.01],
    [9.21, 2, 0.01],
    [1, 1, 0.3173],
    [0.5, 3, 0.9189],
  ])("χ²=%s df=%s → p≈%s", (x, df, p) => {
    expect(chiSquarePValue(x, df)).toBeCloseTo(p, 3);
  });
});
