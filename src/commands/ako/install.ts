import type { Command } from "commander";
import type { App } from "../../cli/app.js";
import { lifecycleCommand } from "./lifecycle-command.js";

export function build(app: App): Command {
  return lifecycleCommand(
    app,
    "install",
    "preflight, namespace, secret, CRDs, helm upgrade --install, wait until AKO is connected, verify its static routes",
    `
Examples:
  avictl ako install --chart ako-1.13.4.tgz --cluster-name S1-AZ1 --vip-network AVI_FRONTEND_3025 \\
      --se-group S1-AZ1-SE-Group --cni antrea --kube-context s1az1
  avictl ako install -f values-s1az1.yaml --chart ako-1.13.4.tgz --wait-timeout 10m`,
  );
}
