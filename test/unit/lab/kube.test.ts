import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { jsonPatch, matchesLabels, mergePatch, strategicMerge } from "../../../src/lab/kube/patch.js";
import { decodeObject } from "../../../src/lab/kube/protobuf.js";

describe("label selectors", () => {
  it.each([
    ["name=ako,owner=helm", true],
    ["name==ako", true],
    ["owner!=helm", false],
    ["status in (deployed,superseded)", true],
    ["status notin (deployed)", false],
    ["owner", true],
    ["!owner", false],
    ["version", false],
    ["", true],
  ])("%s → %s", (sel, want) => {
    expect(matchesLabels({ name: "ako", owner: "helm", status: "deployed" }, sel)).toBe(want);
  });
});

describe("patches", () => {
  it("merge patch deletes with null and replaces lists", () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3] })).toEqual({
      a: 1,
      b: { d: 3, e: 4 },
      l: [3],
    });
  });
  it("strategic merge merges containers and env by name", () => {
    const pod = {
      containers: [
        { name: "ako", image: "a:1", env: [{ name: "X", value: "1" }] },
        { name: "side", image: "s:1" },
      ],
    };
    expect(strategicMerge(pod, { containers: [{ name: "ako", env: [{ name: "Y", value: "2" }] }] })).toEqual({
      containers: [
        {
          name: "ako",
          image: "a:1",
          env: [
            { name: "X", value: "1" },
            { name: "Y", value: "2" },
          ],
        },
        { name: "side", image: "s:1" },
      ],
    });
  });
  it("JSON patch adds, replaces, removes and tests", () => {
    expect(
      jsonPatch({ a: [1], b: 1 }, [
        { op: "add", path: "/a/-", value: 2 },
        { op: "replace", path: "/b", value: 5 },
        { op: "remove", path: "/a/0" },
      ]),
    ).toEqual({ a: [2], b: 5 });
    expect(() => jsonPatch({ b: 1 }, [{ op: "test", path: "/b", value: 2 }])).toThrow(/test failed/);
  });
});

describe("protobuf Secrets", () => {
  it("decodes helm's release secret envelope: metadata, labels, data, type", () => {
    const entry = (k: string, v: string | Uint8Array) =>
      new BinaryWriter()
        .tag(1, 2)
        .string(k)
        .tag(2, 2)
        .bytes(typeof v === "string" ? new TextEncoder().encode(v) : v)
        .finish();
    const meta = new BinaryWriter().tag(1, 2).string("sh.helm.release.v1.ako.v1").tag(3, 2).string("avi-system");
    for (const [k, v] of [
      ["owner", "helm"],
      ["name", "ako"],
      ["status", "deployed"],
    ])
      meta.tag(11, 2).bytes(entry(k!, v!));
    const secret = new BinaryWriter()
      .tag(1, 2)
      .bytes(meta.finish())
      .tag(2, 2)
      .bytes(entry("release", Uint8Array.of(0, 255, 7)))
      .tag(3, 2)
      .string("helm.sh/release.v1")
      .finish();
    const typeMeta = new BinaryWriter().tag(1, 2).string("v1").tag(2, 2).string("Secret").finish();
    const unknown = new BinaryWriter().tag(1, 2).bytes(typeMeta).tag(2, 2).bytes(secret).finish();
    const body = Buffer.concat([Buffer.from("k8s\0", "binary"), Buffer.from(unknown)]);
    expect(decodeObject(body)).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "sh.helm.release.v1.ako.v1", namespace: "avi-system", labels: { owner: "helm", name: "ako", status: "deployed" } },
      data: { release: Buffer.from([0, 255, 7]).toString("base64") },
      type: "helm.sh/release.v1",
    });
    expect(() => decodeObject(Buffer.from("{}"))).toThrow(/not a Kubernetes protobuf message/);
  });
});
