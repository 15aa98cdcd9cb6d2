import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments, parse } from "yaml";
import { OperationError, UsageError } from "../base/errors.js";
import type { KubeObject } from "../clients/k8s.js";
import type { Helm } from "../clients/helm.js";
import { compareVersions } from "../clients/avi/version.js";
import { DEFAULT_AKO_CHART } from "./ako/values.js";
import { DEFAULT_AMKO_CHART } from "./amko/values.js";
import type { ChartInfo } from "./helm-release.js";

export interface LoadedChart extends ChartInfo {
  name: string;
  /** The chart's own default values.yaml, as text. */
  defaultValues: string;
}

/** Read Chart.yaml, values.yaml and crds/ from a chart archive (.tgz) or an unpacked chart directory. */
export async function loadChart(path: string): Promise<LoadedChart> {
  // A missing chart is a failed operation (exit 1), like helm's own "chart not found".
  if (!existsSync(path)) throw new OperationError(`chart ${path} does not exist`, "pass --chart with a chart archive (.tgz) or directory");
  const files = statSync(path).isDirectory() ? readDir(path) : await readArchive(path);
  const chartYaml = files.get("Chart.yaml");
  if (!chartYaml) throw new UsageError(`${path} is not a Helm chart (no Chart.yaml)`);
  const meta = parse(chartYaml) as { name?: string; version?: string; appVersion?: string };
  const crds: KubeObject[] = [];
  for (const [name, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!/^crds\/.+\.ya?ml$/.test(name)) continue;
    for (const d of parseAllDocuments(text)) {
      const obj = d.toJS() as KubeObject | null;
      if (obj?.kind === "CustomResourceDefinition") crds.push(obj);
    }
  }
  return {
    path,
    name: meta.name ?? "",
    version: String(meta.version ?? ""),
    appVersion: String(meta.appVersion ?? ""),
    crds,
    defaultValues: files.get("values.yaml") ?? "",
  };
}

/** Files of the chart relative to its root (the archive's top folder is dropped). */
async function readArchive(path: string): Promise<Map<string, string>> {
  const { list } = await import("tar");
  const files = new Map<string, string>();
  try {
    await list({
      file: path,
      onReadEntry: (entry) => {
        const rel = entry.path.split("/").slice(1).join("/");
        if (!/^(Chart\.yaml|values\.yaml|crds\/.+\.ya?ml)$/.test(rel)) {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on("data", (c: Buffer) => chunks.push(c));
        entry.on("end", () => files.set(rel, Buffer.concat(chunks).toString("utf8")));
      },
    });
  } catch (err) {
    throw new OperationError(`cannot read chart archive ${path}: ${(err as Error).message}`);
  }
  return files;
}

function readDir(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of ["Chart.yaml", "values.yaml"]) if (existsSync(join(root, f))) files.set(f, readFileSync(join(root, f), "utf8"));
  const crdDir = join(root, "crds");
  if (existsSync(crdDir)) for (const f of readdirSync(crdDir)) files.set(`crds/${f}`, readFileSync(join(crdDir, f), "utf8"));
  return files;
}

/** Where the charts are published (OCI) when --chart names no local archive. */
export const CHART_REFS = {
  ako: "oci://projects.packages.broadcom.com/ako/helm-charts/ako",
  amko: "oci://projects.packages.broadcom.com/ako/helm-charts/amko",
};

/** The chart version pulled when --chart-version does not say. */
const DEFAULT_VERSION = { ako: DEFAULT_AKO_CHART, amko: DEFAULT_AMKO_CHART };

/**
 * The chart to install: a local archive or directory; else KIND-VERSION.tgz from a folder of archives
 * (AVICTL_CHART_DIR, for air-gapped sites and tests); else a chart reference (by default the official
 * OCI chart) pulled with helm into a temporary directory — so the CRDs can be applied before the upgrade.
 */
export async function resolveChart(
  raw: { chart?: string; chartVersion?: string | boolean; latest?: string | boolean; chartDir?: string },
  kind: keyof typeof CHART_REFS,
  helm: Helm,
): Promise<LoadedChart> {
  if (raw.chart && (existsSync(raw.chart) || /\.tgz$/.test(raw.chart))) {
    if (raw.latest) throw new UsageError("--latest needs a chart reference, not a local archive");
    return loadChart(raw.chart);
  }
  const ref = raw.chart ?? CHART_REFS[kind];
  const version = raw.latest ? await latestVersion(ref, helm) : String(raw.chartVersion || DEFAULT_VERSION[kind]);
  if (!raw.chart && raw.chartDir) {
    const archive = join(raw.chartDir, `${kind}-${version}.tgz`);
    if (!existsSync(archive))
      throw new OperationError(
        `${archive} does not exist (AVICTL_CHART_DIR)`,
        `put ${kind}-${version}.tgz there, pass --chart PATH, or unset AVICTL_CHART_DIR to pull ${ref}`,
      );
    return loadChart(archive);
  }
  const dir = mkdtempSync(join(tmpdir(), "avictl-chart-"));
  // The chart is used until the run ends (helm upgrade reads it): remove it then.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  try {
    await helm.run(["pull", ref, "--version", version, "--untar", "--untardir", dir]);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new OperationError(
      `cannot pull ${ref} ${version} (${why})`,
      `offline or air-gapped? pass --chart with a local archive such as ${kind}-${version}.tgz, or set AVICTL_CHART_DIR to a folder of archives`,
    );
  }
  return loadChart(join(dir, kind));
}

/**
 * The newest chart version in a classic repository, by the chart's own version (not the app
 * version column). OCI registries cannot be listed by helm, so they need an explicit version.
 */
export async function latestVersion(ref: string, helm: Helm): Promise<string> {
  if (ref.startsWith("oci://"))
    throw new UsageError(`helm cannot list the versions of ${ref}`, "pass --chart-version, or add the classic repository and use REPO/ako");
  const found = (await helm.searchVersions(ref)).map((v) => v.version).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  if (found.length === 0)
    throw new OperationError(`no released version of ${ref} in the helm repositories`, "check: helm search repo --versions");
  return found.sort((a, b) => compareVersions(b, a))[0]!;
}
