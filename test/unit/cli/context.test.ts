import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ConfigFile } from "../../../src/base/config.js";
import { parseDuration, resolveTarget } from "../../../src/cli/context.js";
import { UsageError } from "../../../src/cli/errors.js";

const cfg: ConfigFile = {
  apiVersion: "avictl/v1",
  currentContext: "site1",
  contexts: [
    { name: "site1", controller: "10.10.20.43", username: "ctxuser", tenant: "t1", apiVersion: "20.1.5", passwordEnv: "SITE1_PW" },
    { name: "site2", controller: "10.10.20.44" },
  ],
};

describe("resolveTarget", () => {
  it("takes flags over environment over context over defaults, and says where each came from", () => {
    const t = resolveTarget({ controller: "flag.example" }, { AVI_CONTROLLER: "env.example", AVI_USERNAME: "envuser" }, cfg, false);
    expect(t.controller).toEqual({ value: "flag.example", source: "flag" });
    expect(t.username).toEqual({ value: "envuser", source: "env:AVI_USERNAME" });
    expect(t.tenant).toEqual({ value: "t1", source: "context:site1" });
    expect(t.apiVersion).toEqual({ value: "20.1.5", source: "context:site1" });
    expect(t.insecure).toEqual({ value: false, source: "default" });
  });

  it("accepts AVI_API_VERSION as an alias of AVI_VERSION, AVI_VERSION winning", () => {
    const t = resolveTarget({ controller: "c" }, { AVI_API_VERSION: "22.1.3" }, { apiVersion: "avictl/v1", contexts: [] }, false);
    expect(t.apiVersion).toEqual({ value: "22.1.3", source: "env:AVI_API_VERSION" });
    const both = resolveTarget(
      { controller: "c" },
      { AVI_API_VERSION: "22.1.3", AVI_VERSION: "20.1.5" },
      { apiVersion: "avictl/v1", contexts: [] },
      false,
    );
    expect(both.apiVersion?.value).toBe("20.1.5");
  });

  it("selects --context over AVICTL_CONTEXT over the current context", () => {
    expect(resolveTarget({ context: "site2" }, { AVICTL_CONTEXT: "site1" }, cfg, false).controller.value).toBe("10.10.20.44");
    expect(resolveTarget({}, { AVICTL_CONTEXT: "site2" }, cfg, false).controller.value).toBe("10.10.20.44");
    expect(resolveTarget({}, {}, cfg, false).contextName).toBe("site1");
  });

  it("rejects an unknown context naming the known ones", () => {
    expect(() => resolveTarget({ context: "nope" }, {}, cfg, false)).toThrow('context "nope" does not exist (known: site1, site2)');
  });

  it("refuses to guess a controller", () => {
    const err = (() => {
      try {
        resolveTarget({}, {}, { apiVersion: "avictl/v1", contexts: [] }, false);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).hint).toContain("avictl lab up");
  });

  it("orders password sources: file flag, token, env, env file, context env, context file, prompt", () => {
    const dir = mkdtempSync(join(tmpdir(), "avictl-ctx-"));
    const file = join(dir, "pw");
    writeFileSync(file, "from-file\n");
    const none = { apiVersion: "avictl/v1" as const, contexts: [] };
    const g = { controller: "c" };
    expect(resolveTarget({ ...g, passwordFile: file }, { AVI_PASSWORD: "x" }, none, true).credential.source).toBe("flag:--password-file");
    expect(resolveTarget(g, { AVI_AUTHTOKEN: "tok", AVI_PASSWORD: "x" }, none, true).credential.kind).toBe("token");
    const envPw = resolveTarget(g, { AVI_PASSWORD: "x", AVI_PASSWORD_FILE: file }, none, true).credential;
    expect(envPw.kind === "password" && envPw.read()).toBe("x");
    const envFile = resolveTarget(g, { AVI_PASSWORD_FILE: file }, none, true).credential;
    expect(envFile.kind === "password" && envFile.read()).toBe("from-file");
    expect(resolveTarget({}, { SITE1_PW: "p" }, cfg, true).credential.source).toBe("env:SITE1_PW");
    expect(resolveTarget(g, {}, none, true).credential.kind).toBe("prompt");
    expect(resolveTarget(g, {}, none, false).credential.kind).toBe("missing");
    rmSync(dir, { recursive: true, force: true });
  });

  it("ranks an explicit --context as a flag: its controller, user and password win over the AVI_* of another controller", () => {
    const labEnv = {
      AVI_CONTROLLER: "https://127.0.0.1:4443",
      AVI_USERNAME: "admin",
      AVI_PASSWORD: "lab-secret",
      AVI_VERSION: "30.2.1",
      SITE1_PW: "site1-secret",
    };
    const t = resolveTarget({ context: "site1" }, labEnv, cfg, false);
    expect(t.controller).toEqual({ value: "10.10.20.43", source: "context:site1" });
    expect(t.username).toEqual({ value: "ctxuser", source: "context:site1" });
    expect(t.apiVersion).toEqual({ value: "20.1.5", source: "context:site1" });
    expect(t.credential.source).toBe("env:SITE1_PW");
    // Without --context the environment still wins over the current context.
    expect(resolveTarget({}, labEnv, cfg, false).controller).toEqual({ value: "https://127.0.0.1:4443", source: "env:AVI_CONTROLLER" });
    // A flag still wins over the explicit context.
    expect(resolveTarget({ context: "site1", controller: "10.10.20.99" }, labEnv, cfg, false).controller.source).toBe("flag");
    // The lab's password is never sent to site2, which stores none.
    const site2 = resolveTarget({ context: "site2" }, labEnv, cfg, false);
    expect(site2.controller.value).toBe("10.10.20.44");
    expect(site2.credential.kind).toBe("missing");
  });

  it("names the context's password variable when it is not set", () => {
    const c = resolveTarget({ context: "site1" }, {}, cfg, false).credential;
    expect(c).toEqual({ kind: "missing", source: "none", passwordEnv: "SITE1_PW" });
  });
});

describe("parseDuration", () => {
  it.each([
    ["30s", 30_000],
    ["5m", 300_000],
    ["1500ms", 1500],
    ["2", 2000],
    ["1h", 3_600_000],
  ])("%s → %d ms", (text, ms) => expect(parseDuration(text, "--timeout")).toBe(ms));

  it("rejects nonsense with the flag name", () =>
    expect(() => parseDuration("soon", "--wait-timeout")).toThrow('--wait-timeout must be a duration like 30s, 5m or 1h, not "soon"'));
});
