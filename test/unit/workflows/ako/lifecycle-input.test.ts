import { describe, expect, it } from "vitest";
import { UsageError } from "../../../../src/base/errors.js";
import { checkAkoNamespace, chooseAkoValues } from "../../../../src/workflows/ako/lifecycle.js";

const VALUES = "AKOSettings:\n  clusterName: S1-AZ1\n";

describe("ako install/reload input", () => {
  it("AKO before 1.4.3 only runs in avi-system", () => {
    expect(() => checkAkoNamespace("1.4.2", "ako")).toThrow(/only works in namespace avi-system, not ako/);
    expect(() => checkAkoNamespace("1.4.2", "avi-system")).not.toThrow();
    expect(() => checkAkoNamespace("1.13.4", "ako")).not.toThrow();
  });

  it("values come from the flags when any is given, else from the file, else it is a usage error", async () => {
    const read = (f: string) => (f === "v.yaml" ? VALUES : "");
    const rendered = await chooseAkoValues({ flags: true, file: "v.yaml" }, async () => "AKOSettings:\n  clusterName: FROM-FLAGS\n", read);
    expect(rendered.values).toEqual({ AKOSettings: { clusterName: "FROM-FLAGS" } });
    const file = await chooseAkoValues({ flags: false, file: "v.yaml" }, () => Promise.reject(new Error("not rendered")), read);
    expect([file.text, file.values]).toEqual([VALUES, { AKOSettings: { clusterName: "S1-AZ1" } }]);
    await expect(chooseAkoValues({ flags: false }, async () => VALUES, read)).rejects.toBeInstanceOf(UsageError);
  });
});
