import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { cruise, type IReporterOutput } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const ruleSet = createRequire(import.meta.url)(join(root, ".dependency-cruiser.cjs")) as { forbidden: unknown[] };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Rule names violated by a small tree of modules, checked with the project's own rule set. */
async function violations(files: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "avictl-layers-"));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const result: IReporterOutput = await cruise(["src"], { baseDir: dir, ruleSet: ruleSet as never, validate: true });
  if (typeof result.output === "string") throw new Error(result.output);
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

describe("layer rules (.dependency-cruiser.cjs, run by npm test)", () => {
  it("fail on an upward import, a sideways workflow import and the lab in production code", async () => {
    const found = await violations({
      "src/base/errors.ts": "export class UsageError extends Error {}\n",
      "src/cli/output.ts": 'import { UsageError } from "../base/errors.js";\nexport const out = UsageError;\n',
      "src/clients/helm.ts": 'import { out } from "../cli/output.js";\nexport const helm = out;\n',
      "src/workflows/amko/install.ts": 'import { ako } from "../ako/lifecycle.js";\nexport const amko = ako;\n',
      "src/workflows/ako/lifecycle.ts": 'import { lab } from "../../lab/index.js";\nexport const ako = lab;\n',
      "src/lab/index.ts": "export const lab = 1;\n",
    });
    expect(found).toEqual([
      "clients-stay-below-workflows: src/clients/helm.ts → src/cli/output.ts",
      "lab-is-not-production-code: src/workflows/ako/lifecycle.ts → src/lab/index.ts",
      "no-sideways-workflows: src/workflows/amko/install.ts → src/workflows/ako/lifecycle.ts",
    ]);
  });

  it("allow the shared modules, the base layer and the lab behind the lab commands", async () => {
    const found = await violations({
      "src/base/errors.ts": "export class UsageError extends Error {}\n",
      "src/workflows/helm-release.ts": 'import { UsageError } from "../base/errors.js";\nexport const shared = UsageError;\n',
      "src/workflows/amko/install.ts": 'import { shared } from "../helm-release.js";\nexport const amko = shared;\n',
      "src/workflows/lab/up.ts": 'import { lab } from "../../lab/index.js";\nexport const up = lab;\n',
      "src/commands/lab/up.ts": 'import { up } from "../../workflows/lab/up.js";\nexport const cmd = up;\n',
      "src/lab/index.ts": 'import { UsageError } from "../base/errors.js";\nexport const lab = UsageError;\n',
    });
    expect(found).toEqual([]);
  });
});
