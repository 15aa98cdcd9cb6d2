import { readFileSync } from "node:fs";
import { request } from "node:https";
import { OperationError } from "../base/errors.js";

/** A lab controller as its published (0600) state names it. */
export interface LabAdminTarget {
  name: string;
  url: string;
  /** Path of the lab CA certificate the controller's certificate is verified against. */
  caCert: string;
  /** Bearer token the /lab/ admin endpoints require. */
  adminToken: string;
}

/**
 * One request to a lab controller's /lab/* admin endpoints: the only place avictl builds them. HTTPS
 * verified against the lab CA, the lab admin token as a bearer token; one connection per request.
 */
export async function labAdmin<T>(c: LabAdminTarget, method: "GET" | "POST", path: `/lab/${string}`, body?: unknown): Promise<T> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  let res: { status: number; text: string };
  try {
    const ca = readFileSync(c.caCert);
    res = await new Promise((resolve, reject) => {
      const req = request(
        new URL(path, c.url),
        {
          method,
          ca,
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
    throw new OperationError(`cannot reach lab controller ${c.name} at ${c.url} (${cause})`, "is the lab running? see 'avictl lab status'");
  }
  if (res.status >= 400)
    throw new OperationError(`lab controller ${c.name} answered ${res.status} to ${method} ${path}: ${res.text.slice(0, 200)}`);
  return (res.text ? JSON.parse(res.text) : undefined) as T;
}
