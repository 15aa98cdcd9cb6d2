import type { AviObject } from "../clients/avi/types.js";

/** Switches for reliability tests; set at start or through POST /lab/faults. */
export interface FaultOptions {
  /** Added delay per request, milliseconds. */
  latencyMs?: number;
  /** Share of requests (0..1) answered with a 5xx. */
  errorRate?: number;
  /** Share of requests (0..1) whose connection is dropped without an answer. */
  resetRate?: number;
  /** Expire every session once, before the API request after this many more API requests. */
  expireSessionsAfter?: number;
  /** Seed for the fault dice, so a run can be replayed. */
  seed?: number;
  /**
   * Answer 412 to the first PUT/PATCH of every object after the faults are set, as if another writer
   * had changed it just before (its `_last_modified` moves, so a retry with the old token fails too).
   */
  staleFirstWrite?: boolean;
}

/** One controller's object store, shared with the lab's DNS service, backends and AKO emulation. */
export interface LabStore {
  list(type: string): AviObject[];
  get(type: string, uuid: string): AviObject | undefined;
  findByName(type: string, name: string, cloudUuid?: string): AviObject | undefined;
  /** Insert or replace an object as the controller itself would (no validation, no write count). */
  put(type: string, obj: AviObject): AviObject;
  remove(type: string, uuid: string): void;
  /** Called after every change: (type, object after change or undefined when deleted). */
  onChange(listener: (type: string, obj: AviObject | undefined, uuid: string) => void): () => void;
}

/** One answered DNS query, kept for GET /api/analytics/logs (fields per the Avi log model). */
export interface DnsLogEntry {
  vsUuid: string;
  /** ISO 8601, up to microseconds. */
  timestamp: string;
  clientIp: string;
  clientPort?: number;
  fqdn: string;
  qtype: string;
  rcode: string;
  answers: string[];
  /** Optional GSLB site/VS names behind the answer. */
  siteNames?: string[];
  /** The GSLB service answered from: its uuid and name, the pool (group) chosen, each answer's member VS name. */
  gslb?: { uuid: string; name: string; pool: string; vsNames: (string | undefined)[] };
}

/** What an app (HTTP) log records about one request served by a virtual service's listener. */
export interface AppLogEntry {
  vsUuid: string;
  /** ISO 8601, up to microseconds. */
  timestamp: string;
  clientIp: string;
  clientPort: number;
  vip: string;
  vipPort: number;
  method: string;
  host: string;
  path: string;
  query?: string;
  httpVersion: string;
  userAgent?: string;
  status: number;
  requestLength: number;
  responseLength: number;
  /** The pool member that answered, absent when no server was available. */
  server?: { ip: string; port: number; name?: string };
  pool?: { uuid: string; name: string };
  totalTimeMs: number;
}

export interface LabControllerHandle {
  name: string;
  /** Base URL, e.g. https://127.0.0.1:39215 */
  url: string;
  /** PEM of the lab CA that signed the controller's certificate. */
  caCert: string;
  /** Bearer token the /lab/ admin endpoints require (kept in the lab's 0600 state, never printed). */
  adminToken: string;
  port: number;
  version: string;
  username: string;
  password: string;
  /** Uuid of the controller's cluster (GET /api/cluster), which GSLB uses to name sites. */
  clusterUuid: string;
  store: LabStore;
  recordDnsLog(entry: DnsLogEntry): void;
  recordAppLog(entry: AppLogEntry): void;
  setFaults(f: FaultOptions): void;
  /** Whether the controller listens (false between suspend and resume). */
  readonly up: boolean;
  /** Stop listening (a powered-off site): connections are refused until resume. */
  suspend(): Promise<void>;
  /** Listen again on the same port. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

/** GSLB across lab controllers: site verification, runtime and member health (see src/lab/gslb.ts). */
export interface LabGslbHooks {
  /** POST /api/gslbsiteops/<op> on this controller. */
  siteops(op: string, body: unknown): { status: number; body?: unknown };
  /** GET /api/gslb/<uuid>/runtime on this controller. */
  gslbRuntime(uuid: string): unknown;
  /** Health of a GSLB service member as this controller's health monitors see it. */
  memberUp(gsUuid: string, member: { ip?: { addr?: string }; cluster_uuid?: string; vs_uuid?: string }): boolean;
}
