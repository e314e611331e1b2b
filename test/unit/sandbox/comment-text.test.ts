import { describe, expect, it } from 'vitest';
import { applyRedactions, escapeHtml, htmlToText, textToHtml } from '../../../src/sandbox/comment-text.js';

describe('comment body derivations', () => {
  it.each([
    ['one line', '<div class="zd-comment" dir="auto"><p>one line</p></div>'],
    ['a\nb', '<div class="zd-comment" dir="auto"><p>a<br>b</p></div>'],
    ['p1\n\np2', '<div class="zd-comment" dir="auto"><p>p1</p><p>p2</p></div>'],
    ['<x> & "y"', '<div class="zd-comment" dir="auto"><p>&lt;x&gt; &amp; &quot;y&quot;</p></div>'],
  ])('turns text %j into HTML', (text, html) => {
    expect(textToHtml(text)).toBe(html);
  });

  it.each([
    ['<p>a</p><p>b</p>', 'a\n\nb'],
    ['<div>x<br/>y</div>', 'x\ny'],
    ['&lt;b&gt; &amp; &#39;q&#39; &#x41;', "<b> & 'q' A"],
    ['<script>evil()</script>visible', 'visible'],
  ])('turns HTML %j into text', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it('round-trips text through HTML', () => {
    const text = 'Site URL: https://my.example.com/\nCountry: UK\n\nThanks & regards <Pat>';
    expect(htmlToText(textToHtml(text))).toBe(text);
  });

  it('replaces each redacted character with ▇ and leaves the rest', () => {
    expect(applyRedactions('<p>key: <redact>AB&amp;C</redact> ok <redact><b>xy</b></redact></p>')).toBe('<p>key: ▇▇▇▇ ok ▇▇</p>');
  });

  it('escapes every HTML-special character', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
