import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { needChecker, runDemo, toDemoOptions, type DemoStepResult } from "../../../src/workflows/lab/demo.js";
import { startSlackReceiver } from "../../../src/workflows/lab/demo-receiver.js";
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
    const ctx = {
      lab: () => ({ dns: [], backends: [] }),
      chart: (n: string) => join(charts, `${n}.tgz`),
      output: () => "",
      file: (n: string) => join(charts, n),
      slack: () => Promise.resolve(undefined),
    };
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

describe("runDemo: output checks, retries and watched steps", () => {
  it("a step passes only when its output shows what it should; a watched step reports what it saw; a retried step runs again", async () => {
    let watched = 0;
    const steps: DemoStep[] = [
      { id: "shows", title: "version shows digits", args: () => ["--version"], shows: /^\d+\.\d+/ },
      {
        id: "watch",
        title: "a watched step",
        args: () => [],
        watch: { describe: "(watching)", run: () => Promise.resolve({ ok: ++watched === 2, out: `look ${watched}\n` }) },
        retryMs: 60_000,
      },
      { id: "missing", title: "version does not show letters", args: () => ["--version"], shows: /[a-z]{5}/ },
    ];
    const results = await runDemo(steps, {
      from: 1,
      env: { ...process.env, NO_COLOR: "1" },
      cwd: charts,
      signal: new AbortController().signal,
      ctx: {} as never,
      check: () => Promise.resolve(undefined),
      before: () => Promise.resolve(true),
      after: () => undefined,
    });
    expect(results.map((r) => [r.id, r.outcome, r.tries, r.watch])).toEqual([
      ["shows", "ok", undefined, undefined],
      ["watch", "ok", 2, "(watching)"],
      ["missing", "failed", undefined, undefined],
    ]);
    expect(results[1]!.stdout).toBe("look 2\n");
    expect(results[2]!.code).toBe(0);
  });
});

describe("the demo's Slack receiver", () => {
  it("takes Slack's webhook body on its secret path only, and hands each matching message out once", async () => {
    const slack = await startSlackReceiver();
    try {
      const u = new URL(slack.url);
      expect(u.hostname).toBe("127.0.0.1");
      const post = (url: string, body: string) => fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });
      expect((await post(`${u.origin}/services/guess`, '{"text":"x"}')).status).toBe(404);
      expect((await post(slack.url, "{}")).status).toBe(400);
      expect((await post(slack.url, JSON.stringify({ text: "member 127.10.35.41 is DOWN" }))).status).toBe(200);
      const signal = new AbortController().signal;
      expect(await slack.next(/is DOWN/, 1000, signal)).toBe("member 127.10.35.41 is DOWN");
      expect(await slack.next(/is DOWN/, 300, signal)).toBeUndefined();
    } finally {
      await slack.close();
    }
  });
});
