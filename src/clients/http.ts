import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { performance } from "node:perf_hooks";

export interface ProbeRequest {
  scheme: "http" | "https";
  /** Address to connect to (the DNS answer). */
  address: string;
  port: number;
  path: string;
  /** Host header and TLS server name: the FQDN, as a browser would send it. */
  host: string;
  timeoutMs: number;
  insecure?: boolean;
  ca?: string | Buffer;
}

export interface ProbeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  ms: number;
}

const MAX_BODY = 256 * 1024;

/** One GET to a specific address with the FQDN as Host — what curl does after the DNS answer, without a second lookup. */
export function probe(r: ProbeRequest): Promise<ProbeResponse> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const opts = {
      host: r.address,
      port: r.port,
      path: r.path,
      method: "GET",
      headers: {
        Host: r.port === (r.scheme === "https" ? 443 : 80) ? r.host : `${r.host}:${r.port}`,
        "User-Agent": "avictl-check-dns",
        Connection: "close",
      },
      timeout: r.timeoutMs,
      agent: false as const,
      ...(r.scheme === "https" ? { servername: r.host, rejectUnauthorized: !r.insecure, ca: r.ca } : {}),
    };
    const req = (r.scheme === "https" ? httpsRequest : httpRequest)(opts, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        if (body.length < MAX_BODY) body += d;
      });
      res.on("end", () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
        resolve({ status: res.statusCode ?? 0, headers, body, ms: performance.now() - start });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${r.timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** POST a JSON body (a webhook); resolves with the HTTP status. Errors never carry the URL. */
export async function postJson(url: string, body: unknown, timeoutMs = 10_000): Promise<number> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
    });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    throw new Error(e.name === "TimeoutError" ? "no answer in time" : (e.cause?.code ?? e.name ?? "request failed"));
  }
}
