import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isolatedConfig, runCli } from "../helpers/run-cli.js";
import { LAB_PASSWORD, startTestController, writeCaFile } from "../helpers/lab.js";
import { createLabCa } from "../../src/lab/tls.js";
import { caFetch } from "../helpers/https-fetch.js";

type Lab = Awaited<ReturnType<typeof startTestController>>;
let lab: Lab;
const config = isolatedConfig();
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { AVICTL_CONFIG: config, ...lab.env(env) } });

/** A logged-in session's cookies and CSRF token, for raw requests. */
async function login(): Promise<{ cookie: string; csrf: string }> {
  const res = await lab.fetch("/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "admin", password: LAB_PASSWORD }),
  });
  expect(res.status).toBe(200);
  const pairs = res.headers.getSetCookie().map((c) => c.split(";")[0]!);
  return { cookie: pairs.join("; "), csrf: pairs.find((p) => p.startsWith("csrftoken="))!.slice("csrftoken=".length) };
}

beforeAll(async () => {
  lab = await startTestController();
});
afterAll(async () => {
  await lab?.ctrl.close();
});

describe("the lab controller speaks HTTPS like a controller", () => {
  it("serves HTTPS only, with HSTS and Secure cookies", async () => {
    expect(lab.ctrl.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await lab.fetch("/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "admin", password: LAB_PASSWORD }),
    });
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubdomains");
    expect(res.headers.get("content-type")).toBe("application/json");
    const cookies = res.headers.getSetCookie();
    expect(cookies.map((c) => c.split("=")[0])).toEqual(["csrftoken", "avi-sessionid", "sessionid"]);
    for (const c of cookies) expect(c).toMatch(/; Secure$/);
  });

  it("verifies the certificate with the CA from the environment (AVI_CA_CERT)", async () => {
    const r = await cli(["status", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
  });

  it("refuses an untrusted certificate: no CA, or the CA of another lab", async () => {
    const none = await cli(["status"], { AVI_CA_CERT: "" });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error: TLS verification of controller 127\.0\.0\.1:\d+ failed/);
    const wrong = await cli(["--ca-cert", writeCaFile(createLabCa("another lab").certPem), "status"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/TLS verification of controller 127\.0\.0\.1:\d+ failed/);
    expect(wrong.stderr).toMatch(/--ca-cert FILE .* or --insecure/);
  });

  it("--insecure skips verification explicitly", async () => {
    const r = await cli(["--insecure", "status", "-o", "json"], { AVI_CA_CERT: "" });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).clouds[0].name).toBe("Default-Cloud");
  });

  it("refuses writes without a Referer or with a foreign one, as Django's CSRF check does", async () => {
    const { cookie, csrf } = await login();
    const post = (referer?: string) =>
      lab.fetch("/api/tenant", {
        method: "POST",
        headers: {
          Cookie: cookie,
          "X-CSRFToken": csrf,
          "X-Avi-Version": "30.2.1",
          "Content-Type": "application/json",
          ...(referer ? { Referer: referer } : {}),
        },
        body: JSON.stringify({ name: "t-referer" }),
      });
    const missing = await post();
    expect([missing.status, await missing.text()]).toEqual([401, "Referer checking failed - no Referer."]);
    const foreign = await post("https://evil.example/");
    expect([foreign.status, await foreign.text()]).toEqual([
      401,
      "Referer checking failed - https://evil.example/ does not match any trusted origins.",
    ]);
    const plain = await post(lab.ctrl.url.replace("https:", "http:"));
    expect(plain.status).toBe(401);
    expect(lab.ctrl.store.findByName("tenant", "t-referer")).toBeUndefined();
    // Reads need no Referer; a same-origin Referer lets the write through.
    expect((await lab.fetch("/api/tenant", { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await post(`${lab.ctrl.url}/`)).status).toBe(201);
  });

  it("answers a bad CSRF token with the recorded 401: text body, JSON content type, session cookies re-sent", async () => {
    const { cookie } = await login();
    const res = await lab.fetch("/api/tenant", {
      method: "POST",
      headers: { Cookie: cookie, "X-CSRFToken": "invalid", Referer: `${lab.ctrl.url}/`, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe("CSRF token missing or incorrect.");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.getSetCookie().map((c) => c.split("=")[0])).toEqual(["avi-sessionid", "sessionid"]);
  });
});

describe("lab admin endpoints", () => {
  it("refuse requests without the lab admin token (401) and serve it", async () => {
    const raw = caFetch(lab.ctrl.caCert);
    for (const [method, path] of [
      ["GET", "/lab/requests"],
      ["GET", "/lab/sessions"],
      ["POST", "/lab/faults"],
      ["DELETE", "/lab/requests"],
      ["GET", "/lab/stats"],
    ] as const) {
      const res = await raw(`${lab.ctrl.url}${path}`, { method, headers: { Authorization: "Bearer wrong" } });
      expect([method, path, res.status]).toEqual([method, path, 401]);
      expect((await raw(`${lab.ctrl.url}${path}`, { method })).status).toBe(401);
    }
    expect(Array.isArray(await lab.admin("/lab/sessions"))).toBe(true);
  });
});
