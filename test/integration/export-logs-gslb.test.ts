import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AMKO_CLUSTERS, FOLLOWERS, startGslbLab, until } from "../helpers/gslb-lab.js";

const HOST = "hello.avi.iberia.local";
const dir = mkdtempSync(join(tmpdir(), "avictl-export-gslb-"));

let g: Awaited<ReturnType<typeof startGslbLab>>;
let window: string[];
beforeAll(async () => {
  g = await startGslbLab();
  await g.setupGslb();
}, 240_000);
afterAll(async () => g?.close());

describe("export-logs over a GSLB service split 6:3:1 by AMKO, at a follower's DNS VS", () => {
  beforeAll(async () => {
    const sites = g.ctrl("leader").store.list("gslb")[0]!.sites as { name: string; cluster_uuid: string }[];
    const siteOf = (ctrl: string) => sites.find((s) => s.name === FOLLOWERS.find((f) => f[1] === ctrl)![0])!.cluster_uuid;
    // What AMKO makes from the labelled ingress of each cluster: one member per cluster's VS, weighted by the GDP.
    const members = [];
    for (const [cluster, site, , network, ratio] of AMKO_CLUSTERS) {
      const made = await g.akoVs(site, cluster, network, HOST);
      members.push({
        ip: { addr: made.ip, type: "V4" },
        cluster_uuid: siteOf(site),
        vs_uuid: made.vs.uuid as string,
        ratio,
        enabled: true,
      });
    }
    await g.api("leader", "POST", "gslbservice", {
      name: HOST,
      domain_names: [HOST],
      ttl: 5,
      created_by: "amko-test",
      groups: [{ name: `${HOST}-10`, priority: 10, algorithm: "GSLB_ALGORITHM_ROUND_ROBIN", members }],
    });
    await until("replication to site1", () => Boolean(g.ctrl("site1").store.findByName("gslbservice", HOST)));
    // Blog part 6: non-significant logs on and no throttling, on the DNS VS and on its SE group.
    for (const args of [
      ["vs", "analytics", "g-dns-site1", "--non-significant-logs", "on", "--log-throttle", "off"],
      ["seg", "create", "Default-Group", "--no-log-throttle"],
    ]) {
      const r = await g.cli("lab-site1", args);
      expect(r.code, r.stderr).toBe(0);
    }
    const dns = g.lab.state.dns.find((d) => d.vs === "g-dns-site1")!;
    const start = new Date(Date.now() - 1000).toISOString();
    // 1 000 queries through check-dns's load mode, as the blog's dnsperf run.
    const load = await g.cli("lab-site1", ["check-dns", HOST, "--server", `${dns.host}:${dns.port}`, "--qps", "max", "--count", "1000"]);
    expect(load.code, load.stdout + load.stderr).toBe(0);
    window = ["--start", start, "--end", new Date(Date.now() + 1000).toISOString()];
  }, 240_000);

  const exportLogs = (args: string[]) =>
    g.cli("lab-site1", ["export-logs", "--vs", "g-dns-site1", ...window, ...args], { timeoutMs: 120_000 });
  // Labels come from the log: the GSLB site, and the member's VS where one site has two clusters.
  const expectation = "gslb-site1/s1az1--Shared-L7-0=6,gslb-site1/s1az2--Shared-L7-0=3,gslb-site2=1";

  it("labels the answers by the GSLB members' sites without --label, and the 6:3:1 split holds (exit 0)", async () => {
    const out = join(dir, "gslb.csv");
    const r = await exportLogs(["--out", out, "--expect", expectation, "-o", "json"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      rows: number;
      analysis: { counts: { label: string; count: number }[]; expectation: { verdict: string } };
    };
    expect(result.rows).toBe(1000);
    expect(result.analysis.counts.map((c) => [c.label, c.count])).toEqual([
      ["gslb-site1/s1az1--Shared-L7-0", 600],
      ["gslb-site1/s1az2--Shared-L7-0", 300],
      ["gslb-site2", 100],
    ]);
    expect(result.analysis.expectation.verdict).toBe("pass");
    const rows = parse(readFileSync(out, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((x) => x.gslbservice_name))).toEqual(new Set([HOST]));
    expect(new Set(rows.map((x) => x["dns_response.records.site_name"]))).toEqual(new Set(["gslb-site1", "gslb-site2"]));
  });

  it("a wrong expectation exits 3 with the largest deviation", async () => {
    const wrong = await exportLogs([
      "--expect",
      "gslb-site1/s1az1--Shared-L7-0=1,gslb-site1/s1az2--Shared-L7-0=1,gslb-site2=1",
      "--out",
      join(dir, "wrong.csv"),
      "-o",
      "json",
    ]);
    expect(wrong.code).toBe(3);
    const result = JSON.parse(wrong.stdout) as { analysis: { expectation: { verdict: string; largestDeviation: { label: string } } } };
    expect(result.analysis.expectation).toMatchObject({ verdict: "fail", largestDeviation: { label: "gslb-site1/s1az1--Shared-L7-0" } });
  });
});
