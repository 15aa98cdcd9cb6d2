import { UsageError } from "../../base/errors.js";

/** Newest API version whose schema avictl knows; X-Avi-Version never goes above it. */
export const MAX_KNOWN_VERSION = "30.2.1";

/** Compare dotted versions numerically ("20.1.10" > "20.1.9"); accepts "20_1_5" too. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[._-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** An API version to send as X-Avi-Version: dotted digits, no newer than the newest schema avictl knows. */
export function checkApiVersion(value: string, what: string): void {
  if (!/^\d{2}\.\d{1,2}\.\d{1,2}$/.test(value)) throw new UsageError(`${what} "${value}" is not an Avi API version like 22.1.3`);
  if (compareVersions(value, MAX_KNOWN_VERSION) > 0)
    throw new UsageError(`${what} ${value} is newer than any Avi version avictl knows (${MAX_KNOWN_VERSION})`);
}
