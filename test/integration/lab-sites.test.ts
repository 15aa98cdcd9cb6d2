import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";

// A detached lab in a private config home, driven only through the CLI.
const home = mkdtempSync(join(tmpdir(), "avictl-labsites-"));
const env = { XDG_CONFIG_HOME: home, AVICTL_CONFIG: join(home, "avictl", "config.yaml") };
const cli = (...args: string[]) => runCli(args, { env, timeoutMs: 120_000 });

beforeAll(async () => {
  const up = await cli("lab", "up", "--detach", "--ttl", "10m");
  expect(up.code, up.stderr).toBe(0);
}, 150_000);
afterAll(async () => {
  await cli("lab", "down");
});

describe("lab sites", () => {
  it("publishes a context per controller, lab = site1, each with its own credentials", async () => {
    const r = await cli("config", "get-contexts");
    expect(
      r.stdout
        .split("\n")
        .map((l) => l.replace(/^\*?\s*/, "").split(/\s+/)[0])
        .filter(Boolean),
    ).toEqual(expect.arrayContaining(["lab", "lab-site1", "lab-site2", "lab-leader"]));
    for (const ctx of ["lab-leader", "lab-site1", "lab-site2"]) expect((await cli("--context", ctx, "-o", "json", "status")).code).toBe(0);
    const uuids = await Promise.all(
      ["lab-leader", "lab-site1", "lab-site2"].map(
        async (ctx) =>
          (JSON.parse((await cli("--context", ctx, "-o", "json", "status")).stdout) as { cluster: { uuid: string } }).cluster.uuid,
      ),
    );
    expect(new Set(uuids).size).toBe(3);
    const state = JSON.parse((await cli("-o", "json", "lab", "env")).stdout) as {
      controllers: { name: string; url: string; passwordFile: string }[];
    };
    const [site1, site2] = ["site1", "site2"].map((n) => state.controllers.find((c) => c.name === n)!);
    const crossed = await runCli(["--controller", site1!.url, "--password-file", site2!.passwordFile, "status"], { env });
    expect(crossed.code).toBe(1);
    expect(crossed.stderr).toContain("rejected the login");
  });

  it("stop-site takes site2's controller down and start-site brings it back; other sites stay up", async () => {
    const stop = await cli("lab", "stop-site", "site2");
    expect(stop.code, stop.stderr).toBe(0);
    const down = await cli("--context", "lab-site2", "status");
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach controller .*connection refused/);
    expect((await cli("--context", "lab-site1", "status")).code).toBe(0);
    expect((await cli("lab", "stop-site", "site2")).stderr).toContain("already down");
    const start = await cli("lab", "start-site", "site2");
    expect(start.code, start.stderr).toBe(0);
    expect((await cli("--context", "lab-site2", "status")).code).toBe(0);
  });

  it("refuses an unknown site with exit 2", async () => {
    const r = await cli("lab", "stop-site", "site9");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown lab site "site9" (lab sites: site1, site2, leader)');
  });
});
