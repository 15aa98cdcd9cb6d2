import { OperationError } from "../../base/errors.js";
import { AviApiError } from "./errors.js";
import { AviSession, type SessionOptions } from "./session.js";
import { compareVersions } from "./version.js";
import type { AviClient, AviObject, PatchOp, Query } from "./types.js";

interface Collection<T> {
  count?: number;
  results?: T[];
  next?: string;
}

const PAGE_SIZE = 100;

/** AviClient over one AviSession: collections, name lookups, refs and the write verbs. */
export class RestAviClient implements AviClient {
  private refCache = new Map<string, string>();
  private nameCache = new Map<string, Promise<AviObject | undefined>>();

  constructor(private readonly session: AviSession) {}

  static async connect(opts: SessionOptions): Promise<RestAviClient> {
    const session = new AviSession(opts);
    await session.login();
    return new RestAviClient(session);
  }

  get controller(): string {
    return this.session.baseUrl;
  }
  get controllerVersion(): string {
    return this.session.controllerVersion;
  }
  get apiVersion(): string {
    return this.session.apiVersion;
  }
  get tenant(): string {
    return this.session.tenant;
  }
  get writes(): number {
    return this.session.writes;
  }

  get<T = unknown>(path: string, query?: Query): Promise<T> {
    return this.session.api<T>("GET", path, { query });
  }

  getDeferred<T = unknown>(path: string, query?: Query): Promise<() => Promise<T>> {
    return this.session.apiDeferred<T>(path, query);
  }

  async list<T extends AviObject = AviObject>(type: string, query: Query = {}): Promise<T[]> {
    const out: T[] = [];
    let path: string = type;
    let q: Query | undefined = { page_size: PAGE_SIZE, ...query };
    // Bounded: a controller answering with a `next` loop must not hang a run.
    for (let page = 0; page < 10_000; page++) {
      const body: Collection<T> = await this.session.api<Collection<T>>("GET", path, { query: q });
      out.push(...(body.results ?? []));
      if (!body.next) return out;
      // `next` is an absolute URL built from the controller's own address; keep only path and query.
      const next: URL = new URL(body.next, this.controller);
      path = next.pathname.replace(/^\/api\//, "");
      q = Object.fromEntries(next.searchParams);
    }
    throw new OperationError(`listing ${type} did not end after 10000 pages`);
  }

  /**
   * Name lookups are remembered for the run until avictl writes that type, so a workflow that looks
   * up an object and then ensures it costs one round trip, not two.
   */
  getByName<T extends AviObject = AviObject>(type: string, name: string, scope?: { cloudUuid?: string }): Promise<T | undefined> {
    const key = `${type}\u0000${name}\u0000${scope?.cloudUuid ?? ""}`;
    const cached = this.nameCache.get(key);
    if (cached) return cached as Promise<T | undefined>;
    const query: Query = { name, include_name: true };
    if (scope?.cloudUuid) query["cloud_ref.uuid"] = scope.cloudUuid;
    const p = this.session.api<Collection<T>>("GET", type, { query }).then((body) => body.results?.[0]);
    this.nameCache.set(key, p);
    p.catch(() => this.nameCache.delete(key));
    return p;
  }

  /** Forget lookups of a type before and after writing it (a failed write may still have landed). */
  private async writing<T>(type: string, call: () => Promise<T>): Promise<T> {
    const forget = () => {
      for (const k of this.nameCache.keys()) if (k.startsWith(`${type}\u0000`)) this.nameCache.delete(k);
    };
    forget();
    try {
      return await call();
    } finally {
      forget();
    }
  }

  async getByUuid<T extends AviObject = AviObject>(type: string, uuid: string): Promise<T | undefined> {
    try {
      return await this.session.api<T>("GET", `${type}/${encodeURIComponent(uuid)}`, { query: { include_name: true } });
    } catch (err) {
      if (err instanceof AviApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  create<T extends AviObject = AviObject>(type: string, body: Record<string, unknown>): Promise<T> {
    return this.writing(type, () => this.session.api<T>("POST", type, { body }));
  }

  replace<T extends AviObject = AviObject>(type: string, uuid: string, body: Record<string, unknown>): Promise<T> {
    return this.writing(type, () => this.session.api<T>("PUT", `${type}/${encodeURIComponent(uuid)}`, { body }));
  }

  patch<T extends AviObject = AviObject>(type: string, uuid: string, op: PatchOp, fields: Record<string, unknown>): Promise<T> {
    return this.writing(type, () => this.session.api<T>("PATCH", `${type}/${encodeURIComponent(uuid)}`, { body: { [op]: fields } }));
  }

  patchSingleton<T extends AviObject = AviObject>(type: string, op: PatchOp, fields: Record<string, unknown>): Promise<T> {
    return this.writing(type, () => this.session.api<T>("PATCH", type, { body: { [op]: fields } }));
  }

  remove(type: string, uuid: string): Promise<void> {
    return this.writing(type, async () => {
      try {
        await this.session.api("DELETE", `${type}/${encodeURIComponent(uuid)}`);
      } catch (err) {
        // A retried DELETE whose first attempt landed answers 404: the object is gone, which is the goal.
        if (!(err instanceof AviApiError && err.status === 404)) throw err;
      }
    });
  }

  post<T = unknown>(path: string, body: Record<string, unknown>): Promise<T> {
    return this.session.api<T>("POST", path, { body });
  }

  ref(type: string, uuid: string): string {
    return `${this.controller}/api/${type}/${uuid}`;
  }

  async resolveRef(type: string, name: string, scope?: { cloudUuid?: string }): Promise<string> {
    const key = `${type}\u0000${name}\u0000${scope?.cloudUuid ?? ""}`;
    const cached = this.refCache.get(key);
    if (cached) return cached;
    const obj = await this.getByName(type, name, scope);
    if (!obj?.uuid)
      throw new OperationError(
        `${type} "${name}" not found on controller ${new URL(this.controller).host}`,
        `check the name with 'avictl status' or the controller UI`,
      );
    const ref = this.ref(type, obj.uuid);
    this.refCache.set(key, ref);
    return ref;
  }

  atLeast(version: string): boolean {
    return compareVersions(this.apiVersion, version) >= 0;
  }

  logout(): Promise<void> {
    return this.session.logout();
  }
}
