import { readFileSync } from "node:fs";
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { UsageError } from "../../cli/errors.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("set-context")
    .description(
      "create or update a context from the global flags (--controller, --username, --tenant, --api-version, --ca-cert, --insecure)",
    )
    .argument("<name>", "context name")
    .option("--kube-context <name>", "Kubernetes context used with this controller")
    .option("--password-env <var>", "read the password from this environment variable at run time")
    .option("--dns-server <ip[:port]>", "DNS server check-dns asks when it is given no --server")
    .addHelpText(
      "after",
      `
The password is never a flag: give it with --password-stdin or --password-file and it is kept in a
0600 file beside the config, or name an environment variable with --password-env.

Examples:
  avictl config set-context site1 --controller 10.10.20.43 --username admin --insecure --password-stdin < pw.txt
  avictl config set-context site2 --controller 10.10.20.44 --password-env SITE2_PASSWORD`,
    )
    .action(async (name, o) => {
      const g = app.globals();
      let password: string | undefined;
      if (g.passwordStdin) password = readFileSync(0, "utf8").replace(/\r?\n$/, "");
      else if (g.passwordFile) {
        try {
          password = readFileSync(g.passwordFile, "utf8").replace(/\r?\n$/, "");
        } catch {
          throw new UsageError(`cannot read password file ${g.passwordFile}`);
        }
      }
      const { setContext } = await import("../../workflows/config.js");
      const { checkCaCert } = await import("../../cli/options.js");
      const r = setContext({
        name,
        fields: {
          controller: g.controller,
          username: g.username,
          tenant: g.tenant,
          apiVersion: g.apiVersion,
          caCert: g.caCert === undefined ? undefined : checkCaCert(g.caCert),
          insecure: g.insecure,
          kubeContext: o.kubeContext,
          passwordEnv: o.passwordEnv,
          dnsServer: o.dnsServer,
        },
        password,
      });
      app.io.err(`${app.io.ok(`context "${name}" ${r.action}`)}\n`);
    });
}
