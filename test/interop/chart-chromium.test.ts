import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { htmlChart, svgChart, type Bar } from "../../src/cli/chart.js";
import { which } from "../helpers/dns-tools.js";
import { decodePng } from "../helpers/png.js";

const chromium = which("chromium") ?? which("chromium-browser") ?? which("google-chrome");
if (!chromium) console.warn("skipping the chart tests in a browser: install Debian's chromium package");

const dir = mkdtempSync(join(tmpdir(), "avictl-chart-"));
const BARS: Bar[] = [
  { label: "s1az1", count: 612, share: 0.612, expectedShare: 0.6 },
  { label: "s1az2", count: 291, share: 0.291, expectedShare: 0.3 },
  { label: "s2", count: 97, share: 0.097, expectedShare: 0.1 },
];

/** Headless Chromium (root needs --no-sandbox), local files only, no network. */
function browse(args: string[]): { stdout: string; code: number | null } {
  const r = spawnSync(
    chromium!,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--no-first-run",
      "--disable-extensions",
      "--disable-background-networking",
      "--user-data-dir=" + join(dir, "profile"),
      ...args,
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  return { stdout: r.stdout, code: r.status };
}

describe.skipIf(!chromium)("the export-logs chart in headless Chromium", () => {
  it.each([
    ["html", htmlChart],
    ["svg", svgChart],
  ] as const)("the %s chart renders bars, and its labels are in the DOM", (kind, render) => {
    const file = join(dir, `split.${kind}`);
    writeFileSync(file, render("g-dns: dns_ips by label", "1000 values · pass", BARS));
    const url = pathToFileURL(file).href;
    const dom = browse(["--dump-dom", url]);
    expect(dom.code).toBe(0);
    for (const b of BARS) expect(dom.stdout).toContain(`>${b.label}</text>`);
    expect(dom.stdout).toMatch(/61\.2% \(612\) · expected 60\.0%/);

    const png = join(dir, `split-${kind}.png`);
    expect(browse([`--screenshot=${png}`, "--window-size=1000,420", url]).code).toBe(0);
    const img = decodePng(readFileSync(png));
    let bar = 0;
    let ink = 0;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const [r, g, b] = img.pixel(x, y);
        if (Math.abs(r - 0x1f) < 12 && Math.abs(g - 0x77) < 12 && Math.abs(b - 0xb4) < 12) bar++;
        else if (r + g + b < 600) ink++;
      }
    }
    // Three bars of 26 px height and hundreds of px wide, and text around them: far from blank.
    expect(bar).toBeGreaterThan(3 * 26 * 40);
    expect(ink).toBeGreaterThan(500);
  });
});
