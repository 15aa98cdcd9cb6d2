import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/cli/errors.js";
import { MAX_VALUES_BYTES, mergeValues, parseValues, readValuesFile } from "../../../src/workflows/values-doc.js";

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error("not refused");
};

describe("parseValues", () => {
  it("returns the map, and an empty map for an empty file", () => {
    expect(parseValues("a:\n  b: [1, 2]\n  c: on\n", "v.yaml")).toEqual({ a: { b: [1, 2], c: "on" } });
    expect(parseValues("# only a comment\n", "v.yaml")).toEqual({});
  });

  it.each([
    ["a scalar", "just text\n", /v\.yaml must be a map of values \(key: value\), not a single value/],
    ["a list", "- a\n- b\n", /v\.yaml must be a map of values \(key: value\), not a list/],
    ["not YAML", "a: [1, 2\nb: }\n", /v\.yaml is not valid YAML: .*\(line \d+\)/],
    ["a duplicate key", "a: 1\nb: 2\na: 3\n", /v\.yaml is not valid YAML: duplicated mapping key/],
    ["two documents", "a: 1\n---\nb: 2\n", /v\.yaml is not valid YAML/],
  ])("refuses %s in one sentence", (_, text, message) => {
    const m = refusal(() => parseValues(text, "v.yaml"));
    expect(m).toMatch(message);
    expect(m).not.toContain("\n");
  });

  it("refuses an alias bomb without expanding it", () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(",")}]`,
      );
    expect(refusal(() => parseValues(bomb.join("\n"), "bomb.yaml"))).toMatch(
      /bomb\.yaml uses aliases that expand to more than 1000000 values/,
    );
    // A few aliases are fine.
    expect(parseValues("d: &d {x: 1}\na: *d\nb: *d\n", "ok.yaml")).toEqual({ d: { x: 1 }, a: { x: 1 }, b: { x: 1 } });
  });
});

describe("readValuesFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "avictl-values-"));
  it("refuses a missing file, a directory and a file over 1 MiB", () => {
    expect(refusal(() => readValuesFile(join(dir, "missing.yaml")))).toMatch(/values file .*missing\.yaml does not exist/);
    mkdirSync(join(dir, "sub"));
    expect(refusal(() => readValuesFile(join(dir, "sub")))).toMatch(/values file .*sub is a directory/);
    writeFileSync(join(dir, "big.yaml"), `x: "${"a".repeat(MAX_VALUES_BYTES)}"\n`);
    expect(refusal(() => readValuesFile(join(dir, "big.yaml")))).toMatch(/is 1\.0 MiB; values files are limited to 1 MiB/);
    writeFileSync(join(dir, "ok.yaml"), "a: 1\n");
    expect(readValuesFile(join(dir, "ok.yaml"))).toBe("a: 1\n");
  });
});

describe("mergeValues", () => {
  it("merges leaf by leaf under the template's keys, keeping comments, skipping what is asked", () => {
    const doc = parseDocument("# head\nA:\n  # keep me\n  x: 1\n  y: 2\nB: {}\n");
    mergeValues(doc, { A: { y: 3, z: { deep: true } }, B: { k: "v" }, C: [1], S: { secret: "s" } }, (p) => p[0] === "S");
    expect(doc.toJS()).toEqual({ A: { x: 1, y: 3, z: { deep: true } }, B: { k: "v" }, C: [1] });
    expect(doc.toString()).toContain("# keep me");
  });
});
