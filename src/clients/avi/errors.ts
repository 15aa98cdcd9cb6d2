import { OperationError } from "../../base/errors.js";

/** The controller answered with an error status; message is the controller's own text. */
export class AviApiError extends OperationError {
  override name = "AviApiError";
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly detail: string,
    hint?: string,
  ) {
    super(`controller refused ${method} ${path} (${status}): ${detail}`, hint);
  }
}

export function isConflict(err: unknown): boolean {
  return err instanceof AviApiError && err.status === 409;
}

export function isPreconditionFailed(err: unknown): boolean {
  return err instanceof AviApiError && err.status === 412;
}

/** Extract the controller's message from an error body: {"error": "..."} JSON or plain text. */
export function errorDetail(body: unknown): string {
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    const msg = b.error ?? b.detail ?? b.message;
    if (typeof msg === "string") return msg;
    return JSON.stringify(body).slice(0, 300);
  }
  const text = String(body ?? "").trim();
  return text.length > 0 ? text.split("\n")[0]!.slice(0, 300) : "no details";
}
