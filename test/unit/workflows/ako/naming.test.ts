import { describe, expect, it } from "vitest";
import { autoFqdn, fnv1a32, l4PoolName, l4VsName, l7PoolName, l7VsName, shardIndex } from "../../../../src/base/ako-naming.js";

// FNV-1a 32 of each host and its LARGE/MEDIUM bucket, computed apart from the project (Go's hash/fnv New32a, as AKO's utils.Hash).
const TABLE: [string, number, number, number][] = [
  ["hello1.avi.iberia.local", 1289566383, 7, 3],
  ["hello2.avi.iberia.local", 3764794900, 4, 0],
  ["hello3.avi.iberia.local", 2780983293, 5, 1],
  ["hello4.avi.iberia.local", 2694826354, 2, 2],
  ["hello5.avi.iberia.local", 4097271219, 3, 3],
  ["hello6.avi.iberia.local", 1492351768, 0, 0],
  ["hello7.avi.iberia.local", 3151693121, 1, 1],
  ["hello8.avi.iberia.local", 228959910, 6, 2],
  ["hello9.avi.iberia.local", 128231447, 7, 3],
  ["hello10.avi.iberia.local", 3757265779, 3, 3],
  ["hello14.avi.iberia.local", 4140505711, 7, 3],
  ["hello20.avi.iberia.local", 2371892462, 6, 2],
  ["kuard.default.avi.iberia.local", 4237478, 6, 2],
  ["", 2166136261, 5, 1],
];

describe("AKO naming", () => {
  it.each(TABLE)("FNV-1a 32 of %s and its LARGE/MEDIUM shard", (host, hash, large, medium) => {
    expect(fnv1a32(host)).toBe(hash);
    expect(shardIndex(host, 8)).toBe(large);
    expect(shardIndex(host, 4)).toBe(medium);
    expect(shardIndex(host, 1)).toBe(0);
  });

  it("groups the blog's 20 hosts the way its LARGE run shows (hello14, hello1, hello9 share a VIP, ...)", () => {
    const bucket = (n: number) => shardIndex(`hello${n}.avi.iberia.local`, 8);
    for (const group of [
      [14, 1, 9],
      [2, 17],
      [3, 16],
      [4, 11, 19],
      [10, 18, 5],
      [13, 6],
      [20, 15, 8],
      [7, 12],
    ])
      expect(new Set(group.map(bucket)).size).toBe(1);
    const medium = (n: number) => shardIndex(`hello${n}.avi.iberia.local`, 4);
    for (const group of [
      [14, 10, 5, 1, 18, 9],
      [6, 17, 13, 2],
      [16, 12, 7, 3],
      [15, 11, 4, 20, 8, 19],
    ])
      expect(new Set(group.map(medium)).size).toBe(1);
  });

  it("names as AKO makes them", () => {
    expect(l4VsName("S1-AZ1", "default", "kuard")).toBe("S1-AZ1--default-kuard");
    expect(l4PoolName("S1-AZ1", "default", "kuard", 8080)).toBe("S1-AZ1--default-kuard--8080");
    expect(l7VsName("S1-AZ1", "hello1.avi.iberia.local", "LARGE")).toBe("S1-AZ1--Shared-L7-7");
    expect(l7VsName("S1-AZ1", "hello1.avi.iberia.local", "SMALL")).toBe("S1-AZ1--Shared-L7-0");
    expect(l7VsName("S1-AZ1", "hello1.avi.iberia.local", "MEDIUM", "critical.infra")).toBe("S1-AZ1--Shared-L7-critical.infra-3");
    expect(l7VsName("S1-AZ1", "hello1.avi.iberia.local", "DEDICATED")).toBe("S1-AZ1--hello1.avi.iberia.local-L7-dedicated");
    expect(l7PoolName("S1-AZ1", "hello1.avi.iberia.local", "/", "default", "hello1")).toBe(
      "S1-AZ1--hello1.avi.iberia.local_-default-hello1",
    );
    expect(autoFqdn(undefined, "kuard", "default", "avi.iberia.local")).toBe("kuard.default.avi.iberia.local");
    expect(autoFqdn("flat", "kuard", "default", "avi.iberia.local")).toBe("kuard-default.avi.iberia.local");
    expect(autoFqdn("disabled", "kuard", "default", "avi.iberia.local")).toBeUndefined();
  });
});
