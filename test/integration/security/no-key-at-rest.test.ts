import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom, type TestCa } from '../../helpers/pki/test-ca.js';
import { composeEml, postInboundEmail } from '../../helpers/mail.js';
import { keyMaterial, scanDirectory, storedPrivateKeysOf, type KeyMaterial } from '../../helpers/scan-for-keys.js';
import type { SqliteStore } from '../../../src/adapters/store/open-store.js';

/**
 * Issue 14 item 3, "nothing secret at rest outside the key vault": customers send private keys by
 * e-mail (pasted PEM, an attached DER `.key`) and on tickets (pasted next to the certificate, an
 * attached DER key), certdesk runs a renewal to installation, and then the raw bytes of every file
 * under DATA_DIR — database, WAL, SHM, generated secrets, installed files — are searched for each
 * key as PEM and DER. The sandbox's own directory is Zendesk's side (what the ticket shows is the
 * business of the redaction tests); certdesk's keys may be only where the web server reads them.
 * With PostgreSQL the database lives in the cluster, not under DATA_DIR: the file scan then covers
 * certdesk's own files (TLS front, generated secrets), and every column of every row of every table
 * of the database is searched too (h.scanDatabase; with SQLite the same over the file's tables).
 */
const SECRET = 'no-key-at-rest-inbound-secret-0123';
let h: RenewalHarness;
let ca: TestCa;
let customerKeys: KeyMaterial;
const pems: string[] = [];
let scannedWhileQueued: string[] = [];

const newKeyPem = (type: 'rsa' | 'ec') =>
  (type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' })).privateKey
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
const der = (pem: string) => createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });

const certdeskFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (path === join(h.svc.dataDir, 'sandbox')) return [];
    return e.isDirectory() ? [path, ...certdeskFiles(path)] : [path];
  });

beforeAll(async () => {
  ca = createTestCa();
  for (let i = 0; i < 4; i++) pems.push(newKeyPem(i % 2 ? 'ec' : 'rsa'));
  customerKeys = keyMaterial(pems);
  h = await startRenewalHarness({ EXTRA_CA_FILE: ca.rootFile, INBOUND_EMAIL_SECRET: SECRET }, { worker: { start: false, leaseMs: 5000, pollMs: 50 } });
  const site = h.demo.registry[0]!.domain;
  const customer = h.demo.customer;

  // By e-mail: a request with a key pasted in the body, and a message with a DER key attached.
  const pasted = await composeEml({
    from: `${customer.name} <${customer.email}>`,
    to: 'support@certdesk.example',
    subject: 'Certificate renewal',
    text: `${FORM(site)}\n\nOur current key, in case you need it:\n${pems[0]}`,
    messageId: '<key-pasted@northwind-traders.example>',
  });
  const attached = await composeEml({
    from: `${customer.name} <${customer.email}>`,
    to: 'support@certdesk.example',
    subject: 'Our server key',
    text: 'The key of our server is attached.',
    attachments: [{ filename: 'server.key', content: der(pems[1]!), contentType: 'application/octet-stream' }],
    messageId: '<key-attached@northwind-traders.example>',
  });
  for (const raw of [pasted, attached]) expect((await postInboundEmail(h.svc.url, raw, { secret: SECRET })).status).toBe(202);
  // Queued, not handled yet: the messages are in the store, sealed.
  scannedWhileQueued = [...scanDirectory(customerKeys, h.svc.dataDir, (p) => p === join(h.svc.dataDir, 'sandbox')), ...(await h.scanDatabase(customerKeys))];
  h.svc.worker!.start();
  await h.settle();

  // On the ticket the e-mail opened: the certificate with a key pasted beside it, and a DER key attached.
  const ticketId = (await h.svc.store.mail.getInbound('mid:key-pasted@northwind-traders.example'))!.ticketId!;
  const comments = (await h.api('GET', `/api/v2/tickets/${ticketId}/comments`, { as: h.demo.agent.email })).comments as { body: string }[];
  const csr = csrFrom(comments.find((c) => c.body.includes('CERTIFICATE REQUEST'))!.body);
  const leaf = ca.issue(csr, site);
  const upload = await h.upload('old-server.key', der(pems[3]!));
  await h.reply(ticketId, `Here is the certificate.\n${leaf.pem}${ca.intermediate.pem}\nand the key:\n${pems[2]}`, { uploads: [upload] });
  await h.settle();
  expect((await h.svc.store.renewals.get(ticketId))!.state).toBe('installed');
  if (h.svc.store.kind === 'sqlite') (h.svc.store as SqliteStore).db.pragma('wal_checkpoint(PASSIVE)');
});
afterAll(async () => h?.stop());

describe('no private key at rest outside the key vault', () => {
  it('handled both e-mails (their raw bytes are gone from the store)', async () => {
    for (const id of ['key-pasted@northwind-traders.example', 'key-attached@northwind-traders.example']) {
      expect(await h.svc.store.mail.getInbound(`mid:${id}`)).toMatchObject({ state: 'done', raw: null });
    }
  });

  it('finds no customer key under DATA_DIR or in the database while the e-mails wait in the queue', () => {
    expect(scannedWhileQueued).toEqual([]);
  });

  it('finds no customer key, as PEM or DER, in any file under DATA_DIR or any row of the database after the runs', async () => {
    const served = join(h.svc.dataDir, 'tls-front');
    expect(scanDirectory(customerKeys, h.svc.dataDir, (p) => p === join(h.svc.dataDir, 'sandbox') || p === served)).toEqual([]);
    expect(await h.scanDatabase(customerKeys)).toEqual([]);
    // With PostgreSQL the TLS front keeps its pairs in the database (sealed), shared by every replica: nothing on disk.
    expect(existsSync(served)).toBe(h.svc.store.kind === 'sqlite');
    // Where the web server reads the installed pair, a private-key header is expected (certdesk's
    // own key, checked below): there, only the customers' keys themselves must be absent.
    const inServed = h.svc.store.kind === 'sqlite' ? scanDirectory(customerKeys, served).filter((f) => !f.endsWith(': a PEM private-key header')) : [];
    expect(inServed).toEqual([]);
  });

  it("finds certdesk's own keys only where the web server reads the installed one", async () => {
    const kek = Buffer.from(readFileSync(join(h.svc.dataDir, 'key-encryption-key'), 'utf8').trim(), 'base64');
    const own = (await storedPrivateKeysOf(h.svc.store.keys, kek)).map((k) => k.pem);
    expect(own.length).toBeGreaterThanOrEqual(1);
    const served = join(h.svc.dataDir, 'tls-front');
    const material = keyMaterial(own);
    expect(scanDirectory(material, h.svc.dataDir, (p) => p === served || p === join(h.svc.dataDir, 'sandbox'))).toEqual([]);
    // In the database only sealed: the key vault and (PostgreSQL) the served pairs.
    expect(await h.scanDatabase(material)).toEqual([]);
    // The TLS front serves it: from its files with SQLite, from the database's sealed pairs with PostgreSQL.
    if (h.svc.store.kind === 'sqlite') expect(scanDirectory(material, served).length).toBeGreaterThan(0);
    else expect((await h.svc.store.pairs.list()).some((pair) => own.includes(pair.privateKeyPem))).toBe(true);
  });

  it('names no attachment in /metrics (label values are bounded: no paths, tokens or file names)', async () => {
    const text = await (await fetch(`${h.svc.url}/metrics`)).text();
    expect(text).toMatch(/zendesk_requests_total\{[^}]*endpoint="\(attachment host\)"/);
    expect(text).not.toContain('server.key');
  });

  it('wrote every file owner-only (0600) and every directory 0700', () => {
    const modes = certdeskFiles(h.svc.dataDir).map((p) => ({ p: relative(h.svc.dataDir, p), mode: statSync(p).mode & 0o777, dir: statSync(p).isDirectory() }));
    expect(modes.map((m) => m.p)).toEqual(
      expect.arrayContaining(
        h.svc.store.kind === 'sqlite' ? ['certdesk.db', 'certdesk.db-wal', 'certdesk.db-shm', 'key-encryption-key'] : ['key-encryption-key'],
      ),
    );
    expect(statSync(h.svc.dataDir).mode & 0o777).toBe(0o700);
    const wrong = modes.filter(({ mode, dir }) => mode !== (dir ? 0o700 : 0o600)).map(({ p, mode }) => `${p} ${mode.toString(8)}`);
    expect(wrong).toEqual([]);
  });
});
