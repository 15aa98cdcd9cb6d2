import type { AviObject } from "../../clients/avi/types.js";
import type { MemoryStore } from "./store.js";

export class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const REF_KEY = /(_refs?|^nw_ref|^management_network)$/;

/**
 * Normalise every ref in a request body to `<base>/api/<type>/<uuid>`: absolute or relative URLs with or
 * without `#name`, and name refs `/api/<type>?name=X` (or `/api/<type>/?name=X`), as the controller accepts.
 */
export function resolveRefs(value: unknown, store: MemoryStore, base: string, key = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, store, base, key));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, store, base, k)]));
  }
  if (typeof value === "string" && REF_KEY.test(key) && value.includes("/api/")) return resolveOne(value, store, base);
  return value;
}

function resolveOne(ref: string, store: MemoryStore, base: string): string {
  const noName = ref.split("#")[0]!;
  const m = /\/api\/([a-z0-9-]+)\/?(?:\?name=([^&]+)|([^/?#]+))?\/?$/.exec(noName);
  if (!m) throw new BadRequest(`Invalid reference ${ref}`);
  const type = m[1]!;
  const lookupType = type === "vimgrnwruntime" ? "vimgrnwruntime" : type;
  if (m[2] !== undefined) {
    const name = decodeURIComponent(m[2].replace(/\+/g, " "));
    const obj = store.findByName(lookupType, name);
    if (!obj) throw new BadRequest(`Cannot find object of type ${type} with name ${name}`);
    return `${base}/api/${type}/${obj.uuid}`;
  }
  const uuid = m[3];
  if (!uuid || !store.get(lookupType, uuid)) throw new BadRequest(`Object ${type} with uuid ${uuid ?? ""} not found`);
  return `${base}/api/${type}/${uuid}`;
}

/** A copy with `#name` appended to every ref whose target exists (include_name, and write responses). */
export function withNames(value: unknown, store: MemoryStore, key = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => withNames(v, store, key));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNames(v, store, k)]));
  if (typeof value === "string" && REF_KEY.test(key) && value.includes("/api/") && !value.includes("#")) {
    const m = /\/api\/([a-z0-9-]+)\/([^/?#]+)$/.exec(value);
    const target = m ? store.get(m[1]!, m[2]!) : undefined;
    if (target?.name) return `${value}#${target.name}`;
  }
  return value;
}

export function uuidOf(ref: unknown): string {
  return typeof ref === "string" ? (ref.split("#")[0]!.split("/").pop() ?? "") : "";
}

/** Replace secrets by the placeholder the controller returns. */
export function redactSensitive(obj: AviObject, placeholder = "<sensitive>"): AviObject {
  const walk = (v: unknown, k: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, k));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([kk, vv]) => [kk, walk(vv, kk)]));
    return /^(password|private_key|secret_key|passphrase)$/.test(k) && typeof v === "string" ? placeholder : v;
  };
  return walk(obj, "") as AviObject;
}
