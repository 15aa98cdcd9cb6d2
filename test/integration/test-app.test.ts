import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestAppResult } from "../../src/workflows/test-app.js";
import { startAkoLab } from "../helpers/ako-cluster.js";
import { runCli } from "../helpers/run-cli.js";

let lab: Awaited<ReturnType<typeof startAkoLab>>;
const dir = mkdtempSync(join(tmpdir(), "avictl-test-app-"));
const cli = (args: string[]) => runCli(args, { env: lab.env, timeoutMs: 120_000 });
const json = async (args: string[]) => {
  const r = await cli([...args, "--kube-context", "s1az1", "-o", "json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as TestAppResult;
};
const vs = () => lab.lab.ctrl.store.findByName("virtualservice", "S1-AZ1--default-kuard");
const dig = () =>
  runCli(
    ["check-dns", "kuard.default.avi.iberia.local", "--server", `${lab.server.host}:${lab.server.port}`, "--count", "1", "--no-http"],
    { env: lab.env },
  );

beforeAll(async () => {
  lab = await startAkoLab(dir);
}, 180_000);
afterAll(async () => lab?.close());

describe("test-app: Part 3's LoadBalancer Service through the lab's AKO", () => {
  it("apply makes a Deployment and a LoadBalancer Service (once), scale 0 takes the VS down and its record away, scale 2 brings both back, delete removes them", async () => {
    const created = await json(["test-app", "apply", "kuard", "--replicas", "2", "--wait"]);
    expect(created.plan.map((p) => [p.kind, p.name, p.action])).toEqual([
      ["deployment", "default/kuard", "create"],
      ["service", "default/kuard", "create"],
    ]);
    expect(created).toEqual(expect.objectContaining({ replicas: 2, ready: 2, hostname: "kuard.default.avi.iberia.local" }));
    expect(created.vip).toMatch(/^127\./);
    const svc = await lab.cluster.call<{ spec: { type: string; ports: { port: number }[] } }>(
      "GET",
      "/api/v1/namespaces/default/services/kuard",
    );
    expect(svc.spec.type).toBe("LoadBalancer");
    expect(svc.spec.ports[0]!.port).toBe(8080);

    // Idempotent: the same command again writes nothing.
    const again = await json(["test-app", "apply", "kuard", "--replicas", "2"]);
    expect(again.plan.map((p) => p.action)).toEqual(["unchanged", "unchanged"]);

    const shown = await cli(["vs", "show", "S1-AZ1--default-kuard"]);
    expect(shown.stdout).toMatch(/State\s+UP/);
    expect(shown.stdout).toMatch(/Members\s+2\/2 up/);
    const up = await dig();
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(created.vip);

    const down = await json(["test-app", "scale", "kuard", "--replicas", "0", "--wait"]);
    expect(down.plan).toEqual([
      { kind: "deployment", name: "default/kuard", action: "update", diff: [{ path: "spec.replicas", from: 2, to: 0 }] },
    ]);
    expect(down).toEqual(expect.objectContaining({ replicas: 0, ready: 0, vip: created.vip }));
    expect((await cli(["vs", "show", "S1-AZ1--default-kuard"])).stdout).toMatch(/State\s+DOWN/);
    const gone = await dig();
    expect(gone.code).toBe(3);
    expect(gone.stdout).toMatch(/NXDOMAIN/);
    expect(gone.stdout).toMatch(/SOA avi\.iberia\.local/);

    expect((await json(["test-app", "scale", "kuard", "--replicas", "0"])).plan[0]!.action).toBe("unchanged");
    await json(["test-app", "scale", "kuard", "--replicas", "2", "--wait"]);
    const back = await dig();
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain(created.vip);

    const dry = await cli(["test-app", "delete", "kuard", "--dry-run", "--kube-context", "s1az1"]);
    expect(dry.stdout).toMatch(/would delete/);
    expect(vs()).toBeDefined();
    const deleted = await json(["test-app", "delete", "kuard"]);
    expect(deleted.plan.map((p) => p.action)).toEqual(["delete", "delete"]);
    expect(vs()).toBeUndefined();
    expect((await json(["test-app", "delete", "kuard"])).plan.map((p) => p.action)).toEqual(["absent", "absent"]);
  }, 180_000);

  it("delete leaves alone what it did not make; bad input is refused before anything is written", async () => {
    await lab.cluster.deployment("default", "theirs", 1);
    const r = await json(["test-app", "delete", "theirs"]);
    expect(r.plan.map((p) => [p.kind, p.action])).toEqual([
      ["service", "absent"],
      ["deployment", "unchanged"],
    ]);
    expect(r.warnings).toEqual(["Deployment default/theirs was not made by avictl test-app; left alone"]);
    await lab.cluster.call("GET", "/apis/apps/v1/namespaces/default/deployments/theirs");

    for (const [args, message] of [
      [["test-app", "restart", "kuard"], /action must be apply, scale or delete/],
      [["test-app", "scale", "kuard"], /scale needs --replicas N/],
      [["test-app", "apply", "Kuard"], /must be a lowercase DNS label/],
      [["test-app", "apply", "kuard", "--replicas", "-1"], /--replicas must be an integer from 0 to 100/],
      [["test-app", "scale", "kuard", "--replicas", "1", "--image", "x"], /go with apply/],
      [["test-app", "apply", "kuard", "--label", "app"], /--label "app" must be KEY=VALUE/],
    ] as const) {
      const bad = await cli([...args, "--kube-context", "s1az1"]);
      expect(bad.code, args.join(" ")).toBe(2);
      expect(bad.stderr).toMatch(message);
    }
    const missing = await cli(["test-app", "scale", "nothing", "--replicas", "1", "--kube-context", "s1az1"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no Deployment default\/nothing to scale/);
  }, 120_000);
});
