import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLab, type Lab } from "../../src/lab/index.js";
import { S1AZ1 } from "../helpers/blog.js";
import { chartsDir, chartsMissing, realBinary } from "../helpers/helm-binary.js";
import { isolatedConfig, runCli, startCli } from "../helpers/run-cli.js";

const run = promisify(execFile);
const helm = realBinary("helm");
const missing = helm.reason ?? chartsMissing;
if (missing) console.warn(`skipping helm interruption tests: ${missing}`);

const dir = mkdtempSync(join(tmpdir(), "avictl-interrupt-"));
const tmp = join(dir, "tmp");
const marks = join(dir, "marks");
let lab: Lab;
let env: Record<string, string>;
let password: string;

/** A helm that runs the real one and then keeps avictl waiting, recording every process it starts. */
function slowHelm(): string {
  const path = join(dir, "slow-helm");
  writeFileSync(
    path,
    `#!/bin/sh
echo $$ >> "${marks}/pids"
if [ "$1" = upgrade ] && [ -e "${marks}/slow" ]; then
  "${helm.path}" "$@" || exit $?
  : > "${marks}/upgraded"
  sleep 120 & echo $! >> "${marks}/pids"
  wait
  exit 0
fi
exec "${helm.path}" "$@"
`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** Every file under a directory whose content holds the text. */
function filesHolding(root: string, text: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .map((f) => join(root, f))
    .filter((f) => statSync(f).isFile() && readFileSync(f, "utf8").includes(text));
}

/** Running (a zombie waiting to be reaped by init counts as gone). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200 && !check(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** Start avictl, interrupt it once helm has installed and is still running, and return what it said. */
async function interruptDuringHelm(args: string[], signal: NodeJS.Signals) {
  const { child, result } = startCli(args, { env, timeoutMs: 240_000 });
  await until(() => existsSync(join(marks, "upgraded")), "helm upgrade");
  // While helm runs, the credentials exist nowhere on disk under TMPDIR.
  const during = filesHolding(tmp, password);
  child.kill(signal);
  const r = await result;
  const pids = readFileSync(join(marks, "pids"), "utf8").split("\n").filter(Boolean).map(Number);
  return { ...r, during, pids };
}

const releases = async (ctx: string) =>
  (
    JSON.parse(
      (
        await run(helm.path!, ["list", "-A", "--deployed", "--failed", "--pending", "--kube-context", ctx, "-o", "json"], {
          env: { ...process.env, KUBECONFIG: env.KUBECONFIG },
        })
      ).stdout,
    ) as { name: string }[]
  ).map((r) => r.name);

/** AKO 1.4.2 values for the blog's S1-AZ1 settings, rendered offline. */
async function akoValues(logLevel: string): Promise<string> {
  const values = join(dir, `ako-values-${logLevel}.yaml`);
  const rendered = await runCli(
    [
      "ako",
      "values",
      "--cluster-name",
      S1AZ1.clusterName,
      "--vip-network",
      `${S1AZ1.vipNetwork.name}=${S1AZ1.vipNetwork.cidr}`,
      "--se-group",
      S1AZ1.seGroup,
      "--controller-version",
      S1AZ1.controllerVersion,
      "--chart-version",
      "1.4.2",
      "--out",
      values,
    ],
    { env },
  );
  expect(rendered.code, rendered.stderr).toBe(0);
  writeFileSync(values, readFileSync(values, "utf8").replace(/logLevel: "?\w+"?/, `logLevel: "${logLevel}"`));
  return values;
}

// A real install and a reload on a loaded machine take longer than the default minute.
describe.skipIf(Boolean(missing))("interrupting ako/amko install while helm runs", { timeout: 300_000 }, () => {
  beforeAll(async () => {
    lab = await startLab({ dir });
    const c = lab.state.controllers[0]!;
    password = readFileSync(c.passwordFile, "utf8").trim();
    mkdirSync(tmp);
    env = {
      AVICTL_CONFIG: isolatedConfig(),
      AVI_CONTROLLER: c.url,
      AVI_USERNAME: c.username,
      AVI_PASSWORD_FILE: c.passwordFile,
      AVI_CA_CERT: c.caCert,
      KUBECONFIG: lab.state.kubeconfig!,
      AVICTL_HELM: slowHelm(),
      TMPDIR: tmp,
    };
  });
  afterAll(async () => lab?.close());

  /** Interrupt an install while helm runs: helm stopped, the new release undone, exit 130, nothing left behind. */
  async function interruptedInstall(signal: NodeJS.Signals, ctx: string, release: "ako" | "amko") {
    mkdirSync(marks, { recursive: true });
    rmSync(join(marks, "upgraded"), { force: true });
    writeFileSync(join(marks, "pids"), "");
    writeFileSync(join(marks, "slow"), "");
    const args =
      release === "ako"
        ? [
            "ako",
            "install",
            "-f",
            await akoValues("INFO"),
            "--chart",
            join(chartsDir, "ako-1.4.2.tgz"),
            "--skip-preflight",
            "--kube-context",
            ctx,
          ]
        : ["amko", "install", "--leader-context", ctx, "--member", `${ctx}=${ctx}`, "--chart", join(chartsDir, "amko-1.13.1.tgz")];
    const r = await interruptDuringHelm(args, signal);
    expect(r.during).toEqual([]);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(new RegExp(`cancelled: interrupted; helm was stopped and the new release ${release} uninstalled`));
    expect(r.stderr).not.toMatch(/looks like a bug|at .*\.js:\d+/);
    expect(r.pids.length).toBeGreaterThanOrEqual(2);
    // A killed process disappears a moment after its signal; give the kernel that moment.
    await until(() => !r.pids.some(alive), "the helm processes to go").catch(() => undefined);
    for (const pid of r.pids) expect(alive(pid), `helm process ${pid} still running`).toBe(false);
    expect(filesHolding(tmp, password)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    expect(await releases(ctx)).not.toContain(release);
  }

  it("ako install (chart 1.4.2, credentials rendered from values): SIGINT stops helm, undoes the release, exits 130, leaves no credential file and no helm", () =>
    interruptedInstall("SIGINT", "s1az2", "ako"));

  it("ako reload interrupted during helm rolls back to the revision that ran before", async () => {
    mkdirSync(marks, { recursive: true });
    rmSync(join(marks, "slow"), { force: true });
    const chart = join(chartsDir, "ako-1.4.2.tgz");
    // What AKO needs on the controller to connect: the DNS domain, the VIP network in a VRF, the SE group.
    const net = S1AZ1.vipNetwork.cidr.replace(/\.0\/\d+$/, "");
    for (const args of [
      ["bootstrap", "cloud", "--dns-domain", S1AZ1.defaultDomain!],
      ["create-vrf", "VRF_AZ1", "--network", `${S1AZ1.vipNetwork.name}=${S1AZ1.vipNetwork.cidr}@${net}.40-${net}.59`],
      ["seg", "create", S1AZ1.seGroup, "--cluster-label", S1AZ1.clusterName],
    ]) {
      const r = await runCli(args, { env });
      expect(r.code, r.stderr).toBe(0);
    }
    const installed = await runCli(
      [
        "ako",
        "install",
        "-f",
        await akoValues("WARN"),
        "--chart",
        chart,
        "--skip-preflight",
        "--kube-context",
        "s1az2",
        "--wait-timeout",
        "90s",
      ],
      { env, timeoutMs: 240_000 },
    );
    expect(installed.code, installed.stderr).toBe(0);
    rmSync(join(marks, "upgraded"), { force: true });
    writeFileSync(join(marks, "pids"), "");
    writeFileSync(join(marks, "slow"), "");
    const r = await interruptDuringHelm(
      ["ako", "reload", "-f", await akoValues("DEBUG"), "--chart", chart, "--skip-preflight", "--kube-context", "s1az2"],
      "SIGINT",
    );
    expect(r.during).toEqual([]);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/cancelled: interrupted; helm was stopped and ako rolled back to revision 1/);
    await until(() => !r.pids.some(alive), "the helm processes to go").catch(() => undefined);
    for (const pid of r.pids) expect(alive(pid), `helm process ${pid} still running`).toBe(false);
    const values = JSON.parse(
      (
        await run(helm.path!, ["get", "values", "ako", "-n", "avi-system", "--kube-context", "s1az2", "-o", "json"], {
          env: { ...process.env, KUBECONFIG: env.KUBECONFIG },
        })
      ).stdout,
    ) as { AKOSettings: { logLevel: string } };
    expect(values.AKOSettings.logLevel).toBe("WARN");
    expect(filesHolding(tmp, password)).toEqual([]);
  });

  it("amko install (after AKO runs in the member cluster): SIGTERM stops helm, undoes the release, exits 130, leaves no credential file and no helm", () =>
    interruptedInstall("SIGTERM", "s1az2", "amko"));
});
