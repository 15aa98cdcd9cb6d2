import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createLabCa, serialHex } from "../../../src/lab/tls.js";

describe("lab CA", () => {
  it("serials are positive minimal DER integers", () => {
    for (let i = 0; i < 2000; i++) {
      const s = serialHex();
      expect(s).toMatch(/^[0-9a-f]{32}$/);
      const first = parseInt(s.slice(0, 2), 16);
      expect(first).toBeGreaterThanOrEqual(1);
      expect(first).toBeLessThan(0x80);
    }
  });

  // About one in a hundred certificates with a padded serial failed to parse; 200 of them would likely hit one.
  it("every server certificate parses in OpenSSL and verifies against its CA", { timeout: 60_000 }, () => {
    const ca = createLabCa();
    const caCert = new X509Certificate(ca.certPem);
    for (let i = 0; i < 200; i++) {
      const leaf = new X509Certificate(ca.issue(`lab-${i}`).cert);
      expect(leaf.checkIssued(caCert)).toBe(true);
      expect(leaf.verify(caCert.publicKey)).toBe(true);
      expect(leaf.checkIP("127.0.0.1")).toBe("127.0.0.1");
    }
  });
});
