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

const SITE1 = [
  ["bootstrap", "cloud", "--dns-domain", "avi.iberia.local", "--ttl", "30", "--mgmt-network", "REGIONB_MGMT_3020", "--mgmt-subnet", "10.10.20.0/24", "--mgmt-pool", "10.10.20.45-10.10.20.50", "--mgmt-gateway", "10.10.20.1"],
  ["create-vrf", "VRF_AZ1", "--network", "AVI_FRONTEND_3025=10.10.25.0/24@10.10.25.40-10.10.25.59", "--network", "REGIONB_VMS_3024=10.10.24.0/24@10.10.24.164-10.10.24.178"],
  ["create-vrf", "VRF_AZ2", "--network", "AVI_FRONTEND_3026=10.10.26.0/24@10.10.26.40-10.10.26.59", "--network", "REGIONB_VMS_3023=10.10.23.0/24@10.10.23.40-10.10.23.59"],
  ["create-vrf", "global", "--default-gateway", "10.10.22.1"],
  ["seg", "create", "S1-AZ1-SE-Group", "--prefix", "s1az1", "--folder", "AVI K8S/Site1 AZ1", "--buffer-se", "0", "--cluster-label", "S1-AZ1"],
  ["seg", "create", "S1-AZ2-SE-Group", "--prefix", "s1az2", "--folder", "AVI K8S/Site1 AZ2", "--buffer-se", "0", "--cluster-label", "S1-AZ2"],
  ["seg", "create", "DNS-SE-Group", "--prefix", "dns", "--folder", "AVI K8S/DNS", "--buffer-se", "0", "--no-log-throttle"],
  ["dns-vs", "create", "local-dns-site1", "--network", "AVI_FRONTEND_3025", "--record", "test.avi.iberia.local=10.10.25.99", "--set-system-dns"],
];

const avictl = (args) => {
  const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`avictl ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
};

avictl(["lab", "up", "--detach", "--ttl", "10m", "--latency", String(latency)]);
const state = JSON.parse(avictl(["lab", "env", "-o", "json"]));
const ctrl = state.controllers[0];
Object.assign(env, { AVI_CONTROLLER: ctrl.url, AVI_USERNAME: ctrl.username, AVI_PASSWORD: readFileSync(ctrl.passwordFile, "utf8").trim() });
const admin = async (path, init) => (await fetch(`${ctrl.url}${path}`, init)).json();

async function measure(label) {
  await admin("/lab/requests", { method: "DELETE" });
  const t0 = performance.now();
  for (const args of SITE1) avictl(args);
  const wall = performance.now() - t0;
  const log = await admin("/lab/requests");
  // Union of [start, end] over all requests: time with at least one request in flight.
  const spans = log.filter((e) => e.start && e.end).map((e) => [e.start, e.end]).sort((a, b) => a[0] - b[0]);
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
  console.log(`${label.padEnd(8)} ${String(log.length).padStart(4)} requests  ${String(writes).padStart(3)} writes  wall ${(wall / 1000).toFixed(2)} s  critical path ${(busy / 1000).toFixed(2)} s (${Math.round(busy / latency)} round trips)  ratio ${(wall / busy).toFixed(2)}x`);
}

try {
  console.log(`Site1 part 1: ${SITE1.length} avictl commands, each its own process, ${latency} ms latency per request`);
  await measure("first");
  await measure("re-run");
} finally {
  avictl(["lab", "down"]);
}
