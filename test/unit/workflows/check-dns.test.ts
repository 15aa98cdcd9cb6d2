import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/cli/errors.js";
import type { DnsResult } from "../../../src/clients/dns.js";
import { toCheckDnsOptions, parseServer } from "../../../src/workflows/check-dns/options.js";
import { checkDns, parseHelloPage, type CheckDnsClients, type Iteration } from "../../../src/workflows/check-dns/run.js";
import { compareShares, chiSquareCritical } from "../../../src/workflows/split/stats.js";

describe("compareShares", () => {
  it("passes a split close to the weights and fails one far from them", () => {
    expect(compareShares({ a: 590, b: 310, c: 100 }, { a: 6, b: 3, c: 1 }).verdict).toBe("pass");
    const bad = compareShares({ a: 334, b: 333, c: 333 }, { a: 6, b: 3, c: 1 });
    expect(bad.verdict).toBe("fail");
    expect(bad.statistic).toBeGreaterThan(bad.critical);
    expect(bad.rows.map((r) => r.expected)).toEqual([600, 300, 100]);
  });
  it("fails on answers from a label nobody expected", () => {
    const r = compareShares({ a: 50, b: 50, stray: 1 }, { a: 1, b: 1 });
    expect(r.verdict).toBe("fail");
    expect(r.reason).toMatch(/outside the expected labels: stray \(1\)/);
  });
  it("is inconclusive with too few answers and says how many are needed", () => {
    const r = compareShares({ a: 6, b: 3, c: 1 }, { a: 6, b: 3, c: 1 });
    expect(r.verdict).toBe("inconclusive");
    expect(r.reason).toMatch(/at least 50 are needed/);
  });
  it("uses the table and a close approximation beyond it", () => {
    expect(chiSquareCritical(2)).toBe(9.21);
    expect(chiSquareCritical(35)).toBeGreaterThan(chiSquareCritical(30));
    expect(chiSquareCritical(35)).toBeLessThan(chiSquareCritical(40));
  });
});

describe("options", () => {
  it("parses servers with ports, IPv6 and names", () => {
    expect(parseServer("10.10.25.40")).toEqual({ host: "10.10.25.40", port: 53 });
    expect(parseServer("127.0.0.1:5353")).toEqual({ host: "127.0.0.1", port: 5353 });
    expect(parseServer("[::1]:5353")).toEqual({ host: "::1", port: 5353 });
    expect(parseServer("::1")).toEqual({ host: "::1", port: 53 });
    expect(parseServer("dns.example.com:54")).toEqual({ host: "dns.example.com", port: 54 });
    expect(() => parseServer("10.0.0.1:0")).toThrow(/must be a number from 1 to 65535/);
  });
  it("defaults to HTTP probing for A queries only, never in load mode", () => {
    expect(toCheckDnsOptions("a.b", "2", {}).http).toBe(true);
    expect(toCheckDnsOptions("a.b", "2", {}).intervalMs).toBe(2000);
    expect(toCheckDnsOptions("a.b", undefined, { type: "soa" }).http).toBe(false);
    expect(toCheckDnsOptions("a.b", undefined, { qps: "max", count: "10" }).http).toBe(false);
    expect(toCheckDnsOptions("a.b", undefined, { scheme: "https" }).port).toBe(443);
  });
});

describe("parseHelloPage", () => {
  it("reads the MESSAGE line, the site and the pod of a hello-kubernetes page", () => {
    const page = `<div id="message">\n  MESSAGE: This service resides in SITE1 AZ2\n</div><table><tr><th>pod:</th><td>hello-6c7c8cbf8d-x2x9k</td></tr></table>`;
    expect(parseHelloPage(page)).toEqual({
      message: "MESSAGE: This service resides in SITE1 AZ2",
      site: "SITE1 AZ2",
      pod: "hello-6c7c8cbf8d-x2x9k",
    });
    expect(parseHelloPage("<html>nothing</html>")).toEqual({ message: undefined, site: undefined, pod: undefined });
  });
});

describe("checkDns loop", () => {
  const answer = (ip: string): DnsResult => ({
    server: { host: "10.0.0.1", port: 53 },
    rcode: "NOERROR",
    aa: true,
    truncated: false,
    protocol: "udp",
    answers: [{ name: "h.x", type: "A", ttl: 30, data: ip }],
    authorities: [],
    rttMs: 1,
  });
  it("keeps going through DNS and HTTP failures, counts them and labels answers from the page", async () => {
    const script: (DnsResult | Error)[] = [
      answer("10.0.0.11"),
      new Error("no answer from 10.0.0.1:53 after 2 attempt(s) of 2000 ms"),
      answer("10.0.0.12"),
      answer("10.0.0.11"),
    ];
    let i = 0;
    const c: CheckDnsClients = {
      query: async () => {
        const next = script[i++]!;
        if (next instanceof Error) throw next;
        return next;
      },
      load: async () => {
        throw new Error("not used");
      },
      probe: async (r) => {
        if (r.address === "10.0.0.12") throw new Error("connect ECONNREFUSED");
        return { status: 200, headers: { server: "hello" }, body: "MESSAGE: This service resides in SITE1 AZ1\n", ms: 1 };
      },
      lookup: async () => "10.0.0.1",
      systemServer: () => undefined,
      sleep: async () => undefined,
      now: () => new Date("2026-11-23T00:00:00Z"),
    };
    const seen: Iteration[] = [];
    const s = await checkDns(
      toCheckDnsOptions("h.x", "1", { server: "10.0.0.1", count: "4" }),
      c,
      (it) => seen.push(it),
      new AbortController().signal,
    );
    expect(seen.map((x) => x.dnsError ?? x.http?.error ?? x.label)).toEqual([
      "SITE1 AZ1",
      "no answer from 10.0.0.1:53 after 2 attempt(s) of 2000 ms",
      "10.0.0.12:80 connect ECONNREFUSED",
      "SITE1 AZ1",
    ]);
    expect([s.queries, s.answered, s.dnsFailures, s.httpFailures]).toEqual([4, 3, 1, 1]);
    expect(s.shares.map((x) => [x.label, x.count])).toEqual([
      ["SITE1 AZ1", 2],
      ["10.0.0.12", 1],
    ]);
    expect(s.passed).toBe(true);
  });

  it("refuses a --server name that does not resolve before the first query (usage error)", async () => {
    let queries = 0;
    const c: CheckDnsClients = {
      query: async () => {
        queries++;
        throw new Error("not used");
      },
      load: async () => {
        throw new Error("not used");
      },
      probe: async () => {
        throw new Error("not used");
      },
      lookup: async (host) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
      },
      systemServer: () => undefined,
      sleep: async () => undefined,
      now: () => new Date("2026-11-23T00:00:00Z"),
    };
    const run = checkDns(
      toCheckDnsOptions("h.x", "1", { server: "dns.nowhere", count: "2" }),
      c,
      () => undefined,
      new AbortController().signal,
    );
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow("--server dns.nowhere does not resolve to an address");
    expect(queries).toBe(0);
    expect(() => toCheckDnsOptions("h.x", "1", { server: "300.1.1.1" })).toThrow('--server "300.1.1.1" is not a valid IPv4 address');
  });

  it("against the lab, never probes an address outside loopback", async () => {
    const probed: string[] = [];
    const c: CheckDnsClients = {
      query: async () => answer(probed.length ? "127.10.25.41" : "10.10.25.41"),
      load: async () => {
        throw new Error("not used");
      },
      probe: async (r) => {
        probed.push(r.address);
        return { status: 200, headers: {}, body: "MESSAGE: Hello world!\n", ms: 1 };
      },
      lookup: async () => "127.0.0.1",
      systemServer: () => undefined,
      sleep: async () => undefined,
      now: () => new Date("2026-11-23T00:00:00Z"),
    };
    const o = { ...toCheckDnsOptions("h.x", "1", { server: "127.0.0.1:5353", count: "1" }), loopbackOnly: true };
    const seen: Iteration[] = [];
    await checkDns(o, c, (it) => seen.push(it), new AbortController().signal);
    expect(probed).toEqual([]);
    expect(seen[0]!.http?.error).toMatch(/not probed: 10\.10\.25\.41 is outside 127\.0\.0\.0\/8/);
    probed.push("marker");
    await checkDns(o, c, () => undefined, new AbortController().signal);
    expect(probed).toEqual(["marker", "127.10.25.41"]);
  });
});
