import { compareShares, type ExpectationResult } from "../split/stats.js";
import type { LogRecord } from "./pages.js";
import { valuesAt } from "./rows.js";

/** The DNS answer addresses; with site names when the controller knows the GSLB member behind each. */
export const ANSWER_FIELD = "dns_ips";

export interface ValueCount {
  value: string;
  label: string;
  count: number;
  share: number;
}

export interface Analysis {
  field: string;
  /** Values counted (one per answer address for dns_ips). */
  total: number;
  records: number;
  counts: ValueCount[];
  /** Per label, when --expect was given. */
  expectation?: ExpectationResult;
}

/** Counts per value as pages stream by: memory grows with distinct values, not with records. */
export class Analyzer {
  private counts = new Map<string, { label: string; count: number }>();
  private records = 0;

  constructor(
    private readonly field: string,
    private readonly labels: Record<string, string>,
  ) {}

  add(records: LogRecord[]): void {
    for (const r of records) {
      this.records++;
      const values = valuesAt(r, this.field).map(String);
      // Each answer record may name its GSLB site; --label wins over it.
      const sites = this.field === ANSWER_FIELD ? valuesAt(r, "dns_response.records.site_name").map(String) : [];
      values.forEach((v, i) => {
        const e = this.counts.get(v);
        if (e) e.count++;
        else this.counts.set(v, { label: this.labels[v] ?? sites[i] ?? v, count: 1 });
      });
    }
  }

  result(expect?: Record<string, number>): Analysis {
    const total = [...this.counts.values()].reduce((a, e) => a + e.count, 0);
    const counts = [...this.counts]
      .map(([value, e]) => ({ value, label: e.label, count: e.count, share: total ? e.count / total : 0 }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    let expectation: ExpectationResult | undefined;
    if (expect) {
      const byLabel: Record<string, number> = {};
      for (const c of counts) byLabel[c.label] = (byLabel[c.label] ?? 0) + c.count;
      expectation = compareShares(byLabel, expect);
    }
    return { field: this.field, total, records: this.records, counts, expectation };
  }
}
