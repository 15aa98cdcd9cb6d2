import { UsageError } from "./errors.js";

/** "30s", "5m", "1500ms", "2h" or plain seconds → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag} must be a duration like 30s, 5m or 1h, not "${text}"`);
  const n = Number(m[1]);
  if (n <= 0) throw new UsageError(`${flag} must be a duration longer than zero, like 30s or 5m`);
  const unit = m[2] ?? "s";
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as "ms" | "s" | "m" | "h"]);
}
