#!/usr/bin/env node
// Part 1 for Site1 against the lab with 50 ms injected latency per request: requests, writes and
// wall time of the first run and the re-run, next to the critical path — the time during which at
// least one request was in flight at the controller (what a client with zero overhead would need
// for the same requests in the same order and overlap).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/avictl", import.meta.url));
const latency = Number(process.env.LATENCY_MS ?? 50);
const env = { ...process.env, AVICTL_CONFIG: join(mkdtempSync(join(tmpdir(), "avictl-bench-")), "config.yaml"), CI: "1", NO_COLOR: "1" };
for (const k of Object.keys(env)) if (k.startsWith("AVI_")) delete env[k];

const { SITE1_PART1 } = await import("../dist/workflows/lab/site1.js");
const SITE1 = SITE1_PART1.map((s) => s.args);

const avictl = (args) => {
  const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`avictl ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
};

avictl(["lab", "up", "--detach", "--ttl", "10m", "--latency", String(latency)]);
// The lab's own state (0600) holds the admin token the /lab/ endpoints require.
const { readLabState } = await import("../dist/lab/state.js");
const { labAdmin } = await import("../dist/clients/lab-admin.js");
const ctrl = readLabState(env).controllers[0];
Object.assign(env, {
  AVI_CONTROLLER: ctrl.url,
  AVI_USERNAME: ctrl.username,
  AVI_PASSWORD: readFileSync(ctrl.passwordFile, "utf8").trim(),
  AVI_CA_CERT: ctrl.caCert,
});
const admin = (path, init = {}) => labAdmin(ctrl, init.method ?? "GET", path, init.body === undefined ? undefined : JSON.parse(init.body));

/** The same commands through avictl's entry point in this process: no Node start per command. */
async function inProcess() {
  const { main } = await import("../dist/cli/main.js");
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const write = process.stdout.write;
  process.stdout.write = () => true;
  try {
    for (const args of SITE1) {
      const code = await main([process.execPath, bin, ...args]);
      if (code !== 0) throw new Error(`avictl ${args.join(" ")} exited ${code}`);
    }
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
}

async function measure(label, runAll = () => SITE1.forEach((args) => avictl(args))) {
  await admin("/lab/requests", { method: "DELETE" });
  const t0 = performance.now();
  await runAll();
  const wall = performance.now() - t0;
  const log = await admin("/lab/requests");
  // Union of [start, end] over all requests: time with at least one request in flight.
  const spans = log
    .filter((e) => e.start && e.end)
    .map((e) => [e.start, e.end])
    .sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let curStart = -1;
  let curEnd = -1;
  for (const [s, e] of spans) {
    if (s > curEnd) {
      if (curEnd > curStart) busy += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else curEnd = Math.max(curEnd, e);
  }
  if (curEnd > curStart) busy += curEnd - curStart;
  const writes = log.filter((e) => e.method !== "GET" && e.path.startsWith("/api/")).length;
  console.log(
    `${label.padEnd(8)} ${String(log.length).padStart(4)} requests  ${String(writes).padStart(3)} writes  wall ${(wall / 1000).toFixed(2)} s  ` +
      `critical path ${(busy / 1000).toFixed(2)} s (${Math.round(busy / latency)} round trips)  ratio ${(wall / busy).toFixed(2)}x`,
  );
}

try {
  console.log(
    `Site1 part 1: ${SITE1.length} avictl commands, each its own process (in-proc: one process), ${latency} ms latency per request`,
  );
  await measure("first");
  await measure("re-run");
  await measure("in-proc", inProcess);
} finally {
  avictl(["lab", "down"]);
}
