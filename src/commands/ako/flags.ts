import type { Command, OptionValues } from "@commander-js/extra-typings";

/** The value flags shared by `ako values` and `ako install`. */
export function withValueFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option("--cluster-name <name>", "AKO clusterName, unique per cluster on the controller")
    .option("--vip-network <name[=cidr]>", "VIP network; the CIDR defaults to its subnet on the controller")
    .option("--se-group <name>", "SE group of this cluster")
    .option("--cloud <name>", "cloud", "Default-Cloud")
    .option("--default-domain <domain>", "DNS sub-domain for service FQDNs")
    .option("--cni <plugin>", "antrea, calico, canal, flannel, openshift, ncp, ovn-kubernetes, cilium")
    .option("--service-type <type>", "ClusterIP | NodePort | NodePortLocal")
    .option("--shard-size <size>", "LARGE | MEDIUM | SMALL | DEDICATED")
    .option("--services-api", "Gateway API for L4 services")
    .option("--chart-version <version>", "chart layout to render for (default: the chart's, else 1.13.4)")
    .option("--controller-version <version>", "controller API version (default: read from the controller)");
}

/** The parsed value flags, as `ako values` and `ako install/reload` receive them. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a command with no other options, as commander types it
export type ValueFlags = ReturnType<ReturnType<typeof withValueFlags<[], {}, {}>>["opts"]>;
