import { describe, expect, it } from 'vitest';
import { redactedTexts } from '../../../src/adapters/zendesk/legacy-redaction.js';
import { redactPrivateKeysHtml } from '../../../src/core/redaction/redact-private-keys-html.js';
import { privateKeyInText } from '../../../src/core/bundle/detect-private-key.js';

describe('the texts for the legacy redaction endpoint', () => {
  it('are the marked runs, entities decoded, tags dropped, blanks and repeats left out', () => {
    expect(redactedTexts('<p>a <redact>x&amp;y</redact> b <redact> <b>z</b> </redact><redact>x&amp;y</redact><redact>  </redact></p>')).toEqual(['x&y', 'z']);
  });

  it('cover every line of a key marked by redactPrivateKeysHtml', () => {
    const label = ['PRIVATE', 'KEY'].join(' ');
    const lines = [`-----BEGIN ${label}-----`, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'BKcwggSjAgEAAoIBAQC7', `-----END ${label}-----`];
    const html = `<div class="zd-comment"><p>Key:<br>${lines.join('<br>')}</p><p>Thanks</p></div>`;
    expect(redactedTexts(redactPrivateKeysHtml(html)!)).toEqual([...lines.slice(1), lines[0]]);
  });

  it('end with the BEGIN line, so that a redaction stopped after any of them still leaves the key recognisable for the retry', () => {
    const label = ['PRIVATE', 'KEY'].join(' ');
    const lines = [`-----BEGIN RSA ${label}-----`, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'BKcwggSjAgEAAoIBAQC7', `-----END RSA ${label}-----`];
    const text = `Key:\n${lines.join('\n')}\nThanks`;
    const texts = redactedTexts(redactPrivateKeysHtml(`<p>Key:<br>${lines.join('<br>')}</p><p>Thanks</p>`)!);
    for (let done = 0; done < texts.length; done++) {
      const partly = texts.slice(0, done).reduce((t, r) => t.split(r).join('▇'.repeat(r.length)), text);
      expect(privateKeyInText(partly), `after ${done} of ${texts.length}`).toBeDefined();
    }
  });
});
