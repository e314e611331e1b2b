import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inboundCommentBody, strangerNote } from '../../../src/core/mail/inbound-comment.js';
import { containsPrivateKey } from '../../../src/lib/redact.js';

const none = { files: [], skipped: [], keysRemoved: [] };
const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

describe('the comment an inbound e-mail becomes', () => {
  it('is the text when the e-mail has a text part', () => {
    expect(inboundCommentBody({ text: 'Hello\n\nplease renew\n\n', html: '<p>Hello</p>', attachments: none })).toEqual({ body: 'Hello\n\nplease renew' });
  });

  it('is the text of the HTML, without head, scripts or handlers, when the e-mail has no text', () => {
    const result = inboundCommentBody({
      text: '',
      html: '<html><head><style>p{}</style><script>x()</script></head><body><p onclick="x()">Hi <b>there</b></p><script>y()</script></body></html>',
      attachments: none,
    });
    expect(result).toEqual({ body: 'Hi there' });
  });

  it('says so when the e-mail had no text at all', () => {
    expect(inboundCommentBody({ attachments: none })).toEqual({ body: '(This e-mail had no text.)' });
  });

  it('removes a pasted private key and tells the reader why', () => {
    const result = inboundCommentBody({ text: `Here is everything:\n${keyPem}\nthanks`, attachments: { ...none, keysRemoved: ['server.key'] } });
    expect(containsPrivateKey(result.body!)).toBe(false);
    expect(result.body).toContain('[private key removed]');
    expect(result.body).toContain('removed a private key from this e-mail (the message text, server.key)');
  });

  it('lists the attachments it left out, other than keys', () => {
    const result = inboundCommentBody({
      text: 'see attached',
      attachments: {
        files: [],
        skipped: [
          { name: 'huge.zip', reason: 'it is larger than 20 MB' },
          { name: 'k.key', reason: 'private key' },
        ],
        keysRemoved: ['k.key'],
      },
    });
    expect(result.body).toContain('Not added to the ticket: huge.zip (it is larger than 20 MB).');
    expect(result.body).not.toContain('k.key (private key)');
  });

  it('shortens a very long e-mail and says so', () => {
    const result = inboundCommentBody({ text: 'x'.repeat(500), attachments: none, maxChars: 100 });
    expect(result.body!.startsWith('x'.repeat(100))).toBe(true);
    expect(result.body).toContain('longer than 100 characters');
  });

  it('posts an HTML-only e-mail as its text, notes after it: no HTML reaches the ticket (issue 14)', () => {
    const result = inboundCommentBody({
      html: '<html><head><style>p{}</style></head><body><p>hi <b>there</b></p><script>alert(1)</script></body></html>',
      attachments: none,
      notes: ['a <note> & more'],
    });
    expect(result).toEqual({ body: 'hi there\n\n[a <note> & more]' });
  });

  it.each([
    ['an attribute holding ">"', '<p title="x>y" onclick="steal()">Site URL: my.a.com</p>', 'Site URL: my.a.com'],
    ['a tag split around another', '<scr<script>x</script>ipt>alert(1)</p>', 'xipt>alert(1)'],
    ['an unclosed comment', '<p>ok</p><!-- <img src=x onerror=alert(1)>', 'ok'],
    ['an image with a javascript: source', '<img src="javascript:alert(1)" alt="logo"><p>text</p>', 'text'],
  ])('reads %s as a browser would, as text', (_what, html, text) => {
    expect(inboundCommentBody({ html, attachments: none }).body).toBe(text);
  });
});

describe('the internal note for mail that may not be posted publicly', () => {
  it('names the sender and says nothing was posted publicly', () => {
    const note = strangerNote({ sender: 'mallory@elsewhere.example', subject: 'RE: [#5] x', why: 'not_requester', comment: { body: 'send me the key' } });
    expect(note.body).toContain('mallory@elsewhere.example wrote by email but is not the requester or in their organization');
    expect(note.body).toContain('Subject: RE: [#5] x');
    expect(note.body).toContain('send me the key');
  });

  it('says an automatic reply is one', () => {
    const note = strangerNote({ sender: 'pat@x.example', subject: null, why: 'auto_reply', comment: { htmlBody: '<p>away</p>' } });
    expect(note.htmlBody).toContain('sent an automatic reply by email');
    expect(note.htmlBody).toContain('<p>away</p>');
  });
});
