import { describe, expect, it } from "vitest";
import { OperationError } from "../../../src/base/errors.js";
import type { Helm } from "../../../src/clients/helm.js";
import { resolveChart } from "../../../src/workflows/charts.js";
import { chartsDir, chartsMissing } from "../../helpers/helm-binary.js";

/** A helm whose pulls fail as they do without network; records what it was asked. */
function offlineHelm(calls: string[][]): Helm {
  return {
    run: async (args: string[]) => {
      calls.push(args);
      throw new OperationError("helm pull failed: dial tcp: lookup projects.packages.broadcom.com: no such host");
    },
  } as unknown as Helm;
}

describe("resolveChart", () => {
  it("pulls the official OCI chart at the default version, and offline says in one sentence how to use a local archive", async () => {
    const calls: string[][] = [];
    const err = await resolveChart({}, "ako", offlineHelm(calls)).catch((e: unknown) => e);
    expect(calls).toEqual([
      [
        "pull",
        "oci://projects.packages.broadcom.com/ako/helm-charts/ako",
        "--version",
        "1.13.4",
        "--untar",
        "--untardir",
        expect.any(String),
      ],
    ]);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as OperationError).message).toMatch(/^cannot pull oci:\/\/\S+ako 1\.13\.4 \(.*no such host\)$/);
    expect((err as OperationError).hint).toBe(
      "offline or air-gapped? pass --chart with a local archive such as ako-1.13.4.tgz, or set AVICTL_CHART_DIR to a folder of archives",
    );
    await expect(resolveChart({ chartVersion: "1.13.1" }, "amko", offlineHelm(calls))).rejects.toThrow("amko 1.13.1");
  });

  it("takes KIND-VERSION.tgz from AVICTL_CHART_DIR without asking helm, and names the missing archive", async () => {
    const calls: string[][] = [];
    await expect(resolveChart({ chartVersion: "9.9.9", chartDir: "/nonexistent" }, "ako", offlineHelm(calls))).rejects.toThrow(
      "/nonexistent/ako-9.9.9.tgz does not exist (AVICTL_CHART_DIR)",
    );
    expect(calls).toEqual([]);
  });

  it.skipIf(Boolean(chartsMissing))("loads the archive from the folder", async () => {
    const chart = await resolveChart({ chartDir: chartsDir }, "amko", offlineHelm([]));
    expect(chart).toMatchObject({ name: "amko", version: "1.13.1" });
  });
});
