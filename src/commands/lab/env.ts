import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { OperationError } from "../../cli/errors.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("env")
    .description("print shell exports that point avictl (and dig, kubectl) at the running lab")
    .addHelpText("after", `\nExample:\n  eval "$(avictl lab env)"`)
    .action(async () => {
      const { readLabState } = await import("../../lab/state.js");
      const s = readLabState();
      if (!s) throw new OperationError("no lab is running", "start one with 'avictl lab up --detach'");
      const c = s.controllers[0]!;
      if (app.output() === "json") {
        app.io.out(`${JSON.stringify({ ...s, controllers: s.controllers.map(({ adminToken: _secret, ...pub }) => pub) }, null, 2)}\n`);
        return;
      }
      const lines = [
        `export AVI_CONTROLLER=${c.url}`,
        `export AVI_USERNAME=${c.username}`,
        `export AVI_PASSWORD_FILE=${c.passwordFile}`,
        `export AVI_CA_CERT=${c.caCert}`,
        // No AVI_VERSION: the client negotiates min(controller version, newest known) at login.
        `unset AVI_VERSION AVI_API_VERSION`,
        ...(s.kubeconfig ? [`export KUBECONFIG=${s.kubeconfig}`, `# kube contexts: ${s.clusters.join(", ")}`] : []),
        `# avictl contexts: ${s.controllers.map((x) => `lab-${x.name}`).join(", ")} (e.g. avictl --context lab-leader gslb status)`,
        // Ports for the README's commands (dig, check-dns --port): the lab listens on free ports, not 53 and 80.
        ...(s.systemDns
          ? [
              `export LAB_DNS_PORT=${s.systemDns.port}`,
              `# DNS service (the system DNS VS of ${c.name}): dig @${s.systemDns.host} -p ${s.systemDns.port} <name>`,
            ]
          : []),
        ...(s.backends[0] ? [`export LAB_HTTP_PORT=${new URL(s.backends[0].url).port}`] : []),
        ...s.dns.map((d) => `# DNS VS ${d.vs} (${d.controller}): dig @${d.host} -p ${d.port} <name>`),
        ...s.backends.map((b) => `# backend ${b.site}: ${b.url}`),
      ];
      app.io.out(`${lines.join("\n")}\n`);
    });
}
