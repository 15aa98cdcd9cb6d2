/** Layer rules (README "Layout"): cli → commands → workflows → clients → base; the lab only behind `lab` commands. */
module.exports = {
  forbidden: [
    {
      name: "base-is-the-bottom",
      comment: "src/base is imported by every layer and imports none of them",
      severity: "error",
      from: { path: "^src/base/" },
      to: { path: "^src/(cli|commands|workflows|clients|lab)/" },
    },
    {
      name: "clients-stay-below-workflows",
      severity: "error",
      from: { path: "^src/clients/" },
      to: { path: "^src/(cli|commands|workflows|lab)/" },
    },
    {
      name: "workflows-stay-below-commands",
      severity: "error",
      from: { path: "^src/workflows/" },
      to: { path: "^src/(cli|commands)/" },
    },
    {
      name: "commands-stay-below-cli",
      comment:
        "commands use the cli's io, output and error helpers, but never its program or entry point (App is the interface commands receive)",
      severity: "error",
      from: { path: "^src/commands/" },
      to: { path: "^src/cli/(main|program)\\.ts$" },
    },
    {
      name: "lab-is-not-production-code",
      comment: "production code reaches the simulator only through the `lab` commands and their workflows",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(lab|commands/lab|workflows/lab)/" },
      to: { path: "^src/lab/" },
    },
    {
      name: "lab-uses-no-cli-or-commands",
      severity: "error",
      from: { path: "^src/lab/" },
      to: { path: "^src/(cli|commands|workflows)/" },
    },
    {
      name: "no-sideways-workflows",
      comment:
        "a workflow folder reaches another only through the shared modules at src/workflows/*.ts or src/workflows/{k8s,infra,split}/",
      severity: "error",
      from: {
        path: "^src/workflows/([^/]+)/",
        pathNot: ["^src/workflows/gslb/add-site\\.ts$", "^src/workflows/amko/status\\.ts$", "^src/workflows/ako/trace\\.ts$"],
      },
      to: { path: "^src/workflows/([^/]+)/", pathNot: ["^src/workflows/$1/", "^src/workflows/(k8s|infra|split)/"] },
    },
    {
      name: "amko-status-reads-gslb-status",
      comment: "amko status shows the GSLB services AMKO made on the leader, through gslb status and nothing else",
      severity: "error",
      from: { path: "^src/workflows/amko/status\\.ts$" },
      to: { path: "^src/workflows/([^/]+)/", pathNot: ["^src/workflows/(amko|k8s|infra)/", "^src/workflows/gslb/status\\.ts$"] },
    },
    {
      name: "ako-trace-reads-vs-inspect",
      comment: "ako trace follows the chain through the same VS inspection as vs show",
      severity: "error",
      from: { path: "^src/workflows/ako/trace\\.ts$" },
      to: { path: "^src/workflows/([^/]+)/", pathNot: ["^src/workflows/(ako|k8s|infra|split)/", "^src/workflows/vs/inspect\\.ts$"] },
    },
    {
      name: "no-sideways-workflows-except-composites",
      comment:
        "composite steps named here may call another workflow's entry point: gslb add-site --prepare builds the follower's VRF and DNS VS",
      severity: "error",
      from: { path: "^src/workflows/gslb/add-site\\.ts$" },
      to: { path: "^src/workflows/([^/]+)/", pathNot: ["^src/workflows/(gslb|k8s|infra)/", "^src/workflows/(vrf|dns-vs)/create\\.ts$"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs"] },
  },
};
