import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { App } from "../../cli/app.js";
import { UsageError } from "../../cli/errors.js";
import { kubeTarget, flagsFor } from "../../cli/options.js";
import type { AkoDeps } from "../../workflows/ako/lifecycle.js";
import { akoValues, controllerHostOf, offline, toAkoValuesOptions } from "../../workflows/ako/values.js";
import { resolveChart, type LoadedChart } from "../../workflows/charts.js";
import { readValuesFile } from "../../workflows/values-doc.js";
import type { ValueFlags } from "./flags.js";

/** Shared by the ako commands: files, charts, helm and the clients a lifecycle run needs. */
export { readValuesFile } from "../../workflows/values-doc.js";

export async function renderValuesFile(
  app: App,
  raw: ValueFlags & { values?: string },
  chart?: LoadedChart,
): Promise<{ yaml: string; warnings: string[] }> {
  const o = toAkoValuesOptions(
    flagsFor<Parameters<typeof toAkoValuesOptions>[0]>()({
      ...raw,
      chartVersion: raw.chartVersion ?? chart?.version,
    }),
  );
  if (raw.values) o.base = { text: readValuesFile(raw.values), file: raw.values };
  if (offline(o)) {
    const target = await app.clients.target().catch(() => undefined);
    return akoValues(o, target ? controllerHostOf(target.controller.value) : "", undefined);
  }
  const target = await app.clients.target();
  return akoValues(o, controllerHostOf(target.controller.value), await app.clients.avi());
}

/** --out must name a file in an existing folder; checked before anything is rendered or written. */
export function checkOutFile(out: string): void {
  const folder = dirname(resolve(out));
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--out ${out}: the folder ${folder} does not exist`);
  if (statSync(out, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--out ${out} is a directory; name a file`);
}

/** Rendered values to --out or stdout, warnings on stderr (ako values, amko values). */
export function emitValues(app: App, r: { yaml: string; warnings: string[] }, out: string | undefined): void {
  for (const w of r.warnings) app.io.err(`${app.io.warn(w)}\n`);
  if (out) {
    checkOutFile(out);
    writeFileSync(out, r.yaml);
    app.io.err(`${app.io.ok(`wrote ${out}`)}\n`);
  } else app.io.out(r.yaml);
}

/** The chart named by --chart / --chart-version / --latest (or AVICTL_CHART_DIR), pulled with helm when it is not local. */
export async function requireChart(
  app: App,
  raw: { chart?: string; chartVersion?: string; latest?: boolean },
  kind: "ako" | "amko" = "ako",
): Promise<LoadedChart> {
  return resolveChart({ ...raw, chartDir: process.env.AVICTL_CHART_DIR || undefined }, kind, await app.clients.helm());
}

/** A private temporary directory for values files (never credentials: those go to helm's stdin), removed after the run. */
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

export async function lifecycleDeps(app: App, raw: { kubeconfig?: string; kubeContext?: string }, valuesFile: string): Promise<AkoDeps> {
  const [avi, kube] = await Promise.all([app.clients.avi(), app.clients.kube(kubeTarget(raw))]);
  return {
    avi,
    kube,
    helm: await app.clients.helm({ kubeconfig: raw.kubeconfig, kubeContext: kube.context }),
    valuesFile,
    sleep: (ms) => app.clients.clock.sleep(ms),
    now: () => app.clients.clock.now(),
  };
}
