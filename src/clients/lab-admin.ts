import { OperationError } from "../base/errors.js";

/** A lab controller as its published state names it. */
export interface LabAdminTarget {
  name: string;
  url: string;
}

/**
 * One request to a lab controller's /lab/* admin endpoints: the only place avictl builds them, so
 * how the lab authenticates and secures them is decided here.
 */
export async function labAdmin<T>(c: LabAdminTarget, method: "GET" | "POST", path: `/lab/${string}`, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, c.url), {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new OperationError(`cannot reach lab controller ${c.name} at ${c.url} (${cause})`, "is the lab running? see 'avictl lab status'");
  }
  const text = await res.text();
  if (!res.ok) throw new OperationError(`lab controller ${c.name} answered ${res.status} to ${method} ${path}: ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
