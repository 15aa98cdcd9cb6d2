#!/usr/bin/env node
// Derives the lab's compact validation catalogue from the official Avi object schemas:
//   node src/lab/avi/schema/generate.mjs ../shared/avi-swagger
// Per definition and field it keeps only what request validation needs: type, nested definition,
// list-ness, enum values and "Field introduced in" versions (both live in description text), read-only,
// and default values (the controller fills them in on create).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? "../shared/avi-swagger";
const defs = {};
const types = {};
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()) {
  const doc = JSON.parse(readFileSync(join(dir, file), "utf8"));
  const top = file.replace(/\.json$/, "");
  const path = Object.keys(doc.paths ?? {}).find((p) => !p.includes("{"));
  if (path && doc.definitions?.[top]) types[path.split("/")[1]] = top;
  for (const [name, d] of Object.entries(doc.definitions ?? {})) {
    if (defs[name] || !d.properties) continue;
    const fields = {};
    for (const [f, p] of Object.entries(d.properties)) fields[f] = field(p);
    defs[name] = { ...(d.required?.length ? { required: d.required } : {}), fields };
  }
}
writeFileSync(
  new URL("./catalogue.json", import.meta.url),
  `${JSON.stringify({ source: "Avi object schemas, API 30.2.1", types, defs })}\n`,
);
console.log(`${Object.keys(types).length} object types, ${Object.keys(defs).length} definitions`);

function field(p) {
  const out = {};
  const desc = p.description ?? "";
  const item = p.type === "array" ? (p.items ?? {}) : p;
  if (p.type === "array") out.list = 1;
  if (item.$ref) out.ref = item.$ref.split("/").pop();
  else out.t = item.type === "integer" || item.type === "number" ? "n" : item.type === "boolean" ? "b" : item.type === "object" ? "o" : "s";
  const en = /Enum options - ([A-Z0-9_,\s-]+?)\./.exec(desc);
  if (en && !out.ref)
    out.enum = en[1]
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const since = /Field introduced in ([0-9][0-9., ]*?)\.(?:\s|$)/.exec(desc);
  if (since)
    out.since = since[1]
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const range = /Allowed values are (-?\d+)-(-?\d+)/.exec(desc);
  if (range) out.range = [Number(range[1]), Number(range[2])];
  // "Special values are 0 - Automatic, -1 - Unlimited": accepted outside the range.
  const special = /Special values are (.*?)(?:\.\s|\.$)/.exec(desc);
  if (range && special) out.special = [...special[1].matchAll(/(-?\d+)\s*-/g)].map((m) => Number(m[1]));
  if (p.readOnly) out.ro = 1;
  if (p.default !== undefined && p.type !== "array" && !item.$ref) out.d = p.default;
  return out;
}
