import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { collect, flagsFor } from "../cli/options.js";
import type { App } from "../cli/app.js";
import { contextDnsServer } from "../cli/context.js";
import { VerificationFailed } from "../cli/errors.js";
import type { Io } from "../cli/io.js";
import { printTable } from "../cli/output.js";
import type { CheckDnsClients, CheckDnsSummary, Iteration, Tally } from "../workflows/check-dns/run.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("check-dns")
    .description("ask a DNS server for a name in a loop, probe the answer over HTTP, tally which site answered")
    .argument("<fqdn>", "name to resolve, e.g. hello.avi.iberia.local")
    .argument("[interval]", "seconds between iterations", "1")
    .option(
      "--server <ip[:port]>",
      "DNS server to ask directly (default: the context's --dns-server, else the system resolver, which caches for the TTL)",
    )
    .option("--count <n>", "stop after N iterations (default: until Ctrl-C)")
    .option("--type <type>", "record type: A, AAAA, SOA, NS, CNAME, TXT, MX", "A")
    .option("--http", "GET the first answer address and show status, headers, MESSAGE and pod (default)")
    .option("--no-http", "DNS only")
    .option("--scheme <scheme>", "http or https", "http")
    .option("--port <port>", "HTTP port (default 80, or 443 with https)")
    .option("--path <path>", "HTTP path", "/")
    .option("--header <name>", "response header to show (repeatable; default: server)", collect)
    .option("--label <ip=site>", "name the site behind an answer address (repeatable)", collect)
    .option("--expect <weights>", "expected split LABEL=WEIGHT,..., e.g. s1az1=6,s1az2=3,s2=1; exit 3 when the observed one differs")
    .option("--qps <rate|max>", "load mode: queries per second (or max: as fast as possible), DNS only")
    .option("--in-flight <n>", "load mode with --qps max: outstanding queries", "100")
    .option("--duration <d>", "load mode: stop after this long, e.g. 30s")
    .addHelpText(
      "after",
      `
Examples:
  avictl check-dns hello.avi.iberia.local 2 --server 10.10.25.40
  avictl check-dns hello.avi.iberia.local 0.2 --count 100 --expect s1az1=6,s1az2=3,s2=1 \\
      --label 10.10.25.46=s1az1 --label 10.10.26.40=s1az2 --label 10.10.23.40=s2
  avictl check-dns hello.avi.iberia.local --qps 100 --count 5000 --server 10.10.25.40
  avictl check-dns hello.avi.iberia.local --no-http -o json | jq .addresses

--timeout (global, default 2s here) bounds each DNS query and HTTP request.
Output: one line per iteration (with -o json one JSON object per line, then {"summary": ...}),
then a summary of answers per site with shares, DNS and HTTP failures and latency.
Exit status: 3 when --expect does not hold (the test and its tolerance are printed) or no query was answered.`,
    )
    .action(async (fqdn, interval, raw) => {
      const { toCheckDnsOptions } = await import("../workflows/check-dns/options.js");
      // The global --timeout (per request) bounds each DNS query and HTTP probe; default 2s here.
      const from = raw.server === undefined ? await contextDnsServer(app.globals()) : undefined;
      const o = toCheckDnsOptions(
        fqdn,
        interval,
        flagsFor<Parameters<typeof toCheckDnsOptions>[2]>()({
          ...raw,
          server: raw.server ?? from?.server,
          timeout: app.globals().timeout,
          insecure: app.globals().insecure,
        }),
      );
      let nxdomains = 0;
      o.loopbackOnly = (await app.clients.target().catch(() => undefined))?.contextName === "lab";
      const { checkDns, checkDnsLoad } = await import("../workflows/check-dns/run.js");
      const clients = await realClients(app);
      const json = app.output() === "json";
      const structured = app.output() !== "table";
      const spinner = app.io.spinner(`querying ${o.fqdn}`);
      let summary: CheckDnsSummary;
      try {
        if (o.qps !== undefined) {
          summary = await checkDnsLoad(
            o,
            clients,
            (p) => app.io.stderrTTY && spinner.text(`${p.sent} sent, ${p.answered} answered, ${p.timeouts} timeouts`),
            app.signal,
          );
        } else {
          summary = await checkDns(
            o,
            clients,
            (it, tally) => {
              // Repeated NXDOMAIN from a server the user did not name: say once which one it was and how to pick another.
              nxdomains = raw.server === undefined && it.rcode === "NXDOMAIN" ? nxdomains + 1 : 0;
              if (nxdomains === 3) {
                const asked = from ? `${it.server} (the --dns-server of context "${from.context}")` : `the system resolver ${it.server}`;
                const how =
                  "ask the Avi DNS service with --server IP[:PORT], or keep it on the context: avictl config set-context NAME --dns-server IP[:PORT]";
                spinner.log(app.io.warn(`${o.fqdn} is NXDOMAIN at ${asked}; ${how}`));
              }
              if (json) app.io.out(`${JSON.stringify(it)}\n`);
              else if (!structured) {
                for (const line of iterationLines(app.io, it)) spinner.out(line);
              }
              if (app.io.stderrTTY) spinner.text(liveTally(tally));
            },
            app.signal,
          );
        }
      } finally {
        spinner.stop();
      }
      if (json) app.io.out(`${JSON.stringify({ summary })}\n`);
      else if (structured) {
        const { writeOutput } = await import("../cli/output.js");
        await writeOutput(app.output(), app.io, summary, renderSummary);
      } else renderSummary(app.io, summary);
      if (!summary.passed)
        throw new VerificationFailed(
          summary.expectation
            ? `the observed split does not match --expect: ${summary.expectation.reason}`
            : `no answer for ${summary.fqdn} in ${summary.queries} queries`,
        );
    });
}

/** The DNS server stored on the context in effect (`lab up` stores the lab's), if any. */
async function realClients(app: App): Promise<CheckDnsClients> {
  const [dns, { probe }] = await Promise.all([app.clients.dns(), app.clients.http()]);
  const { lookup } = await import("node:dns/promises");
  const clock = app.clients.clock;
  return {
    query: dns.query,
    load: dns.load,
    probe,
    lookup: async (host) => (await lookup(host)).address,
    systemServer: dns.systemServer,
    sleep: (ms, signal) => clock.sleep(ms, signal),
    now: () => new Date(clock.now()),
  };
}

function iterationLines(io: Io, it: Iteration): string[] {
  const c = io.color;
  const head = `${io.dim(`#${it.seq} ${it.time.slice(11, 19)}`)} ${c.bold(it.fqdn)}`;
  if (it.dnsError)
    return [`${head} ${io.fail(it.dnsError)}`, ...it.authority.map((a) => io.dim(`  ${a.type} ${a.name} ${a.data} TTL ${a.ttl}`))];
  const ips = it.addresses.length
    ? it.addresses.map((a, i) => (i === 0 ? c.cyan(a) : a)).join(" ")
    : it.answers.map((a) => a.data).join(" ");
  const label = it.label && it.label !== it.addresses[0] ? ` ${c.magenta(`[${it.label}]`)}` : "";
  const lines = [`${head} ${it.type} TTL ${it.ttl ?? "-"} ${ips}${label}${it.aa ? io.dim(" aa") : ""}${it.tcp ? io.dim(" tcp") : ""}`];
  const h = it.http;
  if (h) {
    if (h.error) lines.push(`  ${io.fail(`HTTP ${h.error}`)}`);
    else {
      const status = h.status! < 400 ? c.green(String(h.status)) : c.red(String(h.status));
      const headers = Object.entries(h.headers).map(([k, v]) => `${k}: ${v}`);
      lines.push(
        `  ${status} ${[...headers, h.message ? c.yellow(h.message) : "", h.pod ? `pod ${h.pod}` : ""].filter(Boolean).join("  ")}`,
      );
    }
  }
  return lines;
}

function liveTally(t: Tally): string {
  const total = [...t.byLabel.values()].reduce((a, e) => a + e.count, 0);
  const parts = t.shares().map((s) => `${s.label} ${total ? Math.round((s.count / total) * 100) : 0}% (${s.count})`);
  return `${t.queries} queries · ${parts.join(" · ") || "no answers yet"}${t.dnsFailures ? ` · ${t.dnsFailures} DNS failures` : ""}${t.httpFailures ? ` · ${t.httpFailures} HTTP failures` : ""}`;
}

export function renderSummary(io: Io, s: CheckDnsSummary): void {
  const c = io.color;
  io.out(
    `\n${c.bold(`${s.fqdn} ${s.type}`)} via ${s.server ?? "system resolver"}: ${s.queries} queries, ${s.answered} answered in ${s.durationS}s` +
      `${s.rate ? ` (${s.rate.achieved} qps${s.rate.requested ? ` of ${s.rate.requested} requested` : ""})` : ""}\n`,
  );
  printTable(
    io,
    ["SITE/ANSWER", "ADDRESSES", "COUNT", "SHARE"],
    s.shares.map((r) => [r.label, r.addresses.join(","), r.count, `${(r.share * 100).toFixed(1)}%`]),
  );
  const codes = Object.entries(s.rcodes)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  io.out(`DNS failures ${s.dnsFailures}${codes ? ` (${codes})` : ""} · HTTP failures ${s.httpFailures}\n`);
  const lat = (p: { p50: number; p90: number; p99: number; max: number }) =>
    `p50 ${p.p50} ms, p90 ${p.p90} ms, p99 ${p.p99} ms, max ${p.max} ms`;
  io.out(`DNS latency ${lat(s.latencyMs.dns)}${s.latencyMs.http ? `\nHTTP latency ${lat(s.latencyMs.http)}` : ""}\n`);
  const e = s.expectation;
  if (!e) return;
  io.out(`\n${c.bold("Expected split")} (${e.test}, α=${e.alpha})\n`);
  printTable(
    io,
    ["LABEL", "WEIGHT", "EXPECTED", "OBSERVED", "COUNT"],
    e.rows.map((r) => [r.label, r.weight, `${(r.expectedShare * 100).toFixed(1)}%`, `${(r.observedShare * 100).toFixed(1)}%`, r.observed]),
  );
  const verdict = e.verdict === "pass" ? io.ok("pass") : e.verdict === "fail" ? io.fail("fail") : io.warn("inconclusive");
  io.out(`${verdict}: ${e.reason}\n`);
}
