import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../cli/app.js";
import { parseDuration } from "../cli/context.js";
import type { Io } from "../cli/io.js";
import { kubeTarget, withKubeOptions, flagsFor } from "../cli/options.js";
import { printTable, writeOutput } from "../cli/output.js";
import type { DummyIngressResult } from "../workflows/dummy-ingress.js";

export function build(app: App): CommandUnknownOpts {
  return withKubeOptions(
    new Command("dummy-ingress")
      .description("create or delete COUNT Service+Ingress pairs APP1..APPN to test AKO's VIP sharding")
      .argument("<count>", "number of pairs")
      .argument("<action>", "apply or delete")
      .argument("<app>", "name prefix and the pods' app label, e.g. hello")
      .option("--ingress-class <class>", "ingressClassName (default: the cluster's default class)")
      .option("--domain <domain>", "hosts are APPi.DOMAIN", "avi.iberia.local")
      .option("-n, --namespace <ns>", "namespace", "default")
      .option("--port <port>", "Service port the Ingress points at", "80")
      .option("--target-port <port>", "the pods' port", "8080")
      .option("--concurrency <n>", "requests in flight", "20")
      .option("--wait", "wait for AKO to fill status.loadBalancer, then print host → VIP (default on a terminal)")
      .option("--no-wait", "return once the objects are written")
      .option("--timeout <d>", "how long --wait waits", "3m")
      .option(
        "--predict",
        "print the shard AKO's hashing picks for each host (needs --cluster-name, and --shard-size or --ingress-class); offline without a class",
      )
      .option("--cluster-name <name>", "AKO clusterName, for the prediction")
      .option("--shard-size <size>", "LARGE, MEDIUM, SMALL or DEDICATED, for the prediction (default: the class's AviInfraSetting)"),
  )
    .addHelpText(
      "after",
      `
Examples:
  avictl dummy-ingress 20 apply hello --kube-context s1az1
  avictl dummy-ingress 20 apply hello --ingress-class critical-ic --cluster-name S1-AZ1 --shard-size LARGE
  avictl dummy-ingress 20 apply hello --predict --cluster-name S1-AZ1 --shard-size MEDIUM
  avictl dummy-ingress 20 apply hello --predict --cluster-name S1-AZ1 --ingress-class critical-ic --kube-context s1az1
  avictl dummy-ingress 20 delete hello`,
    )
    .action(async (count, action, appName, raw) => {
      const { toDummyIngressOptions, predictDummyIngress, runDummyIngress, withClassShards } =
        await import("../workflows/dummy-ingress.js");
      const o = toDummyIngressOptions(
        count,
        action,
        appName,
        flagsFor<Parameters<typeof toDummyIngressOptions>[3]>()({
          ...raw,
          timeoutMs: parseDuration(raw.timeout, "--timeout"),
        }),
        app.io.stderrTTY,
      );
      if (o.predictOnly && !o.ingressClass) return writeOutput(app.output(), app.io, predictDummyIngress(o), render);
      const kube = await app.clients.kube(kubeTarget(raw));
      if (o.predictOnly) return writeOutput(app.output(), app.io, predictDummyIngress(await withClassShards(o, kube)), render);
      const avi = o.wait && o.action === "apply" ? await app.clients.avi().catch(() => undefined) : undefined;
      const { events, spinner } = app.progress(`${o.action} ${o.count} pairs`);
      let result: DummyIngressResult;
      try {
        result = await runDummyIngress(o, { kube, avi }, events);
      } finally {
        spinner.stop();
      }
      await writeOutput(app.output(), app.io, result, render);
    });
}

function render(io: Io, r: DummyIngressResult): void {
  if (r.action === "predict") {
    printTable(
      io,
      ["HOST", "PREDICTED VS"],
      r.pairs.map((p) => [p.host, p.predicted]),
    );
    io.out(`\n${r.shards.length} virtual service(s): ${r.shards.map((s) => `${s.vs} (${s.hosts})`).join(", ")}\n`);
    return;
  }
  const counts = new Map<string, number>();
  for (const p of r.pairs) counts.set(p.action, (counts.get(p.action) ?? 0) + 1);
  io.err(`${r.pairs.length} pair(s) in ${r.namespace}: ${[...counts].map(([a, n]) => `${n} ${a}`).join(", ")} (${r.writes} write(s))\n`);
  if (r.shards.length === 0) return;
  const predicted = r.pairs.some((p) => p.predicted);
  printTable(
    io,
    ["HOST", "VIP", "VS", ...(predicted ? ["PREDICTED"] : [])],
    r.pairs.map((p) => [p.host, p.vip, p.vs ?? "-", ...(predicted ? [p.predicted] : [])]),
  );
  io.out(`\n${io.color.bold("Shards")}: ${r.shards.length} VIP(s)\n`);
  printTable(
    io,
    ["VIP", "HOSTS", "VS"],
    r.shards.map((s) => [s.vip, s.hosts, s.vs ?? "-"]),
  );
  if (predicted)
    io.out(
      r.elsewhere.length === 0
        ? `${io.ok("every host is on its predicted virtual service")}\n`
        : r.elsewhere.map((e) => `${io.warn(`${e.host} landed on ${e.actual ?? "no known VS"}, predicted ${e.predicted}`)}\n`).join(""),
    );
}
