import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentRefusedError } from '../../../src/ports/attachment-refused-error.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { MetricsRegistry } from '../../../src/lib/metrics.js';

/** `readAttachmentChunks`: the key scan's way through a file too large to download (issue 14). */
describe('reading an attachment chunk by chunk', () => {
  let zd: TestSandbox;
  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true });
  });
  afterAll(() => zd.close());

  async function attachmentOf(data: Buffer, name = 'big.bin'): Promise<string> {
    const upload = await zd.client.uploadFile(name, 'application/octet-stream', data);
    const ticket = await zd.client.createTicket({ subject: 'Big', comment: { body: 'start' } });
    await zd.client.updateTicket(ticket.id, { comment: { body: 'file', public: true, uploads: [upload.token] } });
    return (await zd.client.listComments(ticket.id))[1]!.attachments[0]!.content_url;
  }

  it('hands over every byte, in order, through the CDN redirect, keeping none', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const url = await attachmentOf(data);
    const hash = createHash('sha256');
    let chunks = 0;
    const result = await zd.client.readAttachmentChunks(url, 10 * 1024 * 1024, (chunk) => {
      chunks++;
      hash.update(chunk);
    });
    expect(result).toEqual({ bytes: data.length, complete: true });
    expect(chunks).toBeGreaterThan(1);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('stops at the cap and says the file was not read whole', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const url = await attachmentOf(data);
    const seen: Buffer[] = [];
    const result = await zd.client.readAttachmentChunks(url, 1_000_000, (chunk) => seen.push(Buffer.from(chunk)));
    expect(result).toEqual({ bytes: 1_000_000, complete: false });
    expect(Buffer.concat(seen).equals(data.subarray(0, 1_000_000))).toBe(true);
  });

  it('reads a file exactly at the cap as complete', async () => {
    const data = randomBytes(500_000);
    const url = await attachmentOf(data);
    expect(await zd.client.readAttachmentChunks(url, 500_000, () => undefined)).toEqual({ bytes: 500_000, complete: true });
  });

  it("hands over what arrived when the file stops arriving (the request's timeout), as not complete, instead of failing the job", async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const url = await attachmentOf(data);
    // The CDN sends the first 64 KiB, then nothing more: only the request's own timeout ends the read.
    const stalling: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (new URL(String(input instanceof Request ? input.url : input)).origin === new URL(zd.url).origin || !res.body) return res;
      const first = (await res.arrayBuffer()).slice(0, 64 * 1024);
      const signal = init?.signal;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(first));
          signal?.addEventListener('abort', () => controller.error(signal.reason));
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const client = zd.clientFor(zd.sandbox.apiUser.email, { fetch: stalling, timeoutMs: 500 });
    const seen: Buffer[] = [];
    const result = await client.readAttachmentChunks(url, 10 * 1024 * 1024, (chunk) => seen.push(Buffer.from(chunk)));
    expect(result).toEqual({ bytes: 64 * 1024, complete: false });
    expect(Buffer.concat(seen).equals(data.subarray(0, 64 * 1024))).toBe(true);
  });

  it('counts CDN requests under one endpoint label: no file token or file name in /metrics', async () => {
    const metrics = new MetricsRegistry();
    // A name without digits or dots passes the metrics facade's path masking (only such segments are kept).
    const url = await attachmentOf(randomBytes(1000), 'acme-server-key');
    const client = zd.clientFor(zd.sandbox.apiUser.email, { metrics });
    await client.readAttachmentChunks(url, 10_000, () => undefined);
    await client.downloadAttachment(url, 10_000);
    const text = await metrics.render();
    const token = /\/attachments\/token\/([^/?]+)/.exec(url)![1]!;
    expect(text).not.toContain('acme-server-key');
    expect(text).not.toContain(token);
    expect(text).toMatch(/zendesk_requests_total\{[^}]*endpoint="\(attachment host\)"[^}]*\} 2/);
  });

  it('refuses a host outside the allowed attachment hosts, as downloadAttachment does', async () => {
    const error = await zd.client.readAttachmentChunks('https://files.example.net/a.key', 1000, () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRefusedError);
    expect((error as AttachmentRefusedError).reason).toBe('host_not_allowed');
  });
});
