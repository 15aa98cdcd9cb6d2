import { SITE1_PART1 } from "./site1.js";

/**
 * What a step needs before it can run; a missing need makes the step "skipped" with the reason.
 * - `helm`: a working helm binary (PATH or $AVICTL_HELM)
 * - `chart:NAME`: NAME.tgz in the --charts folder
 * - `step:ID`: an earlier step with this id passed
 * - `context:NAME`: the config holds this context (e.g. a second lab controller)
 * - `bin:NAME`: the program is installed (python3 runs the lab's ControlScripts)
 */
export type Need = "helm" | `chart:${string}` | `step:${string}` | `context:${string}` | `bin:${string}`;

/** What step arguments may refer to, known only when the step runs. */
export interface DemoContext {
  /** The lab's DNS services and hello backends (from `lab up`'s published state). */
  lab(): { dns: { vs: string; host: string; port: number }[]; backends: { site: string; url: string }[] };
  /** Path of a chart archive in the --charts folder (only called when the step's chart need holds). */
  chart(name: string): string;
  /** The standard output of an earlier step ("" when it did not run). */
  output(id: string): string;
  /** Absolute path of a file in the demo's working folder. */
  file(name: string): string;
  /** Wait for a message with this text at the demo's Slack receiver; its text, or undefined after the timeout. */
  slack(match: RegExp, timeoutMs: number, signal: AbortSignal): Promise<string | undefined>;
}

/** One step of the walkthrough: a public avictl command line, exactly as a user types it. */
export interface DemoStep {
  /** Stable short name, used by `step:ID` needs and in the final table. */
  id: string;
  title: string;
  args: (ctx: DemoContext) => string[];
  /** Exit codes that count as success (a refused bad input exits 2 on purpose). */
  ok?: number[];
  /** Success also needs this in the output (e.g. the NXDOMAIN a check-dns must show). */
  shows?: RegExp;
  /** Run again until it passes, at most this long: what AMKO and the GSLB health monitors do takes a few seconds. */
  retryMs?: number;
  /** Not an avictl command but what the demo itself watches (the Slack receiver); `describe` stands for the command. */
  watch?: { describe: string; run: (ctx: DemoContext, signal: AbortSignal) => Promise<{ ok: boolean; out: string }> };
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
const SITE1 = "lab-site1";
const SPLIT = ["s1az1=6", "s1az2=3", "s2=1"];
const KUARD_VS = "S1-AZ1--default-kuard";
const KUARD_FQDN = "kuard.default.avi.iberia.local";
/** Parts 6–7: the same app in the three clusters, one GSLB service for AMKO. */
const HELLO = [
  { ctx: "s1az1", site: "SITE1 AZ1" },
  { ctx: "s1az2", site: "SITE1 AZ2" },
  { ctx: "s2", site: "SITE2" },
];
const HELLO_FQDN = "hello.default.avi.iberia.local";
/** The file in the demo's folder that holds the Slack receiver's webhook URL. */
export const SLACK_URL_FILE = "slack-webhook.url";

/** The VIP `test-app --wait` printed ("VIP" in the command lines of steps that cannot run). */
function vipOf(output: string): string {
  return /VIP (\d+\.\d+\.\d+\.\d+)/.exec(output)?.[1] ?? "VIP";
}

/** A step that waits for the controller's ControlScript to post an alert to the demo's Slack receiver. */
function slackWatch(id: string, title: string, match: RegExp, after: string): DemoStep {
  return {
    id,
    title,
    args: () => [],
    watch: {
      describe: `(the demo's Slack receiver on 127.0.0.1) wait for a message matching ${String(match)}`,
      run: async (x, signal) => {
        const text = await x.slack(match, 120_000, signal);
        return text ? { ok: true, out: `received: ${text}\n` } : { ok: false, out: "no such message within 120s\n" };
      },
    },
    needs: ["step:slack", "step:gslb-services", "bin:python3", `step:${after}`],
  };
}

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
  const dnsServer = (x: DemoContext, vs = "local-dns-site1") => {
    const d = x.lab().dns.find((e) => e.vs === vs);
    return d ? `${d.host}:${d.port}` : "127.0.0.1:53";
  };
  const splitLabels = (x: DemoContext) => HELLO.flatMap((h) => ["--label", `${vipOf(x.output(`hello-${h.ctx}`))}=${h.ctx}`]);
  /** check-dns against g-dns: every answer probed over HTTP, labelled by cluster, the split tested. */
  const splitCheck = (id: string, title: string, expect: string[], after: string): DemoStep => ({
    id,
    title,
    args: (x) => [
      "check-dns",
      HELLO_FQDN,
      "0.02",
      "--server",
      dnsServer(x, "g-dns"),
      "--port",
      "8080",
      "--count",
      "60",
      "--expect",
      expect.join(","),
      ...splitLabels(x),
    ],
    needs: [`step:${after}`],
  });
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
    // Part 3: a LoadBalancer Service through AKO, its VS and DNS record, scaled to 0 and back.
    {
      id: "kuard",
      title: "Part 3: the blog's kuard behind a LoadBalancer Service (kubectl create deployment + expose, as one command)",
      args: fixed(["test-app", "apply", "kuard", "--replicas", "2", "--kube-context", "s1az1", "--wait"]),
      needs: ["step:ako-install-s1az1"],
    },
    {
      id: "kuard-vs",
      title: "…the virtual service AKO made for it: VIP, state, pool members, the Service behind it",
      args: fixed(["vs", "show", KUARD_VS]),
      needs: ["step:kuard"],
    },
    {
      id: "kuard-dns",
      title: "…its DNS record, registered because the VS is up: the name answers with the VIP, and the pods answer",
      args: (x) => ["check-dns", KUARD_FQDN, "0.2", "--server", dnsServer(x), "--port", "8080", "--count", "3"],
      needs: ["step:kuard"],
    },
    {
      id: "kuard-scale-0",
      title: "…scaled to 0 replicas: the pool has no member left",
      args: fixed(["test-app", "scale", "kuard", "--replicas", "0", "--kube-context", "s1az1", "--wait"]),
      needs: ["step:kuard"],
    },
    {
      id: "kuard-vs-down",
      title: "…so the virtual service goes down",
      args: fixed(["vs", "show", KUARD_VS]),
      shows: /DOWN/,
      needs: ["step:kuard-scale-0"],
    },
    {
      id: "kuard-nxdomain",
      title: "…and its record is withdrawn: NXDOMAIN, with the SOA that shows the DNS service is authoritative (check-dns exits 3)",
      args: (x) => ["check-dns", KUARD_FQDN, "--server", dnsServer(x), "--count", "1", "--no-http"],
      ok: [3],
      shows: /NXDOMAIN[\s\S]*SOA/,
      needs: ["step:kuard-scale-0"],
    },
    {
      id: "kuard-scale-2",
      title: "…scaled back to 2 replicas",
      args: fixed(["test-app", "scale", "kuard", "--replicas", "2", "--kube-context", "s1az1", "--wait"]),
      needs: ["step:kuard"],
    },
    {
      id: "kuard-dns-back",
      title: "…and the name answers again",
      args: (x) => ["check-dns", KUARD_FQDN, "0.2", "--server", dnsServer(x), "--port", "8080", "--count", "3"],
      needs: ["step:kuard-scale-2"],
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
        "--filter",
        "eq(dns_fqdn,hello.avi.iberia.local)",
        "--expect",
        "SITE1 AZ1=1,SITE1 AZ2=1,SITE2=1",
        ...backendHosts(x).flatMap((h, i) => ["--label", `${h}=${["SITE1 AZ1", "SITE1 AZ2", "SITE2"][i] ?? h}`]),
      ],
      needs: ["step:dns-load"],
    },
    {
      id: "dummy-ingress",
      title: "The shard test: 20 Service+Ingress pairs through AKO, host → VIP and the shard VSes (SMALL: one)",
      args: fixed(["dummy-ingress", "20", "apply", "hello", "--kube-context", "s1az1", "--wait"]),
      needs: ["step:ako-install-s1az1"],
    },
    {
      id: "dummy-ingress-critical",
      title: "AviInfraSetting at work: 4 pairs of the critical class, DEDICATED shard size (one VS and VIP per host)",
      args: fixed(["dummy-ingress", "4", "apply", "critical", "--ingress-class", "critical-ic", "--kube-context", "s1az1", "--wait"]),
      needs: ["step:infra-setting", "step:dummy-ingress"],
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
      id: "gslb-site1",
      title:
        "Add Site1 as a follower: its DNS VS g-dns-site1 in the global VRF (never in an AKO VRF) with Part 1's default route, then waited for",
      args: fixed([
        "--context",
        LEADER,
        "gslb",
        "add-site",
        "gslb-site1",
        "--site-context",
        SITE1,
        "--dns-vs",
        "g-dns-site1",
        "--prepare",
        "--network",
        "REGIONB_MGMT_3020=127.10.20.0/24@127.10.20.60-127.10.20.69",
        "--gateway",
        "127.10.22.1",
      ]),
      needs: ["step:gslb-enable", `context:${SITE1}`],
    },
    {
      id: "gslb-site2",
      title: "…and Site2: its DNS VS prepared in the global VRF, verified, then waited for until reachable and in sync",
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
    ...HELLO.map((h): DemoStep => ({
      id: `hello-${h.ctx}`,
      title: `Parts 6–7: the hello app in ${h.ctx}, labelled app=gslb for AMKO, each site saying where it resides`,
      args: fixed([
        "test-app",
        "apply",
        "hello",
        "--label",
        "app=gslb",
        "--env",
        `MESSAGE=This service resides in ${h.site}`,
        "--replicas",
        "2",
        "--kube-context",
        h.ctx,
        "--wait",
      ]),
      needs: [`step:ako-install-${h.ctx}`],
    })),
    {
      id: "amko-install",
      title: "AMKO in s1az1, driving the GSLB leader, with the three clusters as members (equal weights to start)",
      args: (x) => [
        "--context",
        LEADER,
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
      // AMKO checks that AKO runs in every member cluster first.
      needs: ["chart:amko-1.13.1", "helm", ...HELLO.map((h): Need => `step:ako-install-${h.ctx}`), "step:gslb-enable"],
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
      args: fixed(["--context", LEADER, "amko", "status", "--kube-context", "s1az1"]),
      needs: ["step:amko-install"],
    },
    {
      id: "gslb-services",
      title: "The GSLB service AMKO made on the leader: one member per cluster, ratios 6:3:1 (AMKO syncs every few seconds)",
      args: fixed(["--context", LEADER, "gslb", "status"]),
      shows: /60\.0%[\s\S]*30\.0%[\s\S]*10\.0%/,
      retryMs: 60_000,
      needs: ["step:amko-split", ...HELLO.map((h): Need => `step:hello-${h.ctx}`)],
    },
    splitCheck(
      "split-dns",
      "The split as clients see it: check-dns asks g-dns, probes each answer and tests 6:3:1",
      SPLIT,
      "gslb-services",
    ),
    {
      id: "g-dns-analytics",
      title: "Part 6's log settings on g-dns",
      args: fixed(["--context", LEADER, "vs", "analytics", "g-dns", "--non-significant-logs", "on", "--log-throttle", "off"]),
      needs: ["step:leader-dns"],
    },
    {
      id: "split-load",
      title: "600 queries to g-dns through check-dns's load mode (the blog's dnsperf run)",
      args: (x) => ["check-dns", HELLO_FQDN, "--server", dnsServer(x, "g-dns"), "--qps", "300", "--count", "600"],
      needs: ["step:split-dns"],
    },
    {
      id: "split-logs",
      title: "…and as the leader logged it: export-logs tests 6:3:1 on g-dns's logs and writes the chart",
      args: (x) => [
        "--context",
        LEADER,
        "export-logs",
        "--vs",
        "g-dns",
        "--since",
        "1h",
        "--out",
        x.file("g-dns.csv"),
        "--expect",
        SPLIT.join(","),
        ...splitLabels(x),
        "--chart",
        x.file("split.svg"),
      ],
      shows: /chart written to/,
      needs: ["step:split-load", "step:g-dns-analytics"],
    },
    {
      id: "slack",
      title: "Slack alerts for the GSLB events: ControlScript, action group and alert configs (the webhook URL stays in its file)",
      args: fixed(["--context", LEADER, "alerts", "slack", "--webhook-url-file", SLACK_URL_FILE, "--channel", "#gslb"]),
      needs: ["step:gslb-enable"],
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
    slackWatch("slack-down", "…the leader's health monitor marks Site2's member down and the alert reaches Slack", /is DOWN/, "blackout"),
    {
      id: "gslb-status-down",
      title: "…gslb status sees it and exits 3, naming the site",
      args: fixed(["--context", LEADER, "gslb", "status"]),
      ok: [3],
      needs: ["step:blackout"],
    },
    splitCheck("dns-blackout", "…and g-dns answers with Site1 only, still 6:3", SPLIT.slice(0, 2), "slack-down"),
    { id: "recovery", title: "…Site2 comes back", args: fixed(["lab", "start-site", "site2"]), needs: ["step:blackout"], always: true },
    slackWatch("slack-up", "…its member passes the health monitor again and Slack hears of it", /is UP/, "recovery"),
    {
      id: "gslb-status-up",
      title: "…gslb status: every site reachable and in sync again",
      args: fixed(["--context", LEADER, "gslb", "status"]),
      retryMs: 60_000,
      needs: ["step:recovery"],
    },
    splitCheck("dns-recovered", "…and the split is 6:3:1 again", SPLIT, "slack-up"),
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
