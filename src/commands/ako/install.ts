import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { lifecycleBase, runLifecycle } from "./lifecycle-command.js";

export function build(app: App): CommandUnknownOpts {
  return lifecycleBase(
    "install",
    "preflight, namespace, secret, CRDs, helm upgrade --install, wait until AKO is connected, verify its static routes",
    `
Examples:
  avictl ako install --cluster-name S1-AZ1 --vip-network AVI_FRONTEND_3025 \\
      --se-group S1-AZ1-SE-Group --cni antrea --kube-context s1az1         # chart 1.13.4 from the registry
  avictl ako install -f values-s1az1.yaml --chart-version 1.12.1 --wait-timeout 10m
  avictl ako install -f values-s1az1.yaml --chart ./ako-1.13.4.tgz         # air-gapped: a local archive
  AVICTL_CHART_DIR=/srv/charts avictl ako install -f values-s1az1.yaml      # or a folder of archives

Charts come from oci://projects.packages.broadcom.com/ako/helm-charts/ako unless --chart or
AVICTL_CHART_DIR says otherwise; helm is \`helm\` on PATH or $AVICTL_HELM (3.8+ or 4.x).`,
  ).action((raw) => runLifecycle(app, "install", raw));
}
