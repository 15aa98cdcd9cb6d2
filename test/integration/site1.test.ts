import { afterEach, describe, expect, it } from "vitest";
import type { PlanItem } from "../../src/workflows/ensure.js";
import { nonConformingRequests, startTestController } from "../helpers/lab.js";
import { isolatedConfig, runCli } from "../helpers/run-cli.js";
import { SITE1_PART1 } from "../../src/workflows/lab/site1.js";

type Lab = Awaited<ReturnType<typeof startTestController>>;
const labs: Lab[] = [];
afterEach(async () => {
  for (const l of labs.splice(0)) await l.ctrl.close();
});
async function lab(version = "30.2.1") {
  const l = await startTestController({ version });
  labs.push(l);
  return l;
}

/** Whole Site1 sequences run a dozen CLI processes each; a loaded machine must not fail them. */
const SEQUENCE_TIMEOUT_MS = 300_000;

export const SITE1: string[][] = SITE1_PART1.map((s) => s.args);

async function runSequence(l: Lab, extra: string[] = [], env: Record<string, string> = {}) {
  const config = isolatedConfig();
  const plans: PlanItem[] = [];
  for (const args of SITE1) {
    const r = await runCli(["-o", "json", ...extra, ...args], { env: { AVICTL_CONFIG: config, ...l.env(env) } });
    expect(r.code, `avictl ${args.join(" ")}\n${r.stderr}`).toBe(0);
    plans.push(...(JSON.parse(r.stdout) as { plan: PlanItem[] }).plan);
  }
  return plans;
}

const writes = async (l: Lab) => (await l.admin<{ writes: number }>("/lab/stats")).writes;
type Logged = { method: string; path: string; body?: Record<string, Record<string, unknown>> };

describe("Site1 bootstrap (blog part 1)", () => {
  it.each(["30.2.1", "20.1.5"])(
    "builds Site1 at %s, then a re-run changes nothing and sends no write",
    async (version) => {
      const l = await lab(version);
      const first = await runSequence(l);
      expect(first.filter((p) => p.action === "create").map((p) => `${p.kind}/${p.name}`)).toEqual(
        expect.arrayContaining([
          "vrfcontext/VRF_AZ1",
          "vrfcontext/VRF_AZ2",
          "serviceenginegroup/S1-AZ1-SE-Group",
          "serviceenginegroup/S1-AZ2-SE-Group",
          "serviceenginegroup/DNS-SE-Group",
          "virtualservice/local-dns-site1",
        ]),
      );
      const before = await writes(l);
      const again = await runSequence(l);
      expect(again.filter((p) => p.action !== "unchanged")).toEqual([]);
      expect(await writes(l)).toBe(before);
      const store = l.ctrl.store;
      const net = store.findByName("network", "AVI_FRONTEND_3025")!;
      expect(store.get("vrfcontext", String(net.vrf_context_ref).split("/").pop()!)?.name).toBe("VRF_AZ1");
      const vsvip = store.findByName("vsvip", "vsvip-local-dns-site1-Default-Cloud")!;
      expect((vsvip.vip as { ip_address: { addr: string } }[])[0]!.ip_address.addr).toBe("127.10.25.40");
      expect(store.list("serviceengine").map((s) => s.name)).toEqual([expect.stringMatching(/^dns-se-[a-z]{5}$/)]);
      expect(await nonConformingRequests(l.ctrl)).toEqual([]);
      // Negotiated, never pinned: every API call asked for the controller's own version.
      const log = await l.admin<{ path: string; apiVersion?: string }[]>("/lab/requests");
      expect(new Set(log.filter((e) => e.path.startsWith("/api/")).map((e) => e.apiVersion))).toEqual(new Set([version]));
    },
    SEQUENCE_TIMEOUT_MS,
  );

  it(
    "sends the pre-20.1.3 network pool form to a 20.1.2 controller and the typed form to 30.2.1",
    async () => {
      const bodies = async (version: string) => {
        const l = await lab(version);
        await runSequence(l);
        const log = await l.admin<Logged[]>("/lab/requests");
        return log.filter((e) => e.method === "PATCH" && e.path.startsWith("/api/network/")).map((e) => JSON.stringify(e.body));
      };
      const old = await bodies("20.1.2");
      const now = await bodies("30.2.1");
      expect(old.length).toBeGreaterThan(0);
      expect(old.every((b) => b.includes('"static_ranges"') && !b.includes("static_ip_ranges"))).toBe(true);
      expect(
        now.every(
          (b) => (b.includes('"static_ip_ranges"') && b.includes('"type":"STATIC_IPS_FOR_VIP_AND_SE"')) || b.includes("STATIC_IPS_FOR_SE"),
        ),
      ).toBe(true);
    },
    SEQUENCE_TIMEOUT_MS,
  );

  it("--dry-run on a fresh lab lists every object and writes nothing", async () => {
    const l = await lab();
    const plans = await runSequence(l, ["--dry-run"]);
    expect(await writes(l)).toBe(0);
    const creates = plans.filter((p) => p.action === "create").map((p) => `${p.kind}/${p.name}`);
    expect(creates).toEqual([
      "ipamdnsproviderprofile/IPAM_Default",
      "ipamdnsproviderprofile/DNS_Default",
      "vrfcontext/VRF_AZ1",
      "vrfcontext/VRF_AZ2",
      "serviceenginegroup/S1-AZ1-SE-Group",
      "serviceenginegroup/S1-AZ2-SE-Group",
      "serviceenginegroup/DNS-SE-Group",
      "vsvip/vsvip-local-dns-site1-Default-Cloud",
      "virtualservice/local-dns-site1",
    ]);
  });

  it(
    "converges with 20% injected errors and resets, without duplicate objects",
    async () => {
      const l = await lab();
      l.ctrl.setFaults({ errorRate: 0.1, resetRate: 0.1, seed: 42 });
      await runSequence(l);
      await runSequence(l);
      l.ctrl.setFaults({});
      for (const type of ["vrfcontext", "serviceenginegroup", "vsvip", "virtualservice", "ipamdnsproviderprofile"]) {
        const names = l.ctrl.store.list(type).map((o) => o.name);
        expect(new Set(names).size, `${type}: ${names.join(",")}`).toBe(names.length);
      }
      const again = await runSequence(l);
      expect(again.filter((p) => p.action !== "unchanged")).toEqual([]);
      const global = l.ctrl.store.findByName("vrfcontext", "global")!;
      expect((global.static_routes as unknown[]).length).toBe(1);
    },
    SEQUENCE_TIMEOUT_MS,
  );
});

describe("bad input is refused before any write", () => {
  const cases: [string, string[], RegExp][] = [
    ["malformed CIDR", ["create-vrf", "VRF_X", "--network", "AVI_FRONTEND_3025=127.10.25.0/33@127.10.25.40-127.10.25.59"], /is not a CIDR/],
    [
      "pool outside its subnet",
      ["create-vrf", "VRF_X", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.26.40-127.10.26.59"],
      /outside its subnet 127\.10\.25\.0\/24/,
    ],
    [
      "begin after end",
      ["create-vrf", "VRF_X", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.25.59-127.10.25.40"],
      /starts after it ends/,
    ],
    [
      "overlapping pools",
      [
        "create-vrf",
        "VRF_X",
        "--network",
        "AVI_FRONTEND_3025=127.10.0.0/16@127.10.25.40-127.10.25.59",
        "--network",
        "AVI_FRONTEND_3026=127.10.0.0/16@127.10.25.50-127.10.25.70",
      ],
      /pools overlap/,
    ],
    [
      "network not discovered",
      ["create-vrf", "VRF_X", "--network", "NO_SUCH_NET=127.10.25.0/24@127.10.25.40-127.10.25.59"],
      /network "NO_SUCH_NET" is not discovered on cloud Default-Cloud/,
    ],
    ["unknown HA mode", ["seg", "create", "X-SE-Group", "--ha-mode", "turbo"], /--ha-mode must be one of/],
    ["negative buffer", ["seg", "create", "X-SE-Group", "--buffer-se", "-1"], /--buffer-se must be a whole number from 0 to 100/],
    [
      "record without address",
      ["dns-vs", "create", "x-dns", "--network", "AVI_FRONTEND_3025", "--record", "test.avi.iberia.local"],
      /must look like FQDN=IP/,
    ],
    [
      "ttl out of range",
      ["bootstrap", "cloud", "--dns-domain", "avi.iberia.local", "--ttl", "0"],
      /--ttl must be a whole number from 1 to 604800/,
    ],
  ];
  it.each(cases)("%s → exit 2 with one sentence, nothing written", async (_name, args, message) => {
    const l = await lab();
    const r = await runCli(args, { env: { AVICTL_CONFIG: isolatedConfig(), ...l.env() } });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toMatch(message);
    expect(lines[0]).toMatch(/^error: [^\n]+$/);
    expect(await writes(l)).toBe(0);
  });

  it("a network already in another VRF needs --move", async () => {
    const l = await lab();
    const env = { AVICTL_CONFIG: isolatedConfig(), ...l.env() };
    expect(
      (await runCli(["create-vrf", "VRF_AZ1", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.25.40-127.10.25.59"], { env })).code,
    ).toBe(0);
    const before = await writes(l);
    const r = await runCli(["create-vrf", "VRF_AZ2", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.25.40-127.10.25.59"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/network AVI_FRONTEND_3025 is already in VRF VRF_AZ1/);
    expect(await writes(l)).toBe(before);
    expect(l.ctrl.store.findByName("vrfcontext", "VRF_AZ2")).toBeUndefined();
    const moved = await runCli(
      ["create-vrf", "VRF_AZ2", "--move", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.25.40-127.10.25.59"],
      { env },
    );
    expect(moved.code, moved.stderr).toBe(0);
  });

  it("an SE group labelled for another AKO cluster is refused", async () => {
    const l = await lab();
    const env = { AVICTL_CONFIG: isolatedConfig(), ...l.env() };
    expect((await runCli(["seg", "create", "S1-AZ1-SE-Group", "--cluster-label", "S1-AZ1"], { env })).code).toBe(0);
    const r = await runCli(["seg", "create", "S1-AZ1-SE-Group", "--cluster-label", "S1-AZ2"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already belongs to AKO cluster S1-AZ1/);
  });

  it("seg delete refuses while a virtual service is placed on the group", async () => {
    const l = await lab();
    await runSequence(l);
    const env = { AVICTL_CONFIG: isolatedConfig(), ...l.env() };
    const r = await runCli(["--yes", "seg", "delete", "DNS-SE-Group"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/still hosts 1 virtual service\(s\): local-dns-site1/);
    const ok = await runCli(["--yes", "seg", "delete", "S1-AZ2-SE-Group"], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(l.ctrl.store.findByName("serviceenginegroup", "S1-AZ2-SE-Group")).toBeUndefined();
    const noYes = await runCli(["seg", "delete", "S1-AZ1-SE-Group"], { env });
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/--yes required when not running interactively/);
  });
});
