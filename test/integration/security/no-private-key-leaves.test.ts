import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { keyMaterial, findKeys, scanDatabase, scanDirectory, type KeyMaterial } from '../../helpers/scan-for-keys.js';
import { decryptPrivateKey, privateKeyAad } from '../../../src/core/keys/encrypt-private-key.js';

/**
 * A full intake run (needs_info → reply → CSR, review → approve, regenerate), then a search for the
 * private keys certdesk generated in everything the run produced: logs, every comment and
 * attachment in Zendesk, every HTTP response certdesk gave, every database column, every file.
 */
let h: RenewalHarness;
let material: KeyMaterial;
const responses: string[] = [];
const tickets: number[] = [];

beforeAll(async () => {
  h = await startRenewalHarness();
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
  tickets.push(a, b);
  for (const path of ['/healthz', '/readyz', '/metrics', '/webhooks/zendesk', '/nope']) {
    const res = await fetch(`${h.svc.url}${path}`, { method: path === '/webhooks/zendesk' ? 'POST' : 'GET' });
    responses.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
  }
  // The private keys certdesk holds, decrypted with the sandbox's key-encryption key.
  const kek = Buffer.from(readFileSync(join(h.svc.dataDir, 'key-encryption-key'), 'utf8').trim(), 'base64');
  const pems: string[] = [];
  for (const t of tickets) {
    for (const row of h.svc.store.db.prepare('SELECT id FROM private_keys WHERE ticket_id = ?').pluck().all(t) as number[]) {
      pems.push(decryptPrivateKey(h.svc.store.keys.get(row)!, kek, privateKeyAad(t, row)));
    }
  }
  material = keyMaterial(pems);
});
afterAll(() => h.stop());

describe('the private key never leaves certdesk', () => {
  it('generated the keys this scan looks for (3: two renewals, one regenerated)', () => {
    expect(material.needles.length).toBe(3 * 4);
  });

  it('would notice a leak: the scan finds a key as PEM, as DER and inside a log-like line', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const probe = keyMaterial([pem]);
    const withoutHeader = pem.split('\n').filter((l) => !l.startsWith('-----')).join('\n');
    expect(findKeys(probe, JSON.stringify({ msg: 'x', text: withoutHeader }), 'log')).toEqual(['log: PEM body line']);
    expect(findKeys(probe, Buffer.concat([Buffer.from('junk'), (await import('node:crypto')).createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' })]), 'file')).not.toEqual([]);
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

  it('is in no HTTP response certdesk gave', () => {
    expect(findKeys(material, responses.join('\n'), 'responses')).toEqual([]);
  });

  it('is stored only as ciphertext: no database column of certdesk or the sandbox holds it', () => {
    expect(scanDatabase(material, join(h.svc.dataDir, 'certdesk.db'))).toEqual([]);
    expect(scanDatabase(material, join(h.svc.dataDir, 'sandbox', 'sandbox.db'))).toEqual([]);
    const row = h.svc.store.db.prepare('SELECT ciphertext, iv, tag FROM private_keys LIMIT 1').get() as { ciphertext: Buffer; iv: Buffer; tag: Buffer };
    expect(row.ciphertext.length).toBeGreaterThan(1000);
    expect(row.iv.length).toBe(12);
    expect(row.tag.length).toBe(16);
  });

  it('is in no file under DATA_DIR, WAL files included', () => {
    expect(scanDirectory(material, h.svc.dataDir)).toEqual([]);
  });
});
