import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { statSync, readdirSync } from 'node:fs';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom } from '../../helpers/pki/test-ca.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/mail.js';
import { keyMaterial, findKeys, scanDatabase, scanDirectory, storedPrivateKeysOf, type KeyMaterial } from '../../helpers/scan-for-keys.js';

/**
 * A full run — needs_info → reply → CSR, review → approve, regenerate, a certificate accepted and
 * installed, notification e-mails — then a search for the private keys certdesk generated in
 * everything the run produced: logs, every comment and attachment in Zendesk, every HTTP response
 * certdesk gave, every e-mail, every database column, every file (except where the web server keeps
 * the installed key, which must be mode 0600).
 */
let h: RenewalHarness;
let sink: SmtpSink;
let material: KeyMaterial;
const responses: string[] = [];
const tickets: number[] = [];

beforeAll(async () => {
  const ca = createTestCa();
  sink = await startSmtpSink();
  h = await startRenewalHarness({
    EXTRA_CA_FILE: ca.rootFile,
    SMTP_URL: sink.url,
    MAIL_FROM: 'certdesk@certdesk.example',
    ADMIN_TOKEN: 'admin-token-0123456789',
    ZAF_SHARED_SECRET: 'zaf-shared-secret-0123456789',
  });
  const site = h.demo.registry[0]!.domain;
  const a = await h.openTicket({ subject: 'Certificate renewal', body: `Please renew the certificate. Site URL: ${site}` });
  await h.settle();
  await h.reply(a, FORM(site, { ou: 'IT' }));
  const b = await h.openTicket({ subject: 'Certificate renewal', body: FORM(h.demo.registry[1]!.domain) });
  await h.settle();
  await h.addTags(b, ['cert_renewal_approve']);
  await h.settle();
  await h.addTags(a, ['cert_renewal_regenerate_csr']);
  await h.settle();
  // The customer of ticket a sends the certificate for the new CSR; it is installed.
  const csrs = (await h.certdeskComments(a)).filter((c) => c.body.includes('BEGIN CERTIFICATE REQUEST'));
  const leaf = ca.issue(csrFrom(csrs.at(-1)!.body), site);
  await h.reply(a, `${leaf.pem}${ca.intermediate.pem}`);
  await h.settle();
  expect((await h.svc.store.renewals.get(a))!.state).toBe('installed');
  tickets.push(a, b);
  for (const path of ['/healthz', '/readyz', '/metrics', '/webhooks/zendesk', '/nope', `/api/renewals/${a}`, '/dashboard?token=admin-token-0123456789']) {
    const res = await fetch(`${h.svc.url}${path}`, { method: path === '/webhooks/zendesk' ? 'POST' : 'GET', redirect: 'manual' });
    responses.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
  }
  // The private keys certdesk holds, decrypted with the sandbox's key-encryption key.
  const kek = Buffer.from(readFileSync(join(h.svc.dataDir, 'key-encryption-key'), 'utf8').trim(), 'base64');
  const pems = (await storedPrivateKeysOf(h.svc.store.keys, kek)).filter((k) => tickets.includes(k.ticketId)).map((k) => k.pem);
  // a's first key, its regenerated one, and b's.
  expect(pems.length).toBeGreaterThanOrEqual(3);
  material = keyMaterial(pems);
});
afterAll(async () => {
  await h.stop();
  await sink.close();
});

describe('the private key never leaves certdesk', () => {
  it('generated the keys this scan looks for (3: two renewals, one regenerated)', () => {
    expect(material.needles.length).toBe(3 * 4);
  });

  it('would notice a leak: the scan finds a key as PEM, as DER and inside a log-like line', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const probe = keyMaterial([pem]);
    const withoutHeader = pem
      .split('\n')
      .filter((l) => !l.startsWith('-----'))
      .join('\n');
    expect(findKeys(probe, JSON.stringify({ msg: 'x', text: withoutHeader }), 'log')).toEqual(['log: PEM body line']);
    expect(
      findKeys(
        probe,
        Buffer.concat([Buffer.from('junk'), (await import('node:crypto')).createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' })]),
        'file',
      ),
    ).not.toEqual([]);
  });

  it('is in no log line', () => {
    expect(h.svc.logs().length).toBeGreaterThan(0);
    expect(findKeys(material, h.svc.logs(), 'logs')).toEqual([]);
  });

  it('is in no comment and no attachment on the tickets', async () => {
    const found: string[] = [];
    let attachments = 0;
    for (const t of tickets) {
      for (const c of await h.comments(t)) {
        found.push(...findKeys(material, `${c.body}\n${c.html_body}`, `ticket ${t} comment ${c.id}`));
        for (const a of c.attachments) {
          attachments++;
          found.push(...findKeys(material, Buffer.from(await (await fetch(a.content_url)).arrayBuffer()), `ticket ${t} attachment ${a.file_name}`));
        }
      }
    }
    expect(attachments).toBeGreaterThanOrEqual(3);
    expect(found).toEqual([]);
  });

  it('is in no e-mail certdesk sent', async () => {
    await sink.waitFor(4);
    expect(findKeys(material, Buffer.concat(sink.messages.map((m) => m.raw)), 'mail')).toEqual([]);
  });

  it('is in no HTTP response certdesk gave', () => {
    expect(findKeys(material, responses.join('\n'), 'responses')).toEqual([]);
  });

  it('is stored only as ciphertext: no database column of certdesk or the sandbox holds it', async () => {
    expect(await h.scanDatabase(material)).toEqual([]);
    expect(scanDatabase(material, join(h.svc.dataDir, 'sandbox', 'sandbox.db'))).toEqual([]);
    const row = (await h.svc.store.keys.get((await h.svc.store.renewals.get(tickets[0]!))!.keyId!))!;
    expect(row.ciphertext.length).toBeGreaterThan(1000);
    expect(row.iv.length).toBe(12);
    expect(row.tag.length).toBe(16);
  });

  it('is in no file under DATA_DIR, WAL files included, but where the web server reads it — mode 0600', async () => {
    const served = join(h.svc.dataDir, 'tls-front');
    expect(scanDirectory(material, h.svc.dataDir, (path) => path === served)).toEqual([]);
    if (h.svc.store.kind === 'postgres') {
      // The TLS front serves it from the database's pairs (sealed: see the column scan above), shared by every replica: no file at all.
      expect(scanDirectory(material, h.svc.dataDir)).toEqual([]);
      expect(findKeys(material, (await h.svc.store.pairs.list()).map((p) => p.privateKeyPem).join('\n'), 'served pairs').length).toBeGreaterThan(0);
      return;
    }
    // The TLS front holds the installed key, as a web server must, readable by its owner only.
    const keys = scanDirectory(material, served);
    expect(keys.length).toBeGreaterThan(0);
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    for (const f of files(served).filter((f) => keys.some((k) => k.startsWith(`${f}:`)))) expect(statSync(f).mode & 0o777, f).toBe(0o600);
  });
});
