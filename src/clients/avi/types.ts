/** A controller object as the REST API returns it; typed models in ./models.ts narrow this. */
export interface AviObject {
  uuid?: string;
  url?: string;
  name?: string;
  _last_modified?: string;
  [field: string]: unknown;
}

/** Query parameters; a list repeats the parameter (filter=a&filter=b). */
export type Query = Record<string, string | number | boolean | string[] | undefined>;

/** Classic Avi PATCH operations; they apply to top-level fields only. */
export type PatchOp = "add" | "replace" | "delete";

/** A logged-in session to one controller. Every method may retry internally (see session.ts). */
export interface AviClient {
  /** Base URL, e.g. https://10.10.20.43 */
  readonly controller: string;
  /** Version read from the controller at login, e.g. "30.2.1". */
  readonly controllerVersion: string;
  /** Version sent as X-Avi-Version on every call. */
  readonly apiVersion: string;
  readonly tenant: string;
  /** Number of write requests (POST/PUT/PATCH/DELETE) sent by this client, retries included. */
  readonly writes: number;

  /** GET any path under /api (e.g. "cluster/runtime"); returns the parsed body. */
  get<T = unknown>(path: string, query?: Query): Promise<T>;
  /**
   * GET whose body is read when the returned function is called (errors and retries happen before):
   * lets a pager ask for the next page while it works on this one, without holding both.
   */
  getDeferred<T = unknown>(path: string, query?: Query): Promise<() => Promise<T>>;
  /** GET a collection, following `next` until the last page. */
  list<T extends AviObject = AviObject>(type: string, query?: Query): Promise<T[]>;
  /** GET /api/<type>?name=<name> (scoped to a cloud for cloud-scoped types); undefined when absent. */
  getByName<T extends AviObject = AviObject>(type: string, name: string, scope?: { cloudUuid?: string }): Promise<T | undefined>;
  getByUuid<T extends AviObject = AviObject>(type: string, uuid: string): Promise<T | undefined>;
  create<T extends AviObject = AviObject>(type: string, body: Record<string, unknown>): Promise<T>;
  /** PUT the whole object; body must carry `_last_modified` from the read (412 on a stale value). */
  replace<T extends AviObject = AviObject>(type: string, uuid: string, body: Record<string, unknown>): Promise<T>;
  patch<T extends AviObject = AviObject>(type: string, uuid: string, op: PatchOp, fields: Record<string, unknown>): Promise<T>;
  /** PATCH a singleton such as systemconfiguration (no uuid in the path). */
  patchSingleton<T extends AviObject = AviObject>(type: string, op: PatchOp, fields: Record<string, unknown>): Promise<T>;
  remove(type: string, uuid: string): Promise<void>;
  /** POST to an operation endpoint that is not a collection (e.g. "gslbsiteops/verify"); counts as a write. */
  post<T = unknown>(path: string, body: Record<string, unknown>): Promise<T>;

  /** Full ref URL for an object: https://<ctrl>/api/<type>/<uuid>. */
  ref(type: string, uuid: string): string;
  /** Name → ref, looked up once per run and cached. Throws OperationError when absent. */
  resolveRef(type: string, name: string, scope?: { cloudUuid?: string }): Promise<string>;
  /** True when apiVersion >= the given version ("20.1.3"). */
  atLeast(version: string): boolean;
  logout(): Promise<void>;
}

/** Uuid part of a ref URL (`https://h/api/cloud/cloud-1#Default-Cloud` → `cloud-1`). */
export function uuidOfRef(ref: string): string {
  const noName = ref.split("#")[0] ?? ref;
  const path = noName.split("?")[0] ?? noName;
  return path.replace(/\/+$/, "").split("/").pop() ?? "";
}

/** Name part of a ref URL carrying `#name`, if any. */
export function nameOfRef(ref: string): string | undefined {
  const i = ref.indexOf("#");
  return i >= 0 ? decodeURIComponent(ref.slice(i + 1)) : undefined;
}
