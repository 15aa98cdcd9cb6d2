import { request } from "node:https";

/** What it takes to reach a lab server: its URL, the lab CA (PEM) and the admin bearer token. */
export interface LabEndpoint {
  url: string;
  ca: string;
  token?: string;
}

export interface LabResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTPS request to a lab server with TLS verified against the lab CA. `/lab/` admin endpoints get
 * the lab admin token; other headers are the caller's (nothing is added to Avi API calls).
 */
export function labRequest(e: LabEndpoint, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<LabResponse> {
  const url = new URL(path, e.url);
  const headers: Record<string, string> = { ...init.headers };
  if (e.token && url.pathname.startsWith("/lab/")) headers.Authorization = `Bearer ${e.token}`;
  if (init.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(init.body));
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? "GET", headers, ca: e.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

/** A lab admin call (`/lab/...`) answered with JSON. */
export async function labAdminJson<T>(e: LabEndpoint, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  const res = await labRequest(e, path, { method: init.method, body, headers: body ? { "Content-Type": "application/json" } : {} });
  if (res.status >= 400) throw new Error(`lab admin ${path}: HTTP ${res.status}`);
  return (res.text ? JSON.parse(res.text) : undefined) as T;
}
