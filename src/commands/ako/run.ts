import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { App } from "../../cli/app.js";
import { OperationError, UsageError } from "../../cli/errors.js";
import { compareVersions } from "../../clients/avi/version.js";
import { kubeTarget } from "../../cli/options.js";
import { Helm } from "../../clients/helm.js";
import type { AkoDeps } from "../../workflows/ako/lifecycle.js";
import { akoValues, controllerHostOf, offline, toAkoValuesOptions } from "../../workflows/ako/values.js";
import { loadChart, type LoadedChart } from "../../workflows/charts.js";

/** Shared by the ako commands: files, charts, helm and the clients a lifecycle run needs. */
export function readFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`cannot read ${what} ${path}`);
  }
}

export async function renderValuesFile(app: App, raw: Record<string, string | boolean | undefined>, chart?: LoadedChart): Promise<{ yaml: string; warnings: string[] }> {
  const o = toAkoValuesOptions({ ...(raw as Record<string, string | undefined>), servicesApi: raw.servicesApi === true ? true : undefined, chartVersion: (raw.chartVersion as string | undefined) ?? chart?.version });
  if (typeof raw.values === "string") o.base = { text: readFile(raw.values, "values file"), file: raw.values };
  if (offline(o)) {
    const target = await app.clients.target().catch(() => undefined);
    return akoValues(o, target ? controllerHostOf(target.controller.value) : "", undefined);
  }
  const target = await app.clients.target();
  return akoValues(o, controllerHostOf(target.controller.value), await app.clients.avi());
}

/** Where the charts are published (OCI) when --chart names no local archive. */
export const CHART_REFS = { ako: "oci://projects.packages.broadcom.com/ako/helm-charts/ako", amko: "oci://projects.packages.broadcom.com/ako/helm-charts/amko" };

/**
 * The chart to install: a local archive or directory, else a chart reference (oci://, repo/chart)
 * pulled with helm into a temporary directory — so the CRDs can be applied before the upgrade.
 */
export async function requireChart(raw: { chart?: string; chartVersion?: string | boolean; latest?: string | boolean }, kind: keyof typeof CHART_REFS = "ako"): Promise<LoadedChart> {
  const ref = raw.chart ?? CHART_REFS[kind];
  if (existsSync(ref) || /\.tgz$/.test(ref)) {
    if (raw.latest) throw new UsageError("--latest needs a chart reference, not a local archive");
    return loadChart(ref);
  }
  if (raw.latest) raw = { ...raw, chartVersion: await latestVersion(ref) };
  if (!raw.chartVersion) throw new UsageError(`--chart-version (or --latest) is required to pull ${ref}`, `or pass --chart with a local ${kind} chart archive`);
  const dir = mkdtempSync(join(tmpdir(), "avictl-chart-"));
  await new Helm().run(["pull", ref, "--version", String(raw.chartVersion), "--untar", "--untardir", dir]);
  return loadChart(join(dir, kind));
}

/**
 * The newest chart version in a classic repository, by the chart's own version (not the app
 * version column). OCI registries cannot be listed by helm, so they need an explicit version.
 */
export async function latestVersion(ref: string): Promise<string> {
  if (ref.startsWith("oci://")) throw new UsageError(`helm cannot list the versions of ${ref}`, "pass --chart-version, or add the classic repository and use REPO/ako");
  const found = (await new Helm().searchVersions(ref)).map((v) => v.version).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  if (found.length === 0) throw new OperationError(`no released version of ${ref} in the helm repositories`, "check: helm search repo --versions");
  return found.sort((a, b) => compareVersions(b, a))[0]!;
}

/** A private temporary directory for values files; secrets in it are 0600 and removed after the run. */
export function scratch(): { write(name: string, text: string): { path: string; remove(): void }; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), "avictl-"));
  return {
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text, { mode: 0o600 });
      return { path, remove: () => rmSync(path, { force: true }) };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function lifecycleDeps(app: App, raw: { kubeconfig?: string; kubeContext?: string }, valuesFile: string, tmp: ReturnType<typeof scratch>): Promise<AkoDeps> {
  const [avi, kube] = await Promise.all([app.clients.avi(), app.clients.kube(kubeTarget(raw))]);
  return {
    avi,
    kube,
    helm: new Helm({ kubeconfig: raw.kubeconfig, kubeContext: kube.context }),
    secretValuesFile: (content) => tmp.write("credentials.yaml", JSON.stringify(content)),
    valuesFile,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
  };
}
