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
  private counts = new Map<string, { site?: string; vs?: string; count: number }>();
  private records = 0;

  constructor(
    private readonly field: string,
    private readonly labels: Record<string, string>,
  ) {}

  add(records: LogRecord[]): void {
    for (const r of records) {
      this.records++;
      const values = valuesAt(r, this.field).map(String);
      // Each answer record may name the GSLB site and virtual service behind it.
      const answers = this.field === ANSWER_FIELD ? valuesAt(r, "dns_response.records") : [];
      values.forEach((v, i) => {
        const e = this.counts.get(v);
        if (e) e.count++;
        else {
          const a = (answers[i] ?? {}) as { site_name?: unknown; vs_name?: unknown };
          this.counts.set(v, {
            count: 1,
            ...(a.site_name ? { site: String(a.site_name) } : {}),
            ...(a.vs_name ? { vs: String(a.vs_name) } : {}),
          });
        }
      });
    }
  }

  /**
   * --label wins; else the GSLB site name, and where one site answered with several addresses (two
   * clusters of one site), the site and the member's virtual service; else the value itself.
   */
  private label(value: string, e: { site?: string; vs?: string }): string {
    if (this.labels[value]) return this.labels[value];
    if (!e.site) return value;
    const shared = [...this.counts].filter(([v, x]) => x.site === e.site && !this.labels[v]).length > 1;
    return shared ? `${e.site}/${e.vs ?? value}` : e.site;
  }

  result(expect?: Record<string, number>): Analysis {
    const total = [...this.counts.values()].reduce((a, e) => a + e.count, 0);
    const counts = [...this.counts]
      .map(([value, e]) => ({ value, label: this.label(value, e), count: e.count, share: total ? e.count / total : 0 }))
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
