import type { AviClient, AviObject } from "../clients/avi/types.js";
import { uuidOfRef } from "../clients/avi/types.js";
import { isConflict } from "../clients/avi/errors.js";

export type EnsureAction = "create" | "update" | "unchanged";

/** One field that differs between the controller and what avictl wants. */
export interface FieldChange {
  path: string;
  from?: unknown;
  to?: unknown;
}

/** One line of a plan: what ensure did (or, with --dry-run, would do) to one object. */
export interface PlanItem {
  kind: string;
  name: string;
  action: EnsureAction;
  diff: FieldChange[];
  uuid?: string;
}

export interface EnsureSpec {
  /** REST type, e.g. "vrfcontext". */
  type: string;
  name: string;
  /** For cloud-scoped types: look the name up within this cloud. */
  cloudUuid?: string;
  /** The fields avictl owns; anything else on the object is left alone. */
  desired: Record<string, unknown>;
}

export interface EnsureOutcome<T extends AviObject = AviObject> {
  item: PlanItem;
  /** The object after the call; undefined for a dry-run create. */
  object?: T;
}

/**
 * The one write path: GET by name → POST when absent, PATCH replace of the owned top-level fields
 * that differ, nothing when equal. PATCH (not PUT) so fields owned by others — AKO, the UI, secrets
 * returned as "<sensitive>" — are never sent back.
 */
export async function ensure<T extends AviObject = AviObject>(
  avi: AviClient,
  spec: EnsureSpec,
  opts: { dryRun: boolean },
): Promise<EnsureOutcome<T>> {
  const scope = spec.cloudUuid ? { cloudUuid: spec.cloudUuid } : undefined;
  let actual = await avi.getByName<T>(spec.type, spec.name, scope);
  if (!actual) {
    const diff = Object.entries(spec.desired).map(([path, to]) => ({ path, to }));
    const item: PlanItem = { kind: spec.type, name: spec.name, action: "create", diff };
    if (opts.dryRun) return { item };
    try {
      const created = await avi.create<T>(spec.type, { name: spec.name, ...spec.desired });
      return { item: { ...item, uuid: created.uuid }, object: created };
    } catch (err) {
      // A retried POST whose first attempt landed, or a concurrent creator: converge on the existing object.
      if (!isConflict(err)) throw err;
      actual = await avi.getByName<T>(spec.type, spec.name, scope);
      if (!actual) throw err;
    }
  }
  return updateOwned(avi, spec.type, actual, spec.desired, opts);
}

/** Compare the owned fields of an existing object and PATCH replace those that differ. */
export async function updateOwned<T extends AviObject>(
  avi: AviClient,
  type: string,
  actual: T,
  desired: Record<string, unknown>,
  opts: { dryRun: boolean },
): Promise<EnsureOutcome<T>> {
  const diff = diffOwned(desired, actual);
  const base = { kind: type, name: actual.name ?? "", uuid: actual.uuid };
  if (diff.length === 0) return { item: { ...base, action: "unchanged", diff }, object: actual };
  const item: PlanItem = { ...base, action: "update", diff };
  if (opts.dryRun) return { item, object: actual };
  const changed: Record<string, unknown> = {};
  for (const top of new Set(diff.map((d) => d.path.split(/[.[]/)[0] ?? d.path))) {
    changed[top] = mergeOwned(actual[top], desired[top]);
  }
  const updated = await avi.patch<T>(type, actual.uuid ?? "", "replace", changed);
  return { item, object: updated };
}

/**
 * Add list entries (e.g. VRF static routes) that are missing, keyed by `key`, with PATCH add so
 * entries written by others in the same list survive.
 */
export async function ensureListEntries<T extends AviObject, E>(
  avi: AviClient,
  type: string,
  obj: T,
  field: string,
  entries: E[],
  key: (e: E) => string,
  opts: { dryRun: boolean },
): Promise<EnsureOutcome<T>> {
  const existing = new Set(((obj[field] as E[] | undefined) ?? []).map(key));
  const missing = entries.filter((e) => !existing.has(key(e)));
  const base = { kind: type, name: obj.name ?? "", uuid: obj.uuid };
  if (missing.length === 0) return { item: { ...base, action: "unchanged", diff: [] }, object: obj };
  const diff = missing.map((e) => ({ path: `${field}[${key(e)}]`, to: e }));
  const item: PlanItem = { ...base, action: "update", diff };
  if (opts.dryRun) return { item, object: obj };
  const updated = await avi.patch<T>(type, obj.uuid ?? "", "add", { [field]: missing });
  return { item, object: updated };
}

/** Field-level differences where `desired` is not contained in `actual`. */
export function diffOwned(desired: unknown, actual: unknown, path = ""): FieldChange[] {
  if (isPlainObject(desired)) {
    const act = isPlainObject(actual) ? actual : {};
    return Object.entries(desired).flatMap(([k, v]) => diffOwned(v, act[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(desired)) {
    const act = Array.isArray(actual) ? actual : [];
    if (act.length !== desired.length || !desired.every((d, i) => diffOwned(d, act[i]).length === 0)) {
      // Lists compare whole: order-insensitive when every desired entry has a match.
      if (act.length === desired.length && desired.every((d) => act.some((a) => diffOwned(d, a).length === 0))) return [];
      return [{ path, from: actual, to: desired }];
    }
    return [];
  }
  return sameScalar(desired, actual) ? [] : [{ path, from: actual, to: desired }];
}

function sameScalar(desired: unknown, actual: unknown): boolean {
  if (desired === actual) return true;
  if (desired === undefined) return true;
  if (typeof desired === "string" && typeof actual === "string" && desired.includes("/api/") && actual.includes("/api/")) {
    return uuidOfRef(desired) === uuidOfRef(actual);
  }
  // The controller coerces "1" ↔ 1 and "true" ↔ true; so do we when comparing.
  if (actual !== undefined && actual !== null && desired !== null) return String(desired) === String(actual);
  return false;
}

function mergeOwned(actual: unknown, desired: unknown): unknown {
  if (isPlainObject(desired) && isPlainObject(actual)) {
    const out: Record<string, unknown> = { ...actual };
    for (const [k, v] of Object.entries(desired)) out[k] = mergeOwned(actual[k], v);
    return out;
  }
  return desired;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
