#!/usr/bin/env node
// `avictl export-logs` over 1 000 000 lab log records next to a bare paging loop over the same API
// (same query, same pages, JSON parsed and counted, nothing written), in one run: records per second
// and peak RSS of each process. Targets: >= 0.8x the loop's rate, <= 150 MiB.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/avictl", import.meta.url));
const dist = new URL("../dist/", import.meta.url);
const RECORDS = Number(process.env.RECORDS ?? 1_000_000);
const { startController } = await import(new URL("lab/avi/index.js", dist).href);
const { toExportLogsOptions } = await import(new URL("workflows/export-logs/options.js", dist).href);
const { logsQuery } = await import(new URL("workflows/export-logs/run.js", dist).href);
const { labAdmin } = await import(new URL("clients/lab-admin.js", dist).href);

const dir = mkdtempSync(join(tmpdir(), "avictl-bench-export-"));
const password = "bench-Pa55word";
const ctrl = await startController({ name: "site1", port: 0, seed: "site1", username: "admin", password });
// The lab speaks HTTPS with its own CA: avictl gets it as AVI_CA_CERT, the bare loop's fetch through NODE_EXTRA_CA_CERTS.
const caFile = join(dir, "ca.crt");
writeFileSync(caFile, ctrl.caCert);
const env = {
  ...process.env,
  AVI_CA_CERT: caFile,
  NODE_EXTRA_CA_CERTS: caFile,
  AVI_CONTROLLER: ctrl.url,
  AVI_USERNAME: "admin",
  AVI_PASSWORD: password,
  AVICTL_CONFIG: join(dir, "config.yaml"),
  NO_COLOR: "1",
  CI: "1",
};
// Peak RSS (KiB) and CPU seconds of a child, written by the child itself as it exits.
const rssHook =
  `data:text/javascript,import fs from "node:fs";process.on("exit",()=>{const u=process.resourceUsage();` +
  `fs.writeFileSync(process.env.RSS_FILE,JSON.stringify([u.maxRSS,(u.userCPUTime+u.systemCPUTime)/1e6]))})`;

// Asynchronous: the lab answers from this very process.
const cli = (args) => measure([bin, ...args]);

/** Run a node child with the RSS hook; resolve with wall seconds, CPU seconds and peak MiB (the lab serves from this process). */
function measure(args, extraEnv = {}) {
  const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", rssHook, ...args], {
      env: { ...env, ...extraEnv, RSS_FILE: rssFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${args.join(" ")} exited ${code}: ${err}`));
      const [maxRss, cpu] = JSON.parse(readFileSync(rssFile, "utf8"));
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMiB: maxRss / 1024, cpu, out });
    });
  });
}

// The bare loop: log in, wait for nothing, page newest first moving `end` to the oldest instant of each full page.
const loop = `
const q = JSON.parse(process.env.QUERY);
const base = process.env.AVI_CONTROLLER;
const login = await fetch(base + "/login", {
  method: "POST",
  headers: { "Content-Type": "application/json", Referer: base },
  body: JSON.stringify({ username: "admin", password: process.env.AVI_PASSWORD }),
});
const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
let end = process.env.END;
let total = 0;
for (;;) {
  const p = new URLSearchParams({ ...q, end, page_size: "10000" });
  const body = JSON.parse(await (await fetch(base + "/api/analytics/logs?" + p, { headers: { Cookie: cookie, "X-Avi-Version": "30.2.1" } })).text());
  const rs = body.results;
  if (rs.length < 10000) { total += rs.length; break; }
  const oldest = rs[rs.length - 1].report_timestamp;
  const kept = rs.filter((r) => r.report_timestamp !== oldest).length;
  total += kept;
  end = oldest.replace("+00:00", "Z");
}
console.log(total);
`;

try {
  await cli(["bootstrap", "cloud", "--dns-domain", "avi.iberia.local"]);
  await cli(["create-vrf", "VRF_AZ1", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.25.40-127.10.25.59"]);
  await cli(["seg", "create", "DNS-SE-Group", "--no-log-throttle"]);
  await cli([
    "dns-vs",
    "create",
    "bench-dns",
    "--network",
    "AVI_FRONTEND_3025",
    "--record",
    "hello.avi.iberia.local=127.10.25.61,127.10.25.62",
  ]);
  const start = "2026-11-30T10:00:00.000000Z";
  const end = "2026-11-30T11:00:00.000000Z";
  const injected = await labAdmin({ ...ctrl, caCert: caFile }, "POST", "/lab/logs", {
    virtualservice: "bench-dns",
    count: RECORDS,
    timestamps: Math.ceil(RECORDS / 10),
    start,
    end: "2026-11-30T10:59:59.000000Z",
    answers: { "127.10.25.61": 6, "127.10.25.62": 4 },
  });
  // The bare loop does not wait for the indexer (300 ms, then 500 000 records/s): wait here instead.
  await new Promise((r) => setTimeout(r, 800 + RECORDS / 500));
  const vs = ctrl.store.findByName("virtualservice", "bench-dns");
  const query = Object.fromEntries(
    Object.entries(logsQuery(toExportLogsOptions({ vs: "bench-dns", start, end }, Date.now()), vs.uuid)).map(([k, v]) => [k, String(v)]),
  );
  query.start = start;
  console.log(`lab: ${injected.injected} records over ${injected.timestamps} instants; query ${new URLSearchParams(query)}`);
  // The lab holds every record in this process: its footprint per record.
  const mem = process.memoryUsage();
  console.log(
    `lab: RSS ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB + array buffers ${(mem.arrayBuffers / 2 ** 20).toFixed(0)} MiB holding ${RECORDS} records`,
  );

  const csv = join(dir, "export.csv");
  const runs = [];
  // Interleaved, so both see the same machine load.
  for (let i = 0; i < Number(process.env.RUNS ?? 1); i++) {
    runs.push(["loop", await measure(["--input-type=module", "-e", loop], { QUERY: JSON.stringify(query), END: end })]);
    runs.push([
      "avictl",
      await measure([
        ...(process.env.PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PROFILE_DIR}`] : []),
        bin,
        "export-logs",
        "--vs",
        "bench-dns",
        "--start",
        start,
        "--end",
        end,
        "--out",
        csv,
        ...(process.env.PAGE_SIZE ? ["--page-size", process.env.PAGE_SIZE] : []),
      ]),
    ]);
  }
  for (const [name, r] of runs) {
    const rows = name === "loop" ? Number(r.out.trim()) : RECORDS;
    if (name === "avictl") {
      const lines = Number(spawnSync("wc", ["-l", csv], { encoding: "utf8" }).stdout.trim().split(" ")[0]) - 1;
      if (lines !== RECORDS) throw new Error(`avictl wrote ${lines} rows, not ${RECORDS}`);
    } else if (rows !== RECORDS) throw new Error(`the loop counted ${rows} records, not ${RECORDS}`);
    r.rate = rows / r.seconds;
    console.log(
      `${name.padEnd(7)} ${rows} records in ${r.seconds.toFixed(1)} s = ${r.rate.toFixed(0)} records/s (client CPU ${r.cpu.toFixed(1)} s), ` +
        `peak RSS ${r.peakMiB.toFixed(0)} MiB${name === "avictl" ? ` (CSV ${(statSync(csv).size / 2 ** 20).toFixed(0)} MiB)` : ""}`,
    );
  }
  const best = (n) => Math.max(...runs.filter(([k]) => k === n).map(([, r]) => r.rate));
  const peak = Math.max(...runs.filter(([k]) => k === "avictl").map(([, r]) => r.peakMiB));
  console.log(
    `avictl / loop: ${(best("avictl") / best("loop")).toFixed(2)}x the records per second (target >= 0.8x); avictl peak RSS ${peak.toFixed(0)} MiB (target <= 150 MiB)`,
  );
} finally {
  await ctrl.close();
  rmSync(dir, { recursive: true, force: true });
}
