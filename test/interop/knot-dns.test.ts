import { createSocket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dig, startKnot, which, type Knot } from "../helpers/dns-tools.js";
import { runCli } from "../helpers/run-cli.js";

const missing = ["knotd", "dig"].filter((b) => !which(b));
if (missing.length) console.warn(`skipping Knot interop tests: ${missing.join(", ")} not installed (apt-get install knot dnsutils)`);

const ZONE = "interop.test";
const MANY = Array.from({ length: 40 }, (_, i) => `big     120 IN A 10.20.${Math.floor(i / 200)}.${(i % 200) + 1}`).join("\n");
const ZONE_TEXT = `$ORIGIN ${ZONE}.
$TTL 300
@       3600 IN SOA ns1.${ZONE}. hostmaster.${ZONE}. 2026112301 7200 900 1209600 60
@       3600 IN NS  ns1.${ZONE}.
ns1     3600 IN A   127.0.0.53
hello   30   IN A   10.10.25.46
hello   30   IN A   10.10.26.40
hello   30   IN A   10.10.23.40
slow    86400 IN A  10.10.25.47
${MANY}
`;

type Line = {
  rcode?: string;
  aa?: boolean;
  answers: { name: string; type: string; ttl: number; data: string }[];
  authority: { name: string; type: string; ttl: number; data: string }[];
  tcp?: boolean;
  dnsError?: string;
};

describe.skipIf(missing.length > 0)("check-dns against Knot, compared with dig", () => {
  let knot: Knot;
  beforeAll(async () => {
    knot = await startKnot(ZONE, ZONE_TEXT);
  });
  afterAll(async () => knot?.stop());

  const checkDns = async (name: string, type = "A") => {
    const r = await runCli([
      "check-dns",
      name,
      "--server",
      `127.0.0.1:${knot.port}`,
      "--count",
      "1",
      "--no-http",
      "--type",
      type,
      "-o",
      "json",
    ]);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Line & { summary?: unknown });
    return { code: r.code, stderr: r.stderr, it: lines[0]!, summary: lines[1]!.summary as { dnsFailures: number; answered: number } };
  };
  const norm = (rs: { name: string; type: string; ttl: number; data: string }[]) =>
    rs.map((r) => `${r.name.replace(/\.$/, "")} ${r.ttl} ${r.type} ${r.data.replace(/\.(?=\s|$)/g, "")}`).sort();

  it.each([
    ["hello.interop.test", "A"],
    ["slow.interop.test", "A"],
    ["interop.test", "SOA"],
    ["interop.test", "NS"],
  ])("%s %s: every answer, TTL, rcode and the aa flag as dig reports them", async (name, type) => {
    const [d, c] = await Promise.all([dig("127.0.0.1", knot.port, name, type), checkDns(name, type)]);
    expect(d.status).toBe("NOERROR");
    expect(c.it.rcode).toBe(d.status);
    expect(c.it.aa).toBe(d.flags.includes("aa"));
    expect(norm(c.it.answers)).toEqual(norm(d.answers));
    expect(c.it.answers.length).toBeGreaterThan(0);
  });

  it("NXDOMAIN carries the zone's SOA in the authority section, exits 3", async () => {
    const [d, c] = await Promise.all([dig("127.0.0.1", knot.port, "nope.interop.test", "A"), checkDns("nope.interop.test")]);
    expect(d.status).toBe("NXDOMAIN");
    expect(c.it.rcode).toBe("NXDOMAIN");
    expect(norm(c.it.authority)).toEqual(norm(d.authority));
    expect(c.it.authority[0]?.type).toBe("SOA");
    expect(c.summary.dnsFailures).toBe(1);
    expect(c.code).toBe(3);
  });

  it("a truncated UDP answer is repeated over TCP and all 40 addresses come back", async () => {
    const [d, c] = await Promise.all([dig("127.0.0.1", knot.port, "big.interop.test", "A"), checkDns("big.interop.test")]);
    expect(d.answers).toHaveLength(40);
    expect(c.it.tcp).toBe(true);
    expect(norm(c.it.answers)).toEqual(norm(d.answers));
  });

  it("--qps load mode against Knot counts every query and the split of first answers", async () => {
    const r = await runCli([
      "check-dns",
      "slow.interop.test",
      "--server",
      `127.0.0.1:${knot.port}`,
      "--qps",
      "max",
      "--count",
      "2000",
      "-o",
      "json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = (
      JSON.parse(r.stdout.trim().split("\n").pop()!) as {
        summary: { queries: number; answered: number; shares: { label: string; count: number }[] };
      }
    ).summary;
    expect(s.queries).toBe(2000);
    expect(s.answered).toBe(2000);
    expect(s.shares).toEqual([{ label: "10.10.25.47", addresses: ["10.10.25.47"], count: s.answered, share: 1 }]);
  });
});

describe("check-dns against a server that never answers", () => {
  it("reports a timeout per iteration, keeps going and counts them", async () => {
    const silent = createSocket("udp4");
    await new Promise<void>((r) => silent.bind(0, "127.0.0.1", r));
    try {
      const r = await runCli([
        "check-dns",
        "hello.avi.iberia.local",
        "0.05",
        "--server",
        `127.0.0.1:${silent.address().port}`,
        "--count",
        "2",
        "--timeout",
        "150ms",
      ]);
      expect(r.code).toBe(3);
      const lines = r.stdout.split("\n").filter((l) => /no answer from 127\.0\.0\.1:\d+ after 2 attempt\(s\) of 150 ms/.test(l));
      expect(lines).toHaveLength(2);
      expect(r.stdout).toMatch(/DNS failures 2 \(TIMEOUT 2\)/);
    } finally {
      silent.close();
    }
  });
});
