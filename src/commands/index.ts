import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../cli/app.js";

export interface CommandModule {
  name: string;
  /** Shown in the root help without loading the module (a test keeps it equal to the module's own). */
  description: string;
  args?: string;
  load: () => Promise<{ build: (app: App) => CommandUnknownOpts }>;
}

/**
 * Every top-level command, in help order. Modules load only when their command runs, so the root
 * help and each command pay only for what they use.
 */
export const commandModules: CommandModule[] = [
  {
    name: "status",
    description: "one-screen health of the controller: version, cluster, clouds, SE groups, VRFs, DNS VS, GSLB role",
    load: () => import("./status.js"),
  },
  { name: "bootstrap", description: "first-time controller setup (blog part 1)", load: () => import("./bootstrap/index.js") },
  {
    name: "create-vrf",
    description: "a VRF context with discovered networks moved into it (subnet + static pool) and static routes",
    args: "<name>",
    load: () => import("./create-vrf.js"),
  },
  { name: "seg", description: "service engine groups (one per AKO cluster)", load: () => import("./seg/index.js") },
  { name: "dns-vs", description: "DNS virtual services (the controller's embedded DNS)", load: () => import("./dns-vs/index.js") },
  {
    name: "vs",
    description: "virtual services: list, show (with the Kubernetes object behind them), analytics settings",
    load: () => import("./vs/index.js"),
  },
  {
    name: "check-dns",
    description: "ask a DNS server for a name in a loop, probe the answer over HTTP, tally which site answered",
    args: "<fqdn> [interval]",
    load: () => import("./check-dns.js"),
  },
  {
    name: "export-logs",
    description: "export a virtual service's logs (CSV/JSON) and check the answer split against expected weights",
    load: () => import("./export-logs/index.js"),
  },
  {
    name: "ako",
    description: "AKO lifecycle: values, lint, preflight, install, reload, status, trace",
    load: () => import("./ako/index.js"),
  },
  {
    name: "amko",
    description: "AMKO: values, install on the GSLB leader cluster, traffic split, status",
    load: () => import("./amko/index.js"),
  },
  {
    name: "dummy-ingress",
    description: "create or delete COUNT Service+Ingress pairs APP1..APPN to test AKO's VIP sharding",
    args: "<count> <action> <app>",
    load: () => import("./dummy-ingress.js"),
  },
  {
    name: "test-app",
    description: "a test app behind a LoadBalancer Service through AKO (the blog's kuard): apply, scale, delete",
    args: "<action> <name>",
    load: () => import("./test-app.js"),
  },
  {
    name: "gslb",
    description: "GSLB: enable on the leader, add follower sites, status of sites and GSLB services, TTL",
    load: () => import("./gslb/index.js"),
  },
  {
    name: "alerts",
    description: "controller alerts: GSLB events to Slack through a ControlScript, list, delete",
    load: () => import("./alerts/index.js"),
  },
  {
    name: "infra-setting",
    description: "AviInfraSettings: per-class SE group, VIP network, RHI and shard size",
    load: () => import("./infra-setting/index.js"),
  },
  {
    name: "config",
    description: "named contexts for several controllers ($XDG_CONFIG_HOME/avictl/config.yaml, AVICTL_CONFIG)",
    load: () => import("./config/index.js"),
  },
  {
    name: "lab",
    description: "the embedded lab: a simulated controller, DNS service, backends and Kubernetes API on loopback",
    load: () => import("./lab/index.js"),
  },
  { name: "completion", description: "print a shell completion script", args: "<shell>", load: () => import("./completion.js") },
];
