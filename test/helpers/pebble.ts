/**
 * Let's Encrypt's ACME test server for tests: the Debian packages' `pebble` and
 * `pebble-challtestsrv`, started on free loopback ports in a temporary directory with their own
 * config. challtestsrv is pebble's DNS (-dnsserver): every name resolves to 127.0.0.1 unless a
 * test says otherwise (A, CNAME, CAA, SERVFAIL through its management API). Pebble validates
 * HTTP-01 on `httpPort` and TLS-ALPN-01 on `tlsPort` — certdesk's responder and TLS front.
 * Pebble's HTTPS listener uses a certificate from a test CA made here; `anchorsPem` holds
 * that CA and pebble's own issuing root (fetched from its management port, /roots/0), the way an
 * operator would put them in EXTRA_CA_FILE (see `anchorsPem`).
 *
 *   const pebble = await startPebble({ httpPort: responder.port, tlsPort: front.port });
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './certdesk-process.js';
import { X509Certificate } from 'node:crypto';
import { issueCertificate } from './pki/certificate.js';
import { createLeaf, createRoot } from './pki/chain.js';

export const PEBBLE_BINARY = '/usr/bin/pebble';
export const CHALLTESTSRV_BINARY = '/usr/bin/pebble-challtestsrv';

export interface PebbleOptions {
  httpPort: number;
  tlsPort: number;
  /** PEBBLE_VA_ALWAYS_VALID: only for tests that are not about validation. */
  alwaysValid?: boolean;
  /** PEBBLE_WFE_NONCEREJECT (percent; pebble's default is 5). */
  nonceRejectPercent?: number;
  /** External Account Binding required, with these key ids and HMAC keys (base64url). */
  eabKeys?: Record<string, string>;
}

export interface TestPebble {
  directoryUrl: string;
  /**
   * Pebble's root as a trust anchor browsers would accept, for checkBundle and the installers'
   * live verification. Pebble 2.4's root carries an extendedKeyUsage, which browsers (and so
   * checkBundle) refuse in a root — real ACME CAs' roots have none. A trust anchor is a name and
   * a key (RFC 5280 §6.1.1 d): this is pebble's root name and public key in a certificate
   * without the EKU (its own signature is never checked), so pebble's real chain verifies to it.
   */
  /** For EXTRA_CA_FILE: the test CA of pebble's HTTPS listener, the anchor above, then pebble's real root. */
  anchorsPem: string[];
  /** pebble-challtestsrv's DNS, host:port. */
  dnsServer: string;
  addA(host: string, addresses: string[]): Promise<void>;
  setCname(host: string, target: string): Promise<void>;
  addCaa(host: string, policies: { tag: string; value: string }[]): Promise<void>;
  setServfail(host: string): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

export async function startPebble(options: PebbleOptions): Promise<TestPebble> {
  if (!existsSync(PEBBLE_BINARY) || !existsSync(CHALLTESTSRV_BINARY))
    throw new Error('pebble is not installed: run `bash scripts/install-test-prerequisites.sh` (as root)');
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-pebble-'));
  const root = createRoot('certdesk pebble listener Root', { notBefore: new Date(Date.now() - 86_400_000), validityDays: 30 });
  const leaf = createLeaf(root, ['localhost'], { ipAddresses: ['127.0.0.1'], notBefore: new Date(Date.now() - 86_400_000), validityDays: 30 });
  writeFileSync(join(dir, 'cert.pem'), leaf.pem);
  writeFileSync(join(dir, 'key.pem'), leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const [dnsPort, challMgmt, listen, mgmt] = [await freePort(), await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'pebble-config.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${listen}`,
        managementListenAddress: `127.0.0.1:${mgmt}`,
        certificate: join(dir, 'cert.pem'),
        privateKey: join(dir, 'key.pem'),
        httpPort: options.httpPort,
        tlsPort: options.tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: options.eabKeys !== undefined,
        ...(options.eabKeys ? { externalAccountMACKeys: options.eabKeys } : {}),
        certificateValidityPeriod: 90 * 86_400,
      },
    }),
  );
  let output = '';
  const children: ChildProcess[] = [];
  const run = (binary: string, args: string[], env: Record<string, string>) => {
    const child = spawn(binary, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    children.push(child);
  };
  // Never leave pebble behind when the test process ends without stop().
  const killOnExit = () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
  process.once('exit', killOnExit);
  run(
    CHALLTESTSRV_BINARY,
    ['-dns01', `127.0.0.1:${dnsPort}`, '-management', `127.0.0.1:${challMgmt}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-defaultIPv6', ''],
    {},
  );
  run(PEBBLE_BINARY, ['-config', join(dir, 'pebble-config.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], {
    PEBBLE_VA_NOSLEEP: '1',
    ...(options.alwaysValid ? { PEBBLE_VA_ALWAYS_VALID: '1' } : {}),
    ...(options.nonceRejectPercent !== undefined ? { PEBBLE_WFE_NONCEREJECT: String(options.nonceRejectPercent) } : {}),
  });
  const agent = new Agent({ ca: root.pem });
  const stop = async () => {
    process.off('exit', killOnExit);
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const pebbleRoot = await retry(
      () => get(agent, `https://127.0.0.1:${mgmt}/roots/0`),
      () => output,
    );
    await retry(
      () => get(agent, `https://127.0.0.1:${listen}/dir`),
      () => output,
    );
    const challtest = async (path: string, body: unknown) => {
      await retry(
        () => post(`http://127.0.0.1:${challMgmt}${path}`, body),
        () => output,
      );
    };
    await challtest('/set-default-ipv4', { ip: '127.0.0.1' });
    return {
      directoryUrl: `https://127.0.0.1:${listen}/dir`,
      anchorsPem: [root.pem, browserProfileAnchor(pebbleRoot), pebbleRoot],
      dnsServer: `127.0.0.1:${dnsPort}`,
      addA: (host, addresses) => challtest('/add-a', { host: fqdn(host), addresses }),
      setCname: (host, target) => challtest('/set-cname', { host: fqdn(host), target: fqdn(target) }),
      addCaa: (host, policies) => challtest('/add-caa', { host: fqdn(host), policies }),
      setServfail: (host) => challtest('/set-servfail', { host: fqdn(host) }),
      log: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function browserProfileAnchor(pebbleRootPem: string): string {
  const real = new X509Certificate(pebbleRootPem);
  const subject = real.subject.split('\n').join(', ');
  const signer = issueCertificate({ subject, ca: true, notBefore: new Date(real.validFrom), validityDays: 30 });
  const spki = real.publicKey.export({ type: 'spki', format: 'der' });
  // Its subjectKeyIdentifier is computed differently from pebble's, so OpenSSL (which matches the
  // intermediate's AKI) keeps using the real root, listed after it, for live verification.
  return issueCertificate({
    subject,
    issuer: signer,
    publicKeySpki: spki,
    ca: true,
    authorityKeyId: false,
    notBefore: new Date(real.validFrom),
    notAfter: new Date(real.validTo),
  }).pem;
}

const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`);

function get(agent: Agent, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
}

function post(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function retry<T>(fn: () => Promise<T>, log: () => string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`pebble did not start: ${(error as Error).message}\n${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
