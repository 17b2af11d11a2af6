// A certificate authority made for one run, and a server certificate it signs for 127.0.0.1 and localhost.
// Nothing is written to disk unless a caller asks for the CA file (child processes trust it via NODE_EXTRA_CA_CERTS).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import forge from 'node-forge';

export interface LocalCertificates {
  /** PEM of the per-run CA: give it to the SDKs as `tlsOptions.ca`, or to child processes as NODE_EXTRA_CA_CERTS. */
  caCertPem: string;
  /** Server certificate for 127.0.0.1 / localhost / ::1, signed by the CA. */
  serverCertPem: string;
  serverKeyPem: string;
}

function rsaKeyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privateKeyPem: string } {
  // Node's native generator is fast; forge only builds and signs the certificates.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    privateKeyPem: privateKey,
  };
}

function serialNumber(): string {
  // Positive (leading bit clear) random serial, as RFC 5280 asks.
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now + 7 * 24 * 60 * 60 * 1000);
}

export function createLocalCertificates(): LocalCertificates {
  const caKeys = rsaKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  validity(ca);
  const caName = [{ name: 'commonName', value: `pc-order-workflow local CA ${serialNumber().slice(0, 8)}` }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = rsaKeyPair();
  const server = forge.pki.createCertificate();
  server.publicKey = serverKeys.publicKey;
  server.serialNumber = serialNumber();
  validity(server);
  server.setSubject([{ name: 'commonName', value: '127.0.0.1' }]);
  server.setIssuer(caName);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
        { type: 2, value: 'localhost' },
      ],
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caCertPem: forge.pki.certificateToPem(ca),
    serverCertPem: forge.pki.certificateToPem(server),
    serverKeyPem: serverKeys.privateKeyPem,
  };
}

/** Writes the CA to `path`, or to a fresh temp folder; `remove()` deletes what was written. */
export function writeCaFile(caCertPem: string, path?: string): { path: string; remove(): void } {
  if (path) {
    const absolute = resolve(path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, caCertPem, { mode: 0o644 });
    return { path: absolute, remove: () => rmSync(absolute, { force: true }) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'pc-identity-ca-'));
  const file = join(dir, 'ca.pem');
  writeFileSync(file, caCertPem, { mode: 0o644 });
  return { path: file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
