import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath } from "../helpers/run-cli.js";

const hook = resolve(import.meta.dirname, "../helpers/record-imports.mjs");

/** Modules resolved while running avictl with the given arguments. */
function importsOf(args: string[]): string[] {
  const log = join(mkdtempSync(join(tmpdir(), "avictl-imports-")), "imports.log");
  const r = spawnSync(process.execPath, ["--import", hook, binPath, ...args], {
    env: { ...process.env, AVICTL_IMPORT_LOG: log, AVICTL_CONFIG: join(tmpdir(), "avictl-none", "config.yaml"), NO_COLOR: "1" },
    encoding: "utf8",
  });
  expect(r.status, r.stderr).not.toBeNull();
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

describe("lazy loading", () => {
  it.each([["--help"], ["--version"], ["status", "--help"], ["config", "get-contexts"]])(
    "avictl %s loads neither Kubernetes, inquirer nor the lab",
    (...args) => {
      const mods = importsOf(args);
      expect(mods.some((m) => m.includes("/dist/cli/main.js"))).toBe(true);
      expect(mods.filter((m) => m.includes("@kubernetes/client-node"))).toEqual([]);
      expect(mods.filter((m) => m.includes("@inquirer"))).toEqual([]);
      expect(mods.filter((m) => m.includes("/dist/lab/"))).toEqual([]);
      expect(mods.filter((m) => m.includes("/node_modules/axios/"))).toEqual([]);
    },
  );

  it("a controller command loads the Avi client but not Kubernetes", () => {
    const mods = importsOf(["--controller", "http://127.0.0.1:9", "--password-file", "/dev/null", "status"]);
    expect(mods.some((m) => m.includes("/dist/clients/avi/client.js"))).toBe(true);
    expect(mods.filter((m) => m.includes("@kubernetes/client-node"))).toEqual([]);
  });

  it("ako values rendered offline loads neither Kubernetes nor the Avi client", () => {
    const mods = importsOf([
      "ako",
      "values",
      "--cluster-name",
      "S1-AZ1",
      "--vip-network",
      "N=10.10.25.0/24",
      "--se-group",
      "S",
      "--controller-version",
      "20.1.5",
    ]);
    expect(mods.some((m) => m.includes("/dist/workflows/ako/render.js"))).toBe(true);
    expect(mods.filter((m) => m.includes("@kubernetes/client-node") || m.includes("/node_modules/axios/"))).toEqual([]);
  });

  it("check-dns loads the DNS client but neither the Avi client nor Kubernetes", () => {
    const mods = importsOf(["check-dns", "localhost", "--server", "127.0.0.1:9", "--count", "1", "--no-http", "--timeout", "50ms"]);
    expect(mods.some((m) => m.includes("/dist/clients/dns.js"))).toBe(true);
    expect(
      mods.filter((m) => m.includes("@kubernetes/client-node") || m.includes("/node_modules/axios/") || m.includes("/dist/clients/avi/")),
    ).toEqual([]);
  });
});
