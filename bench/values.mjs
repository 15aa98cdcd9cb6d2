#!/usr/bin/env node
// Time to lint and to render (`ako values -f`) a values file of 1 MiB, in process on the built
// modules so only parsing and merging are measured; and the same at 1/4 of the size, whose ratio
// shows the growth (linear: about 4x; the old quadratic merge: about 16x). Median of RUNS runs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const { lintAkoValues } = await import("../dist/workflows/ako/lint.js");
const { renderAkoValues } = await import("../dist/workflows/ako/render.js");
const { readValuesFile } = await import("../dist/workflows/values-doc.js");

const runs = Number(process.env.RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), "avictl-bench-"));
const defaults = readFileSync(new URL("../templates/ako/values.yaml", import.meta.url), "utf8");

/** A values file of about `bytes`: AKO sections with a large map and a large list, as generated files have. */
function valuesFile(bytes) {
  const target = bytes - 4096;
  const lines = ["AKOSettings:", '  clusterName: "S1-AZ1"', "podLabels:"];
  let size = lines.join("\n").length;
  for (let i = 0; size < target / 2; i++) {
    const line = `  label-${i}: "value-${i}"`;
    lines.push(line);
    size += line.length + 1;
  }
  lines.push("NetworkSettings:", "  nodeNetworkList:");
  for (let i = 0; size < target; i++) {
    const line = `    - networkName: "net-${i}"\n      cidrs: ["10.${(i >> 8) & 255}.${i & 255}.0/24"]`;
    lines.push(line);
    size += line.length + 1;
  }
  const file = join(dir, `values-${bytes}.yaml`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

function median(fn) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

function measure(bytes) {
  const file = valuesFile(bytes);
  const text = readValuesFile(file, "values file");
  const lint = median(() => lintAkoValues(text, file, { version: "1.13.4", defaultValues: defaults }));
  const render = median(() =>
    renderAkoValues({
      chartVersion: "1.13.4",
      controllerHost: "127.0.0.1",
      controllerVersion: "22.1.3",
      cloudName: "Default-Cloud",
      clusterName: "S1-AZ1",
      vipNetwork: { name: "AVI_FRONTEND_3025", cidr: "10.10.25.0/24" },
      seGroup: "S1-AZ1-SE-Group",
      base: { text, file },
    }),
  );
  return { lint, render };
}

const quarter = measure(256 * 1024);
const full = measure(1024 * 1024);
const mark = (ms) => (ms < 1000 ? "" : "  (target < 1000 ms)");
console.log(`runs per figure: ${runs} (median)`);
console.log(
  `lint   1 MiB  ${full.lint.toFixed(0).padStart(6)} ms${mark(full.lint)}   1 MiB / 256 KiB: ${(full.lint / quarter.lint).toFixed(1)}x`,
);
console.log(
  `render 1 MiB  ${full.render.toFixed(0).padStart(6)} ms${mark(full.render)}   1 MiB / 256 KiB: ${(full.render / quarter.render).toFixed(1)}x`,
);

// Over the limit: refused before parsing, in one sentence.
const big = join(dir, "big.yaml");
writeFileSync(big, `x: "${"a".repeat(4 << 20)}"\n`);
try {
  readValuesFile(big, "values file");
  console.log("4 MiB values file: accepted (expected a refusal)");
} catch (err) {
  console.log(`4 MiB values file: refused: ${err.message}`);
}
rmSync(dir, { recursive: true, force: true });
