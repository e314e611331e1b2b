import { describe, expect, it } from 'vitest';
import { redactPrivateKeysHtml } from '../../../src/core/redaction/redact-private-keys-html.js';

const B = ['-----BEGIN', 'PRIVATE KEY-----'].join(' ');
const E = ['-----END', 'PRIVATE KEY-----'].join(' ');
const BE = ['-----BEGIN', 'EC PRIVATE KEY-----'].join(' ');
const EE = ['-----END', 'EC PRIVATE KEY-----'].join(' ');

/** What the customer would still see once Zendesk replaced every <redact> part. */
const visible = (html: string) => html.replace(/<redact>[\s\S]*?<\/redact>/g, '▇');

describe("redacting pasted private keys in a comment's HTML", () => {
  it.each([
    ['one paragraph with <br> lines', `<p>Here:<br>${B}<br>MIIEvQIBADAN<br>BgkqhkiG9w0B<br>${E}<br>thanks</p>`],
    ['a key split over paragraphs', `<div class="zd-comment"><p>key:</p><p>${B}</p><p>MIIEvQIBADAN</p><p>${E}</p><p>bye</p></div>`],
    ['an EC key in a <pre> block', `<pre>${BE}\nMHcCAQEEIB\n${EE}</pre><p>and the cert</p>`],
  ])('removes every line of %s and keeps the rest', (_name, html) => {
    const redacted = redactPrivateKeysHtml(html)!;
    const left = visible(redacted);
    expect(left).not.toMatch(/MIIEv|MHcCAQ|BgkqhkiG|PRIVATE KEY/);
    expect(left).toMatch(/thanks|bye|and the cert/);
    // Well nested: every <redact> closes before the next tag.
    expect(redacted).not.toMatch(/<redact>[^<]*<(?!\/redact>)/);
  });

  it('redacts a key cut off before its END line to the end of the comment', () => {
    const left = visible(redactPrivateKeysHtml(`<p>oops ${B}<br>MIIEvQIBADAN<br>BgkqhkiG</p>`)!);
    expect(left).toBe('<p>oops ▇<br>▇<br>▇</p>');
  });

  it('redacts several keys and leaves certificates alone', () => {
    const cert = '-----BEGIN CERTIFICATE-----<br>MIIDcert<br>-----END CERTIFICATE-----';
    const left = visible(redactPrivateKeysHtml(`<p>${B}<br>AAA<br>${E}</p><p>${cert}</p><p>${BE}<br>BBB<br>${EE}</p>`)!);
    expect(left).toContain('MIIDcert');
    expect(left).not.toMatch(/AAA|BBB/);
  });

  it('returns null when there is no private key', () => {
    expect(redactPrivateKeysHtml('<p>-----BEGIN CERTIFICATE-----</p>')).toBeNull();
  });
});
