import { randomUUID } from "node:crypto";
import type { AviObject } from "../../clients/avi/types.js";
import type { FaultOptions } from "../types.js";
import { applyDefaults, behaviours, checkDelete, type BehaviourContext } from "./behaviour.js";
import { BadRequest, redactSensitive, resolveRefs, uuidOf, withNames } from "./refs.js";
import { lastModified } from "./seed.js";
import { CLOUD_SCOPED, type MemoryStore } from "./store.js";
import { definitionOf, fillDefaults, hasField, normaliseBody, readOnlyFields, validateBody } from "./validate.js";

type Obj = AviObject & Record<string, unknown>;
export interface Reply {
  status: number;
  body?: unknown;
  /** When not application/json. */
  contentType?: string;
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
/**
 * Admin-tenant objects a controller shows in every tenant: the provider's infrastructure (clouds,
 * networks, VRFs, SE groups in provider context, the default) and the system profiles tenants refer to.
 * Applications (virtual services, VIPs, pools) stay in their tenant.
 */
const SHARED_FROM_ADMIN = new Set([
  "tenant",
  "cloud",
  "cloudruntime",
  "network",
  "networkruntime",
  "vrfcontext",
  "serviceenginegroup",
  "serviceengine",
  "ipamdnsproviderprofile",
  "applicationprofile",
  "networkprofile",
  "healthmonitor",
  "systemconfiguration",
  "controllerproperties",
  "cluster",
]);

/**
 * The generic REST semantics of /api/<type>[/<uuid>] over the store. Every write handler runs from
 * its read to its store.put without yielding to the event loop, so writes to one object are atomic:
 * two requests never interleave their read-modify-write.
 */
export class AviApi {
  private readonly ctx: BehaviourContext;
  /** Objects written since the current fault settings were applied (for staleFirstWrite). */
  private written = new Set<string>();
  private writtenUnder?: FaultOptions;
  /** The tenant of the request being served (uuid), or "*" for every tenant. */
  private tenant = "admin";

  constructor(
    private readonly store: MemoryStore,
    private readonly base: string,
    controller: Omit<BehaviourContext, "store" | "base"> = { clusterUuid: "" },
    private readonly faults: () => FaultOptions = () => ({}),
  ) {
    this.ctx = { store, base, ...controller };
  }

  /** Serve one request in a tenant's scope (X-Avi-Tenant / X-Avi-Tenant-UUID). */
  inTenant<T>(tenantUuid: string, serve: () => T): T {
    const saved = this.tenant;
    this.tenant = tenantUuid;
    try {
      return serve();
    } finally {
      this.tenant = saved;
    }
  }

  list(type: string, q: URLSearchParams, version: string): Reply {
    let items = this.store.list(type).filter((o) => this.visible(type, o));
    const name = q.get("name");
    if (name !== null) items = items.filter((o) => o.name === name);
    const contains = q.get("name.contains") ?? q.get("name.icontains");
    if (contains)
      items = items.filter((o) =>
        String(o.name ?? "")
          .toLowerCase()
          .includes(contains.toLowerCase()),
      );
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
    const o = this.find(type, uuid);
    return o ? { status: 200, body: this.render(o, q.has("include_name")) } : notFound();
  }

  create(type: string, body: unknown, version: string): Reply {
    const err = validateBody(type, body, version);
    if (err) throw new BadRequest(err);
    const input = normaliseBody(type, body) as Obj;
    const ro = readOnlyFields(type).filter((f) => f !== "url" && input[f] !== undefined);
    if (ro.length) throw new BadRequest(`${ro[0]}: This field is read-only.`);
    const o = resolveRefs(input, this.store, this.base) as Obj;
    delete o.url;
    const uuid = typeof o.uuid === "string" && o.uuid ? o.uuid : `${type}-${randomUUID()}`;
    Object.assign(o, { uuid, url: `${this.base}/api/${type}/${uuid}` });
    if (hasField(type, "tenant_ref")) o.tenant_ref = `${this.base}/api/tenant/${this.tenant === "*" ? "admin" : this.tenant}`;
    applyDefaults(type, o, this.store, this.base);
    fillDefaults(type, o, version);
    this.checkDuplicate(type, o);
    checkUniqueIds(o);
    this.behave(type, o);
    o._last_modified = lastModified();
    this.store.put(type, o);
    behaviours[type]?.created?.(o, this.ctx);
    return { status: 201, body: this.render(o, true) };
  }

  replace(type: string, uuid: string, body: unknown, version: string, ifMatch?: string): Reply {
    const current = this.find(type, uuid);
    if (!current) return notFound();
    // A PUT without a body leaves the object as it is (recorded on /api/systemconfiguration).
    if (body === undefined) return { status: 200, body: this.render(current, true) };
    const input = { ...(body as Obj) };
    const stale = this.precondition(type, current, input._last_modified, ifMatch);
    if (stale) return stale;
    for (const k of ["url", "uuid", "_last_modified"]) delete input[k];
    const err = validateBody(type, input, version);
    if (err) throw new BadRequest(err);
    const o = resolveRefs(normaliseBody(type, input), this.store, this.base) as Obj;
    Object.assign(o, { uuid, url: current.url, tenant_ref: current.tenant_ref });
    o.cloud_ref ??= current.cloud_ref;
    // System objects stay system objects whatever a PUT body says (e.g. the global VRF).
    if (current.system_default !== undefined) o.system_default = current.system_default;
    applyDefaults(type, o, this.store, this.base);
    this.checkDuplicate(type, o);
    checkUniqueIds(o);
    this.behave(type, o, current as Obj);
    o._last_modified = lastModified();
    this.store.put(type, o);
    return { status: 200, body: this.render(o, true) };
  }

  patch(type: string, uuid: string, body: unknown, version: string, ifMatch?: string): Reply {
    const current = this.find(type, uuid);
    if (!current) return notFound();
    const ops = (body ?? {}) as Record<string, Obj>;
    const keys = Object.keys(ops);
    if (keys.length !== 1 || !["add", "replace", "delete"].includes(keys[0]!) || typeof ops[keys[0]!] !== "object") {
      throw new BadRequest('PATCH body must be one of {"add": {...}}, {"replace": {...}}, {"delete": {...}}');
    }
    const op = keys[0]!;
    const { _last_modified: token, ...fields } = ops[op]!;
    // A classic PATCH may carry the token read with the object next to the fields it changes
    // [inferred: the controller applies PATCH as a read-merge-write of the object, so the strict
    // reading is that the token is checked exactly as on PUT].
    const stale = this.precondition(type, current, token, ifMatch);
    if (stale) return stale;
    const err = validateBody(type, fields, version, { partial: true });
    if (err) throw new BadRequest(err);
    const resolved = resolveRefs(normaliseBody(type, fields), this.store, this.base) as Obj;
    const o: Obj = structuredClone(current) as Obj;
    for (const [k, v] of Object.entries(resolved)) {
      if (op === "replace") o[k] = v;
      else if (op === "add") o[k] = Array.isArray(v) ? mergeEntries((o[k] as unknown[]) ?? [], v) : v;
      else if (Array.isArray(v) && Array.isArray(o[k])) o[k] = (o[k] as unknown[]).filter((e) => !v.some((d) => sameEntry(e, d)));
      else delete o[k];
    }
    // A PATCH that changes nothing is not a modification: _last_modified stays.
    if (JSON.stringify(o) === JSON.stringify(current)) return { status: 200, body: this.render(current, true) };
    this.checkDuplicate(type, o);
    checkUniqueIds(o);
    this.behave(type, o, current as Obj);
    o._last_modified = lastModified();
    this.store.put(type, o);
    return { status: 200, body: this.render(o, true) };
  }

  remove(type: string, uuid: string): Reply {
    const o = this.find(type, uuid);
    if (!o) return notFound();
    checkDelete(type, o as Obj, this.store);
    behaviours[type]?.deleting?.(o as Obj, this.ctx);
    this.store.remove(type, uuid);
    return { status: 204 };
  }

  singleton(method: string, type: string, body: unknown, version: string, ifMatch?: string): Reply {
    const o = this.store.list(type)[0];
    if (!o) return notFound();
    if (method === "GET") return { status: 200, body: this.render(o, false) };
    if (method === "PUT") return this.replace(type, o.uuid!, body, version, ifMatch);
    if (method === "PATCH") return this.patch(type, o.uuid!, body, version, ifMatch);
    return { status: 405, body: { error: `Method '${method}' not allowed` } };
  }

  /** GET /api/<type>/<uuid>/runtime for the types whose behaviour has one. */
  runtime(type: string, uuid: string): Reply {
    const o = this.store.get(type, uuid);
    const runtime = behaviours[type]?.runtime;
    return o && runtime ? { status: 200, body: runtime(o as Obj, this.ctx) } : notFound();
  }

  /** GET /api/<type>-inventory: each object's config with its runtime, for the types that have one. */
  inventory(type: string): Reply {
    const runtime = behaviours[type]?.runtime;
    if (!runtime) return notFound();
    const results = this.store.list(type).map((o) => ({ config: this.render(o, true), runtime: runtime(o as Obj, this.ctx) }));
    return { status: 200, body: { count: results.length, results } };
  }

  isSingleton(type: string): boolean {
    return SINGLETONS.has(type);
  }

  private visible(type: string, o: AviObject): boolean {
    const owner = uuidOf(o.tenant_ref) || "admin";
    return this.tenant === "*" || owner === this.tenant || (owner === "admin" && SHARED_FROM_ADMIN.has(type));
  }

  private find(type: string, uuid: string): AviObject | undefined {
    const o = this.store.get(type, uuid);
    return o && this.visible(type, o) ? o : undefined;
  }

  /**
   * 412 when the writer's token — `_last_modified` in the body or an If-Match header — is not the
   * object's current one. The controller's check on the body token is what AKO's GET → PUT → 412 →
   * re-read loop relies on; If-Match is not documented for Avi, and the strict reading is to honour
   * it like the body token. With the staleFirstWrite fault, the first write to each object fails as
   * if another writer had just changed it.
   */
  private precondition(type: string, current: AviObject, token: unknown, ifMatch?: string): Reply | undefined {
    const refused: Reply = { status: 412, body: { error: `Need to reload object data ${definitionOf(type) ?? type}` } };
    const faults = this.faults();
    if (faults !== this.writtenUnder) {
      this.writtenUnder = faults;
      this.written.clear();
    }
    const key = `${type}/${current.uuid}`;
    if (faults.staleFirstWrite && !this.written.has(key)) {
      this.written.add(key);
      this.store.put(type, current);
      return refused;
    }
    const match = ifMatch?.replace(/^W\//, "").replace(/^"|"$/g, "");
    if (match !== undefined && match !== "*" && match !== current._last_modified) return refused;
    if (token !== undefined && String(token) !== current._last_modified) return refused;
    return undefined;
  }

  private behave(type: string, o: Obj, current?: Obj): void {
    behaviours[type]?.write?.(o, this.ctx, current);
  }

  private checkDuplicate(type: string, o: Obj): void {
    if (o.name === undefined) return;
    const scoped = CLOUD_SCOPED.has(type);
    const dup = this.store
      .list(type)
      .find(
        (x) =>
          x.uuid !== o.uuid &&
          x.name === o.name &&
          uuidOf(x.tenant_ref) === uuidOf(o.tenant_ref) &&
          (!scoped || uuidOf(x.cloud_ref) === uuidOf(o.cloud_ref)),
      );
    if (dup)
      throw new BadRequest(
        `${HUMAN[type] ?? definitionOf(type) ?? type} with this Name, Tenant ref${scoped ? " and Cloud ref" : ""} already exists.`,
        409,
      );
  }

  private render(o: AviObject, names: boolean, fields?: string[]): unknown {
    let out: Record<string, unknown> = Object.fromEntries(Object.entries(redactSensitive(o)).filter(([k]) => !k.startsWith("__")));
    // VsVip.vs_refs is computed: the virtual services that use the VIP (recorded on 20.1.x).
    if (String(o.url).includes("/api/vsvip/")) {
      const users = this.store.list("virtualservice").filter((vs) => uuidOf(vs.vsvip_ref) === o.uuid);
      if (users.length) out.vs_refs = users.map((vs) => `${this.base}/api/virtualservice/${vs.uuid}`);
    }
    if (fields) out = Object.fromEntries(Object.entries(out).filter(([k]) => fields.includes(k) || ["name", "url", "uuid"].includes(k)));
    if (!names) return out;
    // Write answers and include_name carry the object's own url as `<url>#<name>` too (recorded).
    const named = withNames(out, this.store) as Record<string, unknown>;
    return typeof named.url === "string" && named.name !== undefined && !named.url.includes("#")
      ? { ...named, url: `${named.url}#${String(named.name)}` }
      : named;
  }
}

const RESERVED = new Set([
  "name",
  "page",
  "page_size",
  "fields",
  "include_name",
  "sort",
  "skip_default",
  "join_subresources",
  "refers_to",
  "referred_by",
  "cloud_uuid",
  "exclude",
  "search",
  "isearch",
]);

function notFound(): Reply {
  return { status: 404, body: { error: "Object not found!" } };
}

/**
 * List PATCH add: an entry with the same key (name, prefix or ip) replaces the old one. Entries with
 * a `route_id` are appended instead and then refused by checkUniqueIds when the id is taken: AKO
 * 1.10.4 met exactly that 400 when it PATCH-added routes whose ids were already in the VRF.
 */
function mergeEntries(existing: unknown[], added: unknown[]): unknown[] {
  const out = [...existing];
  for (const a of added) {
    const i = isObj(a) && a.route_id !== undefined ? -1 : out.findIndex((e) => sameEntry(e, a));
    if (i >= 0) out[i] = a;
    else out.push(a);
  }
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Static route ids are unique within a VRF; the controller's text, as AKO's changelog quotes it:
 * "Field check for static_routes failed: Unique constraints route_id has duplicated value".
 */
function checkUniqueIds(o: Obj): void {
  for (const [field, list] of Object.entries(o)) {
    if (!Array.isArray(list)) continue;
    const ids = list
      .filter(isObj)
      .map((e) => e.route_id)
      .filter((id) => id !== undefined)
      .map(String);
    if (new Set(ids).size !== ids.length)
      throw new BadRequest(`Field check for ${field} failed: Unique constraints route_id has duplicated value`);
  }
}

function sameEntry(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || typeof b !== "object" || !a || !b) return a === b;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const key of ["route_id", "name", "prefix", "ip"])
    if (x[key] !== undefined && y[key] !== undefined) return JSON.stringify(x[key]) === JSON.stringify(y[key]);
  return JSON.stringify(a) === JSON.stringify(b);
}
