import { spawn, type ChildProcess } from "node:child_process";
import { Cancelled, OperationError } from "../base/errors.js";

export interface HelmOptions {
  /** The helm binary: this, else $AVICTL_HELM, else `helm` on PATH. */
  binary?: string;
  kubeconfig?: string;
  kubeContext?: string;
  env?: NodeJS.ProcessEnv;
  /** Aborted on the first Ctrl-C: a running install/upgrade is stopped (see upgradeInstall). */
  signal?: AbortSignal;
}

export interface HelmRelease {
  name: string;
  namespace: string;
  revision: string;
  status: string;
  chart: string;
  app_version: string;
}

/** How long helm gets to record a stopped install before it is killed. */
const STOP_GRACE_MS = 10_000;

/** helm runs in its own process group (so the terminal's Ctrl-C reaches avictl only); these are killed on exit. */
const running = new Set<ChildProcess>();
const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
};
process.on("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

/**
 * Runs the helm binary with an argument array (no shell) and parses its `-o json` output. Secrets
 * never go on the command line nor into a file: values with credentials are written to helm's
 * stdin (`-f -`), so there is no credential file to leave behind.
 */
export class Helm {
  readonly binary: string;

  constructor(private readonly o: HelmOptions = {}) {
    this.binary = o.binary ?? (o.env ?? process.env).AVICTL_HELM ?? "helm";
  }

  private kubeArgs(): string[] {
    return [
      ...(this.o.kubeconfig ? ["--kubeconfig", this.o.kubeconfig] : []),
      ...(this.o.kubeContext ? ["--kube-context", this.o.kubeContext] : []),
    ];
  }

  /** Run helm; `input` goes to its stdin; when `signal` aborts, helm's process group is stopped and this rejects with Cancelled. */
  run(args: string[], o: { timeoutMs?: number; input?: string; signal?: AbortSignal } = {}): Promise<string> {
    if (o.signal?.aborted) return Promise.reject(new Cancelled(`interrupted before helm ${args[0]}`));
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, { env: this.o.env ?? process.env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
      running.add(child);
      let stdout = "";
      let stderr = "";
      let stopped: "timeout" | "interrupt" | undefined;
      let grace: NodeJS.Timeout | undefined;
      const stop = (why: "timeout" | "interrupt") => {
        if (stopped) return;
        stopped = why;
        // SIGTERM first: helm cancels its operation and records the release as failed.
        killGroup(child, "SIGTERM");
        grace = setTimeout(() => killGroup(child, "SIGKILL"), STOP_GRACE_MS);
      };
      const onAbort = () => stop("interrupt");
      const timer = setTimeout(() => stop("timeout"), o.timeoutMs ?? 15 * 60_000);
      o.signal?.addEventListener("abort", onAbort, { once: true });
      child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      // helm may exit before reading stdin (bad flags): that is reported by its exit, not as EPIPE.
      child.stdin!.on("error", () => undefined);
      child.stdin!.end(o.input ?? "");
      const done = () => {
        running.delete(child);
        clearTimeout(timer);
        clearTimeout(grace);
        o.signal?.removeEventListener("abort", onAbort);
      };
      child.on("error", (err: NodeJS.ErrnoException) => {
        done();
        if (err.code === "ENOENT")
          reject(
            new OperationError(`helm is not installed (${this.binary} not found)`, "install helm 3.8+ or point AVICTL_HELM at the binary"),
          );
        else reject(new OperationError(`cannot run ${this.binary}: ${err.message}`));
      });
      child.on("close", (code) => {
        done();
        // The group may still hold helm's children (a wrapper script): make sure none outlives it.
        if (stopped) killGroup(child, "SIGKILL");
        if (stopped === "interrupt") return reject(new Cancelled(`interrupted; helm ${args[0]} was stopped`, `helm ${args[0]}`));
        if (stopped === "timeout") return reject(new OperationError(`helm ${args[0]} did not finish in time and was stopped`));
        if (code === 0) return resolve(stdout);
        // helm's own sentence is its "Error:" line; hints such as "Use --debug" follow it.
        const lines = stderr.trim().split("\n").filter(Boolean);
        const line = lines.find((l) => l.startsWith("Error:")) ?? lines.pop() ?? `exit code ${code}`;
        reject(new OperationError(`helm ${args[0]} failed: ${line.replace(/^Error: /, "")}`));
      });
    });
  }

  async version(): Promise<string> {
    return (await this.run(["version", "--short"])).trim();
  }

  async list(namespace: string): Promise<HelmRelease[]> {
    return JSON.parse(
      (await this.run(["list", "-n", namespace, "--deployed", "--failed", "--pending", "-o", "json", ...this.kubeArgs()])) || "[]",
    ) as HelmRelease[];
  }

  async getValues(release: string, namespace: string): Promise<Record<string, unknown>> {
    return (
      (JSON.parse((await this.run(["get", "values", release, "-n", namespace, "-o", "json", ...this.kubeArgs()])) || "{}") as Record<
        string,
        unknown
      > | null) ?? {}
    );
  }

  /** Versions of a chart in the classic repositories helm knows (`helm repo update` first). */
  async searchVersions(ref: string): Promise<{ version: string; app_version: string }[]> {
    await this.run(["repo", "update"]);
    return JSON.parse((await this.run(["search", "repo", ref, "--versions", "-o", "json"])) || "[]") as {
      version: string;
      app_version: string;
    }[];
  }

  /**
   * `helm upgrade --install`. `secretValues` (credentials) reach helm on its stdin and win over the
   * files. Interrupted (first Ctrl-C), helm is stopped and this rejects with Cancelled.
   */
  async upgradeInstall(
    release: string,
    chart: string,
    o: { namespace: string; valuesFiles: string[]; secretValues?: Record<string, unknown>; version?: string; timeout?: string },
  ): Promise<void> {
    await this.run(
      [
        "upgrade",
        "--install",
        release,
        chart,
        "-n",
        o.namespace,
        "--create-namespace",
        ...o.valuesFiles.flatMap((f) => ["-f", f]),
        ...(o.secretValues ? ["-f", "-"] : []),
        ...(o.version ? ["--version", o.version] : []),
        ...(o.timeout ? ["--timeout", o.timeout] : []),
        ...this.kubeArgs(),
      ],
      { input: o.secretValues ? JSON.stringify(o.secretValues) : undefined, signal: this.o.signal },
    );
  }

  async rollback(release: string, revision: number, namespace: string): Promise<void> {
    await this.run(["rollback", release, String(revision), "-n", namespace, ...this.kubeArgs()]);
  }

  async uninstall(release: string, namespace: string): Promise<void> {
    await this.run(["uninstall", release, "-n", namespace, ...this.kubeArgs()]);
  }

  /** Render offline (no cluster): every manifest the chart would apply; `stdinValues` go last, on stdin. */
  template(
    release: string,
    chart: string,
    o: { namespace: string; valuesFiles: string[]; stdinValues?: Record<string, unknown>; includeCrds?: boolean },
  ): Promise<string> {
    return this.run(
      [
        "template",
        release,
        chart,
        "-n",
        o.namespace,
        ...o.valuesFiles.flatMap((f) => ["-f", f]),
        ...(o.stdinValues ? ["-f", "-"] : []),
        ...(o.includeCrds ? ["--include-crds"] : []),
      ],
      { input: o.stdinValues ? JSON.stringify(o.stdinValues) : undefined },
    );
  }

  lint(chart: string, valuesFiles: string[]): Promise<string> {
    return this.run(["lint", chart, ...valuesFiles.flatMap((f) => ["-f", f])]);
  }
}
