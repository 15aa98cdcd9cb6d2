import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { OperationError } from "../base/errors.js";

/** A lab admin endpoint as the lab's published (0600) state names it: a controller's /lab/* or the lab's own. */
export interface LabAdminTarget {
  name: string;
  url: string;
  /** Path of the lab CA certificate an https endpoint is verified against. */
  caCert?: string;
  /** Bearer token the admin endpoints require. */
  adminToken: string;
}

/**
 * One request to a lab admin endpoint: the only place avictl builds them. HTTPS verified against the
 * lab CA, the lab admin token as a bearer token, one connection per request. Answers of any status
 * are returned; a lab that cannot be reached is an OperationError.
 */
export async function labAdminRequest<T>(
  c: LabAdminTarget,
  method: "GET" | "POST",
  path: `/lab/${string}`,
  body?: unknown,
): Promise<{ status: number; body: T; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const url = new URL(path, c.url);
  const https = url.protocol === "https:";
  let res: { status: number; text: string };
  try {
    const ca = https && c.caCert ? readFileSync(c.caCert) : undefined;
    res = await new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(
        url,
        {
          method,
          ...(https ? { ca } : {}),
          agent: false,
          timeout: 10_000,
          headers: {
            Authorization: `Bearer ${c.adminToken}`,
            ...(payload === undefined ? {} : { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(payload)) }),
          },
        },
        (r) => {
          const chunks: Buffer[] = [];
          r.on("data", (d: Buffer) => chunks.push(d));
          r.on("end", () => resolve({ status: r.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
          r.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
      req.on("error", reject);
      req.end(payload);
    });
  } catch (err) {
    const cause = (err as { code?: string }).code ?? (err as Error).message;
    throw new OperationError(`cannot reach lab ${c.name} at ${c.url} (${cause})`, "is the lab running? see 'avictl lab status'");
  }
  let parsed: unknown;
  try {
    parsed = res.text ? JSON.parse(res.text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed as T, text: res.text };
}

/** A lab admin request that must succeed: an error status is an OperationError naming the endpoint. */
export async function labAdmin<T>(c: LabAdminTarget, method: "GET" | "POST", path: `/lab/${string}`, body?: unknown): Promise<T> {
  const res = await labAdminRequest<T>(c, method, path, body);
  if (res.status >= 400) throw new OperationError(`lab ${c.name} answered ${res.status} to ${method} ${path}: ${res.text.slice(0, 200)}`);
  return res.body;
}
