/** One bar: a label's observed share and, when a split was expected, its expected share. */
export interface Bar {
  label: string;
  count: number;
  share: number;
  expectedShare?: number;
}

const BLOCKS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/** Horizontal bars for a terminal, `width` cells for 100%; the expected share is printed beside each. */
export function terminalBars(bars: Bar[], width: number): string[] {
  const labelWidth = Math.min(24, Math.max(5, ...bars.map((b) => b.label.length)));
  return bars.map((b) => {
    const eighths = Math.round(b.share * width * 8);
    const bar = `${"█".repeat(Math.floor(eighths / 8))}${BLOCKS[eighths % 8]}`;
    const expected = b.expectedShare === undefined ? "" : `  expected ${pct(b.expectedShare)}`;
    return `${b.label.slice(0, labelWidth).padEnd(labelWidth)} ${bar.padEnd(width)} ${pct(b.share).padStart(6)} (${b.count})${expected}`;
  });
}

const pct = (s: number) => `${(s * 100).toFixed(1)}%`;
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A self-contained SVG bar chart: observed share per label, a marker at the expected share. */
export function svgChart(title: string, subtitle: string, bars: Bar[]): string {
  const rowH = 44;
  const left = 160;
  const plotW = 480;
  const top = 70;
  const height = top + bars.length * rowH + 50;
  const width = left + plotW + 240;
  const max = Math.max(0.0001, ...bars.map((b) => Math.max(b.share, b.expectedShare ?? 0)));
  const scale = (s: number) => (s / max) * plotW;
  const rows = bars.map((b, i) => {
    const y = top + i * rowH;
    const mark =
      b.expectedShare === undefined
        ? ""
        : `<line class="expected" x1="${left + scale(b.expectedShare)}" x2="${left + scale(b.expectedShare)}" y1="${y - 4}" y2="${y + 30}" stroke="#d62728" stroke-width="3" stroke-dasharray="5,3"/>`;
    return [
      `<text class="label" x="${left - 10}" y="${y + 18}" text-anchor="end">${esc(b.label)}</text>`,
      `<rect class="bar" x="${left}" y="${y}" width="${Math.max(1, scale(b.share))}" height="26" fill="#1f77b4"><title>${esc(b.label)}: ${b.count}</title></rect>`,
      mark,
      `<text class="value" x="${left + scale(b.share) + 8}" y="${y + 18}">${pct(b.share)} (${b.count})${b.expectedShare === undefined ? "" : ` · expected ${pct(b.expectedShare)}`}</text>`,
    ].join("");
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="14">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text class="title" x="20" y="30" font-size="18" font-weight="bold">${esc(title)}</text>`,
    `<text class="subtitle" x="20" y="52" fill="#555555">${esc(subtitle)}</text>`,
    ...rows,
    `<line x1="${left}" x2="${left}" y1="${top - 8}" y2="${top + bars.length * rowH}" stroke="#333333"/>`,
    bars.some((b) => b.expectedShare !== undefined)
      ? `<text x="${left}" y="${height - 16}" fill="#d62728">- - - expected share</text>`
      : "",
    `</svg>`,
  ].join("\n");
}

/** The SVG in a page with the numbers as a table, for people who open it in a browser. */
export function htmlChart(title: string, subtitle: string, bars: Bar[]): string {
  const rows = bars
    .map(
      (b) =>
        `<tr><td>${esc(b.label)}</td><td>${b.count}</td><td>${pct(b.share)}</td><td>${b.expectedShare === undefined ? "" : pct(b.expectedShare)}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse;margin-top:16px}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}td:first-child{text-align:left}</style>
</head><body>
${svgChart(title, subtitle, bars)}
<table><thead><tr><th>label</th><th>count</th><th>share</th><th>expected</th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}
