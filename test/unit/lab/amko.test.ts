import { describe, expect, it } from "vitest";
import { amkoStatuses } from "../../../src/lab/kube/amko.js";

const gc = { spec: { memberClusters: [{ clusterContext: "s1az1" }, { clusterContext: "s2" }] } };
const members = "contexts:\n  - name: s1az1\n  - name: s2\n";
const gdp = (spec: Record<string, unknown>) => ({ spec: { matchClusters: [{ cluster: "s1az1" }, { cluster: "s2" }], ...spec } });

describe("the lab's AMKO validation", () => {
  it("accepts a consistent GSLBConfig and GDP", () => {
    expect(
      amkoStatuses(
        gc,
        gdp({
          trafficSplit: [
            { cluster: "s1az1", weight: 6 },
            { cluster: "s2", weight: 1 },
          ],
        }),
        members,
      ),
    ).toEqual({ gcState: "success: gslb config accepted", gdpStatus: "success" });
  });
  it("reports what AMKO reports for a missing secret, a missing context, an unknown cluster and a weight out of range", () => {
    expect(amkoStatuses(gc, undefined, undefined).gcState).toBe("error: secret object doesn't exist gslb-config-secret");
    expect(amkoStatuses(gc, undefined, "contexts:\n  - name: s1az1\n").gcState).toMatch(/cluster context s2 not found/);
    expect(amkoStatuses(gc, gdp({ trafficSplit: [{ cluster: "s9", weight: 1 }] }), members).gdpStatus).toBe(
      "cluster context s9 not present in GSLBConfig",
    );
    expect(amkoStatuses(gc, gdp({ trafficSplit: [{ cluster: "s2", weight: 50 }] }), members).gdpStatus).toBe(
      "traffic weight 50 must be between 1 and 20",
    );
  });
});
