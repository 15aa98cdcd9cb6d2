import { request } from "node:https";
import { Readable } from "node:stream";

/**
 * fetch() for lab servers: HTTPS verified against the given CA (global fetch cannot take one), the
 * answer as a streaming Response so watches can be read as they arrive. One connection per request:
 * a pooled socket the server closed while idle would fail the next request with ECONNRESET.
 */
export function caFetch(ca: string): (url: string, init?: RequestInit) => Promise<Response> {
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const body =
        init.body === undefined || init.body === null
          ? undefined
          : typeof init.body === "string"
            ? init.body
            : Buffer.from(init.body as Uint8Array);
      if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
      const req = request(url, { method: init.method ?? "GET", headers, ca, agent: false }, (res) => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers))
          for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) out.append(k, x);
        const stream = res.statusCode === 204 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        resolve(new Response(stream, { status: res.statusCode ?? 0, headers: out }));
      });
      req.on("error", reject);
      req.end(body);
    });
}
