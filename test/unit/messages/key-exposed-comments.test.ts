import { describe, expect, it } from 'vitest';
import { keyCheckNote, keyExposedComment, keyExposedParagraph, withKeyNotice } from '../../../src/core/messages/key-exposed-comments.js';

describe('what the customer is told about a private key they sent', () => {
  it('names where the key was and says it is exposed; nothing about reissuing unless it is the key of a certificate they sent', () => {
    const text = keyExposedParagraph({ places: ['your message', 'server.key'], ofSentCertificate: false });
    expect(text).toContain('(in “your message” and “server.key”)');
    expect(text).toMatch(/must be treated as exposed/);
    expect(text).not.toMatch(/reissued/);
    expect(keyExposedParagraph({ places: ['old.pfx'], ofSentCertificate: true })).toMatch(/that certificate must be reissued with a new key/);
  });

  it('is added to the answer certdesk gives anyway, or stands alone', () => {
    expect(withKeyNotice('Hello,\n\nthe CSR.', undefined)).toBe('Hello,\n\nthe CSR.');
    expect(withKeyNotice('Hello,\n\nthe CSR.', { places: ['a.key'], ofSentCertificate: false })).toMatch(
      /^Hello,\n\nthe CSR\.\n\nImportant: what you sent contained a private key \(in “a\.key”\)/,
    );
    expect(keyExposedComment({ places: ['a.key'], ofSentCertificate: false }).body).toMatch(/^Hello,\n\nImportant: .*\n\nThere is nothing else you need to do/);
  });
});

describe("the agents' note when certdesk cannot be sure or cannot redact", () => {
  it('lists what it could not open', () => {
    const body = keyCheckNote({ commentId: 7, unsure: ['a.zip › b.txt (password-protected)'], places: [] }).body;
    expect(body).toContain('could not look inside everything comment 7 carries');
    expect(body).toContain('- a.zip › b.txt (password-protected)');
    expect(body).not.toMatch(/refused/);
  });

  it('says Zendesk refused the redaction and asks for it by hand', () => {
    const body = keyCheckNote({ commentId: 9, unsure: [], refused: 'HTTP 403: Forbidden', places: ['your message'] }).body;
    expect(body).toMatch(
      /Comment 9 holds a private key \(in your message\), but Zendesk refused to redact it \(HTTP 403: Forbidden\)\. Please redact it by hand/,
    );
  });
});
