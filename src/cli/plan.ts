import type { AviClient } from "../clients/avi/types.js";
import type { PlanItem } from "../workflows/ensure.js";
import type { Events } from "../workflows/events.js";
import type { App } from "./app.js";
import type { Io } from "./io.js";
import { printTable, writeOutput } from "./output.js";

const MAX_CHANGE = 70;

/** The plan of an ensure-based workflow as a table: kind, name, action, changed fields. */
export function renderPlan(io: Io, r: { plan: PlanItem[]; warnings: string[]; dryRun: boolean }): void {
  const c = io.color;
  const action = (a: string) => (a === "create" ? c.green(a) : a === "update" ? c.yellow(a) : io.dim(a));
  printTable(
    io,
    ["KIND", "NAME", "ACTION", "CHANGES"],
    r.plan.map((p) => [
      p.kind,
      p.name,
      action(r.dryRun && p.action !== "unchanged" ? `would ${p.action}` : p.action),
      summarise(p, io.stdoutTTY),
    ]),
  );
  for (const w of r.warnings) io.err(`${io.warn(w)}\n`);
  if (r.dryRun && io.stderrTTY) io.err(io.dim("dry run: nothing was changed\n"));
}

/** Changed fields; shortened only on a terminal — scripts reading piped output get every field. */
function summarise(p: PlanItem, tty: boolean): string {
  if (p.action === "unchanged") return "";
  const text = p.diff.map((d) => d.path).join(", ");
  return tty && text.length > MAX_CHANGE ? `${text.slice(0, MAX_CHANGE - 1)}…` : text;
}

/** Run an ensure-based workflow with a spinner and print its plan (or -o json/yaml of the result). */
export async function runPlan<R extends { plan: PlanItem[]; warnings: string[]; dryRun: boolean }>(
  app: App,
  label: string,
  work: (avi: AviClient, events: Events) => Promise<R>,
): Promise<void> {
  const avi = await app.clients.avi();
  const { events, spinner } = app.progress(label);
  let result: R;
  try {
    result = await work(avi, events);
  } finally {
    spinner.stop();
  }
  await writeOutput(app.output(), app.io, result, renderPlan);
}
