import { performance } from "node:perf_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { randomBytes, randomUUID } from "node:crypto";
import { defaultLabCa, type LabCa } from "../tls.js";
import type { AppLogEntry, DnsLogEntry, FaultOptions, LabControllerHandle, LabGslbHooks } from "../types.js";
import { AviApi, type Reply } from "./api.js";
import { knownTypes } from "./validate.js";
import { LogStore } from "./logs.js";
import { BadRequest, redactSensitive } from "./refs.js";
import type { AviObject } from "../../clients/avi/types.js";
import { seedStore, type Seed } from "./seed.js";
import { parseCookies, Sessions } from "./sessions.js";
import { compareVersions } from "../../clients/avi/version.js";
import { MemoryStore } from "./store.js";

export interface ControllerOptions {
  name?: string;
  port?: number;
  version?: string;
  username?: string;
  password?: string;
  seed?: Seed;
  faults?: FaultOptions;
  sessionIdleSeconds?: number;
  /** GSLB across the lab's controllers; without it site verification finds no other controller. */
  gslb?: LabGslbHooks;
  /** The lab's CA, which signs this controller's certificate; the process's default lab CA when absent. */
  ca?: LabCa;
  /** Bearer token for the /lab/ admin endpoints; a fresh one when absent. */
  adminToken?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  apiVersion?: string;
  body?: unknown;
  /** Epoch milliseconds when the request arrived and when its answer left (injected latency included). */
  start?: number;
  end?: number;
}

/**
 * What a path outside the controller's URL map gets. Not recorded; inferred as Django's production 404
 * page, since such paths never reach the controller's API views (which answer {"error": ...}).
 */
const NOT_ROUTED: Reply = {
  status: 404,
  body: "<h1>Not Found</h1><p>The requested resource was not found on this server.</p>",
  contentType: "text/html",
};

/** Versions without an X-Avi-Version header are served as this old default, as 20.1 controllers do. */
const NO_HEADER_VERSION = "16.4.2";

/** What controllers send on every answer (recorded on 20.1.x): HTTPS only. */
const HSTS = "max-age=31536000; includeSubdomains";

/** Start a simulated Avi controller on 127.0.0.1, over HTTPS with a certificate from the lab's CA. */
export async function startController(
  o: ControllerOptions = {},
): Promise<LabControllerHandle & { requests(): LoggedRequest[]; writes: number }> {
  const version = o.version ?? "30.2.1";
  const username = o.username ?? "admin";
  const password = o.password ?? randomBytes(12).toString("base64url");
  const store = new MemoryStore();
  const sessions = new Sessions(username, password, (o.sessionIdleSeconds ?? 900) * 1000);
  const log: LoggedRequest[] = [];
  const arrived = new WeakMap<IncomingMessage, number>();
  const nowMs = () => performance.timeOrigin + performance.now();
  const clusterUuid = `cluster-${randomUUID()}`;
  let faults: FaultOptions = { ...o.faults };
  let dice = mulberry32(faults.seed ?? 1);
  let writes = 0;
  let base = "";

  const ca = o.ca ?? defaultLabCa();
  const adminToken = o.adminToken ?? randomBytes(24).toString("base64url");
  const server: Server = createServer(ca.issue(`avictl lab controller ${o.name ?? "site1"}`), (req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => (raw += d.toString()));
    req.on("end", () => void serve(req, res, raw));
  });

  async function serve(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    arrived.set(req, nowMs());
    const url = new URL(req.url ?? "/", base);
    const method = req.method ?? "GET";
    if (url.pathname.startsWith("/lab/"))
      return send(
        res,
        req.headers.authorization === `Bearer ${adminToken}`
          ? admin(method, url.pathname, raw)
          : { status: 401, body: { error: "lab admin token required" } },
      );
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.expireSessionsAfter !== undefined && url.pathname.startsWith("/api/") && --faults.expireSessionsAfter < 0) {
      faults.expireSessionsAfter = undefined;
      sessions.expireAll();
    }
    const roll = dice();
    if (roll < (faults.resetRate ?? 0)) {
      log.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 });
      req.socket.destroy();
      return;
    }
    if (roll < (faults.resetRate ?? 0) + (faults.errorRate ?? 0))
      return finish(req, res, url, raw, { status: roll * 1000 < 500 ? 502 : 503, body: { error: "Service Unavailable" } });
    let reply: Reply;
    let headers: Record<string, string | string[]> = {};
    try {
      ({ reply, headers } = route(req, url, method, raw));
    } catch (err) {
      reply =
        err instanceof BadRequest
          ? { status: err.status, body: { error: err.message } }
          : { status: 500, body: { error: (err as Error).message } };
    }
    finish(req, res, url, raw, reply, headers);
  }

  function route(
    req: IncomingMessage,
    url: URL,
    method: string,
    raw: string,
  ): { reply: Reply; headers: Record<string, string | string[]> } {
    const path = url.pathname.replace(/\/+$/, "");
    if (path === "/login" && method === "POST") return login(req, raw);
    if (path === "/api/initial-data")
      return { reply: { status: 200, body: { version: versionBody(version), user_initialized: true } }, headers: {} };
    const cookies = parseCookies(req.headers.cookie);
    const session = sessions.touch(cookies.sessionid ?? cookies["avi-sessionid"]);
    if (!session) return { reply: { status: 401, body: { detail: "Authentication credentials were not provided." } }, headers: {} };
    const sliding = { "Set-Cookie": sessionCookies(session.id) };
    if (method !== "GET") {
      // Django's CSRF check on a secure request: the Referer first, then the token. The controller
      // answers its failures with 401 and Django's reason as the body (recorded for the token).
      const refused =
        refererProblem(req.headers.referer, String(req.headers.host ?? "")) ??
        (req.headers["x-csrftoken"] !== session.csrf ? "CSRF token missing or incorrect." : undefined);
      if (refused) return { reply: { status: 401, body: refused }, headers: sliding };
    }
    if (path === "/logout") {
      sessions.logout(session.id);
      return { reply: { status: 200, body: "" }, headers: {} };
    }
    const reqVersion = String(req.headers["x-avi-version"] ?? NO_HEADER_VERSION);
    // A controller serves API versions up to its own. The SDKs single out an "Invalid version" answer
    // that is neither a 5xx nor a 404 (alb-sdk avi_api.py get_object_by_name), so: 400 with that text.
    if (compareVersions(reqVersion, version) > 0)
      return {
        reply: { status: 400, body: { error: `Invalid version ${reqVersion}: the controller supports API versions up to ${version}` } },
        headers: sliding,
      };
    const byUuid = req.headers["x-avi-tenant-uuid"];
    const tenant = byUuid !== undefined ? String(byUuid) : String(req.headers["x-avi-tenant"] ?? "admin");
    const scope = tenant === "*" ? "*" : (byUuid !== undefined ? store.get("tenant", tenant) : store.findByName("tenant", tenant))?.uuid;
    if (!scope) return { reply: { status: 403, body: { error: `Tenant '${tenant}' does not exist!` } }, headers: {} };
    let body = raw ? parseJson(raw) : undefined;
    // Slug: <uuid> on a POST forces the new object's uuid (the Python SDK's force_uuid, recorded).
    if (method === "POST" && typeof req.headers.slug === "string" && body && typeof body === "object")
      body = { ...body, uuid: req.headers.slug };
    return {
      reply: api.inTenant(scope, () =>
        apiRoute(method, path.slice("/api/".length).split("/"), url.searchParams, body, reqVersion, req.headers["if-match"]),
      ),
      headers: sliding,
    };
  }

  function apiRoute(method: string, seg: string[], q: URLSearchParams, body: unknown, v: string, ifMatch?: string): Reply {
    const [type = "", uuid, sub] = seg;
    if (type === "cluster") {
      if (uuid === "runtime" || uuid === "status")
        return {
          status: 200,
          body: {
            cluster_state: { state: "CLUSTER_UP_NO_HA", progress: 100 },
            node_states: [{ name: "127.0.0.1", role: "CLUSTER_LEADER", state: "CLUSTER_ACTIVE" }],
          },
        };
      return api.singleton(method, "cluster", body, v);
    }
    if (type === "analytics" && uuid === "logs" && method === "GET") return logs.query(q, base);
    if (type === "user-token" && method === "POST") {
      const token = randomBytes(20).toString("hex");
      sessions.tokens.add(token);
      return {
        status: 201,
        body: { uuid: `usertoken-${randomUUID()}`, token, expires_at: new Date(Date.now() + 86_400_000).toISOString() },
      };
    }
    if (type === "ipamdnsproviderprofiledomainlist") return domainList(q.get("cloud_uuid") ?? "");
    if (type === "cloud-inventory")
      return {
        status: 200,
        body: {
          count: 1,
          results: store
            .list("cloud")
            .map((c) => ({ config: { name: c.name, uuid: c.uuid }, status: { state: "CLOUD_STATE_PLACEMENT_READY" } })),
        },
      };
    if (type.endsWith("-inventory") && !uuid && method === "GET") return api.inventory(type.slice(0, -"-inventory".length));
    if (api.isSingleton(type)) return api.singleton(method, type, body, v, ifMatch);
    if (type === "cloud" && uuid && sub === "status")
      return store.get("cloud", uuid)
        ? { status: 200, body: { state: "CLOUD_STATE_PLACEMENT_READY", reason: "" } }
        : { status: 404, body: { error: "Object not found!" } };
    if (type === "gslbsiteops" && uuid && method === "POST")
      return o.gslb?.siteops(uuid, body) ?? { status: 400, body: { error: "Failed to connect to the site: no route to host" } };
    if (uuid && sub === "runtime" && method === "GET") return api.runtime(type, uuid);
    // A type the controller does not have (misspelt, or outside the object schemas) or a sub-resource
    // it does not serve is not routed at all.
    if (!knownTypes().includes(type) || seg.length > 2) return NOT_ROUTED;
    if (!uuid) {
      if (method === "GET") return api.list(type, q, v);
      if (method === "POST") return api.create(type, body, v);
      return { status: 405, body: { error: `Method '${method}' not allowed` } };
    }
    if (method === "GET") return api.get(type, uuid, q);
    if (method === "PUT") return api.replace(type, uuid, body, v, ifMatch);
    if (method === "PATCH") return api.patch(type, uuid, body, v, ifMatch);
    if (method === "DELETE") return api.remove(type, uuid);
    return { status: 405, body: { error: `Method '${method}' not allowed` } };
  }

  function login(req: IncomingMessage, raw: string): { reply: Reply; headers: Record<string, string | string[]> } {
    const isForm = String(req.headers["content-type"] ?? "").includes("form");
    const creds = (isForm ? Object.fromEntries(new URLSearchParams(raw)) : (parseJson(raw) ?? {})) as {
      username?: string;
      password?: string;
      token?: string;
    };
    const s = sessions.login(String(creds.username ?? ""), creds.password, creds.token);
    if (typeof s === "string") return { reply: { status: 401, body: { error: s } }, headers: {} };
    const user = {
      username: s.username,
      name: s.username,
      is_superuser: true,
      uuid: "user-1",
      default_tenant_ref: `${base}/api/tenant/admin`,
      local: true,
    };
    return {
      reply: {
        status: 200,
        body: {
          user_initialized: true,
          version: versionBody(version),
          user,
          tenants: [{ url: `${base}/api/tenant/admin`, uuid: "admin", name: "admin", local: true }],
          controller: { api_idle_timeout: 15 },
          session_cookie_name: "avi-sessionid",
        },
      },
      headers: {
        "Set-Cookie": [`csrftoken=${s.csrf}; expires=${expires(31_449_600)}; Max-Age=31449600; Path=/; Secure`, ...sessionCookies(s.id)],
      },
    };
  }

  function finish(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    raw: string,
    reply: Reply,
    headers: Record<string, string | string[]> = {},
  ): void {
    const method = req.method ?? "GET";
    const apiVersion = req.headers["x-avi-version"] as string | undefined;
    let body: unknown = raw ? (parseJson(raw) ?? raw) : undefined;
    if (url.pathname === "/login" && body && typeof body === "object")
      body = { ...(body as object), password: "<redacted>", token: undefined };
    // GSLB site bodies carry site passwords; the request log never keeps them.
    else if (body && typeof body === "object" && /^\/api\/gslb/.test(url.pathname)) body = redactSensitive(body as AviObject, "<redacted>");
    log.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: reply.status,
      apiVersion,
      body,
      start: arrived.get(req),
      end: nowMs(),
    });
    if (method !== "GET" && url.pathname.startsWith("/api/")) writes++;
    const self = (reply.body as { url?: unknown } | undefined)?.url;
    const created: Record<string, string> = reply.status === 201 && typeof self === "string" ? { Location: self } : {};
    send(res, reply, { AVI_API_VERSION: apiVersion ?? NO_HEADER_VERSION.replace(/\./g, "_"), ...created, ...headers });
  }

  function admin(method: string, path: string, raw: string): Reply {
    if (path === "/lab/requests") {
      if (method === "DELETE") log.length = 0;
      return { status: 200, body: method === "DELETE" ? [] : log };
    }
    if (path === "/lab/stats")
      return {
        status: 200,
        body: {
          requests: log.length,
          writes,
          objects: Object.fromEntries(
            ["virtualservice", "vsvip", "serviceenginegroup", "vrfcontext", "network", "ipamdnsproviderprofile"].map((t) => [
              t,
              store.list(t).length,
            ]),
          ),
        },
      };
    if (path === "/lab/faults" && method === "GET") return { status: 200, body: faults };
    if (path === "/lab/faults" && method === "POST") {
      labHandle.setFaults((parseJson(raw) ?? {}) as FaultOptions);
      return { status: 200, body: faults };
    }
    if (path === "/lab/expire-sessions" && method === "POST") {
      sessions.expireAll();
      return { status: 200, body: {} };
    }
    if (path === "/lab/logs" && method === "POST") return logs.inject((parseJson(raw) ?? {}) as Parameters<LogStore["inject"]>[0]);
    if (path === "/lab/logs/indexing" && method === "POST")
      return { status: 200, body: logs.setIndexing((parseJson(raw) ?? {}) as object) };
    if (path === "/lab/sessions") return { status: 200, body: sessions.all().map((s) => ({ sessionid: s.id, csrftoken: s.csrf })) };
    return { status: 404, body: { error: "unknown lab endpoint" } };
  }

  function domainList(cloudUuid: string): Reply {
    const cloud = store.get("cloud", cloudUuid);
    const dns = cloud?.dns_provider_ref ? store.get("ipamdnsproviderprofile", String(cloud.dns_provider_ref).split("/").pop()!) : undefined;
    const domains = (
      (dns?.internal_profile as { dns_service_domain?: { domain_name: string }[] } | undefined)?.dns_service_domain ?? []
    ).map((d) => d.domain_name);
    return { status: 200, body: { domains } };
  }

  await new Promise<void>((r) => server.listen(o.port ?? 0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  base = `https://127.0.0.1:${port}`;
  const api = new AviApi(store, base, { clusterUuid, gslb: o.gslb }, () => faults);
  const logs = new LogStore(store);
  seedStore(store, base, o.seed ?? "site1", clusterUuid);

  const labHandle = {
    name: o.name ?? "site1",
    url: base,
    port,
    version,
    username,
    password,
    clusterUuid,
    caCert: ca.certPem,
    adminToken,
    store,
    recordDnsLog: (e: DnsLogEntry) => logs.recordDns(e),
    recordAppLog: (e: AppLogEntry) => logs.recordApp(e),
    setFaults(f: FaultOptions) {
      faults = { ...f };
      dice = mulberry32(f.seed ?? 1);
    },
    requests: () => log,
    get writes() {
      return writes;
    },
    get up() {
      return server.listening;
    },
    suspend: () => stopListening(),
    resume: async () => {
      if (!server.listening) await new Promise<void>((r, reject) => server.once("error", reject).listen(port, "127.0.0.1", () => r()));
    },
    close: () => stopListening(),
  };
  function stopListening(): Promise<void> {
    if (!server.listening) return Promise.resolve();
    return new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  }
  return labHandle;
}

function versionBody(version: string) {
  return {
    Version: version,
    build: 9001,
    Tag: `${version}-9001-lab`,
    ProductName: "Avi Cloud Controller (avictl lab simulation)",
    Product: "controller",
    min_version: 15.2,
  };
}

/** Every answer is labelled application/json without a charset, plain-text error bodies included (as recorded). */
function send(res: ServerResponse, reply: Reply, headers: Record<string, string | string[]> = {}): void {
  const text = reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, { "Content-Type": reply.contentType ?? "application/json", "Strict-Transport-Security": HSTS, ...headers });
  res.end(text);
}

/** The session cookies as a 20.1 controller sets them (and re-sends them on every answer). */
function sessionCookies(id: string): string[] {
  return ["avi-sessionid", "sessionid"].map((n) => `${n}=${id}; expires=${expires(86_400)}; HttpOnly; Max-Age=86400; Path=/; Secure`);
}

function expires(seconds: number): string {
  // Django's cookie date form: "Wed, 22-Jul-2020 07:51:31 GMT".
  return new Date(Date.now() + seconds * 1000).toUTCString().replace(/(\d{2}) (\w{3}) (\d{4})/, "$1-$2-$3");
}

/** Django's Referer check for unsafe methods over HTTPS (its reason texts); undefined when it passes. */
function refererProblem(referer: string | undefined, host: string): string | undefined {
  if (!referer) return "Referer checking failed - no Referer.";
  let u: URL;
  try {
    u = new URL(referer);
  } catch {
    return "Referer checking failed - Referer is malformed.";
  }
  if (u.protocol !== "https:") return "Referer checking failed - Referer is insecure while host is secure.";
  if (u.host !== host) return `Referer checking failed - ${referer} does not match any trusted origins.`;
  return undefined;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Small seeded PRNG so fault runs can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
