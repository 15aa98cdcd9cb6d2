import { describe, expect, it } from "vitest";
import { toCreateVrfOptions } from "../../../src/workflows/vrf/create.js";

describe("toCreateVrfOptions pool types", () => {
  const type = (spec: string, dflt?: "vip" | "se" | "vip+se") =>
    toCreateVrfOptions("global", { network: [spec] }, dflt).networks[0]!.pool.type;

  it("types a pool without a suffix by the caller's default (vip+se unless told), and a suffix wins", () => {
    expect(type("NET=10.0.0.0/24@10.0.0.40-10.0.0.59")).toBe("STATIC_IPS_FOR_VIP_AND_SE");
    expect(type("NET=10.0.0.0/24@10.0.0.40-10.0.0.59", "vip")).toBe("STATIC_IPS_FOR_VIP");
    expect(type("NET=10.0.0.0/24@10.0.0.40-10.0.0.59:se", "vip")).toBe("STATIC_IPS_FOR_SE");
    expect(() => type("NET=10.0.0.0/24@10.0.0.40-10.0.0.59:both", "vip")).toThrow(/pool type must be vip, se or vip\+se/);
  });
});
