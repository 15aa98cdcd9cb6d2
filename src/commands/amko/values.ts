import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { collect, flagsFor } from "../../cli/options.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("values")
    .description("render commented AMKO Helm values: leader, members, federation, GDP selector and weights (no credentials in them)")
    .option(
      "--member <name>",
      "GSLB member cluster as AMKO names it (its context in gslb-members); NAME=KUBECONTEXT is accepted too (repeatable)",
      collect,
    )
    .option("--current-cluster <name>", "the member this AMKO runs on (default: the first --member)")
    .option("--follower", "values for a follower AMKO (federation, chart 1.4.2+): it creates no GSLB services")
    .option("--selector <key=value>", "label that marks Ingresses/Services for GSLB (default: app=gslb)")
    .option("--split <weights>", "traffic split NAME=WEIGHT,..., weights 1-20 (default: equal)")
    .option("--ttl <seconds>", "TTL of the GSLB DNS answers (default: the DNS profile's)")
    .option("--sync-vip-only <name>", "member whose GSLB services only get the VIP synced (repeatable)", collect)
    .option("--leader-controller <host>", "GSLB leader controller (default: the context's controller)")
    .option("--controller-version <version>", "leader controller API version (default: read from the controller)")
    .option("--amko-uuid <uuid>", "keep this AMKO identity (chart 1.11.1+): the GSLBConfig's amko.vmware.com/amko-uuid annotation")
    .option("--chart-version <version>", "chart layout to render for (default: 1.13.1)")
    .option("-f, --values <file>", "base values to start from (what the flags say wins)")
    .option("--out <file>", "write to this file instead of stdout")
    .addHelpText(
      "after",
      `
Rendered without a controller when --controller-version is given (with --leader-controller, or the
context's controller); otherwise avictl logs in to read the version and to check the GSLB leader role.

Examples:
  avictl amko values --member s1az1 --member s1az2 --member s2 --split s1az1=6,s1az2=3,s2=1 > amko-values.yaml
  avictl amko values --member s1az1 --member s1az2 --member s2 --current-cluster s2 --follower \\
      --leader-controller 10.10.20.42 --controller-version 20.1.5 --chart-version 1.13.1   # offline`,
    )
    .action(async (raw) => {
      const { amkoOffline, amkoValues, toAmkoValuesOptions } = await import("../../workflows/amko/values.js");
      const { controllerHostOf } = await import("../../workflows/ako/values.js");
      const { checkOutFile, emitValues, readValuesFile } = await import("../ako/run.js");
      if (raw.out) checkOutFile(raw.out);
      const o = toAmkoValuesOptions(flagsFor<Parameters<typeof toAmkoValuesOptions>[0]>()(raw));
      if (raw.values) o.base = { text: readValuesFile(raw.values), file: raw.values };
      const offline = amkoOffline(o);
      // Offline, a context is optional: it only supplies the leader's address when no flag does.
      const target =
        o.leaderController && offline ? undefined : await (offline ? app.clients.target().catch(() => undefined) : app.clients.target());
      const leader = o.leaderController ?? (target ? controllerHostOf(target.controller.value) : undefined);
      emitValues(app, await amkoValues(o, leader, offline ? undefined : await app.clients.avi()), raw.out);
    });
}
