import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../src/core/request/html-to-text.js';
import { matchFieldLabel } from '../../../src/core/request/match-field-label.js';
import { splitQuotedHistory } from '../../../src/core/request/split-quoted-history.js';
import { mentionsCertificateRenewal } from '../../../src/core/request/detect-renewal-request.js';
import { findMyHostnames } from '../../../src/core/request/find-my-hostnames.js';
import { cleanFieldValue } from '../../../src/core/request/clean-field-value.js';

describe('matchFieldLabel', () => {
  it.each([
    ['  • Site URL (e.g. my.example.com): my.a.com', 'siteUrl', 'my.a.com'],
    ['- Country Name (2 letter code, e.g. GB, CH, BE, NL): GB', 'country', 'GB'],
    ['3. State or Province Name (full name) : Bern', 'state', 'Bern'],
    ['* Locality Name (city):Basel', 'locality', 'Basel'],
    ['(5) Organization Full Name (e.g., Your Company Ltd): Example AG', 'organization', 'Example AG'],
    ['Organizational Unit Name (could be your department): IT', 'organizationalUnit', 'IT'],
    ['Your email address: it@a.com', 'email', 'it@a.com'],
    ['E-mail: it@a.com', 'email', 'it@a.com'],
    ['Company name = Example AG', 'organization', 'Example AG'],
    ['City\tZug', 'locality', 'Zug'],
    ['Site URL', 'siteUrl', ''],
    ['Country Name (Switzerland):', 'country', 'Switzerland'],
    ['**Domain:** my.a.com', 'siteUrl', 'my.a.com'],
  ])('reads %j as %s = %j', (line, field, value) => {
    expect(matchFieldLabel(line)).toMatchObject({ field, value });
  });

  it.each(['Siteless meeting room', 'Please renew our certificate:', 'The country is GB', 'Citywide: yes', 'Note: see below'])(
    'finds no label in %j',
    (line) => {
      expect(matchFieldLabel(line)).toBeUndefined();
    },
  );
});

describe('splitQuotedHistory', () => {
  const quotedFlags = (text: string) => splitQuotedHistory(text).map((l) => l.quoted);

  it.each([
    ['"On … wrote:"', 'new\nOn Mon, 2 Mar 2026, Jane <j@a.com> wrote:\nold', [false, true, true]],
    ['"From: … Sent: …"', 'new\nFrom: Jane\nSent: Monday\nold', [false, true, true, true]],
    ['German Outlook headers', 'neu\nVon: Jane\nGesendet: Montag\nalt', [false, true, true, true]],
    ['a forward header', 'fyi\n---------- Forwarded message ---------\nold', [false, true, true]],
    ['"-----Original Message-----"', 'new\n-----Original Message-----\nold', [false, true, true]],
    ['a signature delimiter', 'new\n-- \nsig', [false, true, true]],
    ['"> " quotes between new lines', '> old\nnew\n>> older\nnew', [true, false, true, false]],
    ['a "From:" line that is not a header', 'From: our IT team\nnew', [false, false]],
  ])('marks history after %s', (_name, text, flags) => {
    expect(quotedFlags(text)).toEqual(flags);
  });

  it('removes the quote prefixes from quoted lines', () => {
    expect(splitQuotedHistory('> > Site URL: my.a.com').map((l) => l.text)).toEqual(['Site URL: my.a.com']);
  });
});

describe('htmlToText', () => {
  it.each([
    ['paragraphs and breaks', '<p>a</p><p>b<br>c</p>', 'a\n\nb\nc'],
    ['list items', '<ul><li>Site URL: x</li><li>City: y</li></ul>', '- Site URL: x\n- City: y'],
    ['list items holding paragraphs', '<ul><li><p>Site URL: x</p></li><li><p>City: y</p></li></ul>', '- Site URL: x\n\n- City: y'],
    ['table cells', '<table><tr><td>City</td><td>Zug</td></tr></table>', 'City\tZug'],
    ['a link with its own text', '<a href="https://my.a.com/x">my.a.com</a>', 'my.a.com'],
    ['a mailto link named by a person', '<a href="mailto:it@a.com">IT team</a>', 'IT team <it@a.com>'],
    ['entities', 'Smith &amp; Sons&nbsp;Ltd &#8211; Z&uuml;rich &#x4E2D;', 'Smith & Sons Ltd – Zürich 中'],
    ['source line breaks inside a paragraph', '<p>Site URL:\n   my.a.com</p>', 'Site URL: my.a.com'],
    ['styles, scripts and comments', '<style>p{}</style><!-- x --><script>1</script><p>ok</p>', 'ok'],
    ['blockquotes as "> " lines', '<p>new</p><blockquote><p>old</p><blockquote>older</blockquote></blockquote>', 'new\n\n> old\n>\n> > older'],
  ])('converts %s', (_name, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe('renewal wording', () => {
  it.each([
    ['Please renew our SSL certificate', true],
    ['Certificate renewal for my.a.com', true],
    ['our cert expires on 3 June', true],
    ['The certificate needs to be renewed', true],
    ['TLS Zertifikat erneuern', true],
    ['the certificate was renewed last week', false],
    ['Please renew our licence at https://my.a.com', false],
    ['Please renew our licence', false],
  ])('%j mentions a certificate renewal: %s', (text, expected) => {
    expect(mentionsCertificateRenewal(text)).toBe(expected);
  });
});

describe('findMyHostnames', () => {
  it.each([
    ['see https://my.a.com/login and my.b.co.uk.', ['my.a.com', 'my.b.co.uk']],
    ['write to it@my.a.com or my.name@a.com', []],
    ['Site URL (e.g. my.example.com): my.real.com', ['my.real.com']],
    ['not a tail: www.my.a.com, enemy.my.b.com', []],
    ['IDN my.bücher.de', ['my.xn--bcher-kva.de']],
  ])('finds the my. hostnames in %j', (text, hosts) => {
    expect(findMyHostnames(text)).toEqual(hosts);
  });
});

describe('cleanFieldValue', () => {
  it.each([
    ['  my.a.com  ', 'my.a.com'],
    ['my.a.com <https://my.a.com>', 'my.a.com'],
    ['it@a.com [mailto:it@a.com]', 'it@a.com'],
    ['[my.a.com](https://my.a.com)', 'my.a.com'],
    ['"Example  Ltd"', 'Example Ltd'],
    ['`my.a.com`', 'my.a.com'],
    ['<it@a.com>', 'it@a.com'],
    ['N/A', ''],
    ['n/a', ''],
    ['none', ''],
    ['-', ''],
    ['```', ''],
    ['____', ''],
    ['TBC', ''],
  ])('cleans %j to %j', (raw, clean) => {
    expect(cleanFieldValue(raw)).toBe(clean);
  });
});
