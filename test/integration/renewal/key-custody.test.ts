import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createZendeskClient } from '../../../src/adapters/zendesk/create-zendesk-client.js';
import { scanForPrivateKeys } from '../../../src/core/redaction/scan-for-private-keys.js';
import type { ZendeskApi } from '../../../src/ports/zendesk.js';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom, type TestCa } from '../../helpers/pki/test-ca.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { createChain } from '../../helpers/pki/chain.js';
import { pemBundle, toZip } from '../../helpers/pki/bundle-formats.js';
import { findKeys, keyMaterial } from '../../helpers/scan-for-keys.js';

/**
 * Issue 14, point 1 and 2: a private key a customer sends is redacted wherever it appears — any
 * state, text or file, inside archives, past every limit on what certdesk opens — and the customer
 * is told once, in the same answer as the rest. Each case ends with no key anywhere an agent or a
 * customer can read it, and the valid certificate of the same reply still accepted.
 */
let h: RenewalHarness;
let ca: TestCa;
let site: string;
let agent: ZendeskApi;
beforeAll(async () => {
  ca = createTestCa();
  h = await startRenewalHarness({ EXTRA_CA_FILE: ca.rootFile });
  site = h.demo.registry[0]!.domain;
  const sandbox = h.svc.sandbox!;
  agent = createZendeskClient({ baseUrl: sandbox.url, auth: { email: h.demo.agent.email, apiToken: 'x' }, attachmentHosts: [sandbox.attachmentHostPattern] });
});
afterAll(() => h.stop());
/** One renewal per site at a time: each test leaves none in progress, installing what still waits. */
afterEach(async () => {
  for (const r of await h.svc.store.renewals.list({ site })) {
    if (r.state !== 'awaiting_certificate' || !r.csrPem) continue;
    await h.reply(r.ticketId, `The certificate:\n${pemBundle([ca.issue(r.csrPem, site), ca.intermediate])}`);
    await h.settle();
    expect(await state(r.ticketId)).toBe('installed');
  }
});

const newKey = (type: 'pkcs8' | 'pkcs1' = 'pkcs8') => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type, format: 'pem' }).toString();
const state = async (id: number) => (await h.svc.store.renewals.get(id))?.state;

/** No trace of `keys` in any comment (text and HTML, public or not) or any attachment (opened as certdesk opens them), nor in certdesk's database. */
async function expectNoKeyAnywhere(id: number, keys: string[]): Promise<void> {
  const material = keyMaterial(keys);
  const found: string[] = [];
  for (const c of await agent.listComments(id)) {
    found.push(...findKeys(material, `${c.body}\n${c.html_body}\n${c.plain_body}`, `comment ${c.id}`));
    for (const a of c.attachments) {
      const bytes = await agent.downloadAttachment(a.content_url, 50 * 1024 * 1024);
      found.push(...findKeys(material, bytes, `comment ${c.id} › ${a.file_name}`));
      const scan = scanForPrivateKeys(bytes, a.file_name);
      if (scan.kinds.length) found.push(`comment ${c.id} › ${a.file_name}: ${scan.kinds.join(', ')}`);
    }
  }
  found.push(...(await h.scanDatabase(material)));
  expect(found).toEqual([]);
}

/** certdesk's public comments that tell the customer about a key: exactly one expected. */
async function keyNotices(id: number): Promise<string[]> {
  return (await h.certdeskComments(id)).filter((c) => c.public && /private key/.test(c.body) && /treated as exposed/.test(c.body)).map((c) => c.body);
}

async function awaitingCertificate(): Promise<{ id: number; csr: string; leaf: TestCertificate }> {
  const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
  await h.settle();
  const csr = csrFrom((await h.certdeskComments(id))[0]!.body);
  return { id, csr, leaf: ca.issue(csr, site) };
}

/**
 * A large upload can meet a keep-alive socket the sandbox closed at that very moment (client and
 * sandbox share one event loop here, on a loaded machine): it is sent once more (had the first
 * reached the sandbox, it would only leave an unused upload token behind).
 */
const resetByPeer = (e: unknown) => (e as { cause?: { code?: string } })?.cause?.code === 'ECONNRESET';

async function replyWith(id: number, files: Record<string, Buffer | string>, text = 'Here is everything we got from the CA.'): Promise<void> {
  const uploads: string[] = [];
  for (const [name, data] of Object.entries(files))
    uploads.push(await h.upload(name, data).catch((e: unknown) => (resetByPeer(e) ? h.upload(name, data) : Promise.reject(e))));
  await h.reply(id, text, { uploads });
  await h.settle();
}

async function expectInstalled(id: number, leaf: TestCertificate): Promise<void> {
  expect(await state(id)).toBe('installed');
  expect((await h.svc.store.sites.get(site))!.certSha256).toBe(leaf.sha256);
}

describe('a private key is redacted wherever it appears', () => {
  it('in the ticket description: redacted, and the CSR answer says the key is exposed', async () => {
    const key = newKey();
    const id = await h.openTicket({ subject: 'Certificate renewal', body: `${FORM(site)}\n\nOur current key, in case you need it:\n${key}` });
    await h.settle();
    expect(await state(id)).toBe('awaiting_certificate');
    const description = (await h.comments(id))[0]!;
    expect(description.body).toContain('▇');
    expect(description.body).toContain(`Site URL (e.g. my.example.com): ${site}`);
    const notices = await keyNotices(id);
    expect(notices).toHaveLength(1);
    // Told in the same answer as the rest: the CSR comment.
    expect(notices[0]).toContain('BEGIN CERTIFICATE REQUEST');
    expect(notices[0]).toMatch(/in “your message”/);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('in the description of a ticket certdesk ignored until a reply made it a renewal request', async () => {
    const key = newKey();
    const id = await h.openTicket({ subject: 'Server trouble', body: `Our web server logs errors since Monday. Its config and key:\n${key}` });
    await h.settle();
    // Not a renewal request: certdesk leaves the ticket alone, as it does every unrelated ticket.
    expect(await h.certdeskComments(id)).toEqual([]);
    await h.reply(id, `Actually we also need the certificate renewed.\n\n${FORM(site)}`);
    await h.settle();
    expect(await state(id)).toBe('awaiting_certificate');
    expect((await h.comments(id))[0]!.body).toContain('▇');
    expect(await keyNotices(id)).toHaveLength(1);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('in a request that is rejected: told in the rejection', async () => {
    const key = newKey();
    const id = await h.openTicket({ subject: 'Certificate renewal', body: `${FORM('my.not-in-the-registry.example')}\n\n${key}` });
    await h.settle();
    expect(await state(id)).toBe('rejected');
    const notices = await keyNotices(id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/my\.not-in-the-registry\.example/);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('in a reply on a ticket linked to the renewal in progress elsewhere (left to agents otherwise)', async () => {
    const { id: first } = await awaitingCertificate();
    const second = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
    await h.settle();
    expect((await h.ticket(second)).tags).toContain('cert_renewal_linked');
    const before = (await h.certdeskComments(second)).length;
    const key = newKey();
    await h.reply(second, `Sorry, here is our key:\n${key}`);
    await h.settle();
    const mine = await h.certdeskComments(second);
    expect(mine).toHaveLength(before + 1);
    expect(await keyNotices(second)).toHaveLength(1);
    expect(await state(first)).toBe('awaiting_certificate');
    await expectNoKeyAnywhere(second, [key]);
  });

  it('as a .key attached to the opening request', async () => {
    const key = newKey('pkcs1');
    const token = await h.upload('server.key', key);
    const { ticket } = await h.api('POST', '/api/v2/tickets', {
      as: h.demo.customer.email,
      body: { ticket: { subject: 'Certificate renewal', priority: 'low', comment: { body: FORM(site), uploads: [token] } } },
    });
    await h.settle();
    expect(await state(ticket.id)).toBe('awaiting_certificate');
    expect((await h.comments(ticket.id))[0]!.attachments.map((a) => a.file_name)).toEqual(['redacted.txt']);
    const notices = await keyNotices(ticket.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('“server.key”');
    await expectNoKeyAnywhere(ticket.id, [key]);
  });

  it('in a reply while the request waits for information: told in the next answer, once', async () => {
    const id = await h.openTicket({ subject: 'Certificate renewal', body: `Please renew ${site}, Site URL: ${site}` });
    await h.settle();
    expect(await state(id)).toBe('needs_info');
    const key = newKey();
    await h.reply(id, `${FORM(site)}\n\n${key}`);
    await h.settle();
    expect(await state(id)).toBe('awaiting_certificate');
    const notices = await keyNotices(id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('BEGIN CERTIFICATE REQUEST');
    // A later reply that changes nothing gets no answer, and no second notice.
    await h.reply(id, 'Thanks!');
    await h.settle();
    expect(await keyNotices(id)).toHaveLength(1);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('after installation, when certdesk has nothing else to say: redacted, and told once in a comment of its own', async () => {
    const { id, leaf } = await awaitingCertificate();
    await h.reply(id, `Here it is:\n${pemBundle([leaf, ca.intermediate])}`);
    await h.settle();
    await expectInstalled(id, leaf);
    const before = (await h.certdeskComments(id)).length;
    const key = newKey();
    await h.reply(id, `One more thing, here is the old key:\n${key}\nThanks`);
    await h.settle();
    expect(await state(id)).toBe('installed');
    const mine = await h.certdeskComments(id);
    expect(mine).toHaveLength(before + 1);
    expect(mine.at(-1)!.public).toBe(true);
    expect(await keyNotices(id)).toHaveLength(1);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('in one file with the CSR and the chain: the CSR is passed over, the certificate installed, the file redacted', async () => {
    const { id, csr, leaf } = await awaitingCertificate();
    const key = newKey();
    await replyWith(id, { 'everything.pem': `${csr}\n${key}\n${pemBundle([leaf, ca.intermediate])}` });
    await expectInstalled(id, leaf);
    const reply = (await h.comments(id)).find((c) => c.body.includes('everything we got'))!;
    expect(reply.attachments.map((a) => a.file_name)).toEqual(['redacted.txt']);
    const accepted = (await h.certdeskComments(id)).find((c) => /it is valid/.test(c.body))!;
    expect(accepted.body).toMatch(/everything\.pem contains a private key/);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('in a stored (uncompressed) ZIP of the CSR, the key and the certificate', async () => {
    const { id, csr, leaf } = await awaitingCertificate();
    const key = newKey();
    await replyWith(id, { 'from-the-ca.zip': toZip({ [`${site}.csr`]: csr, [`${site}.key`]: key, [`${site}.crt`]: pemBundle([leaf, ca.intermediate]) }, 0) });
    await expectInstalled(id, leaf);
    expect((await keyNotices(id)).length).toBe(1);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('in a 21st attachment, past the 20 the bundle check opens', async () => {
    const { id, leaf } = await awaitingCertificate();
    const key = newKey();
    const files: Record<string, string> = { 'certificate.pem': pemBundle([leaf, ca.intermediate]) };
    for (let i = 2; i <= 20; i++) files[`notes-${i}.txt`] = `note ${i}`;
    files['server.key'] = key;
    await replyWith(id, files);
    await expectInstalled(id, leaf);
    const reply = (await h.comments(id)).find((c) => c.body.includes('everything we got'))!;
    expect(reply.attachments).toHaveLength(21);
    expect(reply.attachments.at(-1)!.file_name).toBe('redacted.txt');
    const accepted = (await h.certdeskComments(id)).find((c) => /it is valid/.test(c.body))!;
    expect(accepted.body).toMatch(/server\.key contains a private key/);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('in an 11 MB file, past the 10 MB download cap: streamed and scanned as bytes', async () => {
    const { id, leaf } = await awaitingCertificate();
    const key = newKey();
    const filler = (n: number) => Buffer.alloc(n, 'x'.repeat(79) + '\n');
    const log = Buffer.concat([filler(6 * 1024 * 1024), Buffer.from(`\n${key}\n`), filler(5 * 1024 * 1024)]);
    expect(log.length).toBeGreaterThan(11 * 1024 * 1024);
    await replyWith(id, { 'certificate.pem': pemBundle([leaf, ca.intermediate]), 'server-debug.log': log });
    await expectInstalled(id, leaf);
    const reply = (await h.comments(id)).find((c) => c.body.includes('everything we got'))!;
    expect(reply.attachments.map((a) => a.file_name)).toEqual(['certificate.pem', 'redacted.txt']);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('three archives deep', async () => {
    const { id, leaf } = await awaitingCertificate();
    const key = newKey();
    const inner = toZip({ 'server.key': key }, 9);
    const middle = toZip({ 'keys/inner.zip': inner }, 9);
    const outer = toZip({ 'certificate.crt': pemBundle([leaf, ca.intermediate]), 'backup/middle.zip': middle }, 9);
    await replyWith(id, { 'everything.zip': outer });
    await expectInstalled(id, leaf);
    expect(await keyNotices(id)).toHaveLength(1);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('in a forwarded e-mail (.eml) with the key as a base64 attachment', async () => {
    const { id, leaf } = await awaitingCertificate();
    const key = newKey();
    const b64 = (text: string) => Buffer.from(text).toString('base64').replace(/.{76}/g, '$&\r\n');
    const part = (name: string, body: string) => [
      '--b1',
      `Content-Type: application/octet-stream; name="${name}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${name}"`,
      '',
      b64(body),
    ];
    const eml = [
      'From: it@northwind-traders.example',
      `Subject: ${site} files`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Files attached.',
      ...part(`${site}.crt`, pemBundle([leaf, ca.intermediate])),
      ...part('server.key', key),
      '--b1--',
      '',
    ].join('\r\n');
    await replyWith(id, { 'Fwd: certificate.eml': eml });
    await expectInstalled(id, leaf);
    const reply = (await h.comments(id)).find((c) => c.body.includes('everything we got'))!;
    expect(reply.attachments.map((a) => a.file_name)).toEqual(['redacted.txt']);
    expect(await keyNotices(id)).toHaveLength(1);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('in a PKCS#12 whose password is in the reply: the .pfx is redacted, the certificate beside it installed', async () => {
    const { id, leaf } = await awaitingCertificate();
    const old = createChain({ dnsNames: [site] });
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-pfx-'));
    writeFileSync(join(dir, 'c.pem'), old.leaf.pem);
    writeFileSync(join(dir, 'k.pem'), old.leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const pfx = execFileSync('openssl', ['pkcs12', '-export', '-passout', 'pass:tulip-42', '-inkey', join(dir, 'k.pem'), '-in', join(dir, 'c.pem')]);
    await replyWith(
      id,
      { 'certificate.pem': pemBundle([leaf, ca.intermediate]), 'old-server.pfx': pfx },
      'The new certificate, and the old pfx (password: tulip-42).',
    );
    await expectInstalled(id, leaf);
    const reply = (await h.comments(id)).find((c) => c.body.includes('old pfx'))!;
    expect(reply.attachments.map((a) => a.file_name)).toEqual(['certificate.pem', 'redacted.txt']);
    const accepted = (await h.certdeskComments(id)).find((c) => /it is valid/.test(c.body))!;
    expect(accepted.body).toMatch(/old-server\.pfx.* private key/);
  });

  it('with the certificate it belongs to: the customer is told that certificate must be reissued', async () => {
    const old = createChain({ dnsNames: [site] });
    const key = old.leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const id = await h.openTicket({ subject: 'Certificate renewal', body: `${FORM(site)}\n\nOur current certificate and key:\n${old.leaf.pem}${key}` });
    await h.settle();
    const notices = await keyNotices(id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/key of the certificate you sent with it, so that certificate must be reissued/);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('with the old certificate it belongs to, beside the new one: the new one installed, the old one to be reissued', async () => {
    const { id, leaf } = await awaitingCertificate();
    const old = createChain({ dnsNames: [site] });
    const key = old.leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await replyWith(id, { 'new.pem': pemBundle([leaf, ca.intermediate]), 'old.pem': old.leaf.pem + key });
    await expectInstalled(id, leaf);
    const accepted = (await h.certdeskComments(id)).find((c) => /it is valid/.test(c.body))!;
    expect(accepted.body).toMatch(/old\.pem contains a private key/);
    expect(accepted.body).toMatch(/is the key of a certificate you sent with it: that certificate must be reissued/);
    await expectNoKeyAnywhere(id, [key]);
  });

  it('says when it cannot be sure: a password-protected archive gets an internal note for an agent', async () => {
    const { id, leaf } = await awaitingCertificate();
    const zip = toZip({ 'secret.txt': 'hello' }, 0);
    zip[zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 8]! |= 1;
    await replyWith(id, { 'certificate.pem': pemBundle([leaf, ca.intermediate]), 'locked.zip': zip });
    // The bundle check asks for the archive without a password; the key scan tells agents it could not look.
    expect(await state(id)).toBe('awaiting_certificate');
    expect((await h.certdeskComments(id)).at(-1)!.body).toMatch(/password-protected/);
    const note = (await h.certdeskComments(id)).find((c) => !c.public && /check a customer comment for a private key/.test(c.body))!;
    expect(note.body).toContain('locked.zip › secret.txt (password-protected)');
    expect(await keyNotices(id)).toHaveLength(0);
  });
});

describe('when certdesk cannot open a file', () => {
  it('a compressed archive past the download cap, with no key visible in its bytes: agents are asked to look', async () => {
    const { id, leaf } = await awaitingCertificate();
    const big = toZip({ 'backup.tar': randomBytes(11 * 1024 * 1024) }, 6);
    expect(big.length).toBeGreaterThan(10 * 1024 * 1024);
    await replyWith(id, { 'certificate.pem': pemBundle([leaf, ca.intermediate]), 'server-backup.zip': big });
    await expectInstalled(id, leaf);
    const note = (await h.certdeskComments(id)).find((c) => !c.public && /check a customer comment for a private key/.test(c.body))!;
    expect(note.body).toContain('server-backup.zip (a compressed archive larger than 10 MB, too large to open)');
    expect(await keyNotices(id)).toHaveLength(0);
  });
});

describe('told once', () => {
  it('through a failed redaction, a retried job and every event delivered four times, shuffled', async () => {
    const sandbox = h.svc.sandbox!;
    sandbox.faults.set({ seed: 5, webhooks: { duplicateRate: 1, duplicates: 3, reorderWindowMs: 100 } });
    sandbox.faults.failNext({ method: 'PUT', path: '/api/v2/comment_redactions/*', status: 500 });
    const key = newKey();
    let id: number;
    try {
      id = await h.openTicket({ subject: 'Certificate renewal', body: `${FORM(site)}\n\n${key}` });
      await h.settle();
    } finally {
      sandbox.faults.reset();
    }
    expect(await state(id)).toBe('awaiting_certificate');
    // The first attempt failed at the redaction and was retried.
    const jobs = (await h.svc.store.jobs.list({ kind: 'ticket-event' })).filter((j) => (j.payload as { ticketId: number }).ticketId === id);
    expect(jobs.some((j) => j.attempts > 1 && /500/.test(j.lastError ?? ''))).toBe(true);
    expect(await keyNotices(id)).toHaveLength(1);
    expect((await h.certdeskComments(id)).filter((c) => /BEGIN CERTIFICATE REQUEST/.test(c.body))).toHaveLength(1);
    const audit = await h.svc.store.audit.forTicket(id);
    expect(audit.filter((a) => a.action === 'private_key_found')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'private_key_redacted')).toHaveLength(1);
    await expectNoKeyAnywhere(id, [key]);
  });
});

describe('told once, whatever fails after the answer carrying the notice was decided', () => {
  it('a failure between recording the transition and marking the notice given (a crash there) does not tell the customer twice', async () => {
    const effects = h.svc.store.effects;
    const markDone = effects.markDone;
    let failed = 0;
    // The store refuses the first 'notice given' mark, as a process killed right after the transition was committed would never write it.
    effects.markDone = async function (this: typeof effects, ...args: Parameters<typeof markDone>) {
      if (String(args[0]).startsWith('keynotice:') && failed === 0) {
        failed++;
        throw new Error('injected: the process stopped here');
      }
      return markDone.apply(this, args);
    } as typeof markDone;
    const key = newKey();
    let id: number;
    try {
      id = await h.openTicket({ subject: 'Certificate renewal', body: `${FORM(site)}\n\n${key}` });
      await h.settle();
    } finally {
      effects.markDone = markDone;
    }
    expect(failed).toBe(1);
    expect(await state(id)).toBe('awaiting_certificate');
    const csrComments = (await h.certdeskComments(id)).filter((c) => /BEGIN CERTIFICATE REQUEST/.test(c.body));
    expect(csrComments).toHaveLength(1);
    // The CSR answer told them; the answer to their certificate must not tell them again.
    await h.reply(id, `The certificate:\n${pemBundle([ca.issue(csrFrom(csrComments[0]!.body), site), ca.intermediate])}`);
    await h.settle();
    expect(await state(id)).toBe('installed');
    expect(await keyNotices(id)).toHaveLength(1);
    await expectNoKeyAnywhere(id, [key]);
  });
});

describe('redaction as the account allows it', () => {
  it('without Agent Workspace, uses the legacy endpoints', async () => {
    h.svc.sandbox!.account.agentWorkspace = false;
    try {
      const { id, leaf } = await awaitingCertificate();
      const key = newKey();
      await replyWith(id, { 'certificate.pem': pemBundle([leaf, ca.intermediate]), 'server.key': key }, `Key pasted too:\n${key}`);
      await expectInstalled(id, leaf);
      await expectNoKeyAnywhere(id, [key]);
    } finally {
      h.svc.sandbox!.account.agentWorkspace = true;
    }
  });

  it('when both are refused, the renewal goes on and an internal note asks an agent to redact', async () => {
    h.svc.sandbox!.account.agentWorkspace = false;
    h.svc.sandbox!.faults.set({ errors: [{ method: 'PUT', path: '/api/v2/tickets/*/comments/*/redact', status: 403 }] });
    try {
      const { id, leaf } = await awaitingCertificate();
      await h.reply(id, `Here it is:\n${pemBundle([leaf, ca.intermediate])}\n${newKey()}`);
      await h.settle();
      await expectInstalled(id, leaf);
      const note = (await h.certdeskComments(id)).find((c) => !c.public && /Zendesk refused to redact it/.test(c.body))!;
      expect(note.body).toMatch(/redact it by hand/);
      expect((await h.svc.store.audit.forTicket(id)).some((a) => a.action === 'private_key_redaction_refused')).toBe(true);
    } finally {
      h.svc.sandbox!.faults.reset();
      h.svc.sandbox!.account.agentWorkspace = true;
    }
  });
});
