import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Vitest global setup: every temporary file of a run (tests, the CLI and labs they start) goes under
 * one folder that is removed when the run ends, so no test leaves temporary folders behind.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "avictl-tests-"));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
