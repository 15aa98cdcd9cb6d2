import { isIP } from "node:net";
import { UsageError } from "../../base/errors.js";

/** `--expect s1az1=6,s1az2=3,s2=1` → label → weight (at least two, all positive). */
export function parseWeights(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([^=]+?)\s*=\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!m || Number(m[2]) <= 0) throw new UsageError(`--expect "${part}" must look like LABEL=WEIGHT with a positive weight`);
    out[m[1]!] = Number(m[2]);
  }
  if (Object.keys(out).length < 2) throw new UsageError("--expect needs at least two LABEL=WEIGHT pairs, e.g. s1az1=6,s1az2=3,s2=1");
  return out;
}

/** Repeated `--label IP=SITE` → address → label. */
export function parseLabels(specs: string[] | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const l of specs ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(l);
    if (!m || isIP(m[1]!) === 0) throw new UsageError(`--label "${l}" must look like IP=SITE`);
    labels[m[1]!] = m[2]!;
  }
  return labels;
}
