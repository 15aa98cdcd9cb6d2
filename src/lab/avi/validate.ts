import { createRequire } from "node:module";
import { compareVersions } from "../../clients/avi/version.js";

interface FieldSpec {
  t?: "s" | "n" | "b" | "o";
  ref?: string;
  list?: 1;
  enum?: string[];
  since?: string[];
  range?: [number, number];
  /** Values accepted outside the range (e.g. 0 = automatic). */
  special?: number[];
  ro?: 1;
  /** Default value the controller fills in. */
  d?: unknown;
  /** Legacy fields: last release line that still had the field. */
  until?: string;
}
interface DefSpec {
  required?: string[];
  fields: Record<string, FieldSpec>;
}
interface Catalogue {
  types: Record<string, string>;
  defs: Record<string, DefSpec>;
}

const catalogue = createRequire(import.meta.url)("./schema/catalogue.json") as Catalogue;

// Fields older controllers accept that the 30.2.1 schema no longer lists, and 20.1.x facts the newer
// notes omit (the IPAM usable-network and network-pool forms changed at 20.1.3).
const legacy: Record<string, Record<string, FieldSpec>> = {
  Subnet: { static_ranges: { ref: "IpAddrRange", list: 1, until: "21.1.9" }, static_ips: { ref: "IpAddr", list: 1, until: "21.1.9" } },
  IpamDnsInternalProfile: { usable_network_refs: { t: "s", list: 1, until: "21.1.9" } },
  DnsServiceDomain: { num_dns_ip: { t: "n", until: "21.1.9" } },
  DnsServiceApplicationProfile: { authoritative_domain_names: { t: "s", list: 1, until: "21.1.9" } },
  GslbSite: { dns_vs_uuids: { t: "s", list: 1, until: "21.1.9" } },
  // Sent back by 20.1.x clients that copy an object (recorded: the SDK's clone_vs); accepted, not stored.
  VsVip: { vs_refs: { t: "s", list: 1, until: "21.1.9" } },
  VirtualService: { marked_for_delete: { t: "b", until: "21.1.9" } },
};
/** Required by the schemas, yet filled in by the controller when absent (recorded: a VIP without vip_id). */
const assigned: Record<string, string[]> = { Vip: ["vip_id"] };
const overrides: Record<string, Record<string, Partial<FieldSpec>>> = {
  Subnet: { static_ip_ranges: { since: ["20.1.3"] } },
  StaticIpRange: { type: { since: ["20.1.3"] } },
  IpamDnsInternalProfile: { usable_networks: { since: ["20.1.3"] } },
};
for (const [def, fields] of Object.entries(legacy)) Object.assign(catalogue.defs[def]?.fields ?? {}, fields);
for (const [def, fields] of Object.entries(overrides))
  for (const [f, o] of Object.entries(fields)) Object.assign(catalogue.defs[def]?.fields[f] ?? {}, o);

export function definitionOf(type: string): string | undefined {
  return catalogue.types[type];
}

/**
 * Read-only runtime collections a controller serves beside the object schemas (no swagger among the
 * official copies): vimgrnwruntime holds what the cloud discovered on each port group.
 */
const RUNTIME_TYPES = ["vimgrnwruntime"];

export function knownTypes(): string[] {
  return [...Object.keys(catalogue.types), ...RUNTIME_TYPES];
}

/** Was a field with these "introduced in" notes present at request version v? */
export function introducedBy(since: string[], v: string): boolean {
  const line = (x: string) => x.split(".").slice(0, 2).join(".");
  const same = since.find((s) => line(s) === line(v));
  if (same) return compareVersions(v, same) >= 0;
  return since.some((s) => compareVersions(s, v) < 0);
}

const underscore = (v: string) => `v${v.replace(/\./g, "_")}`;

/**
 * Validate a request body the way the controller does: unknown fields, types (with the controller's
 * coercion of numeric/boolean strings), enums, ranges, required fields, and fields newer than the
 * request's X-Avi-Version. Returns the controller-style error text, or undefined when valid.
 */
export function validateBody(type: string, body: unknown, version: string, o: { partial?: boolean } = {}): string | undefined {
  const def = definitionOf(type);
  if (!def) return undefined;
  return check(def, body, version, "", !o.partial);
}

function check(defName: string, value: unknown, version: string, path: string, requireAll: boolean): string | undefined {
  const def = catalogue.defs[defName];
  if (!def) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `${path || defName}: expected an object`;
  const obj = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(obj)) {
    const at = path ? `${path}.${key}` : key;
    if (!path && nameField(def, key)) {
      if (typeof v !== "string") return `${at}: Not a valid string.`;
      continue;
    }
    const spec = def.fields[key];
    if (!spec || (spec.until && compareVersions(version, spec.until) > 0)) return `Unknown field ${at} in ${defName}`;
    if (spec.since && !introducedBy(spec.since, version)) {
      const first = spec.since.find((s) => s.split(".")[0] === version.split(".")[0]) ?? spec.since[spec.since.length - 1]!;
      return `Incoming request (${underscore(version)}) has field (${key}) introduced in later versions(${underscore(first)}).`;
    }
    if (v === null) continue;
    const items = spec.list ? (Array.isArray(v) ? v : undefined) : [v];
    if (!items) return `${at}: expected a list`;
    for (const [i, item] of items.entries()) {
      const ip = spec.list ? `${at}[${i}]` : at;
      const err = spec.ref ? check(spec.ref, item, version, ip, true) : scalar(spec, item, ip);
      if (err) return err;
    }
  }
  if (requireAll)
    for (const r of def.required ?? [])
      if (obj[r] === undefined && !assigned[defName]?.includes(r)) return `${path ? `${path}.` : ""}${r}: This field is required.`;
  return undefined;
}

function scalar(spec: FieldSpec, v: unknown, at: string): string | undefined {
  switch (spec.t) {
    case "n": {
      const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
      if (typeof n !== "number" || Number.isNaN(n)) return `${at}: A valid integer is required.`;
      if (spec.range && (n < spec.range[0] || n > spec.range[1]) && !spec.special?.includes(n))
        return `${at}: Ensure this value is between ${spec.range[0]} and ${spec.range[1]}.`;
      return undefined;
    }
    case "b":
      return typeof v === "boolean" || v === "true" || v === "false" ? undefined : `${at}: Must be a valid boolean.`;
    case "o":
      return typeof v === "object" ? undefined : `${at}: expected an object`;
    default:
      if (typeof v !== "string" && typeof v !== "number") return `${at}: Not a valid string.`;
      if (spec.enum && !spec.enum.includes(String(v)))
        return `${at}: Value ${String(v)} is not a valid choice. Valid choices are ${spec.enum.join(", ")}.`;
      return undefined;
  }
}

/** `<x>_name` convenience field of a top-level `<x>_ref` (e.g. application_profile_name). */
function nameField(def: DefSpec, key: string): boolean {
  return key.endsWith("_name") && !def.fields[key] && Boolean(def.fields[key.replace(/_name$/, "_ref")]);
}

/**
 * A valid body as the controller stores it: strings coerced to the schema's booleans and numbers
 * ("true" → true, "8080" → 8080), `<x>_name` turned into the `<x>_ref` it names, and computed fields
 * a client sent back (vs_refs) dropped.
 */
export function normaliseBody(type: string, body: unknown): Record<string, unknown> {
  const defName = definitionOf(type);
  const def = catalogue.defs[defName ?? ""];
  const out = (def ? coerce(defName!, body) : structuredClone(body ?? {})) as Record<string, unknown>;
  if (!def) return out;
  for (const key of Object.keys(out)) {
    if (nameField(def, key)) {
      const field = key.replace(/_name$/, "_ref");
      out[field] ??= `/api/${field.replace(/_ref$/, "").replace(/_/g, "")}?name=${encodeURIComponent(String(out[key]))}`;
      delete out[key];
    }
  }
  if (type === "vsvip") delete out.vs_refs;
  return out;
}

function coerce(defName: string, value: unknown): unknown {
  const def = catalogue.defs[defName];
  if (!def || typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const spec = def.fields[k];
    const one = (x: unknown): unknown =>
      spec?.ref
        ? coerce(spec.ref, x)
        : spec?.t === "b" && (x === "true" || x === "false")
          ? x === "true"
          : spec?.t === "n" && typeof x === "string" && x.trim() !== "" && !Number.isNaN(Number(x))
            ? Number(x)
            : x;
    out[k] = spec?.list && Array.isArray(v) ? v.map(one) : one(v);
  }
  return out;
}

/**
 * Fill in what the controller fills in on create: every schema default (available at the request
 * version) absent from the object, also inside the sub-objects and list items it has.
 */
export function fillDefaults(type: string, obj: Record<string, unknown>, version: string): void {
  const walk = (defName: string, o: unknown): void => {
    const def = catalogue.defs[defName];
    if (!def || typeof o !== "object" || o === null || Array.isArray(o)) return;
    const rec = o as Record<string, unknown>;
    for (const [k, spec] of Object.entries(def.fields)) {
      if (spec.since && !introducedBy(spec.since, version)) continue;
      if (spec.until && compareVersions(version, spec.until) > 0) continue;
      if (rec[k] === undefined && spec.d !== undefined) rec[k] = structuredClone(spec.d);
      else if (spec.ref && rec[k] !== undefined)
        for (const item of spec.list && Array.isArray(rec[k]) ? (rec[k] as unknown[]) : [rec[k]]) walk(spec.ref, item);
    }
  };
  walk(definitionOf(type) ?? "", obj);
}

/** Does the type's schema have this top-level field? */
export function hasField(type: string, field: string): boolean {
  return Boolean(catalogue.defs[definitionOf(type) ?? ""]?.fields[field]);
}

/** Field names of a definition that are read-only (never accepted on POST). */
export function readOnlyFields(type: string): string[] {
  const def = catalogue.defs[definitionOf(type) ?? ""];
  return def
    ? Object.entries(def.fields)
        .filter(([, f]) => f.ro)
        .map(([k]) => k)
    : [];
}
