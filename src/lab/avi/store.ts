import type { AviObject } from "../../clients/avi/types.js";
import type { LabStore } from "../types.js";
import { lastModified } from "./seed.js";

/** Types whose names are unique per cloud (not only per tenant). */
export const CLOUD_SCOPED = new Set([
  "network",
  "vrfcontext",
  "serviceenginegroup",
  "vsvip",
  "virtualservice",
  "pool",
  "poolgroup",
  "serviceengine",
  "vimgrnwruntime",
]);

type Listener = (type: string, obj: AviObject | undefined, uuid: string) => void;

/** In-memory objects of one lab controller, by type then uuid (insertion order kept for listings). */
export class MemoryStore implements LabStore {
  private byType = new Map<string, Map<string, AviObject>>();
  private listeners = new Set<Listener>();

  list(type: string): AviObject[] {
    return [...(this.byType.get(type)?.values() ?? [])];
  }

  get(type: string, uuid: string): AviObject | undefined {
    return this.byType.get(type)?.get(uuid);
  }

  findByName(type: string, name: string, cloudUuid?: string): AviObject | undefined {
    for (const o of this.byType.get(type)?.values() ?? []) {
      if (o.name !== name) continue;
      if (cloudUuid && typeof o.cloud_ref === "string" && !o.cloud_ref.endsWith(`/${cloudUuid}`)) continue;
      return o;
    }
    return undefined;
  }

  /**
   * Every stored change moves the object's `_last_modified`, whoever makes it (API or lab emulation):
   * a put that brings no token of its own, or the stored one, gets a fresh one (replicas keep theirs).
   */
  put(type: string, obj: AviObject): AviObject {
    // The admin tenant carries no token (recorded).
    const untracked = type === "tenant" && obj.uuid === "admin";
    if (!untracked && (obj._last_modified === undefined || obj._last_modified === this.get(type, obj.uuid!)?._last_modified))
      obj._last_modified = lastModified();
    let m = this.byType.get(type);
    if (!m) this.byType.set(type, (m = new Map()));
    m.set(obj.uuid!, obj);
    this.emit(type, obj, obj.uuid!);
    return obj;
  }

  remove(type: string, uuid: string): void {
    if (this.byType.get(type)?.delete(uuid)) this.emit(type, undefined, uuid);
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every object that holds a ref to the given uuid, as [type, object]. */
  referrers(uuid: string): [string, AviObject][] {
    const out: [string, AviObject][] = [];
    for (const [type, m] of this.byType) for (const o of m.values()) if (o.uuid !== uuid && refersTo(o, uuid)) out.push([type, o]);
    return out;
  }

  private emit(type: string, obj: AviObject | undefined, uuid: string): void {
    for (const l of this.listeners) l(type, obj, uuid);
  }
}

function refersTo(value: unknown, uuid: string): boolean {
  if (typeof value === "string") return value.endsWith(`/${uuid}`) && value.includes("/api/");
  if (Array.isArray(value)) return value.some((v) => refersTo(v, uuid));
  if (value && typeof value === "object") return Object.entries(value).some(([k, v]) => k !== "url" && refersTo(v, uuid));
  return false;
}
