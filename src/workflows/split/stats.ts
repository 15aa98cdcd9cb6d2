import { chiSquaredDistributionTable, probit } from "simple-statistics";

/** Significance of the goodness-of-fit test: a correct split fails it about once in a hundred runs. */
export const ALPHA = 0.01;
/** Below this expected count per label the chi-square approximation is not trusted. */
export const MIN_EXPECTED = 5;

export interface ExpectationRow {
  label: string;
  weight: number;
  expectedShare: number;
  observedShare: number;
  expected: number;
  observed: number;
}

export interface ExpectationResult {
  test: string;
  alpha: number;
  degreesOfFreedom: number;
  statistic: number;
  critical: number;
  verdict: "pass" | "fail" | "inconclusive";
  reason: string;
  rows: ExpectationRow[];
  /** Answers for labels not in the expectation. */
  unexpected: Record<string, number>;
}

/** Upper critical value of the chi-square distribution at ALPHA: the table, else Wilson–Hilferty. */
export function chiSquareCritical(df: number): number {
  const row = (chiSquaredDistributionTable as unknown as Record<number, Record<string, number>>)[df];
  if (row?.[String(ALPHA)] !== undefined) return row[String(ALPHA)]!;
  const z = probit(1 - ALPHA);
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

/**
 * Pearson's chi-square goodness-of-fit of observed answer counts against expected weights
 * (normalised). Answers outside the expectation fail it outright.
 */
export function compareShares(observed: Record<string, number>, weights: Record<string, number>): ExpectationResult {
  const labels = Object.keys(weights);
  const total = Object.values(observed).reduce((a, b) => a + b, 0);
  const weightSum = labels.reduce((a, l) => a + weights[l]!, 0);
  const rows: ExpectationRow[] = labels.map((label) => {
    const expectedShare = weights[label]! / weightSum;
    const obs = observed[label] ?? 0;
    return { label, weight: weights[label]!, expectedShare, observedShare: total ? obs / total : 0, expected: expectedShare * total, observed: obs };
  });
  const unexpected = Object.fromEntries(Object.entries(observed).filter(([k, n]) => !(k in weights) && n > 0));
  const df = Math.max(1, labels.length - 1);
  const statistic = rows.reduce((s, r) => s + (r.expected > 0 ? (r.observed - r.expected) ** 2 / r.expected : 0), 0);
  const critical = chiSquareCritical(df);
  const base = { test: "Pearson chi-square goodness of fit", alpha: ALPHA, degreesOfFreedom: df, statistic: round(statistic), critical: round(critical), rows, unexpected };
  const strays = Object.keys(unexpected);
  if (strays.length) return { ...base, verdict: "fail", reason: `answers outside the expected labels: ${strays.map((k) => `${k} (${unexpected[k]})`).join(", ")}` };
  const least = Math.min(...rows.map((r) => r.expected));
  if (total === 0 || least < MIN_EXPECTED) {
    const need = Math.ceil(MIN_EXPECTED / Math.min(...rows.map((r) => r.expectedShare)));
    return { ...base, verdict: "inconclusive", reason: `too few answers (${total}) for the test: at least ${need} are needed so every label expects ${MIN_EXPECTED}` };
  }
  return statistic <= critical
    ? { ...base, verdict: "pass", reason: `χ²=${round(statistic)} ≤ ${round(critical)} (df=${df}, α=${ALPHA})` }
    : { ...base, verdict: "fail", reason: `χ²=${round(statistic)} > ${round(critical)} (df=${df}, α=${ALPHA}): the split differs from the expected one` };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
