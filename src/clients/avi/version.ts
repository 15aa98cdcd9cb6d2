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
