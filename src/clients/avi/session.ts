import { readFileSync } from "node:fs";
import { Agent as HttpsAgent } from "node:https";
import { Agent as HttpAgent } from "node:http";
import type { Readable } from "node:stream";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import { OperationError } from "../../base/errors.js";
import { AviApiError, errorDetail } from "./errors.js";
import { compareVersions, MAX_KNOWN_VERSION } from "./version.js";
import type { Query } from "./types.js";

export interface SessionOptions {
  /** Host, host:port or URL; a bare host means https. */
  controller: string;
  username: string;
  password?: string;
  /** Auth token (from /api/user-token), used instead of the password. */
  token?: string;
  tenant?: string;
  /** Override for X-Avi-Version; default min(controller version, newest version avictl knows). */
  apiVersion?: string;
  caCert?: string;
  insecure?: boolean;
  timeoutMs?: number;
  /** Retries for 5xx, resets and timeouts (not for rejected logins). */
  maxRetries?: number;
  retryBaseMs?: number;
  /** Debug trace sink; receives method, path, status and timing, never headers or secrets. */
  trace?: (line: string) => void;
}

interface SendOptions {
  query?: Query;
  body?: unknown;
  auth: boolean;
  retries?: number;
  /** Hand the body over unread (see apiDeferred). */
  stream?: boolean;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
const WRITE_METHODS = new Set<Method>(["POST", "PUT", "PATCH", "DELETE"]);
const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "ERR_BAD_RESPONSE", "ECONNREFUSED", "EAI_AGAIN"]);

/** Login, cookies, CSRF, version and tenant headers, retries. One instance per controller per run. */
export class AviSession {
  readonly baseUrl: string;
  controllerVersion = "";
  apiVersion = "";
  writes = 0;
  private http: AxiosInstance;
  private cookies = new Map<string, string>();
  private loggedIn = false;

  constructor(private readonly opts: SessionOptions) {
    this.baseUrl = normaliseController(opts.controller);
    const https = this.baseUrl.startsWith("https:");
    const agent = https
      ? new HttpsAgent({ keepAlive: true, rejectUnauthorized: !opts.insecure, ca: opts.caCert ? readCa(opts.caCert) : undefined })
      : new HttpAgent({ keepAlive: true });
    this.http = axios.create({
      baseURL: this.baseUrl,
      timeout: opts.timeoutMs ?? 30_000,
      validateStatus: () => true,
      responseType: "text",
      transformResponse: [(d: unknown) => d],
      maxRedirects: 0,
      // Repeated parameters as the controller expects them: filter=a&filter=b, not filter[]=a.
      paramsSerializer: { indexes: null },
      ...(https ? { httpsAgent: agent } : { httpAgent: agent }),
    });
  }

  get tenant(): string {
    return this.opts.tenant ?? "admin";
  }

  /** POST /login once; a rejected login is never retried (controllers lock accounts after 3 failures). */
  async login(): Promise<void> {
    const credentials = this.opts.token
      ? { username: this.opts.username, token: this.opts.token }
      : { username: this.opts.username, password: this.opts.password ?? "" };
    this.cookies.clear();
    const res = await this.send("POST", "/login", { body: credentials, auth: false });
    if (res.status === 401 || res.status === 403) {
      throw new OperationError(
        `controller ${this.host} rejected the login for user ${this.opts.username}: ${errorDetail(parse(res.data))}`,
        "check AVI_USERNAME/AVI_PASSWORD (or the context's credentials); the account locks after repeated failures",
      );
    }
    if (res.status !== 200) throw this.apiError(res, "POST", "/login");
    const body = parse(res.data) as { version?: { Version?: string } } | undefined;
    this.controllerVersion = body?.version?.Version ?? "";
    if (!this.apiVersion) {
      const known =
        this.controllerVersion && compareVersions(this.controllerVersion, MAX_KNOWN_VERSION) < 0
          ? this.controllerVersion
          : MAX_KNOWN_VERSION;
      this.apiVersion = this.opts.apiVersion ?? known;
    }
    this.loggedIn = true;
  }

  async logout(): Promise<void> {
    if (!this.loggedIn) return;
    this.loggedIn = false;
    await this.send("POST", "/logout", { auth: true, retries: 0 }).catch(() => undefined);
  }

  /** An /api call with re-login on 401/419 (once) and backoff on transient failures. */
  async api<T>(method: Method, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
    const res = await this.authed(method, path, opts);
    if (res.status >= 400) throw this.apiError(res, method, path);
    return (res.status === 204 ? undefined : parse(res.data)) as T;
  }

  /**
   * A GET whose body is read only when the returned function is called. Until then the answer
   * waits in the socket, so a caller can ask for the next page while it works on the current one
   * without holding both in memory. A body cut or stalled on the way is asked for again.
   */
  async apiDeferred<T>(path: string, query?: Query, retries = this.opts.maxRetries ?? 6): Promise<() => Promise<T>> {
    const res = await this.authed("GET", path, { query, stream: true });
    const idleMs = this.opts.timeoutMs ?? 30_000;
    if (res.status >= 400) throw this.apiError({ ...res, data: (await readBody(res.data, idleMs)).toString("utf8") }, "GET", path);
    return async () => {
      try {
        return parse((await readBody(res.data, idleMs)).toString("utf8")) as T;
      } catch (err) {
        const code = (err as { code?: string }).code ?? "";
        this.opts.trace?.(`GET ${apiPath(path)} body → ${code || "error"}`);
        if (!TRANSIENT_CODES.has(code) || retries <= 0) throw this.networkError(err);
        return (await this.apiDeferred<T>(path, query, retries - 1))();
      }
    };
  }

  /** Logged in first, and once more when the controller says the session expired (401/419). */
  private authed(method: Method, path: string, o: { query?: Query; body?: unknown; stream: true }): Promise<AxiosResponse<Readable>>;
  private authed(method: Method, path: string, o: { query?: Query; body?: unknown; stream?: false }): Promise<AxiosResponse<string>>;
  private async authed(
    method: Method,
    path: string,
    o: { query?: Query; body?: unknown; stream?: boolean },
  ): Promise<AxiosResponse<string | Readable>> {
    if (!this.loggedIn) await this.login();
    const url = apiPath(path);
    const res = await this.send(method, url, { ...o, auth: true });
    if (res.status !== 401 && res.status !== 419) return res;
    if (typeof res.data !== "string") res.data.destroy();
    this.opts.trace?.(`session rejected (${res.status}); logging in again`);
    await this.login();
    return this.send(method, url, { ...o, auth: true });
  }

  private send(method: Method, path: string, o: SendOptions & { stream: true }): Promise<AxiosResponse<Readable>>;
  private send(method: Method, path: string, o: SendOptions & { stream?: false }): Promise<AxiosResponse<string>>;
  private send(method: Method, path: string, o: SendOptions): Promise<AxiosResponse<string | Readable>>;
  private async send(method: Method, path: string, o: SendOptions): Promise<AxiosResponse<string | Readable>> {
    const retries = o.retries ?? this.opts.maxRetries ?? 6;
    const base = this.opts.retryBaseMs ?? 200;
    for (let attempt = 0; ; attempt++) {
      const started = Date.now();
      try {
        if (WRITE_METHODS.has(method) && path.startsWith("/api/")) this.writes++;
        const res = await this.http.request<string | Readable>({
          method,
          url: path,
          responseType: o.stream ? "stream" : "text",
          params: cleanQuery(o.query),
          data: o.body === undefined ? undefined : JSON.stringify(o.body),
          headers: this.headers(o.auth, o.body !== undefined),
        });
        this.storeCookies(res.headers["set-cookie"]);
        this.opts.trace?.(`${method} ${path} → ${res.status} (${Date.now() - started} ms)`);
        if (res.status >= 500 && attempt < retries) {
          if (o.stream) (res.data as Readable).destroy();
          await sleep(backoff(base, attempt));
          continue;
        }
        return res;
      } catch (err) {
        const code = (err as { code?: string }).code ?? "";
        this.opts.trace?.(`${method} ${path} → ${code || "error"} (${Date.now() - started} ms)`);
        if (retryable(code, attempt, retries)) {
          await sleep(backoff(base, attempt));
          continue;
        }
        throw this.networkError(err);
      }
    }
  }

  private headers(auth: boolean, hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = { Accept: "application/json", Referer: `${this.baseUrl}/` };
    if (hasBody) h["Content-Type"] = "application/json";
    if (auth) {
      if (this.apiVersion) h["X-Avi-Version"] = this.apiVersion;
      h["X-Avi-Tenant"] = this.tenant;
      const csrf = this.cookies.get("csrftoken");
      if (csrf) h["X-CSRFToken"] = csrf;
    }
    if (this.cookies.size > 0) h.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return h;
  }

  private storeCookies(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair] = line.split(";");
      const eq = pair?.indexOf("=") ?? -1;
      if (!pair || eq <= 0) continue;
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  private get host(): string {
    return new URL(this.baseUrl).host;
  }

  private apiError(res: AxiosResponse<string>, method: string, path: string): AviApiError {
    const detail = errorDetail(parse(res.data));
    const hint = res.status === 403 ? "check the tenant (--tenant / AVI_TENANT) and the user's role" : undefined;
    return new AviApiError(res.status, method, path.split("?")[0] ?? path, detail, hint);
  }

  private networkError(err: unknown): OperationError {
    const e = err as { code?: string; message?: string };
    const code = e.code ?? "";
    if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EHOSTUNREACH") {
      return new OperationError(
        `cannot reach controller ${this.host} (${code === "ECONNREFUSED" ? "connection refused" : code})`,
        "check --controller / AVI_CONTROLLER, or start the lab with 'avictl lab up'",
      );
    }
    if (/certificate|self.signed|CERT_|UNABLE_TO_VERIFY/i.test(`${code} ${e.message ?? ""}`)) {
      return new OperationError(
        `TLS verification of controller ${this.host} failed (${code || "certificate"})`,
        "pass --ca-cert FILE with the controller's CA, or --insecure to skip verification",
      );
    }
    if (code === "ECONNABORTED" || code === "ETIMEDOUT") {
      return new OperationError(
        `controller ${this.host} did not answer in time`,
        "raise --timeout or check the network path to the controller",
      );
    }
    return new OperationError(
      `request to controller ${this.host} failed (${code || e.message || "unknown error"})`,
      "retry, or run with --debug for details",
    );
  }
}

export function normaliseController(c: string): string {
  const withScheme = /^https?:\/\//i.test(c) ? c : `https://${c}`;
  return withScheme.replace(/\/+$/, "");
}

function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    throw new OperationError(`cannot read CA certificate ${path}`, "check the --ca-cert path");
  }
}

function parse(data: unknown): unknown {
  if (typeof data !== "string" || data.length === 0) return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** The whole body; a pause longer than idleMs between chunks fails with ETIMEDOUT. */
async function readBody(stream: Readable, idleMs: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stream.destroy(Object.assign(new Error("response body stalled"), { code: "ETIMEDOUT" })), idleMs);
  };
  try {
    arm();
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      arm();
    }
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks);
}

const apiPath = (path: string) => `/api/${path.replace(/^\/+/, "")}`;

function cleanQuery(q: Query | undefined): Record<string, string | string[]> | undefined {
  if (!q) return undefined;
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(q)) if (v !== undefined) out[k] = Array.isArray(v) ? v : String(v);
  return out;
}

/**
 * Resets and 5xx-like failures are retried up to the bound; a refused connection twice (the
 * controller restarting) and a timeout once: a controller that did not answer in the whole timeout
 * rarely answers the next time, and six more waits would keep the operator for minutes.
 */
function retryable(code: string, attempt: number, retries: number): boolean {
  if (!TRANSIENT_CODES.has(code) || attempt >= retries) return false;
  if (code === "ECONNREFUSED") return attempt < 2;
  if (code === "ECONNABORTED" || code === "ETIMEDOUT") return attempt < 1;
  return true;
}

function backoff(base: number, attempt: number): number {
  return Math.min(base * 2 ** attempt, 5_000) * (0.5 + Math.random() / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
