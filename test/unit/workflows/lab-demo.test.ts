import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { needChecker, runDemo, toDemoOptions, type DemoStepResult } from "../../../src/workflows/lab/demo.js";
import { demoSteps, type DemoStep } from "../../../src/workflows/lab/demo-steps.js";

const charts = mkdtempSync(join(tmpdir(), "avictl-charts-"));
writeFileSync(join(charts, "ako-1.13.4.tgz"), "");

describe("needChecker", () => {
  const check = needChecker({
    charts,
    helmVersion: () => Promise.reject(new Error("helm is not installed (helm not found)")),
    contexts: () => ["lab"],
  });

  it("says why each kind of need is not met, and nothing when it is", async () => {
    expect(await check("chart:ako-1.13.4", new Set())).toBeUndefined();
    expect(await check("chart:amko-1.13.1", new Set())).toBe(`amko-1.13.1.tgz is not in ${charts}`);
    expect(await check("helm", new Set())).toBe("helm is not available: helm is not installed (helm not found)");
    expect(await check("step:lab-up", new Set(["lab-up"]))).toBeUndefined();
    expect(await check("step:ako-install-s1az1", new Set())).toBe("needs step ako-install-s1az1, which did not pass");
    expect(await check("context:lab", new Set())).toBeUndefined();
    expect(await check("context:lab-site2", new Set())).toMatch(/^no context lab-site2/);
  });

  it("without --charts, points at the option", async () => {
    const none = needChecker({ helmVersion: () => Promise.resolve("v3"), contexts: () => [] });
    expect(await none("chart:ako-1.4.2", new Set())).toBe("needs the ako-1.4.2 chart archive: pass --charts DIR");
    expect(await none("helm", new Set())).toBeUndefined();
  });
});

describe("demoSteps", () => {
  it("starts and stops the lab with public commands, and every step need refers to a known step", () => {
    for (const keep of [false, true]) {
      const steps = demoSteps({ keep });
      expect(steps[0]!.args({} as never)).toEqual(["lab", "up", "--detach", "--ttl", keep ? "8h" : "1h"]);
      expect(steps.at(-1)!.args({} as never)).toEqual(keep ? ["lab", "env"] : ["lab", "down"]);
      const ids = steps.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const [i, s] of steps.entries())
        for (const n of s.needs ?? []) if (n.startsWith("step:")) expect(ids.slice(0, i)).toContain(n.slice(5));
    }
  });

  it("--step is a step number from the list; --charts a folder", () => {
    const count = demoSteps({ keep: false }).length;
    expect(toDemoOptions({})).toEqual({ from: 1, keep: false, charts: undefined });
    expect(toDemoOptions({ step: String(count), charts, keep: true })).toEqual({ from: count, keep: true, charts });
    for (const bad of ["0", String(count + 1), "2.5", "two"])
      expect(() => toDemoOptions({ step: bad })).toThrow(`--step must be a step number from 1 to ${count}`);
    expect(() => toDemoOptions({ charts: join(charts, "ako-1.13.4.tgz") })).toThrow(
      /--charts must be a folder of chart archives; .* is not a folder/,
    );
  });
});

describe("runDemo", () => {
  // Cheap public commands stand in for the lab steps: the runner only sees command lines and exit codes.
  const steps: DemoStep[] = [
    { id: "version", title: "version", args: () => ["--version"] },
    { id: "chart", title: "needs a chart", args: (x) => ["--version", x.chart("amko-1.13.1")], needs: ["chart:amko-1.13.1"] },
    { id: "after-chart", title: "needs the chart step", args: () => ["--version"], needs: ["step:chart"] },
    { id: "refused", title: "bad input on purpose", args: () => ["lab", "faults", "--error-rate", "2"], ok: [2] },
    { id: "broken", title: "fails", args: () => ["no-such-command"] },
    { id: "never", title: "after the failure", args: () => ["--version"] },
    { id: "cleanup", title: "runs whatever happened before", args: () => ["--version"], always: true },
  ];
  const run = (from: number, before: (n: number) => boolean = () => true) => {
    // The clean-up step is told not to ask; its answer is not consulted.
    const seen: { n: number; setup: boolean }[] = [];
    const after: DemoStepResult[] = [];
    const check = needChecker({ charts, helmVersion: () => Promise.resolve("v3"), contexts: () => [] });
    const ctx = { lab: () => ({ dns: [], backends: [] }), chart: (n: string) => join(charts, `${n}.tgz`) };
    return runDemo(steps, {
      from,
      env: { ...process.env, NO_COLOR: "1" },
      cwd: charts,
      signal: new AbortController().signal,
      ctx,
      check,
      before: async (s) => (seen.push({ n: s.n, setup: s.setup }), s.ask ? before(s.n) : false),
      after: (r) => void after.push(r),
    }).then((results) => ({ results, seen, after }));
  };

  it("runs the real CLI per step, skips unmet needs with the reason, and skips the rest after a failure", async () => {
    const { results, after } = await run(1);
    expect(results.map((r) => [r.id, r.outcome, r.reason])).toEqual([
      ["version", "ok", undefined],
      ["chart", "skipped", `amko-1.13.1.tgz is not in ${charts}`],
      ["after-chart", "skipped", "needs step chart, which did not pass"],
      ["refused", "ok", undefined],
      ["broken", "failed", undefined],
      ["never", "skipped", "step 5 failed"],
      ["cleanup", "ok", undefined],
    ]);
    expect(results[0]!.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(results[3]!.stderr).toMatch(/--error-rate must be a share between 0 and 1/);
    expect(results[4]!.code).not.toBe(0);
    expect(after).toEqual(results);
  });

  it("--step N: the steps before N run first as setup; a declined prompt stops the demo", async () => {
    const { results, seen } = await run(4, (n) => n < 5);
    expect(seen).toEqual([
      { n: 1, setup: true },
      { n: 4, setup: false },
      { n: 5, setup: false },
      { n: 7, setup: false },
    ]);
    expect(results.map((r) => [r.id, r.outcome, r.setup])).toEqual([
      ["version", "ok", true],
      ["chart", "skipped", true],
      ["after-chart", "skipped", true],
      ["refused", "ok", false],
      ["broken", "skipped", false],
      ["never", "skipped", false],
      ["cleanup", "ok", false],
    ]);
    expect(results.slice(4, 6).map((r) => r.reason)).toEqual(["stopped at the prompt", "stopped at the prompt"]);
  });
});
