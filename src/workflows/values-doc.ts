import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Document, Node, YAMLMap } from "yaml";
import { isMap, isScalar, parseDocument, Scalar, visit } from "yaml";
import { UsageError } from "../cli/errors.js";

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
  const parsed = parseDocument(baseText, { uniqueKeys: true });
  if (parsed.errors.length) throw new UsageError(`${file} is not valid YAML: ${parsed.errors[0]!.message.split("\n")[0]}`);
  const base: unknown = parsed.toJS();
  for (const [path, v] of leaves(base)) doc.setIn(path, v);
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
