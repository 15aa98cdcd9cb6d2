import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { contextDnsServer } from "../../cli/context.js";
import { UsageError, VerificationFailed } from "../../cli/errors.js";
import type { Io } from "../../cli/io.js";
import { kubeTarget, withKubeOptions } from "../../cli/options.js";
import { writeOutput } from "../../cli/output.js";
import type { TraceResult } from "../../workflows/ako/trace.js";

export function build(app: App): CommandUnknownOpts {
  return withKubeOptions(
    new Command("trace")
      .description(
        "follow a Service or Ingress through AKO: VS → VsVip → pool → servers → DNS record → DNS answer; explain the first broken link",
      )
      .argument("<kind>", "service or ingress")
      .argument("<ns/name>", "the object, e.g. default/kuard")
      .option("--dns-server <ip[:port]>", "DNS server to ask for the name (default: the context's --dns-server; the lab context has one)"),
  )
    .addHelpText(
      "after",
      `
Examples:
  avictl ako trace service default/kuard --kube-context s1az1
  avictl ako trace ingress default/hello1 --kube-context s1az1 --dns-server 127.10.25.40

Exit status: 3 when a link is broken.`,
    )
    .action(async (kind, ref, raw) => {
      if (kind !== "service" && kind !== "ingress") throw new UsageError(`kind must be service or ingress, not "${kind}"`);
      const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(ref);
      if (!m) throw new UsageError(`"${ref}" is not NAMESPACE/NAME`);
      const { parseServer } = await import("../../workflows/check-dns/options.js");
      let server = raw.dnsServer ? parseServer(raw.dnsServer) : undefined;
      if (!server) {
        // The context's DNS server (the lab context carries the lab's system DNS address).
        const fromContext = await contextDnsServer(app.globals());
        if (fromContext) server = parseServer(fromContext.server);
      }
      const { traceAko } = await import("../../workflows/ako/trace.js");
      const { query } = await app.clients.dns();
      const kube = await app.clients.kube(kubeTarget(raw));
      const result = await traceAko(kind, m[1]!, m[3]!, {
        kube,
        avi: await app.clients.avi(),
        resolve: server ? (name) => query(server, name, "A", { timeoutMs: 2000, retries: 1 }) : undefined,
      });
      await writeOutput(app.output(), app.io, result, render);
      if (!result.ok) throw new VerificationFailed(result.broken);
    });
}

function render(io: Io, r: TraceResult): void {
  for (const l of r.links) io.out(`${l.ok ? io.ok(l.link) : io.fail(l.link)}  ${l.detail}\n`);
  io.out(r.ok ? `${io.ok(`${r.kind} ${r.namespace}/${r.name}: every link holds`)}\n` : `${io.fail(`broken at ${r.broken}`)}\n`);
}
