import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isolatedConfig, runCli } from "../helpers/run-cli.js";
import { LAB_PASSWORD, startTestController } from "../helpers/lab.js";

type Lab = Awaited<ReturnType<typeof startTestController>>;

describe("API versions on a 20.1.5 lab controller", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startTestController({ version: "20.1.5" });
  });
  afterAll(async () => lab?.ctrl.close());

  const session = async () => {
    const res = await lab.fetch("/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "admin", password: LAB_PASSWORD }),
    });
    const pairs = res.headers.getSetCookie().map((c) => c.split(";")[0]!);
    return {
      Cookie: pairs.join("; "),
      "X-CSRFToken": pairs.find((p) => p.startsWith("csrftoken="))!.split("=")[1]!,
      Referer: `${lab.ctrl.url}/`,
    };
  };

  it("refuses requests for a newer API version, reads and writes alike, and serves its own", async () => {
    const h = await session();
    const newer = await lab.fetch("/api/cloud", { headers: { ...h, "X-Avi-Version": "30.2.1" } });
    expect(newer.status).toBe(400);
    expect(((await newer.json()) as { error: string }).error).toMatch(/^Invalid version 30\.2\.1/);
    const write = await lab.fetch("/api/tenant", {
      method: "POST",
      headers: { ...h, "X-Avi-Version": "20.1.6", "Content-Type": "application/json" },
      body: JSON.stringify({ name: "never" }),
    });
    expect(write.status).toBe(400);
    expect(lab.ctrl.store.findByName("tenant", "never")).toBeUndefined();
    const own = await lab.fetch("/api/cloud", { headers: { ...h, "X-Avi-Version": "20.1.5" } });
    expect([own.status, own.headers.get("avi_api_version")]).toEqual([200, "20.1.5"]);
    // No header: served as the old default, as a 20.1 controller does.
    const none = await lab.fetch("/api/cloud", { headers: h });
    expect([none.status, none.headers.get("avi_api_version")]).toEqual([200, "16_4_2"]);
  });

  it("avictl negotiates 20.1.5 (no pin) and every API call carries it", async () => {
    await lab.admin("/lab/requests", { method: "DELETE" });
    const r = await runCli(["status", "-o", "json"], { env: { AVICTL_CONFIG: isolatedConfig(), ...lab.env() } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ controllerVersion: "20.1.5", apiVersion: "20.1.5" });
    const log = await lab.admin<{ path: string; apiVersion?: string }[]>("/lab/requests");
    expect(new Set(log.filter((e) => e.path.startsWith("/api/")).map((e) => e.apiVersion))).toEqual(new Set(["20.1.5"]));
  });

  it("an explicit pin newer than the controller fails with the controller's answer", async () => {
    const r = await runCli(["status"], { env: { AVICTL_CONFIG: isolatedConfig(), ...lab.env({ AVI_VERSION: "30.2.1" }) } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Invalid version 30\.2\.1/);
  });
});

describe("lab up / lab env", () => {
  const config = isolatedConfig();
  const env = { AVICTL_CONFIG: config };
  afterAll(async () => {
    await runCli(["lab", "down"], { env });
  });

  it("puts the lab CA into the lab context, exports it without a version pin, and a negotiating client drives a 20.1.5 lab", async () => {
    const up = await runCli(["lab", "up", "--detach", "--ttl", "10m", "--avi-version", "20.1.5"], { env, timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
    const ctx = (
      parse(readFileSync(config, "utf8")) as { contexts: { name: string; controller: string; caCert?: string }[] }
    ).contexts.find((c) => c.name === "lab")!;
    expect(ctx.controller).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(isAbsolute(ctx.caCert!)).toBe(true);
    expect(readFileSync(ctx.caCert!, "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const state = join(dirname(config), "lab", "state.json");
    expect(statSync(state).mode & 0o777).toBe(0o600);
    const adminToken = (JSON.parse(readFileSync(state, "utf8")) as { controllers: { adminToken: string }[] }).controllers[0]!.adminToken;
    expect(adminToken.length).toBeGreaterThan(20);

    const printed = await runCli(["lab", "env"], { env });
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).not.toMatch(/^export AVI_(API_)?VERSION=/m);
    expect(printed.stdout).toContain(`export AVI_CA_CERT=${ctx.caCert}`);
    const exported = Object.fromEntries([...printed.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    const json = await runCli(["lab", "env", "-o", "json"], { env });
    for (const out of [printed.stdout, json.stdout, up.stdout, up.stderr]) expect(out).not.toContain(adminToken);

    const status = await runCli(["status", "-o", "json"], { env: { ...exported, AVICTL_CONFIG: isolatedConfig() } });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ controllerVersion: "20.1.5", apiVersion: "20.1.5" });
    const viaContext = await runCli(["--context", "lab", "status", "-o", "json"], { env });
    expect(viaContext.code, viaContext.stderr).toBe(0);
    expect(JSON.parse(viaContext.stdout).apiVersion).toBe("20.1.5");
  });
});
