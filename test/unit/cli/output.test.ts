import { describe, expect, it } from "vitest";
import { CommanderError } from "commander";
import { testIo } from "../../../src/cli/io.js";
import { printTable, writeOutput } from "../../../src/cli/output.js";
import { report } from "../../../src/cli/main.js";
import { renderPlan } from "../../../src/cli/plan.js";
import { OperationError, UsageError, VerificationFailed, Cancelled } from "../../../src/cli/errors.js";

describe("printTable", () => {
  const rows = [
    ["VRF_AZ1", 3],
    ["global", undefined],
  ];
  it("prints tab-separated rows without a header when piped", () => {
    const io = testIo({ tty: false });
    printTable(io, ["NAME", "ROUTES"], rows);
    expect(io.stdout()).toBe("VRF_AZ1\t3\nglobal\t\n");
  });
  it("prints a table with a header on a terminal", () => {
    const io = testIo({ tty: true });
    printTable(io, ["NAME", "ROUTES"], rows);
    const lines = io.stdout().split("\n");
    expect(lines.some((l) => /NAME\s+│\s+ROUTES/.test(l))).toBe(true);
    expect(lines.some((l) => /VRF_AZ1\s+│\s+3/.test(l))).toBe(true);
  });
});

describe("renderPlan", () => {
  const diff = [
    "cloud_ref",
    "ha_mode",
    "se_name_prefix",
    "vcenter_folder",
    "buffer_se",
    "non_significant_log_throttle",
    "udf_log_throttle",
  ].map((path) => ({ path, to: 1 }));
  const plan = {
    plan: [{ kind: "serviceenginegroup", name: "DNS-SE-Group", action: "create" as const, diff }],
    warnings: [],
    dryRun: false,
  };
  it("never shortens a cell when piped", () => {
    const io = testIo({ tty: false });
    renderPlan(io, plan);
    expect(io.stdout()).toBe(`serviceenginegroup\tDNS-SE-Group\tcreate\t${diff.map((d) => d.path).join(", ")}\n`);
  });
  it("shortens long change lists on a terminal, under a header", () => {
    const io = testIo({ tty: true });
    renderPlan(io, plan);
    expect(io.stdout()).toMatch(/KIND\s+│\s+NAME/);
    expect(io.stdout()).toContain("…");
  });
});

describe("writeOutput", () => {
  const result = { name: "x", items: [1, 2] };
  it("serialises the result itself for json and yaml", async () => {
    const json = testIo();
    await writeOutput("json", json, result, () => json.out("table"));
    expect(JSON.parse(json.stdout())).toEqual(result);
    const yaml = testIo();
    await writeOutput("yaml", yaml, result, () => yaml.out("table"));
    expect(yaml.stdout()).toBe("name: x\nitems:\n  - 1\n  - 2\n");
  });
  it("uses the renderer for tables", async () => {
    const io = testIo();
    await writeOutput("table", io, result, (i, r) => i.out(`rendered ${r.name}`));
    expect(io.stdout()).toBe("rendered x");
  });
});

describe("report (errors → exit codes)", () => {
  it.each([
    [new UsageError("--buffer-se must be ≥ 0"), 2, "error: --buffer-se must be ≥ 0\n"],
    [
      new OperationError("cannot reach controller 10.10.20.43:443 (connection refused)", "check --controller / AVI_CONTROLLER"),
      1,
      "error: cannot reach controller 10.10.20.43:443 (connection refused)\ncheck --controller / AVI_CONTROLLER\n",
    ],
    [new VerificationFailed(), 3, ""],
    [new Cancelled("interrupted"), 130, "cancelled: interrupted\n"],
  ])("%s → %d", (err, code, stderr) => {
    const io = testIo();
    expect(report(err, io, false)).toBe(code);
    expect(io.stderr()).toBe(stderr);
    expect(io.stdout()).toBe("");
  });

  it("maps commander's parse errors to 2 and help to 0", () => {
    expect(report(new CommanderError(1, "commander.unknownOption", "x"), testIo(), false)).toBe(2);
    expect(report(new CommanderError(0, "commander.helpDisplayed", "x"), testIo(), false)).toBe(0);
  });

  it("shows a stack only with --debug, and flags unexpected errors as bugs", () => {
    const plain = testIo();
    expect(report(new TypeError("boom"), plain, false)).toBe(1);
    expect(plain.stderr()).toContain("re-run with --debug");
    expect(plain.stderr()).not.toContain("at ");
    const debug = testIo();
    report(new TypeError("boom"), debug, true);
    expect(debug.stderr()).toMatch(/TypeError: boom\n\s+at /);
  });
});
