import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Document, Node, Pair } from "yaml";
import { isMap, isScalar, parseDocument, Scalar, visit, YAMLMap } from "yaml";
import { CORE_SCHEMA, load, type YAMLException } from "js-yaml";
import { UsageError } from "../base/errors.js";

/** Values files larger than this are refused: real ones are a few KiB, and parsing is done in memory. */
export const MAX_VALUES_BYTES = 1 << 20;
/** More values than a 1 MiB file can spell out means aliases multiply them (an alias bomb). */
const MAX_EXPANDED = 1_000_000;

type Obj = Record<string, unknown>;

/** Read a values file given by the user: it must exist, be a regular file and stay under the size limit. */
export function readValuesFile(path: string, what = "values file"): string {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError(`${what} ${path} is a directory, not a YAML file`);
    size = st.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${what} ${path} does not exist or cannot be read`);
  }
  if (size > MAX_VALUES_BYTES)
    throw new UsageError(`${what} ${path} is ${(size / MAX_VALUES_BYTES).toFixed(1)} MiB; values files are limited to 1 MiB`);
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`cannot read ${what} ${path}`);
  }
}

/**
 * Parse a user's values text into a plain map, in linear time: js-yaml rather than yaml's document
 * composer, which is several times slower on large files. Duplicate keys, several documents, a list
 * or a scalar at the top, and aliases that expand too far (a "billion laughs" file) are refused.
 */
export function parseValues(text: string, file: string): Obj {
  if (text.length > MAX_VALUES_BYTES) throw new UsageError(`${file} is over 1 MiB; values files are limited to 1 MiB`);
  let values: unknown;
  try {
    values = load(text, { schema: CORE_SCHEMA, filename: file });
  } catch (err) {
    throw new UsageError(
      `${file} is not valid YAML: ${((err as YAMLException).reason ?? (err as Error).message).split("\n")[0]}${(err as YAMLException).mark ? ` (line ${(err as YAMLException).mark.line + 1})` : ""}`,
    );
  }
  if (values === null || values === undefined) return {};
  if (typeof values !== "object" || Array.isArray(values))
    throw new UsageError(`${file} must be a map of values (key: value), not ${Array.isArray(values) ? "a list" : "a single value"}`);
  // Aliases share one object; count the values as they would be expanded and stop early.
  let budget = MAX_EXPANDED;
  const walk = (v: unknown): void => {
    if (--budget < 0) throw new UsageError(`${file} uses aliases that expand to more than ${MAX_EXPANDED} values; write the values out`);
    if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
  };
  walk(values);
  return values as Obj;
}

/** A commented values template shipped in templates/, as an editable YAML document. */
export function loadTemplate(name: string): Document {
  const path = fileURLToPath(new URL(`../../templates/${name}`, import.meta.url));
  return parseDocument(readFileSync(path, "utf8"));
}

/**
 * Set a value by path so the output keeps the template's comments. Strings are always quoted:
 * the charts compare some with `eq` against strings ("true", "NodePort") and a version such as
 * 22.1 would otherwise turn into a number.
 */
export function setValue(doc: Document, path: (string | number)[], value: unknown): void {
  if (value === undefined) return;
  doc.setIn(path, toNode(doc, value));
}

function toNode(doc: Document, value: unknown): unknown {
  if (typeof value === "string") {
    const s = new Scalar(value);
    s.type = Scalar.QUOTE_DOUBLE;
    return s;
  }
  if (Array.isArray(value) || (value && typeof value === "object")) {
    const node = doc.createNode(value) as Node;
    quoteStrings(node);
    return node;
  }
  return value;
}

function quoteStrings(node: unknown): void {
  if (isScalar(node)) {
    if (typeof node.value === "string") node.type = Scalar.QUOTE_DOUBLE;
    return;
  }
  if (isMap(node)) for (const pair of (node as YAMLMap).items) quoteStrings(pair.value);
  else if (node && typeof node === "object" && "items" in node) for (const item of (node as { items: unknown[] }).items) quoteStrings(item);
}

/** Every leaf of a plain values object as [path, value]; lists and empty maps are leaves. */
export function leaves(value: unknown, path: string[] = []): [string[], unknown][] {
  if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return path.length ? [[path, value]] : [];
}

/** A user's base values (-f), merged under what avictl sets. */
export function applyBase(doc: Document, baseText: string | undefined, file: string): void {
  if (!baseText) return;
  mergeValues(doc, parseValues(baseText, file));
}

const isPlainMap = (v: unknown): v is Obj => Boolean(v) && typeof v === "object" && !Array.isArray(v);

/**
 * Merge plain values into a document leaf by leaf (lists and empty maps are leaves), keeping the
 * document's comments. One index per map keeps it linear; `skip` leaves out whole subtrees.
 */
export function mergeValues(doc: Document, values: Obj, skip: (path: string[]) => boolean = () => false): void {
  const merge = (map: YAMLMap, from: Obj, path: string[]) => {
    const index = new Map<unknown, Pair>();
    for (const pair of map.items) index.set(isScalar(pair.key) ? pair.key.value : pair.key, pair as Pair);
    for (const [key, value] of Object.entries(from)) {
      const at = [...path, key];
      if (skip(at)) continue;
      const pair = index.get(key);
      if (isPlainMap(value) && Object.keys(value).length > 0) {
        if (pair && isMap(pair.value)) merge(pair.value, value, at);
        else {
          const child = new YAMLMap(doc.schema);
          merge(child, value, at);
          if (pair) pair.value = child;
          else map.items.push(doc.createPair(key, child));
        }
      } else if (pair) pair.value = doc.createNode(value);
      else map.items.push(doc.createPair(key, value));
    }
  };
  if (!isMap(doc.contents)) doc.contents = new YAMLMap(doc.schema) as unknown as typeof doc.contents;
  merge(doc.contents as YAMLMap, values, []);
}

export function removeValue(doc: Document, path: string[]): void {
  if (doc.hasIn(path)) doc.deleteIn(path);
}

/** The rendered text, every string quoted alike (template defaults and values set by avictl). */
export function renderDoc(doc: Document): string {
  visit(doc, {
    Scalar(key, node) {
      if (key !== "key" && typeof node.value === "string") node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
