import { randomUUID } from "node:crypto";
import type { AviObject } from "../../clients/avi/types.js";
import { allocateVips, applyDefaults, checkDelete, placeVirtualService, vsRuntime } from "./behaviour.js";
import { BadRequest, redactSensitive, resolveRefs, uuidOf, withNames } from "./refs.js";
import { lastModified } from "./seed.js";
import { CLOUD_SCOPED, type MemoryStore } from "./store.js";
import { definitionOf, readOnlyFields, validateBody } from "./validate.js";

type Obj = AviObject & Record<string, unknown>;
export interface Reply {
  status: number;
  body?: unknown;
}

const HUMAN: Record<string, string> = {
  serviceenginegroup: "Service engine group",
  vrfcontext: "Vrf context",
  virtualservice: "Virtual service",
  vsvip: "Vs vip",
  network: "Network",
  ipamdnsproviderprofile: "Ipam dns provider profile",
  applicationprofile: "Application profile",
  healthmonitor: "Health monitor",
};
const SINGLETONS = new Set(["systemconfiguration", "controllerproperties"]);

/** The generic REST semantics of /api/<type>[/<uuid>] over the store. */
export class AviApi {
  constructor(
    private readonly store: MemoryStore,
    private readonly base: string,
  ) {}

  list(type: string, q: URLSearchParams, version: string): Reply {
    let items = this.store.list(type);
    const name = q.get("name");
    if (name !== null) items = items.filter((o) => o.name === name);
    const contains = q.get("name.contains") ?? q.get("name.icontains");
    if (contains) items = items.filter((o) => String(o.name ?? "").toLowerCase().includes(contains.toLowerCase()));
    const cloudUuid = q.get("cloud_ref.uuid") ?? q.get("cloud_uuid");
    if (cloudUuid) items = items.filter((o) => uuidOf(o.cloud_ref) === cloudUuid);
    const cloudName = q.get("cloud_ref.name");
    if (cloudName) items = items.filter((o) => this.store.get("cloud", uuidOf(o.cloud_ref))?.name === cloudName);
    const refersTo = q.get("refers_to");
    if (refersTo) items = items.filter((o) => JSON.stringify(o).includes(`/${refersTo.split(":")[1] ?? ""}"`));
    const referredBy = q.get("referred_by");
    if (referredBy) {
      const [rt, ru] = referredBy.split(":");
      const src = JSON.stringify(this.store.get(rt ?? "", ru ?? "") ?? {});
      items = items.filter((o) => src.includes(`/${o.uuid}"`));
    }
    for (const [k, v] of q) {
      // Plain field filters such as type=APPLICATION_PROFILE_TYPE_DNS.
      if (!k.includes(".") && !RESERVED.has(k) && definitionOf(type)) items = items.filter((o) => String(o[k]) === v);
    }
    if (q.get("sort")) {
      const key = q.get("sort")!.replace(/^-/, "");
      const dir = q.get("sort")!.startsWith("-") ? -1 : 1;
      items = [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])) * dir);
    }
    const pageSize = Math.min(Number(q.get("page_size") ?? 25) || 25, 200);
    const page = Math.max(Number(q.get("page") ?? 1) || 1, 1);
    const slice = items.slice((page - 1) * pageSize, page * pageSize);
    const fields = q.get("fields")?.split(",");
    const results = slice.map((o) => this.render(o, q.has("include_name"), fields));
    const body: Record<string, unknown> = { count: items.length, results };
    if (page * pageSize < items.length) {
      const next = new URLSearchParams(q);
      next.set("page", String(page + 1));
      next.set("page_size", String(pageSize));
      body.next = `${this.base}/api/${type}?${next.toString()}`;
    }
    void version;
    return { status: 200, body };
  }

  get(type: string, uuid: string, q: URLSearchParams): Reply {
    const o = this.store.get(type, uuid);
    return o ? { status: 200, body: this.render(o, q.has("include_name")) } : notFound();
  }

  create(type: string, body: unknown, version: string): Reply {
    const err = validateBody(type, body, version);
    if (err) throw new BadRequest(err);
    const input = body as Obj;
    const ro = readOnlyFields(type).filter((f) => f !== "url" && input[f] !== undefined);
    if (ro.length) throw new BadRequest(`${ro[0]}: This field is read-only.`);
    const o = resolveRefs(input, this.store, this.base) as Obj;
    delete o.url;
    const uuid = typeof o.uuid === "string" && o.uuid ? o.uuid : `${type}-${randomUUID()}`;
    Object.assign(o, { uuid, url: `${this.base}/api/${type}/${uuid}`, tenant_ref: `${this.base}/api/tenant/admin` });
    applyDefaults(type, o, this.store, this.base);
    this.checkDuplicate(type, o);
    this.behave(type, o);
    o._last_modified = lastModified();
    this.store.put(type, o);
    return { status: 201, body: this.render(o, true) };
  }

  replace(type: string, uuid: string, body: unknown, version: string): Reply {
    const current = this.store.get(type, uuid);
    if (!current) return notFound();
    const input = { ...(body as Obj) };
    if (input._last_modified !== undefined && String(input._last_modified) !== current._last_modified) {
      return { status: 412, body: { error: `Need to reload object data ${definitionOf(type) ?? type}` } };
    }
    for (const k of ["url", "uuid", "_last_modified"]) delete input[k];
    const err = validateBody(type, input, version);
    if (err) throw new BadRequest(err);
    const o = resolveRefs(input, this.store, this.base) as Obj;
    Object.assign(o, { uuid, url: current.url, tenant_ref: current.tenant_ref });
    o.cloud_ref ??= current.cloud_ref;
    applyDefaults(type, o, this.store, this.base);
    this.checkDuplicate(type, o);
    this.behave(type, o);
    o._last_modified = lastModified();
    this.store.put(type, o);
    return { status: 200, body: this.render(o, true) };
  }

  patch(type: string, uuid: string, body: unknown, version: string): Reply {
    const current = this.store.get(type, uuid);
    if (!current) return notFound();
    const ops = (body ?? {}) as Record<string, Obj>;
    const keys = Object.keys(ops);
    if (keys.length !== 1 || !["add", "replace", "delete"].includes(keys[0]!) || typeof ops[keys[0]!] !== "object") {
      throw new BadRequest("PATCH body must be one of {\"add\": {...}}, {\"replace\": {...}}, {\"delete\": {...}}");
    }
    const op = keys[0]!;
    const fields = ops[op]!;
    const err = validateBody(type, fields, version, { partial: true });
    if (err) throw new BadRequest(err);
    const resolved = resolveRefs(fields, this.store, this.base) as Obj;
    const o: Obj = structuredClone(current) as Obj;
    for (const [k, v] of Object.entries(resolved)) {
      if (op === "replace") o[k] = v;
      else if (op === "add") o[k] = Array.isArray(v) ? mergeEntries((o[k] as unknown[]) ?? [], v) : v;
      else if (Array.isArray(v) && Array.isArray(o[k])) o[k] = (o[k] as unknown[]).filter((e) => !v.some((d) => sameEntry(e, d)));
      else delete o[k];
    }
    this.checkDuplicate(type, o);
    this.behave(type, o);
    o._last_modified = lastModified();
    this.store.put(type, o);
    return { status: 200, body: this.render(o, true) };
  }

  remove(type: string, uuid: string): Reply {
    const o = this.store.get(type, uuid);
    if (!o) return notFound();
    checkDelete(type, o as Obj, this.store);
    this.store.remove(type, uuid);
    return { status: 204 };
  }

  singleton(method: string, type: string, body: unknown, version: string): Reply {
    const o = this.store.list(type)[0];
    if (!o) return notFound();
    if (method === "GET") return { status: 200, body: this.render(o, false) };
    if (method === "PUT") return this.replace(type, o.uuid!, body, version);
    if (method === "PATCH") return this.patch(type, o.uuid!, body, version);
    return { status: 405, body: { error: `Method '${method}' not allowed` } };
  }

  runtime(uuid: string): Reply {
    const vs = this.store.get("virtualservice", uuid);
    return vs ? { status: 200, body: vsRuntime(vs as Obj, this.store) } : notFound();
  }

  isSingleton(type: string): boolean {
    return SINGLETONS.has(type);
  }

  private behave(type: string, o: Obj): void {
    if (type === "vsvip") allocateVips(o, this.store);
    if (type === "virtualservice") placeVirtualService(o, this.store, this.base);
  }

  private checkDuplicate(type: string, o: Obj): void {
    if (o.name === undefined) return;
    const scoped = CLOUD_SCOPED.has(type);
    const dup = this.store.list(type).find((x) => x.uuid !== o.uuid && x.name === o.name && (!scoped || uuidOf(x.cloud_ref) === uuidOf(o.cloud_ref)));
    if (dup) throw new BadRequest(`${HUMAN[type] ?? definitionOf(type) ?? type} with this Name, Tenant ref${scoped ? " and Cloud ref" : ""} already exists.`, 409);
  }

  private render(o: AviObject, names: boolean, fields?: string[]): unknown {
    let out: Record<string, unknown> = Object.fromEntries(Object.entries(redactSensitive(o)).filter(([k]) => !k.startsWith("__")));
    if (fields) out = Object.fromEntries(Object.entries(out).filter(([k]) => fields.includes(k) || ["name", "url", "uuid"].includes(k)));
    return names ? withNames(out, this.store) : out;
  }
}

const RESERVED = new Set(["name", "page", "page_size", "fields", "include_name", "sort", "skip_default", "join_subresources", "refers_to", "referred_by", "cloud_uuid", "exclude", "search", "isearch"]);

function notFound(): Reply {
  return { status: 404, body: { error: "Object not found!" } };
}

/** List PATCH add: an entry with the same key (name, route_id, prefix or ip) replaces the old one. */
function mergeEntries(existing: unknown[], added: unknown[]): unknown[] {
  const out = [...existing];
  for (const a of added) {
    const i = out.findIndex((e) => sameEntry(e, a));
    if (i >= 0) out[i] = a;
    else out.push(a);
  }
  return out;
}

function sameEntry(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || typeof b !== "object" || !a || !b) return a === b;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const key of ["route_id", "name", "prefix", "ip"]) if (x[key] !== undefined && y[key] !== undefined) return JSON.stringify(x[key]) === JSON.stringify(y[key]);
  return JSON.stringify(a) === JSON.stringify(b);
}
