import { describe, expect, it } from 'vitest';
import { parseRenewalRequest } from '../../../src/core/request/parse-renewal-request.js';
import { htmlToText } from '../../../src/core/request/html-to-text.js';

/**
 * HTML requests read by a real HTML parser (html-to-text) since issue 14: what our regular
 * expressions got wrong, read as a browser shows it.
 */
describe('HTML requests', () => {
  it('reads a label in an element whose attribute holds ">" (the regex converter cut the tag there)', () => {
    const parsed = parseRenewalRequest({
      subject: 'Certificate renewal',
      html: '<div data-x="a>b"><span title=">">Site URL: my.northwind-traders.example</span></div>',
    });
    expect(parsed.fields.siteUrl).toBe('my.northwind-traders.example');
  });

  it('drops what a browser never shows: head, scripts, styles, templates, comments', () => {
    const html =
      '<html><head><title>Site URL: my.evil.example</title></head><body><template>Site URL: my.evil.example</template><!-- Site URL: my.evil.example --><script>var s = "Site URL: my.evil.example"</script><p>Site URL: my.northwind-traders.example</p></body></html>';
    expect(htmlToText(html)).toBe('Site URL: my.northwind-traders.example');
  });

  it('keeps every row of a form laid out as a table, one per line', () => {
    const html = '<table><tr><th>Site URL</th><td>my.northwind-traders.example</td></tr><tr><td>Country Name</td><td>GB</td></tr></table>';
    expect(htmlToText(html)).toBe('Site URL\tmy.northwind-traders.example\nCountry Name\tGB');
  });
});
