import { afterEach, describe, expect, it } from "vitest";
import type { AviObject } from "../../src/clients/avi/types.js";
import type { FaultOptions } from "../../src/lab/types.js";
import { startTestController } from "../helpers/lab.js";
import { discoveredNetworks } from "../helpers/networks.js";
import { isolatedConfig, runCli, type CliResult } from "../helpers/run-cli.js";

type Lab = Awaited<ReturnType<typeof startTestController>>;
interface Addr {
  addr: string;
}
interface Route {
  route_id: string;
  prefix: { ip_addr: Addr; mask: number | string };
  next_hop: Addr;
}

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.ctrl.close();
  lab = undefined;
});

const routesOf = (l: Lab, vrf: string) => (l.ctrl.store.findByName("vrfcontext", vrf)?.static_routes as Route[] | undefined) ?? [];
const recordsOf = (l: Lab, vs: string) =>
  ((l.ctrl.store.findByName("virtualservice", vs)?.static_dns_records as { fqdn: string[] }[] | undefined) ?? []).flatMap((r) => r.fqdn);

/**
 * N processes add different routes (and move different networks) into one VRF while N others add
 * different static records to one DNS virtual service; nothing any of them wrote may be lost.
 */
describe("parallel writers on one object", () => {
  const scenarios: { n: number; label: string; faults: FaultOptions }[] = [
    { n: 5, label: "no faults", faults: {} },
    { n: 10, label: "no faults", faults: {} },
    { n: 5, label: "100 ms latency", faults: { latencyMs: 100 } },
    { n: 10, label: "100 ms latency", faults: { latencyMs: 100 } },
    { n: 5, label: "412 on every first write", faults: { staleFirstWrite: true } },
    { n: 10, label: "412 on every first write", faults: { staleFirstWrite: true } },
  ];

  it.each(scenarios)(
    "N=$n, $label: every route and record is present, every run exits 0, re-runs write nothing",
    { timeout: 300_000 },
    async ({ n, faults }) => {
      lab = await startTestController();
      const l = lab;
      const env = { AVICTL_CONFIG: isolatedConfig(), ...l.env() };
      const nets = discoveredNetworks(l.ctrl);
      const dnsNet = nets[nets.length - 1]!;
      const vrfNets = nets.slice(0, -1);
      const setup: string[][] = [
        ["create-vrf", "VRF_DNS", "--network", `${dnsNet.name}=${dnsNet.subnet}@${dnsNet.pool()}`],
        ["seg", "create", "DNS-SE-Group", "--buffer-se", "0"],
        ["dns-vs", "create", "par-dns", "--network", dnsNet.name, "--record", "seed.par.example=192.0.2.250"],
      ];
      for (const args of setup) {
        const r = await runCli(args, { env });
        expect(r.code, r.stderr).toBe(0);
      }
      const gateway = vrfNets[0]!.gateway;
      const vrfRuns = Array.from({ length: n }, (_, i) => {
        const args = ["create-vrf", "VRF_PAR", "--route", `172.16.${i}.0/24=${gateway}`];
        const net = vrfNets[i];
        if (net) args.push("--network", `${net.name}=${net.subnet}@${net.pool()}`);
        return args;
      });
      const dnsRuns = Array.from({ length: n }, (_, i) => [
        "dns-vs",
        "create",
        "par-dns",
        "--network",
        dnsNet.name,
        "--record",
        `w${i}.par.example=192.0.2.${i + 1}`,
      ]);

      l.ctrl.setFaults(faults);
      const results = await Promise.all([...vrfRuns, ...dnsRuns].map((args) => runCli(args, { env, timeoutMs: 120_000 })));
      const routes = routesOf(l, "VRF_PAR");
      const records = recordsOf(l, "par-dns");
      const routesKept = vrfRuns.filter((_, i) =>
        routes.some((r) => r.prefix.ip_addr.addr === `172.16.${i}.0` && r.next_hop.addr === gateway),
      ).length;
      const recordsKept = dnsRuns.filter((_, i) => records.includes(`w${i}.par.example`)).length;
      const refusals: Record<number, number> = {};
      for (const q of l.ctrl.requests()) if (q.status >= 400) refusals[q.status] = (refusals[q.status] ?? 0) + 1;
      console.log(
        `[parallel writers] N=${n} ${JSON.stringify(faults)}: routes ${routesKept}/${n}, records ${recordsKept}/${n}, ` +
          `exit codes ${results.map((r) => r.code).join("")}, refusals by status ${JSON.stringify(refusals)}`,
      );

      results.forEach((r: CliResult, i) => expect(r.code, `run ${i}: ${r.stderr}`).toBe(0));
      expect(routesKept).toBe(n);
      expect(recordsKept).toBe(n);
      expect(records).toContain("seed.par.example");
      expect(new Set(routes.map((r) => r.route_id)).size).toBe(routes.length);
      for (const net of vrfNets.slice(0, n)) {
        const stored = l.ctrl.store.findByName("network", net.name) as AviObject & {
          vrf_context_ref: string;
          configured_subnets: unknown[];
        };
        expect(stored.vrf_context_ref).toBe(l.ctrl.store.findByName("vrfcontext", "VRF_PAR")!.url);
        expect(stored.configured_subnets).toHaveLength(1);
      }

      l.ctrl.setFaults({});
      const before = l.ctrl.writes;
      const again = await Promise.all([...vrfRuns, ...dnsRuns].map((args) => runCli(args, { env, timeoutMs: 120_000 })));
      again.forEach((r, i) => expect(r.code, `re-run ${i}: ${r.stderr}`).toBe(0));
      expect(l.ctrl.writes).toBe(before);
    },
  );
});
