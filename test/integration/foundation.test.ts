import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isolatedConfig, runCli, type CliResult } from "../helpers/run-cli.js";
import { LAB_PASSWORD, nonConformingRequests, startTestController } from "../helpers/lab.js";

type Lab = Awaited<ReturnType<typeof startTestController>>;
let lab: Lab;
const outputs: CliResult[] = [];
const cli = async (args: string[], env: Record<string, string> = {}) => {
  const r = await runCli(args, { env: { AVICTL_CONFIG: config, ...lab.env(env) } });
  outputs.push(r);
  return r;
};
const config = isolatedConfig();

beforeAll(async () => {
  lab = await startTestController();
});
afterAll(async () => {
  await lab?.ctrl.close();
});

describe("avictl against the lab controller", () => {
  it("status shows the seeded topology as plain columns when piped", async () => {
    const r = await cli(["status"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Default-Cloud\tCLOUD_VCENTER\tCLOUD_STATE_PLACEMENT_READY/m);
    expect(r.stdout).toMatch(/^Default-Group\tDefault-Cloud\t/m);
    expect(r.stdout).toMatch(/^global\tDefault-Cloud\t\d+$/m);
    expect(r.stdout).toMatch(/^management\tDefault-Cloud\t\d+$/m);
    expect(r.stderr).toBe("");
  });

  it("status -o json is a stable document", async () => {
    const r = await cli(["status", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.controllerVersion).toBe("30.2.1");
    expect(s.apiVersion).toBe("30.2.1");
    expect(s.cluster.state).toMatch(/^CLUSTER_UP/);
    expect(s.clouds).toEqual([expect.objectContaining({ name: "Default-Cloud", type: "CLOUD_VCENTER", ready: true })]);
    expect(s.vrfs.map((v: { name: string }) => v.name).sort()).toEqual(["global", "management"]);
    expect(s.gslb.role).toBe("not configured");
    expect(s.healthy).toBe(true);
  });

  it("status -o yaml", async () => {
    const r = await cli(["status", "-o", "yaml"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^controllerVersion: 30\.2\.1$/m);
  });

  it("a wrong password fails with exit 1 and one sentence, without retrying the login", async () => {
    await lab.admin("/lab/requests", { method: "DELETE" });
    const r = await cli(["status"], { AVI_PASSWORD: "wrong-password" });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^error: controller 127\.0\.0\.1:\d+ rejected the login for user admin: /);
    expect(lines).toHaveLength(2);
    expect(r.stdout).toBe("");
    const log = await lab.admin<{ path: string }[]>("/lab/requests");
    expect(log.filter((e) => e.path === "/login")).toHaveLength(1);
  });

  it("re-establishes an expired session transparently", async () => {
    await lab.admin("/lab/requests", { method: "DELETE" });
    // Expire every session after the first API call, i.e. while the command is between its calls.
    lab.ctrl.setFaults({ expireSessionsAfter: 1 });
    const r = await cli(["status", "-o", "json"]);
    lab.ctrl.setFaults({});
    expect(r.code, r.stderr).toBe(0);
    const log = await lab.admin<{ path: string; status: number }[]>("/lab/requests");
    expect(log.filter((e) => e.path === "/login").length).toBeGreaterThanOrEqual(2);
    expect(log.some((e) => e.status === 401)).toBe(true);
  });

  it("still succeeds with 20% injected 5xx and dropped connections", async () => {
    lab.ctrl.setFaults({ errorRate: 0.1, resetRate: 0.1, seed: 7 });
    try {
      for (let i = 0; i < 3; i++) {
        const r = await cli(["status", "-o", "json"]);
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).clouds[0].name).toBe("Default-Cloud");
      }
      const stats = await lab.admin<{ requests: number }>("/lab/stats");
      expect(stats.requests).toBeGreaterThan(0);
    } finally {
      lab.ctrl.setFaults({});
    }
  });

  it("--debug traces requests without any secret", async () => {
    const r = await cli(["--debug", "status"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[debug\] POST \/login → 200/);
    expect(r.stderr).toMatch(/\[debug\] GET \/api\/cloud → 200/);
  });

  it("no secret appears in any output of this suite", async () => {
    const sessions = await lab.admin<{ csrftoken?: string; sessionid?: string }[]>("/lab/sessions");
    const secrets = [LAB_PASSWORD, ...sessions.flatMap((s) => [s.csrftoken, s.sessionid])].filter((s): s is string => Boolean(s));
    expect(secrets.length).toBeGreaterThan(2);
    const all = outputs.map((o) => o.stdout + o.stderr).join("\n");
    for (const s of secrets) expect(all).not.toContain(s);
  });

  it("every request body sent conforms to the official schemas", async () => {
    expect(await nonConformingRequests(lab.ctrl)).toEqual([]);
  });
});

describe("a locked lab admin", () => {
  it("keeps the controller's 30-minute lockout and says how to clear it on the lab", async () => {
    const locked = await startTestController();
    try {
      const cfg = isolatedConfig();
      const set = await runCli(["config", "set-context", "lab", "--controller", locked.ctrl.url, "--ca-cert", locked.caFile], {
        env: { AVICTL_CONFIG: cfg },
      });
      expect(set.code, set.stderr).toBe(0);
      const wrong = { AVICTL_CONFIG: cfg, AVI_PASSWORD: "wrong" };
      for (let i = 0; i < 3; i++) expect((await runCli(["status"], { env: wrong })).stderr).toContain("Invalid credentials");
      const r = await runCli(["status"], { env: { AVICTL_CONFIG: cfg, AVI_PASSWORD: LAB_PASSWORD } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("User account is locked");
      expect(r.stderr).toContain("this is the lab: the lockout lasts 30 minutes; restart the lab to clear it");
    } finally {
      await locked.ctrl.close();
    }
  });
});
