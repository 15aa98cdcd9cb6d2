import { SITE1_PART1 } from "./site1.js";

/**
 * What a step needs before it can run; a missing need makes the step "skipped" with the reason.
 * - `helm`: a working helm binary (PATH or $AVICTL_HELM)
 * - `chart:NAME`: NAME.tgz in the --charts folder
 * - `step:ID`: an earlier step with this id passed
 * - `context:NAME`: the config holds this context (e.g. a second lab controller)
 */
export type Need = "helm" | `chart:${string}` | `step:${string}` | `context:${string}`;

/** What step arguments may refer to, known only when the step runs. */
export interface DemoContext {
  /** The lab's DNS services and hello backends (from `lab up`'s published state). */
  lab(): { dns: { vs: string; host: string; port: number }[]; backends: { site: string; url: string }[] };
  /** Path of a chart archive in the --charts folder (only called when the step's chart need holds). */
  chart(name: string): string;
}

/** One step of the walkthrough: a public avictl command line, exactly as a user types it. */
export interface DemoStep {
  /** Stable short name, used by `step:ID` needs and in the final table. */
  id: string;
  title: string;
  args: (ctx: DemoContext) => string[];
  /** Exit codes that count as success (a refused bad input exits 2 on purpose). */
  ok?: number[];
  needs?: Need[];
  /** Runs even after a failure or a stop at the prompt (the step that stops the lab). */
  always?: boolean;
}

const AKO_CLUSTERS = [
  { ctx: "s1az1", cluster: "S1-AZ1", network: "AVI_FRONTEND_3025", seg: "S1-AZ1-SE-Group", chart: "ako-1.13.4" },
  // Kubernetes 1.21, the blog's era: the AKO 1.4.2 chart.
  { ctx: "s1az2", cluster: "S1-AZ2", network: "AVI_FRONTEND_3026", seg: "S1-AZ2-SE-Group", chart: "ako-1.4.2" },
];
/** Site2 has its own controller: its steps carry --context and wait for the lab to register it. */
const SITE2 = "lab-site2";
const LEADER = "lab-leader";
const SPLIT = ["s1az1=6", "s1az2=3", "s2=1"];

function akoSteps(
  c: { ctx: string; cluster: string; network: string; seg: string; chart: string },
  controller: string[] = [],
  extraNeeds: Need[] = [],
): DemoStep[] {
  const values = `values-${c.ctx}.yaml`;
  const chart: Need = `chart:${c.chart}`;
  const version = c.chart.replace(/^ako-/, "");
  const needs = (...n: Need[]): Need[] => [...extraNeeds, ...n];
  return [
    {
      id: `ako-values-${c.ctx}`,
      title: `Part 2: AKO values for ${c.cluster}; the VIP subnet and controller version are read from the controller, no credentials inside`,
      args: () => [
        ...controller,
        "ako",
        "values",
        "--cluster-name",
        c.cluster,
        "--vip-network",
        c.network,
        "--se-group",
        c.seg,
        "--cni",
        "antrea",
        "--default-domain",
        "avi.iberia.local",
        "--shard-size",
        "SMALL",
        "--chart-version",
        version,
        "--out",
        values,
      ],
      needs: needs(),
    },
    {
      id: `ako-lint-${c.ctx}`,
      title: `Lint the values against the ${c.chart} chart`,
      args: (x) => ["ako", "lint", "-f", values, "--chart", x.chart(c.chart)],
      needs: needs(chart, "helm", `step:ako-values-${c.ctx}`),
    },
    {
      id: `ako-install-${c.ctx}`,
      title: `Install AKO in cluster ${c.ctx}: preflight, avi-system, CRDs, helm, AKO connected, static routes on the controller`,
      args: (x) => [...controller, "ako", "install", "-f", values, "--chart", x.chart(c.chart), "--kube-context", c.ctx],
      needs: needs(chart, "helm", `step:ako-values-${c.ctx}`),
    },
  ];
}

/** The blog series, in order, as avictl commands against the lab. Steps that cannot run yet are skipped by their needs. */
export function demoSteps(o: { keep: boolean }): DemoStep[] {
  const dnsServer = (x: DemoContext) => {
    const d = x.lab().dns.find((e) => e.vs === "local-dns-site1");
    return d ? `${d.host}:${d.port}` : "127.0.0.1:53";
  };
  const backendHosts = (x: DemoContext) => x.lab().backends.map((b) => new URL(b.url).hostname);
  const backendPort = (x: DemoContext) => new URL(x.lab().backends[0]?.url ?? "http://127.0.0.1:80/").port || "80";
  const fixed = (args: string[]) => () => args;
  // Site1's DNS service is created below with the hello records the later steps query.
  const site1 = SITE1_PART1.filter((s) => s.id !== "site1-dns-vs").map((s) => ({ id: s.id, title: s.title, args: fixed(s.args) }));
  const s2 = { ctx: "s2", cluster: "S2", network: "AVI_FRONTEND_3035", seg: "S2-SE-Group", chart: "ako-1.13.4" };
  const onSite2: Need[] = [`context:${SITE2}`];
  const onLeader: Need[] = [`context:${LEADER}`];
  return [
    {
      id: "lab-up",
      title: "Start the lab in the background: controller, DNS service, hello backends, three Kubernetes clusters",
      args: fixed(["lab", "up", "--detach", "--ttl", o.keep ? "8h" : "1h"]),
    },
    { id: "status", title: "Where are we? The lab controller's health", args: fixed(["status"]) },
    ...site1,
    {
      id: "site1-dns-vs",
      title: "The DNS virtual service, authoritative for the domain, with a record per site (one address per answer, round robin)",
      args: (x) => [
        "dns-vs",
        "create",
        "local-dns-site1",
        "--network",
        "AVI_FRONTEND_3025",
        "--authoritative",
        "avi.iberia.local",
        "--invalid-query",
        "respond",
        "--set-system-dns",
        "--record",
        `hello.avi.iberia.local=${backendHosts(x).join(",")}`,
        "--answers-per-query",
        "1",
      ],
    },
    { id: "idempotent", title: "Idempotent: the same command again changes nothing and sends no write", args: fixed(SITE1_PART1[4]!.args) },
    {
      id: "bad-input",
      title: "Bad input is refused before anything is written",
      args: fixed(["create-vrf", "VRF_X", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.26.40-127.10.26.59"]),
      ok: [2],
    },
    { id: "dns-records", title: "What the DNS service answers", args: fixed(["dns-vs", "records", "local-dns-site1"]) },
    {
      id: "check-dns",
      title: "check-dns: ask the DNS service directly, probe each answer, tally the sites and test the split",
      args: (x) => [
        "check-dns",
        "hello.avi.iberia.local",
        "0.1",
        "--server",
        dnsServer(x),
        "--port",
        backendPort(x),
        "--count",
        "15",
        "--expect",
        "SITE1 AZ1=1,SITE1 AZ2=1,SITE2=1",
      ],
    },
    {
      id: "site2-cloud",
      title: "Part 1 on Site2's own controller: IPAM and DNS profiles",
      args: fixed(["--context", SITE2, "bootstrap", "cloud", "--dns-domain", "avi.iberia.local", "--ttl", "30"]),
      needs: onSite2,
    },
    {
      id: "site2-vrf",
      title: "…Site2's VIP network with its subnet and pool, and the default route health monitors need",
      args: fixed([
        "--context",
        SITE2,
        "create-vrf",
        "global",
        "--network",
        "AVI_FRONTEND_3035=127.10.35.0/24@127.10.35.40-127.10.35.59",
        "--default-gateway",
        "127.10.35.1",
      ]),
      needs: onSite2,
    },
    {
      id: "site2-seg",
      title: "…Site2's SE group for its AKO cluster",
      args: fixed(["--context", SITE2, "seg", "create", s2.seg, "--prefix", "s2", "--buffer-se", "0", "--cluster-label", s2.cluster]),
      needs: onSite2,
    },
    { id: "status-part1", title: "The controller after Part 1", args: fixed(["status"]) },
    ...AKO_CLUSTERS.flatMap((c) => akoSteps(c)),
    ...akoSteps(s2, ["--context", SITE2], onSite2),
    {
      id: "ako-reload-s1az1",
      title: "The blog's reload: apply the values and chart again, safely (no window without AKO, rollback on failure)",
      args: (x) => ["ako", "reload", "-f", "values-s1az1.yaml", "--chart", x.chart("ako-1.13.4"), "--kube-context", "s1az1"],
      needs: ["chart:ako-1.13.4", "helm", "step:ako-install-s1az1"],
    },
    {
      id: "ako-status-s1az1",
      title: "AKO's state: release, pod, connection, static routes",
      args: fixed(["ako", "status", "--kube-context", "s1az1"]),
      needs: ["step:ako-install-s1az1"],
    },
    {
      id: "amko-install",
      title: "Parts 6–7: AMKO in s1az1 with the three clusters as GSLB members (equal weights to start)",
      args: (x) => [
        "amko",
        "install",
        "--leader-context",
        "s1az1",
        "--member",
        "s1az1=s1az1",
        "--member",
        "s1az2=s1az2",
        "--member",
        "s2=s2",
        "--chart",
        x.chart("amko-1.13.1"),
      ],
      needs: ["chart:amko-1.13.1", "helm", "step:ako-install-s1az1"],
    },
    {
      id: "amko-split",
      title: "Traffic split 6:3:1 at runtime, with the shares each site should get",
      args: fixed(["amko", "traffic-split", ...SPLIT, "--kube-context", "s1az1"]),
      needs: ["step:amko-install"],
    },
    {
      id: "amko-status",
      title: "AMKO's state: GSLBConfig accepted, GDP weights and expected shares",
      args: fixed(["amko", "status", "--kube-context", "s1az1"]),
      needs: ["step:amko-install"],
    },
    {
      id: "seg-critical",
      title: "…the SE group the critical apps get, labelled for S1-AZ1",
      args: fixed(["seg", "create", "SE-Group-AKO-CRITICAL", "--prefix", "critical", "--buffer-se", "0", "--cluster-label", "S1-AZ1"]),
    },
    {
      id: "infra-setting",
      title: "AviInfraSetting: a dedicated SE group and shard size for critical apps, with its IngressClass",
      args: fixed([
        "infra-setting",
        "create",
        "critical.infra",
        "--se-group",
        "SE-Group-AKO-CRITICAL",
        "--network",
        "AVI_FRONTEND_3025",
        "--shard-size",
        "DEDICATED",
        "--ingress-class",
        "critical-ic",
        "--kube-context",
        "s1az1",
      ]),
      needs: ["step:seg-critical", "step:ako-install-s1az1"],
    },
    {
      id: "vs-analytics",
      title: "Part 6's log settings on the DNS VS: non-significant logs on, no throttling (shown before and after)",
      args: fixed(["vs", "analytics", "local-dns-site1", "--non-significant-logs", "on", "--log-throttle", "off"]),
    },
    {
      id: "dns-load",
      title: "600 queries through check-dns's load mode (the blog's dnsperf run)",
      args: (x) => ["check-dns", "hello.avi.iberia.local", "--server", dnsServer(x), "--qps", "300", "--count", "600"],
    },
    {
      id: "export-logs",
      title: "export-logs: page through the DNS VS's logs and test the answer split (1:1:1) instead of a spreadsheet",
      args: (x) => [
        "export-logs",
        "--vs",
        "local-dns-site1",
        "--since",
        "1h",
        "--out",
        "dns-logs.csv",
        "--expect",
        "SITE1 AZ1=1,SITE1 AZ2=1,SITE2=1",
        ...backendHosts(x).flatMap((h, i) => ["--label", `${h}=${["SITE1 AZ1", "SITE1 AZ2", "SITE2"][i] ?? h}`]),
      ],
      needs: ["step:dns-load"],
    },
    {
      id: "dummy-ingress",
      title: "Part 3 and the shard test: 20 Service+Ingress pairs through AKO, host → VIP and the shard VSes (SMALL: one)",
      args: fixed(["dummy-ingress", "20", "apply", "hello", "--kube-context", "s1az1", "--wait"]),
      needs: ["step:ako-install-s1az1"],
    },
    {
      id: "vs-list",
      title: "What AKO made on the controller: virtual services with VIP, state and the Kubernetes object behind them",
      args: fixed(["vs", "list"]),
      needs: ["step:dummy-ingress"],
    },
    {
      id: "leader-vrf",
      title: "Part 6: the neutral GSLB leader, its network and default route",
      args: fixed([
        "--context",
        LEADER,
        "create-vrf",
        "global",
        "--network",
        "REGIONC_MGMT_3040=127.10.40.0/24@127.10.40.50-127.10.40.59",
        "--default-gateway",
        "127.10.40.1",
      ]),
      needs: onLeader,
    },
    {
      id: "leader-dns",
      title: "…its DNS virtual service g-dns, authoritative for the GSLB sub-domain",
      args: fixed([
        "--context",
        LEADER,
        "dns-vs",
        "create",
        "g-dns",
        "--network",
        "REGIONC_MGMT_3040",
        "--se-group",
        "Default-Group",
        "--authoritative",
        "avi.iberia.local",
      ]),
      needs: onLeader,
    },
    {
      id: "gslb-enable",
      title: "…GSLB on at the leader, bound to g-dns",
      args: fixed(["--context", LEADER, "gslb", "enable", "--subdomain", "avi.iberia.local", "--dns-vs", "g-dns"]),
      needs: ["step:leader-dns"],
    },
    {
      id: "gslb-site2",
      title: "Add Site2 as a follower: its DNS VS prepared in the global VRF, verified, then waited for until reachable and in sync",
      args: fixed([
        "--context",
        LEADER,
        "gslb",
        "add-site",
        "gslb-site2",
        "--site-context",
        SITE2,
        "--dns-vs",
        "g-dns-site2",
        "--prepare",
        "--network",
        "AVI_FRONTEND_3035",
        "--gateway",
        "127.10.35.1",
      ]),
      needs: ["step:gslb-enable", "step:site2-vrf"],
    },
    {
      id: "gslb-rerun",
      title: "Idempotent: adding the same site again changes nothing",
      args: fixed(["--context", LEADER, "gslb", "add-site", "gslb-site2", "--site-context", SITE2, "--dns-vs", "g-dns-site2"]),
      needs: ["step:gslb-site2"],
    },
    {
      id: "gslb-status",
      title: "GSLB sites: role, addresses, DNS VSes, reachability and sync",
      args: fixed(["--context", LEADER, "gslb", "status"]),
      needs: ["step:gslb-site2"],
    },
    {
      id: "blackout",
      title: "Part 7: a Site2 blackout (its controller, DNS service and VIPs go down)",
      args: fixed(["lab", "stop-site", "site2"]),
      needs: ["step:gslb-site2"],
    },
    {
      id: "gslb-status-down",
      title: "…gslb status sees it and exits 3, naming the site",
      args: fixed(["--context", LEADER, "gslb", "status"]),
      ok: [3],
      needs: ["step:blackout"],
    },
    { id: "recovery", title: "…Site2 comes back", args: fixed(["lab", "start-site", "site2"]), needs: ["step:blackout"], always: true },
    o.keep
      ? {
          id: "lab-env",
          title: "The lab keeps running: point avictl, kubectl, helm and dig at it",
          args: fixed(["lab", "env"]),
          always: true,
        }
      : { id: "lab-down", title: "Stop the lab: no process and no port left behind", args: fixed(["lab", "down"]), always: true },
  ];
}
