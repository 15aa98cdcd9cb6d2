#!/usr/bin/env node
// check-dns load mode next to dnsperf against the same Knot server on loopback, in one run;
// then the achieved rate of `check-dns --qps 100`. Needs knotd and dnsperf (apt-get install knot dnsperf).
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/avictl", import.meta.url));
const seconds = Number(process.env.SECONDS_PER_RUN ?? 10);
const has = (b) => spawnSync("sh", ["-c", `command -v ${b} || test -x /usr/sbin/${b}`]).status === 0;
for (const b of ["knotd", "dnsperf"]) {
  if (!has(b)) {
    console.error(`${b} is not installed (apt-get install knot dnsperf)`);
    process.exit(1);
  }
}

const dir = mkdtempSync(join(tmpdir(), "avictl-bench-dns-"));
const port = await new Promise((r) => {
  const s = createSocket("udp4");
  s.bind(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => r(p));
  });
});
writeFileSync(
  join(dir, "bench.test.zone"),
  `$ORIGIN bench.test.\n$TTL 30\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 60\n@ IN NS ns1\nns1 IN A 127.0.0.53\nhello IN A 10.10.25.46\n`,
);
writeFileSync(
  join(dir, "knot.conf"),
  `server:\n    rundir: "${dir}"\n    listen: 127.0.0.1@${port}\ndatabase:\n    storage: "${dir}"\n` +
    `log:\n  - target: stderr\n    any: error\nzone:\n  - domain: bench.test\n    storage: "${dir}"\n    file: "bench.test.zone"\n`,
);
const knotd = spawnSync("sh", ["-c", "command -v knotd"]).stdout.toString().trim() || "/usr/sbin/knotd";
const knot = spawn("timeout", [String(seconds * 6 + 60), knotd, "-c", join(dir, "knot.conf")], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 1000));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 3) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

try {
  writeFileSync(join(dir, "queries.txt"), "hello.bench.test A\n");
  const perf = run("dnsperf", [
    "-s",
    "127.0.0.1",
    "-p",
    String(port),
    "-d",
    join(dir, "queries.txt"),
    "-l",
    String(seconds),
    "-c",
    "1",
    "-T",
    "1",
    "-q",
    "100",
  ]);
  const perfQps = Number(/Queries per second:\s+([\d.]+)/.exec(perf)?.[1]);
  const lost = /Queries lost:\s+(\d+)/.exec(perf)?.[1];
  const ours = JSON.parse(
    run(process.execPath, [
      bin,
      "check-dns",
      "hello.bench.test",
      "--server",
      `127.0.0.1:${port}`,
      "--qps",
      "max",
      "--in-flight",
      "100",
      "--duration",
      `${seconds}s`,
      "-o",
      "json",
    ])
      .trim()
      .split("\n")
      .pop(),
  ).summary;
  const paced = JSON.parse(
    run(process.execPath, [
      bin,
      "check-dns",
      "hello.bench.test",
      "--server",
      `127.0.0.1:${port}`,
      "--qps",
      "100",
      "--count",
      "1000",
      "-o",
      "json",
    ])
      .trim()
      .split("\n")
      .pop(),
  ).summary;
  console.log(`Knot on 127.0.0.1:${port}, ${seconds}s per run, 100 queries in flight, one client process each`);
  console.log(`dnsperf                  ${perfQps.toFixed(0)} qps (lost ${lost})`);
  console.log(
    `avictl check-dns --qps max  ${ours.rate.achieved.toFixed(0)} qps ` +
      `(${ours.answered}/${ours.queries} answered, p50 ${ours.latencyMs.dns.p50} ms)  ratio ${(ours.rate.achieved / perfQps).toFixed(2)}x dnsperf; target >= 0.5x`,
  );
  const dev = ((paced.rate.achieved - 100) / 100) * 100;
  console.log(
    `avictl check-dns --qps 100  achieved ${paced.rate.achieved} qps over ${paced.queries} queries (${dev >= 0 ? "+" : ""}${dev.toFixed(2)}%; target within 2%)`,
  );
} finally {
  knot.kill("SIGTERM");
}
