import type { AviClient, AviObject } from "../clients/avi/types.js";
import { uuidOfRef } from "../clients/avi/types.js";
import { AviApiError, isConflict, isPreconditionFailed } from "../clients/avi/errors.js";
import { OperationError } from "../base/errors.js";

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
  desired: Desired;
  /** Fields sent only when creating the object (entries of shared lists, kept up to date by other means). */
  createWith?: Record<string, unknown>;
}

type Fields = Record<string, unknown>;
/**
 * Owned fields, or a function computing them from the object as last read (undefined when absent):
 * owned entries of a shared list are merged into whatever the list holds at the time of the write.
 */
export type Desired<T = AviObject> = Fields | ((current: T | undefined) => Fields);
const resolve = <T>(d: Desired<T>, current: T | undefined): Fields => (typeof d === "function" ? d(current) : d);

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
    const desired = { ...resolve(spec.desired as Desired<T>, undefined), ...spec.createWith };
    const diff = Object.entries(desired).map(([path, to]) => ({ path, to }));
    const item: PlanItem = { kind: spec.type, name: spec.name, action: "create", diff };
    if (opts.dryRun) return { item };
    try {
      const created = await avi.create<T>(spec.type, { name: spec.name, ...desired });
      return { item: { ...item, uuid: created.uuid }, object: created };
    } catch (err) {
      // A retried POST whose first attempt landed, or a concurrent creator: converge on the existing object.
      if (!isConflict(err)) throw err;
      actual = await avi.getByName<T>(spec.type, spec.name, scope);
      if (!actual) throw err;
    }
  }
  return updateOwned(avi, spec.type, actual, spec.desired as Desired<T>, opts);
}

/**
 * Compare the owned fields of an existing object and PATCH replace those that differ, carrying the
 * `_last_modified` of the read: a concurrent writer in between makes the controller answer 412, and
 * the fields are recomputed from a fresh read (see retryConcurrent).
 */
export async function updateOwned<T extends AviObject>(
  avi: AviClient,
  type: string,
  actual: T,
  desired: Desired<T>,
  opts: { dryRun: boolean },
): Promise<EnsureOutcome<T>> {
  return retryConcurrent(avi, type, actual, async (current) => {
    const want = resolve(desired, current);
    const diff = diffOwned(want, current);
    const base = { kind: type, name: current.name ?? "", uuid: current.uuid };
    if (diff.length === 0) return { item: { ...base, action: "unchanged", diff }, object: current };
    const item: PlanItem = { ...base, action: "update", diff };
    if (opts.dryRun) return { item, object: current };
    const changed: Record<string, unknown> = {};
    for (const top of new Set(diff.map((d) => d.path.split(/[.[]/)[0] ?? d.path))) {
      changed[top] = mergeOwned(current[top], want[top]);
    }
    if (current._last_modified !== undefined) changed._last_modified = current._last_modified;
    const updated = await avi.patch<T>(type, current.uuid ?? "", "replace", changed);
    return { item, object: updated };
  });
}

export interface ListEntryRules<E> {
  /** Identity of an entry: an existing entry with the same key is the same entry (its id may differ). */
  key: (e: E) => string;
  /** Whether an existing entry with the same key already holds what is wanted; default: same key is enough. */
  same?: (existing: E, wanted: E) => boolean;
  /** Existing entries the wanted ones replace (e.g. an older default route), removed after the add. */
  replaces?: (existing: E) => boolean;
}

/**
 * Make list entries (VRF static routes, DNS static records) present with pure PATCH add/delete, so
 * entries written by others in the same list survive without any read-modify-write of the list. An
 * entry whose key exists with other content, or that `replaces` marks, is removed by PATCH delete
 * of the entry exactly as read, after the new one is in. A 412, or an added id already taken, means
 * another writer got there first: read again and recompute.
 */
export async function ensureListEntries<T extends AviObject, E>(
  avi: AviClient,
  type: string,
  obj: T,
  field: string,
  entries: E[],
  rules: ListEntryRules<E> | ((e: E) => string),
  opts: { dryRun: boolean },
): Promise<EnsureOutcome<T>> {
  const { key, same = () => true, replaces = () => false } = typeof rules === "function" ? { key: rules } : rules;
  return retryConcurrent(avi, type, obj, async (current) => {
    const existing = (current[field] as E[] | undefined) ?? [];
    const missing = entries.filter((e) => !existing.some((x) => key(x) === key(e) && same(x, e)));
    const wanted = new Set(entries.map(key));
    const stale = existing.filter(
      (x) => (wanted.has(key(x)) && !entries.some((e) => key(e) === key(x) && same(x, e))) || (replaces(x) && !wanted.has(key(x))),
    );
    const base = { kind: type, name: current.name ?? "", uuid: current.uuid };
    if (missing.length === 0 && stale.length === 0) return { item: { ...base, action: "unchanged", diff: [] }, object: current };
    const diff: FieldChange[] = [
      ...missing.map((e) => ({ path: `${field}[${key(e)}]`, to: e })),
      ...stale.filter((x) => !wanted.has(key(x))).map((x) => ({ path: `${field}[${key(x)}]`, from: x })),
    ];
    const item: PlanItem = { ...base, action: "update", diff };
    if (opts.dryRun) return { item, object: current };
    let updated = current;
    if (missing.length) updated = await avi.patch<T>(type, current.uuid ?? "", "add", { [field]: missing });
    if (stale.length) updated = await avi.patch<T>(type, current.uuid ?? "", "delete", { [field]: stale });
    return { item, object: updated };
  });
}

const ATTEMPTS = 6;

/**
 * Run a write computed from a read of one object; when the controller says another writer changed
 * it first (412 on a stale `_last_modified`, or a PATCH add whose id is now taken), read the object
 * again and recompute. Bounded: after ATTEMPTS tries the object is named in a failure (exit 1).
 * Backoff is jittered so writers that collided once spread out instead of colliding again.
 */
export async function retryConcurrent<T extends AviObject, R>(
  avi: AviClient,
  type: string,
  first: T,
  write: (current: T) => Promise<R>,
  reread: () => Promise<T | undefined> = () => (first.uuid ? avi.getByUuid<T>(type, first.uuid) : Promise.resolve(undefined)),
): Promise<R> {
  let current = first;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write(current);
    } catch (err) {
      if (!isConcurrentChange(err)) throw err;
      const label = `${type} ${current.name ?? current.uuid}`;
      if (attempt >= ATTEMPTS)
        throw new OperationError(
          `${label} kept changing under concurrent writers; gave up after ${ATTEMPTS} attempts`,
          "re-run the command once the other writers are done",
          { cause: err },
        );
      await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** attempt));
      const fresh = await reread();
      if (!fresh) throw new OperationError(`${label} disappeared while avictl was updating it`, undefined, { cause: err });
      current = fresh;
    }
  }
}

function isConcurrentChange(err: unknown): boolean {
  return (
    isPreconditionFailed(err) ||
    (err instanceof AviApiError && err.status === 400 && /Unique constraints \S+ has duplicated value/.test(err.detail))
  );
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
