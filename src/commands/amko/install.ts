import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import type { Io } from "../../cli/io.js";
import { collect, flagsFor } from "../../cli/options.js";
import { printTable, writeOutput } from "../../cli/output.js";
import type { AmkoInstallResult } from "../../workflows/amko/install.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("install")
    .description(
      "check AKO runs in every member cluster, build gslb-members from kube contexts, install AMKO on the followers, then on the leader, and wait",
    )
    .requiredOption("--leader-context <ctx>", "kube context of the cluster AMKO runs on")
    .option("--member <name=ctx>", "GSLB member: NAME as AMKO will call it, KUBECONTEXT to reach it (repeatable)", collect)
    .option("--followers <names>", "members that get a follower AMKO (federation, chart 1.4.2+), comma-separated, or 'all'")
    .option("--ako-namespace <ns>", "namespace where AKO runs in every member cluster", "avi-system")
    .option("--selector <key=value>", "label that marks Ingresses/Services for GSLB", "app=gslb")
    .option("--split <weights>", "traffic split NAME=WEIGHT,..., weights 1-20 (default: equal)")
    .option("--ttl <seconds>", "TTL of the GSLB DNS answers")
    .option("--chart <path|ref>", "AMKO chart: archive, directory or chart reference (default: the published OCI chart)")
    .option("--chart-version <version>", "chart version to pull when --chart is not a local archive (default: 1.13.1)")
    .option("--kubeconfig <file>", "kubeconfig holding the contexts (default: $KUBECONFIG)")
    .option("--wait-timeout <duration>", "how long to wait for amko-0", "5m")
    .addHelpText(
      "after",
      `
Example:
  avictl amko install --leader-context s1az1 --member s1az1=s1az1 --member s1az2=s1az2 --member s2=s2 \\
      --selector app=gslb --split s1az1=6,s1az2=3,s2=1 --followers all --chart amko-1.13.1.tgz

AKO must be installed and running in every member cluster first (as the AMKO docs require); the
follower AMKOs are installed before the leader's, which alone creates the GSLB services.`,
    )
    .action(async (raw) => {
      const { installAmko, toAmkoInstallFlags } = await import("../../workflows/amko/install.js");
      const { renderAmkoValues } = await import("../../workflows/amko/render.js");
      const { requireChart, scratch } = await import("../ako/run.js");
      const { controllerHostOf } = await import("../../workflows/ako/values.js");
      const flags = toAmkoInstallFlags(flagsFor<Parameters<typeof toAmkoInstallFlags>[0]>()(raw));
      const chart = await requireChart(app, raw, "amko");
      const target = await app.clients.target();
      const avi = await app.clients.avi();
      const credentials = await app.clients.credentials();
      const tmp = scratch();
      const { events, spinner } = app.progress("AMKO install");
      let result: AmkoInstallResult;
      try {
        result = await installAmko(
          {
            ...flags,
            chart,
            leaderController: controllerHostOf(target.controller.value),
            controllerVersion: avi.controllerVersion,
            credentials,
          },
          {
            helm: (context) => app.clients.helm({ kubeconfig: raw.kubeconfig, kubeContext: context }),
            render: renderAmkoValues,
            writeValues: (text) => tmp.write("values.yaml", text),
            connect: (t) => app.clients.kube(t),
            sleep: (ms) => app.clients.clock.sleep(ms),
            now: () => app.clients.clock.now(),
          },
          events,
        );
      } finally {
        spinner.stop();
        tmp.dispose();
      }
      await writeOutput(app.output(), app.io, result, render);
    });
}

function render(io: Io, r: AmkoInstallResult): void {
  printTable(
    io,
    ["MEMBER", "CONTEXT", "API SERVER", "VERSION"],
    r.members.map((m) => [m.name, m.context, m.server, m.version]),
  );
  printTable(
    io,
    ["CLUSTER", "WEIGHT", "EXPECTED SHARE"],
    r.shares.map((s) => [s.cluster, s.weight, `${(s.share * 100).toFixed(1)}%`]),
  );
  printTable(
    io,
    ["INSTALLED ON", "CONTEXT", "ROLE", "RELEASE"],
    r.installed.map((x) => [x.member, x.context, x.role, x.release]),
  );
  for (const w of r.warnings) io.err(`${io.warn(w)}\n`);
  io.out(`${io.ok(`${r.release} (${r.chart}) running in ${r.namespace}${r.amkoUUID ? `, amkoUUID ${r.amkoUUID} kept` : ""}`)}\n`);
}
