import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackends, type BackendsHandle } from "../../src/lab/backends.js";
import { startDnsService, type DnsServiceHandle } from "../../src/lab/dns/server.js";
import { dig, which } from "../helpers/dns-tools.js";
import { LAB_PASSWORD, startTestController } from "../helpers/lab.js";
import { isolatedConfig, runCli } from "../helpers/run-cli.js";

type Lab = Awaited<ReturnType<typeof startTestController>>;
let lab: Lab;
let dns: DnsServiceHandle;
let backends: BackendsHandle;
let env: Record<string, string>;
let server: string;
let httpPort: string;
let dnsVsArgs: string[];

const SETUP: string[][] = [
  ["bootstrap", "cloud", "--dns-domain", "avi.iberia.local", "--ttl", "30"],
  ["create-vrf", "VRF_AZ1", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.25.40-127.10.25.59"],
  ["seg", "create", "DNS-SE-Group", "--prefix", "dns", "--buffer-se", "0"],
];

beforeAll(async () => {
  lab = await startTestController();
  dns = startDnsService(lab.ctrl);
  backends = await startBackends([
    { site: "SITE1 AZ1", host: "127.0.0.11" },
    { site: "SITE1 AZ2", host: "127.0.0.12" },
    { site: "SITE2", host: "127.0.0.13" },
  ]);
  env = { AVICTL_CONFIG: isolatedConfig(), ...lab.env() };
  for (const args of SETUP) expect((await runCli(args, { env })).code).toBe(0);
  const ips = backends.backends.map((b) => b.host).join(",");
  dnsVsArgs = [
    "dns-vs",
    "create",
    "local-dns-site1",
    "--network",
    "AVI_FRONTEND_3025",
    "--authoritative",
    "avi.iberia.local",
    "--invalid-query",
    "respond",
    "--ttl",
    "15",
    "--record",
    "test.avi.iberia.local=127.10.25.99",
    "--record",
    `hello.avi.iberia.local=${ips}`,
    "--record",
    "down.avi.iberia.local=127.0.0.9",
    "--answers-per-query",
    "1",
  ];
  const r = await runCli(dnsVsArgs, { env });
  expect(r.code, r.stderr).toBe(0);
  await dns.ready();
  const ep = dns.endpoints().find((e) => e.vs === "local-dns-site1")!;
  server = `${ep.host}:${ep.port}`;
  httpPort = String(backends.backends[0]!.port);
});
afterAll(async () => {
  await backends?.close();
  await dns?.close();
  await lab?.ctrl.close();
});

const json = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe.skipIf(!which("dig"))("dig against the lab's DNS virtual service", () => {
  it("returns the records created through the API, with the profile's TTL and aa", async () => {
    const [host, port] = server.split(":") as [string, string];
    const r = await dig(host, Number(port), "test.avi.iberia.local", "A");
    expect(r.status).toBe("NOERROR");
    expect(r.flags).toContain("aa");
    expect(r.answers).toEqual([{ name: "test.avi.iberia.local", ttl: 15, type: "A", data: "127.10.25.99" }]);
    const nx = await dig(host, Number(port), "nope.avi.iberia.local", "A");
    expect(nx.status).toBe("NXDOMAIN");
    expect(nx.authority[0]?.type).toBe("SOA");
    const aaaa = await dig(host, Number(port), "test.avi.iberia.local", "AAAA");
    expect([aaaa.status, aaaa.answers.length]).toEqual(["NOERROR", 0]);
    const tcp = await dig(host, Number(port), "test.avi.iberia.local", "A", ["+tcp"]);
    expect(tcp.answers.map((a) => a.data)).toEqual(["127.10.25.99"]);
  });

  it("answers a record changed through the API at once, and logs each query for the analytics API", async () => {
    const r = await runCli(
      [
        "dns-vs",
        "create",
        "local-dns-site1",
        "--network",
        "AVI_FRONTEND_3025",
        "--authoritative",
        "avi.iberia.local",
        "--invalid-query",
        "respond",
        "--ttl",
        "15",
        "--record",
        "new.avi.iberia.local=127.10.25.98",
      ],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    const [host, port] = server.split(":") as [string, string];
    expect((await dig(host, Number(port), "new.avi.iberia.local", "A")).answers.map((a) => a.data)).toEqual(["127.10.25.98"]);
    // Earlier records stay: ours are merged by name.
    expect((await dig(host, Number(port), "test.avi.iberia.local", "A")).answers.map((a) => a.data)).toEqual(["127.10.25.99"]);
    const vs = lab.ctrl.store.findByName("virtualservice", "local-dns-site1")!;
    const login = await lab.fetch("/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "admin", password: LAB_PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    // DNS logs are connection logs (type 0); answered queries are non-significant (nf); answer addresses are the model's integers.
    // The controller indexes logs a moment after they arrive: read once nothing is left to index.
    type Logs = { percent_remaining: number; results: { dns_fqdn: string; dns_ips: number[]; client_ip: string }[] };
    let logs: Logs;
    for (let i = 0; ; i++) {
      logs = (await (
        await lab.fetch(`/api/analytics/logs?type=0&nf=true&virtualservice=${vs.uuid}&page_size=100&duration=3600`, {
          headers: { Cookie: cookie },
        })
      ).json()) as Logs;
      if (logs.percent_remaining === 0 || i >= 50) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(logs.results.find((l) => l.dns_fqdn === "new.avi.iberia.local")).toMatchObject({
      dns_ips: [127 * 2 ** 24 + 10 * 2 ** 16 + 25 * 256 + 98],
      client_ip: "127.0.0.1",
    });
  });
});

describe("check-dns against the lab", () => {
  it("shows the MESSAGE of each site and a summary whose shares match the round-robin record", async () => {
    const r = await runCli([
      "check-dns",
      "hello.avi.iberia.local",
      "0.01",
      "--server",
      server,
      "--port",
      httpPort,
      "--count",
      "30",
      "-o",
      "json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = json(r.stdout);
    const its = lines.slice(0, -1) as { label: string; http: { status: number; message: string; pod: string } }[];
    expect(its).toHaveLength(30);
    for (const it of its) {
      expect(it.http.status).toBe(200);
      expect(it.http.message).toBe(`MESSAGE: This service resides in ${it.label}`);
      expect(it.http.pod).toMatch(/^hello-[0-9a-f]{10}-[0-9a-f]{5}$/);
    }
    const summary = (lines.at(-1) as { summary: { shares: { label: string; count: number }[]; queries: number } }).summary;
    expect(summary.queries).toBe(30);
    expect(summary.shares.map((s) => [s.label, s.count]).sort()).toEqual([
      ["SITE1 AZ1", 10],
      ["SITE1 AZ2", 10],
      ["SITE2", 10],
    ]);
  });

  it("--expect passes on a matching split and exits 3 on a wrong one, printing the test", async () => {
    const base = ["check-dns", "hello.avi.iberia.local", "0.01", "--server", server, "--port", httpPort, "--count", "60"];
    const ok = await runCli([...base, "--expect", "site1az1=1,site1az2=1,site2=1"]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/✓ pass: χ²=[\d.]+ ≤ 9\.21 \(df=2, α=0\.01\)/);
    const bad = await runCli([...base, "--expect", "site1az1=6,site1az2=3,site2=1"]);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toMatch(/✗ fail: χ²=[\d.]+ > 9\.21/);
    expect(bad.stderr.trim().split("\n")[0]).toMatch(/^not passed: the observed split does not match --expect/);
  });

  it("--qps load mode reports the split without HTTP", async () => {
    const r = await runCli([
      "check-dns",
      "hello.avi.iberia.local",
      "--server",
      server,
      "--qps",
      "200",
      "--count",
      "300",
      "--label",
      "127.0.0.11=s1az1",
      "--label",
      "127.0.0.12=s1az2",
      "--label",
      "127.0.0.13=s2",
      "--expect",
      "s1az1=1,s1az2=1,s2=1",
      "-o",
      "json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = (
      json(r.stdout).at(-1) as {
        summary: {
          mode: string;
          httpFailures: number;
          shares: { label: string; count: number }[];
          rate: { requested: number; achieved: number };
        };
      }
    ).summary;
    expect(s.mode).toBe("load");
    expect(s.shares.map((x) => [x.label, x.count]).sort()).toEqual([
      ["s1az1", 100],
      ["s1az2", 100],
      ["s2", 100],
    ]);
    expect(s.rate.requested).toBe(200);
  });

  it("an unreachable HTTP address gives one line per failure and is counted", async () => {
    const unreachable = await runCli([
      "check-dns",
      "down.avi.iberia.local",
      "0.01",
      "--server",
      server,
      "--port",
      "9",
      "--count",
      "3",
      "--timeout",
      "300ms",
    ]);
    expect(unreachable.stdout.split("\n").filter((l) => /✗ HTTP 127\.0\.0\.9:9 connect ECONNREFUSED/.test(l))).toHaveLength(3);
    expect(unreachable.stdout).toMatch(/HTTP failures 3/);
  });

  it.each([
    [["hello.avi.iberia.local", "two"], /^error: interval "two" must be a number of seconds/],
    [["hello.avi.iberia.local", "--server", "127.0.0.1:99999"], /^error: --server port "99999" must be a number from 1 to 65535/],
    [["hello.avi.iberia.local", "--port", "http"], /^error: --port "http" must be a number from 1 to 65535/],
    [["hello..local"], /^error: FQDN "hello\.\.local" is not a valid DNS name/],
    [["hello.avi.iberia.local", "--qps", "100"], /^error: load mode \(--qps\) needs --count N or --duration D/],
    [["hello.avi.iberia.local", "--expect", "s1=6"], /^error: --expect needs at least two LABEL=WEIGHT pairs/],
  ])("bad input %j → exit 2 with one sentence", async (args, message) => {
    const r = await runCli(["check-dns", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")[0]).toMatch(message);
    expect(r.stdout).toBe("");
  });
});

describe("the lab's system DNS address and the context's DNS server", () => {
  it("answers for the DNS VS registered as system DNS; check-dns asks the context's server and says once where NXDOMAIN came from", async () => {
    const sys = await dns.system();
    const at = `${sys.host}:${sys.port}`;
    expect(dns.endpoints().map((e) => e.port)).not.toContain(sys.port);
    // Nothing registered yet: the address refuses.
    const before = await runCli(
      ["check-dns", "hello.avi.iberia.local", "0.05", "--count", "1", "--no-http", "--server", at, "-o", "json"],
      { env },
    );
    expect(before.stdout).toContain("REFUSED");
    const set = await runCli([...dnsVsArgs, "--set-system-dns"], { env });
    expect(set.code, set.stderr).toBe(0);
    const ctx = await runCli(["config", "set-context", "site1", "--controller", lab.ctrl.url, "--dns-server", at], { env });
    expect(ctx.code, ctx.stderr).toBe(0);
    const hello = await runCli(["--context", "site1", "check-dns", "hello.avi.iberia.local", "0.05", "--count", "3", "--no-http"], { env });
    expect(hello.code, hello.stderr).toBe(0);
    expect(hello.stdout).toContain(`via ${at}: 3 queries, 3 answered`);
    const nx = await runCli(["--context", "site1", "check-dns", "nope.avi.iberia.local", "0.05", "--count", "6", "--no-http"], { env });
    expect(nx.code).toBe(3);
    expect(nx.stderr.split("is NXDOMAIN at").length - 1).toBe(1);
    expect(nx.stderr).toContain(`${at} (the --dns-server of context "site1")`);
    expect(nx.stderr).toContain("--server IP[:PORT]");
  });
});
