/** Option helpers shared by command modules. */
import type { Command } from "commander";
import type { KubeTarget } from "../clients/k8s.js";

/** --kubeconfig and --kube-context on a command that talks to a cluster (KUBECONFIG is the default). */
export function withKubeOptions(cmd: Command): Command {
  return cmd.option("--kubeconfig <file>", "kubeconfig (default: $KUBECONFIG or ~/.kube/config)").option("--kube-context <name>", "kube context (default: the current one)");
}

export function kubeTarget(raw: { kubeconfig?: string; kubeContext?: string }): KubeTarget {
  return { kubeconfig: raw.kubeconfig, context: raw.kubeContext };
}

/** Commander accumulator for repeatable options (--network A --network B). */
export const collect = (v: string, all: string[] = []): string[] => [...all, v];
