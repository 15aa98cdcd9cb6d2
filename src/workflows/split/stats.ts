import { chiSquaredDistributionTable, gammaln, probit } from "simple-statistics";

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
  /** Probability of a statistic at least this large if the split holds. */
  pValue: number;
  /** The label whose observed share is furthest from its expected share, in percentage points. */
  largestDeviation?: { label: string; points: number };
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
    return {
      label,
      weight: weights[label]!,
      expectedShare,
      observedShare: total ? obs / total : 0,
      expected: expectedShare * total,
      observed: obs,
    };
  });
  const unexpected = Object.fromEntries(Object.entries(observed).filter(([k, n]) => !(k in weights) && n > 0));
  const df = Math.max(1, labels.length - 1);
  const statistic = rows.reduce((s, r) => s + (r.expected > 0 ? (r.observed - r.expected) ** 2 / r.expected : 0), 0);
  const critical = chiSquareCritical(df);
  const worst = [...rows].sort((a, b) => Math.abs(b.observedShare - b.expectedShare) - Math.abs(a.observedShare - a.expectedShare))[0];
  const largestDeviation =
    worst && total ? { label: worst.label, points: round((worst.observedShare - worst.expectedShare) * 100) } : undefined;
  const pValue = Number(chiSquarePValue(statistic, df).toPrecision(4));
  const base = {
    test: "Pearson chi-square goodness of fit",
    alpha: ALPHA,
    degreesOfFreedom: df,
    statistic: round(statistic),
    critical: round(critical),
    pValue,
    largestDeviation,
    rows,
    unexpected,
  };
  const strays = Object.keys(unexpected);
  if (strays.length)
    return {
      ...base,
      verdict: "fail",
      reason: `answers outside the expected labels: ${strays.map((k) => `${k} (${unexpected[k]})`).join(", ")}`,
    };
  const least = Math.min(...rows.map((r) => r.expected));
  if (total === 0 || least < MIN_EXPECTED) {
    const need = Math.ceil(MIN_EXPECTED / Math.min(...rows.map((r) => r.expectedShare)));
    return {
      ...base,
      verdict: "inconclusive",
      reason: `too few answers (${total}) for the test: at least ${need} are needed so every label expects ${MIN_EXPECTED}`,
    };
  }
  return statistic <= critical
    ? { ...base, verdict: "pass", reason: `χ²=${round(statistic)} ≤ ${round(critical)} (df=${df}, α=${ALPHA})` }
    : {
        ...base,
        verdict: "fail",
        reason: `χ²=${round(statistic)} > ${round(critical)} (df=${df}, α=${ALPHA}): the split differs from the expected one`,
      };
}

/** Upper tail of the chi-square distribution: the regularised gamma Q(df/2, x/2) (series or continued fraction). */
export function chiSquarePValue(x: number, df: number): number {
  if (x <= 0) return 1;
  const a = df / 2;
  const z = x / 2;
  const lead = Math.exp(-z + a * Math.log(z) - gammaln(a));
  if (z < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500 && Math.abs(term) > Math.abs(sum) * 1e-14; n++) sum += term *= z / (a + n);
    return Math.max(0, 1 - sum * lead);
  }
  // Lentz's continued fraction for Q.
  let b = z + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    d = Math.abs(d) < 1e-300 ? 1e-300 : d;
    c = b + an / c;
    c = Math.abs(c) < 1e-300 ? 1e-300 : c;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return Math.min(1, lead * h);
}

const round = (n: number) => Math.round(n * 1000) / 1000;
