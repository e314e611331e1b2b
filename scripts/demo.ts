/**
 * `npm run demo`: a whole renewal, played the way a customer would, against a fresh certdesk in
 * sandbox mode (temporary DATA_DIR, free ports, a demo CA trusted through EXTRA_CA_FILE):
 * open the ticket with the seed's form → wait for the CSR → the demo CA issues a certificate for
 * it → attach the CA's ZIP → wait until installed → print the conversation and show the
 * certificate the TLS front now serves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { loadConfig } from '../src/config/load-config.js';
import { startService } from '../src/wiring/service.js';
import { createLogger } from '../src/lib/logger.js';
import { createTestCa, csrFrom } from '../test/helpers/pki/test-ca.js';
import { freePort } from '../test/helpers/certdesk-process.js';

const say = (...lines: string[]) => process.stdout.write((lines.length ? lines : ['']).join('\n') + '\n');
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

const dataDir = mkdtempSync(join(tmpdir(), 'certdesk-demo-'));
const ca = createTestCa('certdesk Demo');
const [port, sandboxPort, tlsPort] = [await freePort(), await freePort(), await freePort()];
const config = loadConfig({
  PORT: String(port),
  SANDBOX_PORT: String(sandboxPort),
  TLS_FRONT_PORT: String(tlsPort),
  DATA_DIR: dataDir,
  EXTRA_CA_FILE: ca.rootFile,
  LOG_LEVEL: 'warn',
});
const service = await startService(config, { logger: createLogger({ level: process.env.LOG_LEVEL ?? 'error', fd: 2 }), host: '127.0.0.1' });
const sandbox = service.sandbox!;
const demo = sandbox.demo!;
const site = demo.registry[0]!.domain;

const api = async (method: string, path: string, as: string, body?: unknown, raw?: { data: Buffer; type: string }) => {
  const res = await fetch(new URL(path, sandbox.url), {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${as}/token:demo`).toString('base64')}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : raw ? { 'content-type': raw.type } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : raw ? { body: raw.data } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
};
// Read as the demo agent: certdesk's own API user signs in with OAuth only, as on a new account.
const ticketOf = async (id: number) => (await api('GET', `/api/v2/tickets/${id}`, demo.agent.email)).ticket as { status: string; tags: string[] };
const commentsOf = async (id: number) =>
  (await api('GET', `/api/v2/tickets/${id}/comments?include=users`, demo.agent.email)) as { comments: any[]; users: any[] };
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

try {
  say(`certdesk demo — sandbox at ${sandbox.url}, certdesk at ${service.url}, TLS front on 127.0.0.1:${tlsPort}`);
  say(`1. ${demo.customer.name} (${demo.organization.name}) opens a Priority 4 ticket with the renewal form for ${site}.`);
  const form = [
    'Hello, our certificate expires soon. Please renew it.',
    '',
    `• Site URL (e.g. my.example.com): ${site}`,
    '• Country Name (2 letter code, e.g. GB, CH, BE, NL): GB',
    '• State or Province Name (full name): Greater London',
    '• Locality Name (city): London',
    `• Organization Full Name (e.g., Your Company Ltd): ${demo.organization.name} Ltd`,
    '• Organizational Unit Name (could be your department): IT',
    `• Your email address: ${demo.customer.email}`,
  ].join('\n');
  const { ticket } = await api('POST', '/api/v2/tickets', demo.customer.email, {
    ticket: { subject: `Certificate renewal for ${site}`, priority: 'low', comment: { body: form } },
  });
  const id = ticket.id as number;

  const csrComment = await until('the CSR', async () =>
    (await commentsOf(id)).comments.find((c) => c.author_id === sandbox.apiUser.id && c.body.includes('BEGIN CERTIFICATE REQUEST')),
  );
  say(`2. certdesk answers with the CSR (${elapsed()}): tags ${(await ticketOf(id)).tags.join(', ')}.`);

  const leaf = ca.issue(csrFrom(csrComment.body), site);
  say(`3. The demo CA issues the certificate (serial ${leaf.x509.serialNumber.toLowerCase()}), as a ZIP the customer attaches to a reply.`);
  const upload = await api('POST', `/api/v2/uploads?filename=${encodeURIComponent(`${site}.zip`)}`, demo.customer.email, undefined, {
    data: ca.zipFor(leaf, site),
    type: 'application/zip',
  });
  const bundleSent = Date.now();
  await api('PUT', `/api/v2/tickets/${id}`, demo.customer.email, {
    ticket: { comment: { body: 'Here is the certificate from the CA.', public: true, uploads: [upload.upload.token] } },
  });

  await until('installation', async () => ((await ticketOf(id)).tags.includes('cert_renewal_installed') ? true : undefined));
  const final = await ticketOf(id);
  say(
    `4. Installed and verified live ${((Date.now() - bundleSent) / 1000).toFixed(1)} s after the reply; ticket ${final.status}, tags ${final.tags.join(', ')}.`,
  );

  say('', `The conversation on ticket #${id}:`);
  const { comments, users } = await commentsOf(id);
  const names = new Map(users.map((u: { id: number; name: string }) => [u.id, u.name]));
  for (const c of comments) {
    say(
      '',
      `— ${names.get(c.author_id) ?? c.author_id}${c.public ? '' : ' (internal note)'}${c.attachments.length ? ` [${c.attachments.map((a: { file_name: string }) => a.file_name).join(', ')}]` : ''}`,
    );
    say(
      String(c.body)
        .replace(
          /-----BEGIN CERTIFICATE REQUEST-----[\s\S]+?-----END CERTIFICATE REQUEST-----/,
          '-----BEGIN CERTIFICATE REQUEST----- … -----END CERTIFICATE REQUEST-----',
        )
        .split('\n')
        .map((l) => `   ${l}`)
        .join('\n'),
    );
  }

  const served = await new Promise<tls.PeerCertificate>((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: tlsPort, servername: site, ca: [ca.root.pem] }, () => {
      const cert = socket.getPeerCertificate(true);
      socket.end();
      if (!socket.authorized) reject(new Error(`the TLS front's chain did not verify: ${socket.authorizationError}`));
      else resolve(cert);
    });
    socket.on('error', reject);
  });
  say('', `The TLS front now serves for ${site} (chain verified against the demo CA):`);
  say(`   subject ${served.subject.CN}, issuer ${served.issuer.CN}, expires ${served.valid_to}`);
  say(`   SHA-256 ${createHash('sha256').update(served.raw).digest('hex')} (the certificate the CA issued: ${leaf.sha256})`);
  say('', `Done in ${elapsed()}.`);
} finally {
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
}
