import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { chartsDir, chartsMissing } from "../helpers/helm-binary.js";
import { isolatedConfig, runCli } from "../helpers/run-cli.js";

/** Bad input to the AKO/AMKO commands: exit 2, one sentence, before any controller or cluster is contacted. */
describe("AKO and AMKO commands refuse bad input", () => {
  const env = {
    AVICTL_CONFIG: isolatedConfig(),
    AVI_CONTROLLER: "http://127.0.0.1:9",
    AVI_USERNAME: "admin",
    AVI_PASSWORD: "unused",
    KUBECONFIG: "/nonexistent",
  };
  it.each([
    [["ako", "values", "--vip-network", "N=10.0.0.0/24", "--se-group", "S"], /^error: --cluster-name is required/],
    [
      ["ako", "values", "--cluster-name", "S1 AZ1", "--vip-network", "N", "--se-group", "S"],
      /^error: --cluster-name "S1 AZ1" may only hold letters, digits, '-' and '_'/,
    ],
    [
      ["ako", "values", "--cluster-name", "S1-AZ1", "--vip-network", "N=10.0.0.1/24", "--se-group", "S"],
      /^error: --vip-network N "10\.0\.0\.1\/24" is not a network address \(did you mean 10\.0\.0\.0\/24\?\)/,
    ],
    [
      ["ako", "values", "--cluster-name", "S1-AZ1", "--vip-network", "N", "--se-group", "S", "--shard-size", "HUGE"],
      /^error: --shard-size must be one of LARGE, MEDIUM, SMALL, DEDICATED/,
    ],
    [
      [
        "ako",
        "values",
        "--cluster-name",
        "S1-AZ1",
        "--vip-network",
        "N",
        "--se-group",
        "S",
        "--service-type",
        "NodePortLocal",
        "--cni",
        "calico",
        "--controller-version",
        "22.1.3",
      ],
      /^error: --service-type NodePortLocal needs --cni antrea$/,
    ],
    [["amko", "install", "--leader-context", "s1az1"], /^error: give the GSLB member clusters: --member s1az1=KUBECONTEXT/],
    [
      ["amko", "install", "--leader-context", "s1az1", "--member", "S1AZ1=ctx"],
      /^error: --member "S1AZ1=ctx" must look like NAME=KUBECONTEXT with a lower-case NAME/,
    ],
    [
      ["amko", "install", "--leader-context", "s1az1", "--member", "s1az1=c1", "--split", "s1az1=25"],
      /^error: weight 25 for s1az1 must be a whole number from 1 to 20/,
    ],
    [["amko", "traffic-split", "s1az1=0"], /^error: weight 0 for s1az1 must be a whole number from 1 to 20/],
    [["infra-setting", "create", "Critical", "--se-group", "S"], /^error: name "Critical" must be a lower-case DNS name/],
  ])("avictl %j", async (args, message) => {
    const r = await runCli(args, { env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split("\n")[0]).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it.skipIf(Boolean(chartsMissing))("ako install refuses a namespace other than avi-system for AKO 1.4.2", async () => {
    const r = await runCli(["ako", "install", "-f", "/dev/null", "--chart", join(chartsDir, "ako-1.4.2.tgz"), "-n", "ako"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")[0]).toBe("error: AKO 1.4.2 only works in namespace avi-system, not ako");
  });
});
