import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { VerificationFailed } from "../../cli/errors.js";
import type { Io } from "../../cli/io.js";
import { kubeTarget, withKubeOptions } from "../../cli/options.js";
import { printTable, writeOutput } from "../../cli/output.js";
import type { AmkoStatus } from "../../workflows/amko/status.js";

export function build(app: App): CommandUnknownOpts {
  return withKubeOptions(
    new Command("status").description("AMKO release, pod, GSLBConfig state and the traffic split with expected shares"),
  )
    .addHelpText("after", `\nExit status: 3 when AMKO is not deployed or not ready, or reports an error.`)
    .action(async (raw) => {
      const { amkoStatus } = await import("../../workflows/amko/status.js");
      const kube = await app.clients.kube(kubeTarget(raw));
      // The GSLB services AMKO made are read on the leader when a controller is configured (e.g. --context lab-leader).
      const leader = await app.clients.target().then(
        () => () => app.clients.avi(),
        () => undefined,
      );
      const status = await amkoStatus({
        kube,
        helm: await app.clients.helm({ kubeconfig: raw.kubeconfig, kubeContext: kube.context }),
        leader,
      });
      await writeOutput(app.output(), app.io, status, render);
      if (!status.healthy) throw new VerificationFailed(status.release ? "AMKO is not healthy" : "no AMKO release in avi-system");
    });
}

function render(io: Io, s: AmkoStatus): void {
  const c = io.color;
  if (!s.release) {
    io.out(`${io.warn("no AMKO release found in avi-system")}\n`);
    return;
  }
  io.out(`${c.bold("Release")}     ${s.release.name} ${s.release.chart} revision ${s.release.revision} ${s.release.status}\n`);
  io.out(`${c.bold("Pod")}         amko-0 ${s.pod ? `${s.pod.phase}${s.pod.ready ? " ready" : " not ready"}` : "absent"}\n`);
  if (s.federation)
    io.out(
      `${c.bold("Federation")}  ${s.federation.role} as ${s.federation.currentCluster ?? "-"}; members ${s.federation.clusters.join(", ") || "-"}\n`,
    );
  if (s.gslbConfig)
    io.out(
      `${c.bold("GSLBConfig")}  ${s.gslbConfig.state}; leader ${s.gslbConfig.leader ?? "-"}; members ${s.gslbConfig.members.join(", ")}` +
        `${s.gslbConfig.amkoUUID ? `; uuid ${s.gslbConfig.amkoUUID}` : ""}\n`,
    );
  if (s.gdp) {
    io.out(`${c.bold("GDP")}         global-gdp: ${s.gdp.status}\n`);
    printTable(
      io,
      ["CLUSTER", "WEIGHT", "PRIORITY", "EXPECTED SHARE"],
      s.gdp.shares.map((x) => [x.cluster, x.weight, x.priority, `${(x.share * 100).toFixed(1)}%`]),
    );
  }
  if (s.gslbServices) {
    io.out(`${c.bold("GSLB services on the leader")}\n`);
    if (s.gslbServices.length === 0) io.out(io.dim("none made by this AMKO yet\n"));
    printTable(
      io,
      ["SERVICE", "TTL", "MEMBER", "SITE", "RATIO", "HEALTH", "SHARE"],
      s.gslbServices.flatMap((g) =>
        g.members.map((m) => [
          g.name,
          g.ttl ?? "-",
          m.ip,
          m.site ?? "-",
          m.ratio,
          m.health.replace(/^OPER_/, ""),
          `${(m.expectedShare * 100).toFixed(1)}%`,
        ]),
      ),
    );
  }
  if (s.leaderError) io.err(`${io.warn(`GSLB services on the leader not read: ${s.leaderError}`)}\n`);
}
