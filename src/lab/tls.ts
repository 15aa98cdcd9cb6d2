import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

/** A certificate authority made for one lab run; it signs the lab's server certificates. */
export interface LabCa {
  /** PEM of the CA certificate: what clients trust (--ca-cert, kubeconfig certificate-authority-data). */
  certPem: string;
  /** A server certificate for loopback (127.0.0.1, ::1, localhost) signed by this CA. */
  issue(commonName: string): { key: string; cert: string };
}

/** Generate a fresh CA in-process; the keys never touch the disk. */
export function createLabCa(name = "avictl lab"): LabCa {
  const caKeys = rsaKeys();
  const caCert = newCert(caKeys.publicKey, 3650);
  const caSubject = [
    { name: "commonName", value: `${name} CA` },
    { name: "organizationName", value: "avictl lab (simulation)" },
  ];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(caKeys.privateKey, forge.md.sha256.create());
  // One key for all the lab's server certificates: RSA key generation is the slow part.
  let serverKeys: ReturnType<typeof rsaKeys> | undefined;
  return {
    certPem: forge.pki.certificateToPem(caCert),
    issue(commonName) {
      const keys = (serverKeys ??= rsaKeys());
      const cert = newCert(keys.publicKey, 825);
      cert.setSubject([{ name: "commonName", value: commonName }]);
      cert.setIssuer(caSubject);
      cert.setExtensions([
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        {
          name: "subjectAltName",
          altNames: [
            { type: 7, ip: "127.0.0.1" },
            { type: 7, ip: "::1" },
            { type: 2, value: "localhost" },
          ],
        },
        { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
      ]);
      cert.sign(caKeys.privateKey, forge.md.sha256.create());
      return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
    },
  };
}

let processCa: LabCa | undefined;

/** The CA of lab servers started on their own (tests, tools) in this process; `startLab` makes its own. */
export function defaultLabCa(): LabCa {
  return (processCa ??= createLabCa());
}

/** RSA keys from node:crypto (native, fast), handed to forge for the certificate structure. */
function rsaKeys(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
  };
}

function newCert(publicKey: forge.pki.PublicKey, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialHex();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  return cert;
}

/**
 * A positive serial in minimal DER: first byte 0x01..0x7f. A leading 0x00 before a byte below 0x80 is
 * illegal padding, and OpenSSL then refuses the certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE).
 */
export function serialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes.toString("hex");
}
