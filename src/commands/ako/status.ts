import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { VerificationFailed } from "../../cli/errors.js";
import type { Io } from "../../cli/io.js";
import { kubeTarget, withKubeOptions } from "../../cli/options.js";
import { writeOutput } from "../../cli/output.js";
import type { AkoStatus } from "../../workflows/ako/status.js";

export function build(app: App): CommandUnknownOpts {
  return withKubeOptions(
    new Command("status")
      .description("AKO release, pod, connection, recent errors and its objects on the controller")
      .option("-n, --namespace <ns>", "release namespace", "avi-system"),
  )
    .addHelpText("after", `\nExit status: 3 when AKO is not deployed, not ready or not connected.`)
    .action(async (raw) => {
      const { akoStatus } = await import("../../workflows/ako/status.js");
      const kube = await app.clients.kube(kubeTarget(raw));
      const avi = await app.clients.avi().catch(() => undefined);
      const status = await akoStatus(raw.namespace, {
        kube,
        helm: await app.clients.helm({ kubeconfig: raw.kubeconfig, kubeContext: kube.context }),
        avi,
      });
      await writeOutput(app.output(), app.io, status, render);
      if (!status.healthy)
        throw new VerificationFailed(status.release ? `AKO is ${status.connection.toLowerCase()}` : `no AKO release in ${raw.namespace}`);
    });
}

function render(io: Io, s: AkoStatus): void {
  const c = io.color;
  if (!s.release) {
    io.out(`${io.warn("no AKO release found")}\n`);
    return;
  }
  io.out(
    `${c.bold("Release")}    ${s.release.name} ${s.release.chart} (app ${s.release.appVersion}) revision ${s.release.revision} ${s.release.status}\n`,
  );
  io.out(`${c.bold("Cluster")}    ${s.clusterName ?? "-"}\n`);
  io.out(
    `${c.bold("Pod")}        ${s.pod ? `${s.pod.name} ${s.pod.phase}${s.pod.ready ? " ready" : " not ready"}, ${s.pod.restarts} restart(s)` : "absent"}\n`,
  );
  io.out(
    `${c.bold("Connection")} ${s.connection === "CONNECTED" ? c.green(s.connection) : c.red(s.connection)}` +
      `${s.connectionSource ? io.dim(` (from ${s.connectionSource === "log" ? "the log" : "/api/status"})`) : ""}\n`,
  );
  if (s.controller)
    io.out(
      `${c.bold("Controller")} ${s.controller.virtualServices} virtual service(s), ` +
        `${s.controller.staticRoutes} static route(s) in VRF ${s.controller.vrf ?? "-"}, SE group label ${s.controller.seGroupLabel ?? "-"}\n`,
    );
  for (const e of s.recentErrors) io.out(`  ${io.dim(e)}\n`);
}
