#!/usr/bin/env node
// Time to lint and to render (`ako values -f`) a values file of about 1 MiB (SIZE_KIB to change it),
// in process on the built modules so only the parsing and merging are measured.
import { writeFileSync, mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const { lintAkoValues } = await import("../dist/workflows/ako/lint.js");
const { renderAkoValues } = await import("../dist/workflows/ako/render.js");
const { readValuesFile } = await import("../dist/workflows/values-doc.js");

const target = Number(process.env.SIZE_KIB ?? 1024) * 1024 - 4096;
// A real layout with large maps and lists under keys the chart leaves open (podLabels, annotations).
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
const dir = mkdtempSync(join(tmpdir(), "avictl-bench-"));
const file = join(dir, "values.yaml");
writeFileSync(file, `${lines.join("\n")}\n`);
const defaults = readFileSync(new URL("../templates/ako/values.yaml", import.meta.url), "utf8");

function time(label, fn) {
  const t = process.hrtime.bigint();
  fn();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(`${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms${ms < 1000 ? "" : "  (target < 1000 ms)"}`);
}

const text = readValuesFile(file, "values file");
console.log(`values file: ${(text.length / 1048576).toFixed(2)} MiB, ${lines.length} lines`);
time("lint (ako lint -f)", () => lintAkoValues(text, file, { version: "1.13.4", defaultValues: defaults }));
time("render (ako values -f)", () =>
  renderAkoValues({ chartVersion: "1.13.4", controllerHost: "127.0.0.1", controllerVersion: "22.1.3", cloudName: "Default-Cloud", clusterName: "S1-AZ1", vipNetwork: { name: "AVI_FRONTEND_3025", cidr: "10.10.25.0/24" }, seGroup: "S1-AZ1-SE-Group", base: { text, file } }),
);
// Over the limit: refused before parsing, with one sentence.
writeFileSync(file, `x: "${"a".repeat(4 << 20)}"\n`);
try {
  readValuesFile(file, "values file");
  console.log("4 MiB values file: accepted (expected a refusal)");
} catch (err) {
  console.log(`4 MiB values file: refused: ${err.message}`);
}
rmSync(dir, { recursive: true, force: true });
