import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createConnection, createServer } from "node:net";
import { createSocket } from "node:dgram";
import { describe, expect, it, onTestFinished } from "vitest";
import { isAlive } from "../../src/lab/state.js";
import type { DemoResult } from "../../src/workflows/lab/demo.js";
import type { LabStatus } from "../../src/workflows/lab/status.js";
import { chartsDir, chartsMissing, realBinary } from "../helpers/helm-binary.js";
import { binPath, isolatedConfig, runCli } from "../helpers/run-cli.js";

const LONG = 15 * 60_000;

/** True when nothing accepts connections on this TCP address any more. */
function tcpClosed(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = createConnection({ host: u.hostname, port: Number(u.port) });
    s.once("connect", () => (s.destroy(), resolve(false)));
    s.once("error", () => resolve(true));
  });
}

/** True when the UDP port can be bound again (the DNS service let it go). */
function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    s.once("error", () => resolve(false));
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

async function tcpFree(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(Number(u.port), u.hostname, () => s.close(() => resolve(true)));
  });
}

/** The lab a demo step started: pid and controller URL from `lab up`'s own lines. */
function labFrom(r: DemoResult): { pid: number; controller: string } {
  const up = r.steps.find((s) => s.id === "lab-up")!;
  return { pid: Number(/\(pid (\d+)\)/.exec(up.stderr)?.[1]), controller: /controller site1: (\S+)/.exec(up.stderr)![1]! };
}

// One lab at a time: labs share the fixed loopback VIP addresses.
describe("lab demo", () => {
  it(
    "without --charts: Part 1 passes, the chart steps are skipped and say so; --keep leaves the lab for lab status, lab faults and lab down",
    async () => {
      const env = { AVICTL_CONFIG: isolatedConfig() };
      // A failed assertion must not leave the kept lab running for its whole TTL.
      onTestFinished(() => runCli(["lab", "down"], { env }).then(() => undefined));
      const demo = await runCli(["lab", "demo", "--keep"], { env, timeoutMs: LONG });
      expect(demo.code, demo.stderr).toBe(0);
      expect(demo.stdout).toMatch(/\$ avictl dns-vs create local-dns-site1 /);
      expect(demo.stdout).toContain("skipped: needs the ako-1.13.4 chart archive: pass --charts DIR");
      // The final table (piped: tab-separated): step, command, result, time.
      const rows = demo.stdout
        .split("\n")
        .filter((l) => /^\d+\t(avictl |\()/.test(l))
        .map((l) => l.split("\t"));
      const result = (cmd: RegExp) => rows.filter((r) => cmd.test(r[1]!)).map((r) => r[2]);
      expect(
        result(/^avictl (lab up|bootstrap cloud|create-vrf VRF_AZ1|seg create|dns-vs create|check-dns hello\.avi|lab env)/).every(
          (r) => r === "ok",
        ),
      ).toBe(true);
      expect(result(/^avictl (ako (lint|install|reload)|amko install)/)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^skipped: needs the (ako|amko)-[\d.]+ chart archive: pass --charts DIR$/)]),
      );
      expect(result(/^avictl ako status/)).toEqual(["skipped: needs step ako-install-s1az1, which did not pass"]);
      expect(rows.filter((r) => r[2] === "failed")).toEqual([]);
      // Without charts the controller-only parts still run: the log export's verdict and the GSLB blackout.
      expect(result(/^avictl export-logs /)).toEqual(["ok"]);
      expect(result(/^avictl lab (stop|start)-site site2/)).toEqual(["ok", "ok"]);
      expect(demo.stdout).toMatch(/! site gslb-site2: not reachable/);
      // Site1 joins as a follower too; Part 3 and the GSLB split need AKO, so they say why they did not run.
      expect(result(/^avictl --context lab-leader gslb add-site gslb-site1 /)).toEqual(["ok"]);
      expect(result(/^avictl --context lab-leader alerts slack /)).toEqual(["ok"]);
      expect(result(/^avictl test-app apply kuard /)).toEqual(["skipped: needs step ako-install-s1az1, which did not pass"]);
      expect(result(/^avictl test-app scale kuard /)).toEqual([
        "skipped: needs step kuard, which did not pass",
        "skipped: needs step kuard, which did not pass",
      ]);
      expect(result(/^\(the demo's Slack receiver/)).toEqual([
        "skipped: needs step gslb-services, which did not pass",
        "skipped: needs step gslb-services, which did not pass",
      ]);
      expect(result(/^avictl --context lab-leader export-logs --vs g-dns /)).toEqual([expect.stringMatching(/^skipped: needs step /)]);
      expect(demo.stdout).toContain("export KUBECONFIG=");
      expect(demo.stderr).toContain(`eval "$(avictl lab env)"`);

      const status = await runCli(["lab", "status", "-o", "json"], { env });
      expect(status.code, status.stderr).toBe(0);
      const s = JSON.parse(status.stdout) as LabStatus;
      expect(isAlive(s.pid)).toBe(true);
      expect(s.controllers.map((c) => c.name)).toEqual(["site1", "site2", "leader"]);
      expect(s.controllers[0]).toEqual(
        expect.objectContaining({ name: "site1", state: "up", faults: { latencyMs: 0, errorRate: 0, resetRate: 0 } }),
      );
      expect(s.clusters.map((c) => c.name)).toEqual(["s1az1", "s1az2", "s2"]);
      expect(s.clusters.every((c) => c.server?.startsWith("http"))).toBe(true);
      expect(s.dns.map((d) => d.vs).sort()).toEqual(["g-dns", "g-dns-site1", "g-dns-site2", "local-dns-site1"]);
      expect(s.backends.map((b) => b.site)).toEqual(["SITE1 AZ1", "SITE1 AZ2", "SITE2"]);
      const human = await runCli(["lab", "status"], { env });
      expect(human.stdout).toMatch(/^controller\tsite1\thttps:\/\/127\.0\.0\.1:\d+\t30\.2\.1, up, faults: none$/m);
      expect(human.stdout).toMatch(/^dns\tlocal-dns-site1\t127\.0\.0\.1:\d+\/udp\ton site1$/m);

      // What the demo made is still there for the next command.
      const segs = await runCli(["seg", "list"], { env });
      expect(segs.stdout).toContain("S1-AZ1-SE-Group");

      const set = await runCli(["lab", "faults", "--latency", "50ms", "--error-rate", "0.2", "--reset-rate", "0.1", "-o", "json"], { env });
      expect(set.code, set.stderr).toBe(0);
      expect(JSON.parse(set.stdout)).toEqual(
        ["site1", "site2", "leader"].map((controller) => ({ controller, faults: { latencyMs: 50, errorRate: 0.2, resetRate: 0.1 } })),
      );
      expect((JSON.parse((await runCli(["lab", "status", "-o", "json"], { env })).stdout) as LabStatus).controllers[0]!.faults).toEqual({
        latencyMs: 50,
        errorRate: 0.2,
        resetRate: 0.1,
      });
      // Every API request answered with a 5xx: the controller is unusable until the faults are cleared.
      expect((await runCli(["lab", "faults", "--error-rate", "1"], { env })).code).toBe(0);
      const broken = await runCli(["status"], { env });
      expect(broken.code).toBe(1);
      expect((await runCli(["lab", "faults", "--off"], { env })).stdout).toBe("site1\tnone\nsite2\tnone\nleader\tnone\n");
      expect((await runCli(["status"], { env })).code).toBe(0);
      expect((await runCli(["lab", "faults", "--error-rate", "2"], { env })).code).toBe(2);

      const down = await runCli(["lab", "down"], { env });
      expect(down.code, down.stderr).toBe(0);
      expect(isAlive(s.pid)).toBe(false);
      for (const url of [s.controllers[0]!.url, ...s.clusters.map((c) => c.server!), ...s.backends.map((b) => b.url)]) {
        expect(await tcpClosed(url), url).toBe(true);
        expect(await tcpFree(url), url).toBe(true);
      }
      for (const d of s.dns) expect(await udpFree(d.host, d.port)).toBe(true);
      expect((await runCli(["lab", "status"], { env })).stderr).toMatch(/no lab is running/);
    },
    LONG,
  );

  const helm = realBinary("helm");
  const missing = chartsMissing ?? helm.reason;
  if (missing) console.warn(`skipping the demo with charts: ${missing}`);
  it.skipIf(Boolean(missing))(
    "with --charts: every step passes (AKO in the three clusters, reload, AMKO 6:3:1, shards, log export, GSLB and the blackout); no lab process remains",
    async () => {
      const r = await runCli(["lab", "demo", "--charts", chartsDir, "-o", "json"], {
        env: { AVICTL_CONFIG: isolatedConfig(), AVICTL_HELM: helm.path! },
        timeoutMs: LONG,
      });
      expect(r.code, r.stderr).toBe(0);
      const demo = JSON.parse(r.stdout) as DemoResult;
      const outcome = Object.fromEntries(demo.steps.map((s) => [s.id, s.outcome]));
      for (const id of [
        "ako-lint-s1az1",
        "ako-install-s1az1",
        "ako-install-s1az2",
        "ako-install-s2",
        "ako-reload-s1az1",
        "ako-status-s1az1",
        "kuard",
        "kuard-nxdomain",
        "kuard-dns-back",
        "infra-setting",
        "dummy-ingress",
        "dummy-ingress-critical",
        "vs-list",
        "export-logs",
        "gslb-site1",
        "gslb-site2",
        "amko-install",
        "amko-split",
        "amko-status",
        "split-dns",
        "split-logs",
        "slack",
        "slack-down",
        "gslb-status-down",
        "dns-blackout",
        "recovery",
        "slack-up",
        "dns-recovered",
        "lab-down",
      ])
        expect(outcome[id], id).toBe("ok");
      expect(demo.steps.filter((s) => s.outcome !== "ok")).toEqual([]);
      const out = (id: string) => demo.steps.find((s) => s.id === id)!;
      expect(out("amko-split").stdout).toMatch(/^s1az1\t6\t10\t60(\.0)?%$/m);
      // Part 3: the VS and its record follow the replicas (0: down, NXDOMAIN with the SOA; 2: answers again).
      expect(out("kuard-vs").stdout).toMatch(/^State\s+UP$/m);
      expect(out("kuard-vs-down").stdout).toMatch(/^State\s+DOWN/m);
      expect(out("kuard-nxdomain").code).toBe(3);
      expect(out("kuard-nxdomain").stdout).toMatch(/NXDOMAIN\n\s+SOA avi\.iberia\.local /);
      const vip = /VIP (\S+),/.exec(out("kuard").stdout)![1]!;
      expect(out("kuard-dns-back").stdout).toContain(`A TTL 30 ${vip}`);
      // AviInfraSetting's DEDICATED shard: one VIP per host of the critical class.
      expect(out("dummy-ingress-critical").stdout).toMatch(/Shards: 4 VIP\(s\)/);
      // The 6:3:1 split passes as clients see it (check-dns) and as the leader logged it (export-logs, chart written).
      for (const id of ["split-dns", "split-logs", "dns-recovered"]) expect(out(id).stdout, id).toMatch(/✓ pass: /);
      const chart = /chart written to (\S+)/.exec(out("split-logs").stdout + out("split-logs").stderr)![1]!;
      expect(chart).toBe(join(demo.files, "split.svg"));
      expect(readFileSync(chart, "utf8")).toMatch(/<svg[\s>]/);
      // During the blackout: gslb status exits 3, Slack got GS_MEMBER_DOWN, g-dns answers Site1 only; after: UP again.
      expect(out("gslb-status-down").code).toBe(3);
      expect(out("slack-down").stdout).toMatch(/^received: .*member \S+ .*is DOWN$/m);
      expect(out("dns-blackout").stdout).not.toMatch(/\[s2\]/);
      expect(out("slack-up").stdout).toMatch(/^received: .*is UP$/m);
      // The webhook URL is a secret: in no output, and its file is gone.
      expect(r.stdout + r.stderr).not.toMatch(/\/services\/[0-9a-f]{24}/);
      expect(existsSync(join(demo.files, "slack-webhook.url"))).toBe(false);
      rmSync(demo.files, { recursive: true, force: true });
      const lab = labFrom(demo);
      expect(isAlive(lab.pid)).toBe(false);
      expect(await tcpClosed(lab.controller)).toBe(true);
    },
    LONG,
  );

  it(
    "Ctrl-C during a step stops it, stops the lab and exits 130, leaving no lab process or port",
    async () => {
      const child = spawn(process.execPath, [binPath, "lab", "demo"], {
        env: { ...process.env, AVICTL_CONFIG: isolatedConfig(), NO_COLOR: "1", CI: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      const code = await new Promise<number | null>((resolve) => {
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          // Interrupt once the lab is up and the second step has started.
          if (/\n2\. /.test(out) && !child.killed) child.kill("SIGINT");
        });
        child.stderr.resume();
        child.on("close", resolve);
      });
      expect(code).toBe(130);
      const pid = Number(/\(pid (\d+)\)/.exec(out)?.[1]);
      const controller = /controller site1: (\S+)/.exec(out)![1]!;
      expect(isAlive(pid)).toBe(false);
      expect(await tcpClosed(controller)).toBe(true);
      expect(out).toMatch(/^\d+\tavictl lab down\tok\t/m);
    },
    LONG,
  );
});
