import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deleteContext, listContexts, setContext, useContext, viewConfig } from "../../../src/workflows/config.js";

let path: string;
const saved = process.env.AVICTL_CONFIG;
beforeEach(() => {
  path = join(mkdtempSync(join(tmpdir(), "avictl-cfg-")), "avictl", "config.yaml");
  process.env.AVICTL_CONFIG = path;
});
afterEach(() => {
  if (saved === undefined) delete process.env.AVICTL_CONFIG;
  else process.env.AVICTL_CONFIG = saved;
});

describe("contexts", () => {
  it("creates, updates, switches and deletes contexts; the first becomes current", () => {
    expect(setContext({ name: "site1", fields: { controller: "10.10.20.43", username: "admin" } }).action).toBe("created");
    expect(setContext({ name: "site2", fields: { controller: "10.10.20.44" } }).action).toBe("created");
    expect(setContext({ name: "site1", fields: { tenant: "t1" } }).action).toBe("updated");
    let rows = listContexts();
    expect(rows.map((r) => [r.name, r.current])).toEqual([
      ["site1", true],
      ["site2", false],
    ]);
    expect(rows[0]).toMatchObject({ controller: "10.10.20.43", username: "admin", tenant: "t1" });
    useContext("site2");
    rows = listContexts();
    expect(rows.find((r) => r.current)?.name).toBe("site2");
    deleteContext("site2");
    expect(listContexts().map((r) => r.name)).toEqual(["site1"]);
    expect(() => useContext("site2")).toThrow('context "site2" does not exist (known: site1)');
  });

  it("keeps the config and stored passwords 0600 and never shows a password", () => {
    setContext({ name: "lab", fields: { controller: "http://127.0.0.1:1" }, password: "Hunter2-secret" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const ctx = listContexts()[0]!;
    expect(statSync(ctx.passwordFile!).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).not.toContain("Hunter2-secret");
    const view = JSON.stringify(viewConfig());
    expect(view).not.toContain("Hunter2-secret");
    expect(view).toContain("REDACTED");
  });

  it("rejects names that would not survive a shell or a file name", () => {
    expect(() => setContext({ name: "bad name", fields: { controller: "x" } })).toThrow(/context name "bad name"/);
    expect(() => setContext({ name: "nocontroller", fields: {} })).toThrow('context "nocontroller" needs --controller');
  });
});
