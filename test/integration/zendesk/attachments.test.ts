import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createZendeskClient } from '../../../src/adapters/zendesk/create-zendesk-client.js';
import { AttachmentRefusedError } from '../../../src/ports/attachment-refused-error.js';
import { ZendeskApiError } from '../../../src/ports/zendesk-api-error.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';

/** A plain HTTP server that counts requests and answers with `handler`. */
async function countingServer(handler: (path: string, res: import('node:http').ServerResponse) => void) {
  const hits: Array<{ path: string; authorization?: string }> = [];
  const server: Server = createServer((req, res) => {
    hits.push({ path: req.url ?? '', authorization: req.headers.authorization });
    handler(req.url ?? '', res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, hits, close: () => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())) };
}

describe('attachments through the client', () => {
  let zd: TestSandbox;
  const servers: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true });
  });
  afterAll(() => zd.close());
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function ticketWithFile(name: string, type: string, data: Buffer) {
    const upload = await zd.client.uploadFile(name, type, data);
    const ticket = await zd.client.createTicket({ subject: 'Bundle', comment: { body: 'start' } });
    await zd.client.updateTicket(ticket.id, { comment: { body: 'here it is', public: true, uploads: [upload.token] } });
    const comments = await zd.client.listComments(ticket.id);
    return { upload, ticket, comment: comments[1]!, attachment: comments[1]!.attachments[0]! };
  }

  it('round-trips an upload byte for byte: upload, attach, download', async () => {
    const data = randomBytes(300_000);
    const { upload, attachment } = await ticketWithFile('bundle.p7b', 'application/x-pkcs7-certificates', data);
    expect(upload.attachment).toMatchObject({
      file_name: 'bundle.p7b',
      content_type: 'application/x-pkcs7-certificates',
      size: data.length,
      malware_scan_result: 'malware_not_found',
    });
    expect(attachment).toMatchObject({ id: upload.attachment.id, file_name: 'bundle.p7b', size: data.length });
    const downloaded = await zd.client.downloadAttachment(attachment.content_url, 1_000_000);
    expect(downloaded.equals(data)).toBe(true);
  });

  it('never sends credentials to the CDN origin (the CDN records what it received)', async () => {
    const { attachment } = await ticketWithFile('cert.pem', 'application/x-pem-file', Buffer.from('-----BEGIN CERTIFICATE-----\n'));
    const before = zd.sandbox.cdnRequests().length;
    await zd.client.downloadAttachment(attachment.content_url, 10_000);
    const cdnHits = zd.sandbox.cdnRequests().slice(before);
    expect(cdnHits).toHaveLength(1);
    expect(cdnHits[0]!.status).toBe(200);
    expect(cdnHits[0]!.headers.authorization).toBeUndefined();
    expect(new URL(attachment.content_url).origin).toBe(zd.url);
    expect(zd.cdnUrl).not.toBe(zd.url);
  });

  it("is refused by the CDN when credentials are sent there, as Zendesk's CDN does", async () => {
    const { attachment } = await ticketWithFile('a.txt', 'text/plain', Buffer.from('abc'));
    const redirect = await fetch(attachment.content_url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const withAuth = await fetch(redirect.headers.get('location')!, { headers: { authorization: 'Basic eDp5' } });
    expect(withAuth.status).toBe(403);
  });

  it('refuses a content_url on a host outside the allow-list before sending any request', async () => {
    const elsewhere = await countingServer((_p, res) => res.end('secret internal data'));
    servers.push(elsewhere);
    const error = await zd.client.downloadAttachment(`${elsewhere.origin}/attachments/token/abc/?name=x.pem`, 10_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRefusedError);
    expect(error).toMatchObject({ reason: 'host_not_allowed', retryable: false });
    expect(elsewhere.hits).toHaveLength(0);
  });

  it.each([
    ['a non-http scheme', 'file:///etc/passwd'],
    ['credentials in the URL', 'http://user:pw@localhost:1/x'],
    ['not a URL at all', 'not a url'],
  ])('refuses %s', async (_name, url) => {
    await expect(zd.client.downloadAttachment(url, 10)).rejects.toBeInstanceOf(AttachmentRefusedError);
  });

  it('refuses a redirect from the Zendesk host to a host outside the allow-list, and sends it nothing', async () => {
    const internal = await countingServer((_p, res) => res.end('metadata'));
    const fakeZendesk = await countingServer((_p, res) => res.writeHead(302, { location: `${internal.origin}/latest/meta-data` }).end());
    servers.push(internal, fakeZendesk);
    const client = createZendeskClient({ baseUrl: fakeZendesk.origin, auth: { email: 'a@b.c', apiToken: 't' }, attachmentHosts: ['*.zdusercontent.com'] });
    const error = await client.downloadAttachment(`${fakeZendesk.origin}/attachments/token/x/?name=a`, 100).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'host_not_allowed' });
    expect(fakeZendesk.hits).toHaveLength(1);
    expect(fakeZendesk.hits[0]!.authorization).toMatch(/^Basic /);
    expect(internal.hits).toHaveLength(0);
  });

  it('follows a bounded number of redirects', async () => {
    const loop = await countingServer((path, res) => res.writeHead(302, { location: `${path}x` }).end());
    servers.push(loop);
    const client = createZendeskClient({ baseUrl: loop.origin, auth: { oauthToken: 'o' }, attachmentHosts: [], maxRedirects: 3 });
    const error = await client.downloadAttachment(`${loop.origin}/a`, 100).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'too_many_redirects' });
    expect(loop.hits).toHaveLength(4);
  });

  it('refuses a file larger than the cap, from its Content-Length', async () => {
    const { attachment } = await ticketWithFile('big.zip', 'application/zip', randomBytes(5000));
    await expect(zd.client.downloadAttachment(attachment.content_url, 4999)).rejects.toMatchObject({ reason: 'too_large' });
  });

  it('refuses a file larger than the cap while streaming when no Content-Length is sent', async () => {
    const streaming = await countingServer((_p, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 20; i++) res.write(randomBytes(1000));
      res.end();
    });
    servers.push(streaming);
    const client = createZendeskClient({ baseUrl: streaming.origin, auth: { oauthToken: 'o' }, attachmentHosts: [] });
    await expect(client.downloadAttachment(`${streaming.origin}/file`, 5000)).rejects.toMatchObject({ reason: 'too_large' });
    await expect(client.downloadAttachment(`${streaming.origin}/file`, 20_000)).resolves.toHaveLength(20_000);
  });

  it('marks a file named like a test virus as malware and will not serve it', async () => {
    const { attachment } = await ticketWithFile('eicar.com.txt', 'text/plain', Buffer.from('X5O!P%@AP'));
    expect(attachment.malware_scan_result).toBe('malware_found');
    const error = await zd.client.downloadAttachment(attachment.content_url, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZendeskApiError);
    expect(error).toMatchObject({ status: 403 });
  });

  it('replaces a redacted attachment with an empty redacted.txt, and its old URL stops working', async () => {
    const { ticket, comment, attachment } = await ticketWithFile(
      'private.key',
      'application/x-pem-file',
      Buffer.from(`${['-----BEGIN', 'PRIVATE KEY-----'].join(' ')}\nMIIE\n`),
    );
    await zd.client.redactComment(ticket.id, comment.id, { attachmentUrls: [attachment.content_url] });
    const after = (await zd.client.listComments(ticket.id))[1]!;
    expect(after.attachments).toEqual([expect.objectContaining({ id: attachment.id, file_name: 'redacted.txt', size: 0 })]);
    await expect(zd.client.downloadAttachment(attachment.content_url, 1000)).rejects.toMatchObject({ status: 404 });
    expect((await zd.client.downloadAttachment(after.attachments[0]!.content_url, 1000)).length).toBe(0);
  });
});
