import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDnsService, type DnsServiceHandle } from "../../src/lab/dns/server.js";
import { startTestController } from "../helpers/lab.js";
import { binPath, isolatedConfig, runCli, startCli } from "../helpers/run-cli.js";

type Lab = Awaited<ReturnType<typeof startTestController>>;
let lab: Lab;
let dns: DnsServiceHandle;
let env: Record<string, string>;
let server: string;
const dir = mkdtempSync(join(tmpdir(), "avictl-export-"));
// Answer addresses are data here, never contacted (the queries are DNS only).
const A = "10.10.25.61";
const B = "10.10.25.62";

const SETUP: string[][] = [
  ["bootstrap", "cloud", "--dns-domain", "avi.iberia.local", "--ttl", "30"],
  ["create-vrf", "VRF_AZ1", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.25.40-127.10.25.59"],
  ["seg", "create", "DNS-SE-Group", "--prefix", "dns", "--buffer-se", "0", "--no-log-throttle"],
  [
    "dns-vs",
    "create",
    "logs-dns",
    "--network",
    "AVI_FRONTEND_3025",
    "--record",
    `a.split.avi.iberia.local=${A}`,
    "--record",
    `b.split.avi.iberia.local=${B}`,
  ],
  ["dns-vs", "create", "bulk-dns", "--network", "AVI_FRONTEND_3025", "--record", "bulk.avi.iberia.local=10.10.25.63"],
];

beforeAll(async () => {
  lab = await startTestController();
  dns = startDnsService(lab.ctrl);
  env = { AVICTL_CONFIG: isolatedConfig(), ...lab.env() };
  for (const args of SETUP) {
    const r = await runCli(args, { env });
    expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  }
  await dns.ready();
  const ep = dns.endpoints().find((e) => e.vs === "logs-dns")!;
  server = `${ep.host}:${ep.port}`;
});
afterAll(async () => {
  await dns?.close();
  await lab?.ctrl.close();
});

const exportLogs = (args: string[]) => runCli(["export-logs", ...args], { env, timeoutMs: 240_000 });
const csvRows = (file: string) => parse(readFileSync(file, "utf8"), { columns: true }) as Record<string, string>[];

describe("vs analytics", () => {
  it("shows the settings before and after, and a re-run changes nothing", async () => {
    const off = await runCli(["vs", "analytics", "logs-dns", "--non-significant-logs", "off", "--log-throttle", "on", "-o", "json"], {
      env,
    });
    expect(off.code, off.stderr).toBe(0);
    const r1 = JSON.parse(off.stdout) as {
      before: Record<string, unknown>;
      after: Record<string, unknown>;
      plan: { action: string }[];
      writes: number;
    };
    // dns-vs create turned them on; now off and throttled.
    expect(r1.before).toMatchObject({ nonSignificantLogs: true, nonSignificantLogThrottle: 0, significantLogThrottle: 0 });
    expect(r1.after).toMatchObject({
      nonSignificantLogs: false,
      nonSignificantLogThrottle: 10,
      significantLogThrottle: 10,
      udfLogThrottle: 10,
    });
    expect(r1.plan[0]!.action).toBe("update");
    // Without non-significant logs the controller keeps only errors: answered queries leave no log.
    const from = new Date(Date.now() - 1000).toISOString();
    expect((await runCli(["check-dns", "a.split.avi.iberia.local", "--server", server, "--qps", "50", "--count", "5"], { env })).code).toBe(
      0,
    );
    const none = await exportLogs([
      "--vs",
      "logs-dns",
      "--start",
      from,
      "--end",
      new Date(Date.now() + 1000).toISOString(),
      "-o",
      "json",
      "--out",
      join(dir, "none.csv"),
    ]);
    expect(JSON.parse(none.stdout)).toMatchObject({ rows: 0, reported: 0 });
    const on = ["vs", "analytics", "logs-dns", "--non-significant-logs", "on", "--realtime-metrics", "on", "--log-throttle", "off"];
    expect((await runCli(on, { env })).code).toBe(0);
    const again = await runCli([...on, "-o", "json"], { env });
    const r2 = JSON.parse(again.stdout) as {
      before: Record<string, unknown>;
      after: Record<string, unknown>;
      plan: { action: string }[];
      writes: number;
    };
    expect([r2.plan[0]!.action, r2.writes]).toEqual(["unchanged", 0]);
    expect(r2.after).toEqual(r2.before);
    expect(r2.after).toMatchObject({
      nonSignificantLogs: true,
      nonSignificantLogsDuration: 0,
      realtimeMetrics: true,
      nonSignificantLogThrottle: 0,
      udfLogThrottle: 0,
    });
    const table = await runCli(["vs", "analytics", "logs-dns"], { env });
    expect(table.stdout).toMatch(/non-significant logs\ton\ton/);
  });

  it("refuses a bad switch value and an unknown virtual service with exit 2", async () => {
    const bad = await runCli(["vs", "analytics", "logs-dns", "--log-throttle", "maybe"], { env });
    expect([bad.code, bad.stderr.split("\n")[0]]).toEqual([2, 'error: --log-throttle must be on or off, not "maybe"']);
    const missing = await runCli(["vs", "analytics", "no-such-vs", "--log-throttle", "off"], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/virtual service "no-such-vs" does not exist/);
  });
});

describe("export-logs against the lab's DNS logs", () => {
  let start: string;
  let end: string;
  beforeAll(async () => {
    start = new Date(Date.now() - 1000).toISOString();
    // 1 000 queries in a 6:4 ratio to the two records, through check-dns's load mode.
    for (const [name, count] of [
      ["a.split.avi.iberia.local", "600"],
      ["b.split.avi.iberia.local", "400"],
    ] as const) {
      const r = await runCli(["check-dns", name, "--server", server, "--qps", "max", "--in-flight", "20", "--count", count, "-o", "json"], {
        env,
      });
      expect(r.code, r.stderr).toBe(0);
    }
    end = new Date(Date.now() + 1000).toISOString();
  });

  it("writes exactly one CSV row per query, answers as dotted quads", async () => {
    const out = join(dir, "split.csv");
    const r = await exportLogs(["--vs", "logs-dns", "--start", start, "--end", end, "--format", "csv", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1000 rows to .*split\.csv, as many as the controller counted/);
    const rows = csvRows(out);
    expect(rows).toHaveLength(1000);
    expect(Object.keys(rows[0]!)).toEqual([
      "report_timestamp",
      "client_ip",
      "client_src_port",
      "dns_fqdn",
      "dns_qtype",
      "dns_ips",
      "dns_response.response_code",
      "gslbservice_name",
      "dns_response.records.site_name",
      "significant",
      "service_engine",
      "log_id",
    ]);
    const byIp = rows.reduce<Record<string, number>>((m, x) => ({ ...m, [x.dns_ips!]: (m[x.dns_ips!] ?? 0) + 1 }), {});
    expect(byIp).toEqual({ [A]: 600, [B]: 400 });
    expect(new Set(rows.map((x) => x.dns_response_code ?? x["dns_response.response_code"]))).toEqual(new Set(["DNS_RCODE_NOERROR"]));
  });

  it("--analyze --expect A=6,B=4 holds (exit 0); a wrong expectation exits 3", async () => {
    const labels = ["--label", `${A}=A`, "--label", `${B}=B`];
    const chart = join(dir, "split.html");
    const ok = await exportLogs([
      "--vs",
      "logs-dns",
      "--start",
      start,
      "--end",
      end,
      "--out",
      join(dir, "ok.csv"),
      "--analyze",
      "--expect",
      "A=6,B=4",
      ...labels,
      "--chart",
      chart,
    ]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/✓ pass: χ²=0 ≤ 6\.63 \(df=1, α=0\.01\); p=1/);
    expect(ok.stderr).toMatch(/chart written to .*split\.html/);
    const html = readFileSync(chart, "utf8");
    expect(html).toMatch(/<text class="label"[^>]*>A<\/text>/);
    expect(html).toMatch(/60\.0% \(600\) · expected 60\.0%/);
    const wrong = await exportLogs([
      "--vs",
      "logs-dns",
      "--start",
      start,
      "--end",
      end,
      "--out",
      join(dir, "wrong.csv"),
      "--expect",
      "A=1,B=1",
      ...labels,
      "-o",
      "json",
    ]);
    expect(wrong.code).toBe(3);
    const result = JSON.parse(wrong.stdout) as {
      rows: number;
      analysis: { expectation: { verdict: string; largestDeviation: { label: string; points: number } } };
    };
    expect(result.rows).toBe(1000);
    expect(result.analysis.expectation.verdict).toBe("fail");
    expect(result.analysis.expectation.largestDeviation).toEqual({ label: "A", points: 10 });
  });

  it("streams rows to stdout as NDJSON with the report on stderr; --significant-only finds no answered query", async () => {
    const r = await exportLogs([
      "--vs",
      "logs-dns",
      "--start",
      start,
      "--end",
      end,
      "--format",
      "ndjson",
      "--filter",
      "eq(dns_fqdn,b.split.avi.iberia.local)",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { dns_ips: string[]; dns_response: { records: { addr_ip: string }[] } });
    expect(lines).toHaveLength(400);
    expect(lines[0]!.dns_ips).toEqual([B]);
    expect(lines[0]!.dns_response.records[0]!.addr_ip).toBe(B);
    expect(r.stderr).toMatch(/400 rows, as many as the controller counted/);
    const sig = await exportLogs(["--vs", "logs-dns", "--start", start, "--end", end, "--significant-only", "--format", "json"]);
    expect([sig.code, sig.stdout]).toEqual([0, "[]\n"]);
  });

  it.each([
    [
      ["--since", "1h", "--start", "2026-01-01T00:00:00Z", "--end", "2026-01-01T01:00:00Z"],
      /^error: --since and --start\/--end are alternatives/,
    ],
    [["--filter", "dns_fqdn=x"], /^error: --filter "dns_fqdn=x" must look like OP\(FIELD,VALUE\)/],
    [["--format", "xlsx"], /^error: --format must be csv, json or ndjson/],
    [["--chart", "split.png"], /^error: --chart "split\.png" must end in \.svg or \.html/],
    [["--expect", "A=6"], /^error: --expect needs at least two LABEL=WEIGHT pairs/],
  ])("bad input %j → exit 2 with one sentence, nothing read", async (args, message) => {
    const r = await exportLogs(["--vs", "logs-dns", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")[0]).toMatch(message);
    expect(r.stdout).toBe("");
  });
});

describe("loading", () => {
  it("export-logs and vs analytics load the Avi client, never Kubernetes", async () => {
    for (const args of [
      ["export-logs", "--vs", "logs-dns", "--since", "1m", "--allow-incomplete"],
      ["vs", "analytics", "logs-dns"],
    ]) {
      const log = join(dir, `imports-${args[0]}.log`);
      // Asynchronous: the lab answers from this process.
      const child = spawn(process.execPath, ["--import", join(import.meta.dirname, "../helpers/record-imports.mjs"), binPath, ...args], {
        env: { ...process.env, ...env, AVICTL_IMPORT_LOG: log, NO_COLOR: "1", CI: "1" },
        stdio: "ignore",
      });
      expect(await new Promise((r) => child.on("close", r))).toBe(0);
      const mods = readFileSync(log, "utf8").split("\n");
      expect(mods.some((m) => m.includes("/dist/clients/avi/client.js"))).toBe(true);
      expect(mods.filter((m) => m.includes("@kubernetes/client-node") || m.includes("/dist/lab/"))).toEqual([]);
    }
  });
});

describe("export-logs over 200 000 injected records", () => {
  const startT = "2026-11-30T10:00:00.000000Z";
  const endT = "2026-11-30T10:10:00.000000Z";
  beforeAll(async () => {
    const inject = (body: Record<string, unknown>) =>
      lab.admin<{ injected: number }>("/lab/logs", { method: "POST", body: JSON.stringify({ virtualservice: "bulk-dns", ...body }) });
    // About 200 records share each of 1 000 instants; one more instant holds 2 500, more than a page.
    expect(
      (
        await inject({
          count: 197_500,
          timestamps: 1000,
          start: startT,
          end: "2026-11-30T10:08:00.000000Z",
          answers: { "10.10.25.70": 6, "10.10.25.71": 4 },
        })
      ).injected,
    ).toBe(197_500);
    expect(
      (await inject({ count: 2500, timestamps: 1, start: "2026-11-30T10:09:00.000000Z", end: "2026-11-30T10:09:00.000000Z" })).injected,
    ).toBe(2500);
  });

  it("waits while the controller indexes fresh records, then exports them all", async () => {
    // The lab's indexer at 300 records/s: the 3 000 records below take about 10 s to become visible.
    await lab.admin("/lab/logs/indexing", { method: "POST", body: JSON.stringify({ delayMs: 1000, recordsPerSecond: 300 }) });
    try {
      const window = ["--start", "2026-11-29T10:00:00Z", "--end", "2026-11-29T11:00:00Z"];
      await lab.admin("/lab/logs", {
        method: "POST",
        body: JSON.stringify({
          virtualservice: "bulk-dns",
          count: 3000,
          timestamps: 300,
          start: "2026-11-29T10:00:00.000000Z",
          end: "2026-11-29T10:30:00.000000Z",
        }),
      });
      const r = await exportLogs(["--vs", "bulk-dns", ...window, "--format", "ndjson", "--out", join(dir, "fresh.ndjson"), "--debug"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/controller indexing logs remaining=\d+(\.\d+)?%/);
      expect(readFileSync(join(dir, "fresh.ndjson"), "utf8").trim().split("\n")).toHaveLength(3000);
    } finally {
      await lab.admin("/lab/logs/indexing", { method: "POST", body: JSON.stringify({ delayMs: 300, recordsPerSecond: 500_000 }) });
    }
  });

  it("stops promptly and quietly when the reader of stdout goes away (| head -5)", async () => {
    await lab.admin("/lab/requests", { method: "DELETE" });
    const { child, result } = startCli(["export-logs", "--vs", "bulk-dns", "--start", startT, "--end", endT, "--page-size", "1000"], {
      env,
      timeoutMs: 120_000,
    });
    let head = "";
    child.stdout!.on("data", (d: Buffer) => {
      head += d.toString();
      // What head -5 does: read five lines, then close the pipe.
      if (head.split("\n").length > 5) child.stdout!.destroy();
    });
    const r = await result;
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(head.split("\n")[0]).toBe(
      "report_timestamp,client_ip,client_src_port,dns_fqdn,dns_qtype,dns_ips,dns_response.response_code,gslbservice_name,dns_response.records.site_name,significant,service_engine,log_id",
    );
    // The whole window takes over 200 pages of 1 000; the export stopped paging soon after the pipe closed.
    const pages = (await lab.admin<{ path: string }[]>("/lab/requests")).filter((x) => x.path === "/api/analytics/logs");
    expect(pages.length).toBeLessThan(20);
  });

  it.each([["999"], ["10000"]])("with pages of %s, every record comes exactly once and the CSV parses back", async (pageSize) => {
    const out = join(dir, `bulk-${pageSize}.csv`);
    const r = await exportLogs([
      "--vs",
      "bulk-dns",
      "--start",
      startT,
      "--end",
      endT,
      "--page-size",
      pageSize,
      "--fields",
      "report_timestamp,log_id,dns_ips",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rows = csvRows(out);
    expect(rows).toHaveLength(200_000);
    const ids = new Set(rows.map((x) => x.log_id));
    expect(ids.size).toBe(200_000);
    // Newest first: timestamps never go forward.
    const ts = rows.map((x) => Date.parse(x.report_timestamp!));
    expect(ts.every((t, i) => i === 0 || t <= ts[i - 1]!)).toBe(true);
  });
});
