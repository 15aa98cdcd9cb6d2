import { execFile } from "node:child_process";
import { OperationError } from "../cli/errors.js";

export interface HelmOptions {
  /** The helm binary: this, else $AVICTL_HELM, else `helm` on PATH. */
  binary?: string;
  kubeconfig?: string;
  kubeContext?: string;
  env?: NodeJS.ProcessEnv;
}

export interface HelmRelease {
  name: string;
  namespace: string;
  revision: string;
  status: string;
  chart: string;
  app_version: string;
}

/**
 * Runs the helm binary with an argument array (no shell) and parses its `-o json` output. Secrets
 * never go on the command line: values with credentials are passed as 0600 files.
 */
export class Helm {
  readonly binary: string;

  constructor(private readonly o: HelmOptions = {}) {
    this.binary = o.binary ?? (o.env ?? process.env).AVICTL_HELM ?? "helm";
  }

  private kubeArgs(): string[] {
    return [...(this.o.kubeconfig ? ["--kubeconfig", this.o.kubeconfig] : []), ...(this.o.kubeContext ? ["--kube-context", this.o.kubeContext] : [])];
  }

  run(args: string[], timeoutMs = 15 * 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.binary, args, { env: this.o.env ?? process.env, maxBuffer: 64 << 20, timeout: timeoutMs }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
          return reject(new OperationError(`helm is not installed (${this.binary} not found)`, "install helm 3.8+ or point AVICTL_HELM at the binary"));
        }
        // helm's own sentence is its "Error:" line; hints such as "Use --debug" follow it.
        const lines = stderr.trim().split("\n").filter(Boolean);
        const line = lines.find((l) => l.startsWith("Error:")) ?? lines.pop() ?? err.message;
        reject(new OperationError(`helm ${args[0]} failed: ${line.replace(/^Error: /, "")}`));
      });
    });
  }

  async version(): Promise<string> {
    return (await this.run(["version", "--short"])).trim();
  }

  async list(namespace: string): Promise<HelmRelease[]> {
    return JSON.parse((await this.run(["list", "-n", namespace, "--deployed", "--failed", "--pending", "-o", "json", ...this.kubeArgs()])) || "[]") as HelmRelease[];
  }

  async getValues(release: string, namespace: string): Promise<Record<string, unknown>> {
    return (JSON.parse((await this.run(["get", "values", release, "-n", namespace, "-o", "json", ...this.kubeArgs()])) || "{}") as Record<string, unknown> | null) ?? {};
  }

  /** Versions of a chart in the classic repositories helm knows (`helm repo update` first). */
  async searchVersions(ref: string): Promise<{ version: string; app_version: string }[]> {
    await this.run(["repo", "update"]);
    return JSON.parse((await this.run(["search", "repo", ref, "--versions", "-o", "json"])) || "[]") as { version: string; app_version: string }[];
  }

  async upgradeInstall(release: string, chart: string, o: { namespace: string; valuesFiles: string[]; version?: string; timeout?: string }): Promise<void> {
    await this.run([
      "upgrade", "--install", release, chart,
      "-n", o.namespace, "--create-namespace",
      ...o.valuesFiles.flatMap((f) => ["-f", f]),
      ...(o.version ? ["--version", o.version] : []),
      ...(o.timeout ? ["--timeout", o.timeout] : []),
      ...this.kubeArgs(),
    ]);
  }

  async rollback(release: string, revision: number, namespace: string): Promise<void> {
    await this.run(["rollback", release, String(revision), "-n", namespace, ...this.kubeArgs()]);
  }

  /** Render offline (no cluster): every manifest the chart would apply. */
  template(release: string, chart: string, o: { namespace: string; valuesFiles: string[]; includeCrds?: boolean }): Promise<string> {
    return this.run(["template", release, chart, "-n", o.namespace, ...o.valuesFiles.flatMap((f) => ["-f", f]), ...(o.includeCrds ? ["--include-crds"] : [])]);
  }

  lint(chart: string, valuesFiles: string[]): Promise<string> {
    return this.run(["lint", chart, ...valuesFiles.flatMap((f) => ["-f", f])]);
  }
}
