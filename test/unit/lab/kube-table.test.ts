import { describe, expect, it } from "vitest";
import { builtinTypes } from "../../../src/lab/kube/resources.js";
import type { KubeObject } from "../../../src/lab/kube/store.js";
import { humanAge, toTable, wantsTable } from "../../../src/lab/kube/table.js";

describe("kubectl's ages", () => {
  const at = Date.parse("2026-01-10T00:00:00Z");
  const ago = (seconds: number) => new Date(at - seconds * 1000).toISOString();
  it.each([
    [5, "5s"],
    [119, "119s"],
    [125, "2m5s"],
    [600, "10m"],
    [3 * 3600 + 60, "3h1m"],
    [30 * 3600, "30h"],
    [3 * 86400 + 3600, "3d1h"],
    [40 * 86400, "40d"],
    [800 * 86400, "2y"],
    [-30, "0s"],
  ])("%i seconds → %s", (seconds, want) => {
    expect(humanAge(ago(seconds), at)).toBe(want);
  });
});

describe("tables", () => {
  const pods = builtinTypes("v1.29.4").find((t) => t.kind === "Pod")!;
  const pod = (name: string, status: Record<string, unknown>): KubeObject => ({
    metadata: { name, namespace: "avi-system", creationTimestamp: new Date().toISOString() },
    spec: { containers: [{ name: "a" }, { name: "b" }], nodeName: "n1" },
    status,
  });
  it("shows a waiting reason as the pod's status, counts ready containers and restarts", () => {
    const t = toTable(
      pods,
      [
        pod("ako-0", {
          phase: "Running",
          podIP: "10.0.0.2",
          containerStatuses: [
            { ready: true, restartCount: 1 },
            { ready: false, restartCount: 2 },
          ],
        }),
        pod("amko-0", {
          phase: "Pending",
          containerStatuses: [{ ready: false, state: { waiting: { reason: "CreateContainerConfigError" } } }],
        }),
      ],
      "7",
      null,
    );
    expect(t.columnDefinitions.map((c) => [c.name, c.priority])).toEqual([
      ["Name", 0],
      ["Ready", 0],
      ["Status", 0],
      ["Restarts", 0],
      ["Age", 0],
      ["IP", 1],
      ["Node", 1],
    ]);
    expect(t.rows.map((r) => r.cells.slice(0, 4))).toEqual([
      ["ako-0", "1/2", "Running", 3],
      ["amko-0", "0/2", "CreateContainerConfigError", 0],
    ]);
    expect(t.rows[1]!.cells[5]).toBe("<none>");
  });
  it("is asked for through the Accept header", () => {
    expect(wantsTable("application/json;as=Table;v=v1;g=meta.k8s.io,application/json")).toBe(true);
    expect(wantsTable("application/json")).toBe(false);
    expect(wantsTable(undefined)).toBe(false);
  });
});
