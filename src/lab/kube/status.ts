/** Reasons the lab's API server answers with, as the Kubernetes API names them. */
export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "MethodNotAllowed"
  | "UnsupportedMediaType"
  | "Expired"
  | "ServiceUnavailable"
  | "InternalError";

/** Which object an error is about: resource (plural), API group and name. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
}

/** A failed request; the server answers with its Status object and HTTP code. */
export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  /** The `kind: Status` body clients decode (kubectl and helm print its message). */
  status(): Record<string, unknown> {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** The resource as messages name it: `configmaps`, `statefulsets.apps`. */
const qualified = (r: { group: string; plural: string }) => (r.group ? `${r.plural}.${r.group}` : r.plural);
const details = (r: { group: string; plural: string }, name: string): StatusDetails => ({
  name,
  ...(r.group ? { group: r.group } : {}),
  kind: r.plural,
});

export const notFound = (r: { group: string; plural: string }, name: string) =>
  new KubeError(404, "NotFound", `${qualified(r)} "${name}" not found`, details(r, name));
export const alreadyExists = (r: { group: string; plural: string }, name: string) =>
  new KubeError(409, "AlreadyExists", `${qualified(r)} "${name}" already exists`, details(r, name));
export const conflict = (r: { group: string; plural: string }, name: string) =>
  new KubeError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(r, name),
  );
export const invalid = (r: { kind: string; group: string; plural: string }, name: string, cause: string) =>
  new KubeError(422, "Invalid", `${r.kind}${r.group ? `.${r.group}` : ""} "${name}" is invalid: ${cause}`, details(r, name));
export const badRequest = (message: string) => new KubeError(400, "BadRequest", message);
export const unauthorized = () => new KubeError(401, "Unauthorized", "Unauthorized");
export const noRoute = () => new KubeError(404, "NotFound", "the server could not find the requested resource");
