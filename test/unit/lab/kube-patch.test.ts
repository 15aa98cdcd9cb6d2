import { describe, expect, it } from "vitest";
import {
  applyPatch,
  canonical,
  jsonPatch,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  strategicMerge,
} from "../../../src/lab/kube/patch.js";

describe("label selectors", () => {
  const labels = { app: "ako", tier: "control", "app.kubernetes.io/name": "ako" };
  it.each([
    ["app=ako", true],
    ["app = ako", true],
    ["app!=ako", false],
    ["app!=amko", true],
    ["app in (amko, ako)", true],
    ["tier in (data),app", false],
    ["tier notin (data, web),app.kubernetes.io/name=ako", true],
    ["missing notin (x)", true],
    ["missing in (x)", false],
    ["!missing,app", true],
    ["!app", false],
    ["missing", false],
    ["missing!=x", true],
  ])("%s → %s", (selector, want) => {
    expect(matchesLabels(labels, selector)).toBe(want);
  });

  it.each(["app in x", "a b", "app=(x)", "in (x)", "=x"])("rejects the malformed selector %j", (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(/unable to parse/);
  });

  it("takes an empty value as a value: the label is present and empty", () => {
    expect(matchesLabels({}, "app==")).toBe(false);
    expect(matchesLabels({ app: "" }, "app==")).toBe(true);
  });
});

describe("field selectors", () => {
  const pod = { metadata: { name: "ako-0", namespace: "avi-system" }, status: { phase: "Running" }, spec: { replicas: 2 } };
  it.each([
    ["metadata.name=ako-0", true],
    ["metadata.name==ako-0,metadata.namespace=avi-system", true],
    ["metadata.name!=ako-0", false],
    ["status.phase=Pending", false],
    ["spec.replicas=2", true],
    ["spec.missing=", true],
  ])("%s → %s", (selector, want) => {
    expect(parseFieldSelector(selector).every((f) => f(pod))).toBe(want);
  });
  it("rejects a term without an operator", () => {
    expect(() => parseFieldSelector("metadata.name")).toThrow(/invalid field selector/);
  });
});

describe("strategic merge", () => {
  it("deletes a named entry with $patch: delete and ignores directives", () => {
    const spec = {
      containers: [
        { name: "a", image: "1" },
        { name: "b", image: "2" },
      ],
    };
    expect(strategicMerge(spec, { $setElementOrder: [], containers: [{ name: "a", $patch: "delete" }] })).toEqual({
      containers: [{ name: "b", image: "2" }],
    });
  });
  it("replaces lists whose entries have no name", () => {
    expect(strategicMerge({ args: ["a", "b"] }, { args: ["c"] })).toEqual({ args: ["c"] });
  });
});

describe("server-side apply", () => {
  const live = {
    metadata: { name: "cm", labels: { a: "1", mine: "x" }, annotations: { other: "kept" } },
    data: { one: "1", two: "2", theirs: "t" },
  };
  it("drops what the manager applied before and no longer applies, keeps other managers' fields", () => {
    const previous = { metadata: { name: "cm", labels: { a: "1", mine: "x" } }, data: { one: "1", two: "2" } };
    const applied = { metadata: { name: "cm", labels: { a: "2" } }, data: { one: "1" } };
    expect(applyPatch(live, previous, applied)).toEqual({
      metadata: { name: "cm", labels: { a: "2" }, annotations: { other: "kept" } },
      data: { one: "1", theirs: "t" },
    });
  });
  it("merges over the live object on the manager's first apply", () => {
    expect(applyPatch(live, {}, { data: { three: "3" } })).toEqual({ ...live, data: { ...live.data, three: "3" } });
  });
  it("removes named list entries the manager stopped applying", () => {
    const pod = { containers: [{ name: "a", image: "1", env: [{ name: "X" }, { name: "Y" }] }, { name: "injected" }] };
    const previous = { containers: [{ name: "a", env: [{ name: "X" }, { name: "Y" }] }] };
    expect(applyPatch(pod, previous, { containers: [{ name: "a", env: [{ name: "X" }] }] })).toEqual({
      containers: [{ name: "a", image: "1", env: [{ name: "X" }] }, { name: "injected" }],
    });
  });
});

describe("JSON patch", () => {
  it("moves and copies", () => {
    expect(
      jsonPatch({ a: { x: 1 }, b: {} }, [
        { op: "copy", from: "/a/x", path: "/b/y" },
        { op: "move", from: "/a", path: "/c" },
      ]),
    ).toEqual({ b: { y: 1 }, c: { x: 1 } });
  });
  it("fails on a missing path and an unknown operation", () => {
    expect(() => jsonPatch({}, [{ op: "remove", path: "/nope" }])).toThrow(/does not exist/);
    expect(() => jsonPatch({}, [{ op: "frobnicate", path: "/a" }])).toThrow(/unknown JSON patch operation/);
  });
  it("test compares content, not key order", () => {
    expect(() => jsonPatch({ a: { x: 1, y: 2 } }, [{ op: "test", path: "/a", value: { y: 2, x: 1 } }])).not.toThrow();
  });
});

describe("canonical", () => {
  it("is independent of key order and drops undefined", () => {
    expect(canonical({ b: 1, a: [{ d: 1, c: undefined }] })).toBe(canonical({ a: [{ d: 1 }], b: 1 }));
    expect(canonical({ a: 1 })).not.toBe(canonical({ a: "1" }));
  });
});
