import { describe, expect, it } from 'vitest';
import { redactedTexts } from '../../../src/adapters/zendesk/legacy-redaction.js';
import { redactPrivateKeysHtml } from '../../../src/core/redaction/redact-private-keys-html.js';

describe('the texts for the legacy redaction endpoint', () => {
  it('are the marked runs, entities decoded, tags dropped, blanks and repeats left out', () => {
    expect(redactedTexts('<p>a <redact>x&amp;y</redact> b <redact> <b>z</b> </redact><redact>x&amp;y</redact><redact>  </redact></p>')).toEqual(['x&y', 'z']);
  });

  it('cover every line of a key marked by redactPrivateKeysHtml', () => {
    const label = ['PRIVATE', 'KEY'].join(' ');
    const lines = [`-----BEGIN ${label}-----`, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'BKcwggSjAgEAAoIBAQC7', `-----END ${label}-----`];
    const html = `<div class="zd-comment"><p>Key:<br>${lines.join('<br>')}</p><p>Thanks</p></div>`;
    expect(redactedTexts(redactPrivateKeysHtml(html)!)).toEqual(lines);
  });
});
