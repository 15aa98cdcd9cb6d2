import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { swaggerDir } from "./helm-binary.js";

export interface SentRequest {
  method: string;
  path: string;
  body?: unknown;
}

type Schema = Record<string, unknown>;

/**
 * Validates request bodies against the official Avi object schemas (../shared/avi-swagger), independently
 * of the lab's own validator: unknown fields, types, required fields and enum values (parsed from the
 * "Enum options - A, B." descriptions, where the schemas keep them).
 */
export class SwaggerConformance {
  private full = new Map<string, ValidateFunction>();
  private partial = new Map<string, ValidateFunction>();

  static available(): boolean {
    return existsSync(swaggerDir) && readdirSync(swaggerDir).some((f) => f.endsWith(".json"));
  }

  constructor(dir = swaggerDir) {
    const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false });
    // The swagger's numeric formats, checked for range so an out-of-range number is a finding.
    const range = (lo: number, hi: number) => ({
      type: "number" as const,
      validate: (n: number) => Number.isInteger(n) && n >= lo && n <= hi,
    });
    ajv.addFormat("int32", range(-(2 ** 31), 2 ** 31 - 1));
    ajv.addFormat("uint32", range(0, 2 ** 32 - 1));
    ajv.addFormat("int64", range(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
    ajv.addFormat("uint64", range(0, Number.MAX_SAFE_INTEGER));
    ajv.addFormat("float", { type: "number", validate: Number.isFinite });
    ajv.addFormat("double", { type: "number", validate: Number.isFinite });
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const doc = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
        paths?: Record<string, unknown>;
        definitions?: Record<string, Schema>;
      };
      const top = file.replace(/\.json$/, "");
      if (!doc.definitions?.[top]) continue;
      const type = Object.keys(doc.paths ?? {})
        .map((p) => p.split("/")[1])
        .find(Boolean);
      if (!type) continue;
      const defs = Object.fromEntries(Object.entries(doc.definitions).map(([k, v]) => [k, tighten(v)]));
      this.full.set(type, ajv.compile({ definitions: defs, $ref: `#/definitions/${top}` }));
      const loose = { ...defs[top], required: [] };
      this.partial.set(type, ajv.compile({ definitions: defs, ...loose }));
    }
  }

  /** Problems with one request body; empty when it conforms (or its type has no schema here). */
  check(req: SentRequest): string[] {
    const m = /^\/api\/([a-z0-9-]+)(\/[^/?]+)?\/?$/.exec(req.path.split("?")[0] ?? "");
    if (!m || req.body === undefined || req.method === "GET" || req.method === "DELETE") return [];
    const type = m[1]!;
    if (req.method === "PATCH") {
      const ops = req.body as Record<string, unknown>;
      const keys = Object.keys(ops);
      if (keys.length !== 1 || !["add", "replace", "delete"].includes(keys[0]!))
        return [`PATCH ${req.path}: body must be one of add/replace/delete, got ${keys.join(",")}`];
      return this.run(this.partial.get(type), ops[keys[0]!], req);
    }
    return this.run(this.full.get(type), req.body, req);
  }

  types(): string[] {
    return [...this.full.keys()];
  }

  private run(v: ValidateFunction | undefined, body: unknown, req: SentRequest): string[] {
    if (!v || v(body)) return [];
    return (v.errors ?? []).map(
      (e) =>
        `${req.method} ${req.path}: ${e.instancePath || "/"} ${e.message}` +
        `${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}` +
        `${e.params && "allowedValues" in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ""}`,
    );
  }
}

/** Objects reject unknown fields; string enums come from the description text. */
function tighten(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (out.properties && typeof out.properties === "object") {
    out.additionalProperties = false;
    out.properties = Object.fromEntries(Object.entries(out.properties as Record<string, Schema>).map(([k, v]) => [k, tightenProp(v)]));
  }
  return out;
}

function tightenProp(p: Schema): Schema {
  const out: Schema = { ...p };
  const desc = typeof p.description === "string" ? p.description : "";
  const m = /Enum options - ([A-Z0-9_,\s-]+?)\./.exec(desc);
  if (m && p.type === "string")
    out.enum = m[1]!
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  if (p.type === "array" && p.items && typeof p.items === "object") out.items = tightenProp(p.items as Schema);
  // The controller coerces numeric and boolean strings; accept the same here.
  if (p.type === "integer" || p.type === "number") out.type = [p.type, "string"];
  if (p.type === "boolean") out.type = ["boolean", "string"];
  delete out.readOnly;
  return out;
}
