/** Exit codes shared by every command (documented in README and --help). */
export const ExitCode = { ok: 0, failed: 1, usage: 2, verification: 3, cancelled: 130 } as const;

/** Bad flags or input: exit 2, nothing was written. */
export class UsageError extends Error {
  override name = "UsageError";
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** An operation failed (controller refused, cluster unreachable, ...): exit 1. */
export class OperationError extends Error {
  override name = "OperationError";
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A verification ran and did not pass; the report is already printed: exit 3, with an optional one-line verdict on stderr. */
export class VerificationFailed extends Error {
  override name = "VerificationFailed";
  constructor(readonly verdict?: string) {
    super(verdict ?? "verification did not pass");
  }
}

/** The user interrupted (Ctrl-C) or declined a prompt: exit 130. */
export class Cancelled extends Error {
  override name = "Cancelled";
  constructor(
    message = "cancelled",
    /** The external command that was stopped half-way (its work may need undoing), if any. */
    readonly stopped?: string,
  ) {
    super(message);
  }
}
