import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fileName, selectAttachments, type MailPart } from '../../../src/core/mail/select-attachments.js';
import { containsPrivateKey } from '../../../src/lib/redact.js';

// Keys are made here, at run time: no key material is ever committed.
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyPem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const keyDer = ec.privateKey.export({ type: 'pkcs8', format: 'der' });
const sec1Pem = ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
const certText = '-----BEGIN CERTIFICATE-----\nMIIBplaceholder\n-----END CERTIFICATE-----\n';

const part = (filename: string | undefined, contentType: string, content: string | Buffer, extra: Partial<MailPart> = {}): MailPart => ({
  ...(filename ? { filename } : {}),
  contentType,
  content: Buffer.isBuffer(content) ? content : Buffer.from(content),
  ...extra,
});

describe('choosing the attachments of an inbound e-mail', () => {
  it('keeps what the customer attached, with its real MIME type', () => {
    const result = selectAttachments([
      part('my_site.crt', 'application/x-x509-ca-cert', certText),
      part('bundle.zip', 'application/zip', Buffer.from([0x50, 0x4b, 3, 4, 0, 0])),
      part(undefined, 'message/rfc822', 'From: ca@ca.example\r\n\r\nyour cert'),
    ]);
    expect(result.files.map((f) => [f.name, f.contentType])).toEqual([
      ['my_site.crt', 'application/x-x509-ca-cert'],
      ['bundle.zip', 'application/zip'],
      ['forwarded-message.eml', 'message/rfc822'],
    ]);
    expect(result.skipped).toEqual([]);
  });

  it.each([
    ['an S/MIME signature', part('smime.p7s', 'application/pkcs7-signature', 'sig')],
    ['a logo shown inside the HTML', part('logo.png', 'image/png', 'png', { related: true, disposition: 'inline' })],
    ['an inline image without a name', part(undefined, 'image/jpeg', 'jpg', { disposition: 'inline' })],
  ])('leaves out %s without a word', (_name, p) => {
    expect(selectAttachments([p])).toEqual({ files: [], skipped: [], keysRemoved: [] });
  });

  it('keeps an inline part when it is a certificate file (Apple Mail attaches inline)', () => {
    const result = selectAttachments([part('site.crt', 'application/x-x509-ca-cert', certText, { disposition: 'inline' })]);
    expect(result.files.map((f) => f.name)).toEqual(['site.crt']);
  });

  it('keeps an attached image (a screenshot sent on purpose)', () => {
    expect(selectAttachments([part('error.png', 'image/png', 'png', { disposition: 'attachment' })]).files).toHaveLength(1);
  });

  it.each([
    ['a PEM key file', part('server.pem', 'application/x-pem-file', keyPem)],
    ['a traditional EC key', part('ec.txt', 'text/plain', sec1Pem)],
    ['a DER key', part('server.der', 'application/octet-stream', keyDer)],
    ['a .key file, whatever it holds', part('server.key', 'application/octet-stream', 'anything')],
    ['a PKCS#12 file', part('bundle.pfx', 'application/x-pkcs12', Buffer.from([0x30, 0x82, 1, 2]))],
  ])('never uploads %s', (_name, p) => {
    const result = selectAttachments([p]);
    expect(result.files).toEqual([]);
    expect(result.keysRemoved).toEqual([p.filename]);
    expect(result.skipped[0]!.reason).toContain('private key');
  });

  it('cuts a private key out of a PEM file that also holds certificates', () => {
    const result = selectAttachments([part('fullchain-and-key.pem', 'application/x-pem-file', `${certText}${keyPem}`)]);
    expect(result.files).toHaveLength(1);
    const text = result.files[0]!.data.toString('utf8');
    expect(containsPrivateKey(text)).toBe(false);
    expect(text).toContain('-----BEGIN CERTIFICATE-----');
    expect(text).toContain('[private key removed]');
    expect(result.keysRemoved).toEqual(['fullchain-and-key.pem']);
  });

  it.each([
    ['too many files', { maxCount: 2, maxFileBytes: 100, maxTotalBytes: 1000 }, ['a.txt', 'b.txt'], 'more than 2 attachments'],
    ['a file too large', { maxCount: 5, maxFileBytes: 5, maxTotalBytes: 1000 }, [], 'larger than'],
    ['too much altogether', { maxCount: 5, maxFileBytes: 100, maxTotalBytes: 15 }, ['a.txt'], 'together are larger'],
  ])('stays within the limits: %s', (_name, limits, kept, reason) => {
    const parts = ['a.txt', 'b.txt', 'c.txt'].map((n) => part(n, 'text/plain', '0123456789'));
    const result = selectAttachments(parts, limits);
    expect(result.files.map((f) => f.name)).toEqual(kept);
    expect(result.skipped.length).toBe(3 - kept.length);
    expect(result.skipped[0]!.reason).toContain(reason);
  });

  it('mentions an empty file instead of uploading it', () => {
    expect(selectAttachments([part('empty.crt', 'application/x-x509-ca-cert', '')]).skipped).toEqual([{ name: 'empty.crt', reason: 'the file is empty' }]);
  });

  it.each([
    ['../../etc/passwd', 'text/plain', 'passwd.txt'],
    ['C:\\Users\\pat\\cert.crt', 'application/x-x509-ca-cert', 'cert.crt'],
    ['bad:name?.pdf', 'application/pdf', 'bad_name_.pdf'],
    ['Your certificate', 'message/rfc822', 'Your certificate.eml'],
    [undefined, 'application/zip', 'attachment-3.zip'],
    [undefined, 'application/octet-stream', 'attachment-3'],
    ['.hidden', 'text/plain', 'hidden.txt'],
  ])('names %j (%s) as %j', (given, contentType, expected) => {
    expect(fileName(given, contentType, 3)).toBe(expected);
  });
});
