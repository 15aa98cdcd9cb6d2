import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../cli/app.js";
import { parseDuration } from "../cli/context.js";
import type { Io } from "../cli/io.js";
import { collect, flagsFor, kubeTarget, withKubeOptions } from "../cli/options.js";
import { printTable, writeOutput } from "../cli/output.js";
import type { TestAppResult } from "../workflows/test-app.js";

export function build(app: App): CommandUnknownOpts {
  return withKubeOptions(
    new Command("test-app")
      .description("a test app behind a LoadBalancer Service through AKO (the blog's kuard): apply, scale, delete")
      .argument("<action>", "apply, scale or delete")
      .argument("<name>", "Deployment and Service name, and the pods' app label, e.g. kuard")
      .option("-n, --namespace <ns>", "namespace", "default")
      .option("--image <ref>", "container image (apply; default: gcr.io/kuar-demo/kuard-amd64:1)")
      .option("--port <port>", "Service port and container port (apply; default 8080)")
      .option("--replicas <n>", "pods (apply: default 1; scale: required; 0 takes the VS down and its DNS record away)")
      .option("--env <name=value>", "container environment (apply; repeatable), e.g. MESSAGE=...", collect)
      .option("--label <key=value>", "label on the Deployment and Service (apply; repeatable), e.g. app=gslb for AMKO", collect)
      .option("--wait", "wait until the pods are ready and AKO wrote the VIP on the Service")
      .option("--timeout <d>", "how long --wait waits", "3m"),
  )
    .addHelpText(
      "after",
      `
Examples:
  avictl test-app apply kuard --replicas 2 --kube-context s1az1 --wait
  avictl test-app scale kuard --replicas 0 --kube-context s1az1 --wait
  avictl test-app apply hello --image paulbouwer/hello-kubernetes:1.10 --label app=gslb --env 'MESSAGE=This service resides in SITE1 AZ1'
  avictl test-app delete kuard
Then: avictl vs show S1-AZ1--default-kuard; avictl check-dns kuard.default.avi.iberia.local --count 3`,
    )
    .action(async (action, name, raw) => {
      const { toTestAppOptions, runTestApp } = await import("../workflows/test-app.js");
      const o = toTestAppOptions(
        action,
        name,
        flagsFor<Parameters<typeof toTestAppOptions>[2]>()({
          ...raw,
          timeoutMs: parseDuration(raw.timeout, "--timeout"),
          dryRun: app.globals().dryRun,
        }),
      );
      const kube = await app.clients.kube(kubeTarget(raw));
      const { events, spinner } = app.progress(`${o.action} ${o.namespace}/${o.name}`);
      const result = await runTestApp(o, kube, events, app.clients.clock).finally(() => spinner.stop());
      await writeOutput(app.output(), app.io, result, render);
    });
}

function render(io: Io, r: TestAppResult): void {
  const c = io.color;
  const action = (a: string) => (a === "create" ? c.green(a) : a === "update" || a === "delete" ? c.yellow(a) : io.dim(a));
  printTable(
    io,
    ["KIND", "NAME", "ACTION", "CHANGES"],
    r.plan.map((p) => [
      p.kind,
      p.name,
      action(r.dryRun && (p.action === "create" || p.action === "update" || p.action === "delete") ? `would ${p.action}` : p.action),
      p.diff.map((d) => (d.path === "spec.replicas" ? `replicas ${String(d.from)} → ${String(d.to)}` : d.path)).join(", "),
    ]),
  );
  for (const w of r.warnings) io.err(`${io.warn(w)}\n`);
  if (r.replicas !== undefined)
    io.out(
      `${r.ready}/${r.replicas} pod(s) ready; Service ${r.namespace}/${r.name}: ${r.vip ? `VIP ${r.vip}` : "no VIP yet"}${r.hostname ? `, ${r.hostname}` : ""}\n`,
    );
}
