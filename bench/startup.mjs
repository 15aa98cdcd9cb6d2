#!/usr/bin/env node
// Median wall time of `avictl --help` (and --version) next to `node -e 0`, measured in one run.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/avictl", import.meta.url));
const runs = Number(process.env.RUNS ?? 21);

function median(cmd) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, cmd, { stdio: "ignore" });
    if (r.status !== 0) throw new Error(`${cmd.join(" ")} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

// Interleave warm-up so the file cache is equally hot for both.
median(["-e", "0"]);
median([bin, "--help"]);
const base = median(["-e", "0"]);
const help = median([bin, "--help"]);
const version = median([bin, "--version"]);
console.log(`runs per command: ${runs}`);
console.log(`node -e 0          ${base.toFixed(1)} ms`);
console.log(`avictl --help      ${help.toFixed(1)} ms  (${(help / base).toFixed(2)}x node; target <= 1.6x)`);
console.log(`avictl --version   ${version.toFixed(1)} ms  (${(version / base).toFixed(2)}x node)`);
