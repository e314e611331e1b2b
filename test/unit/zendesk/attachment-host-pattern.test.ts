import { describe, expect, it } from 'vitest';
import { isAcceptableScheme, matchesAttachmentHost } from '../../../src/adapters/zendesk/attachment-host-pattern.js';

describe('attachment host allow-list patterns', () => {
  it.each([
    ['https://p12.zdusercontent.com/attachment/1', ['*.zdusercontent.com'], true],
    ['https://a.b.zdusercontent.com/x', ['*.zdusercontent.com'], true],
    ['https://zdusercontent.com/x', ['*.zdusercontent.com'], false],
    ['https://evilzdusercontent.com/x', ['*.zdusercontent.com'], false],
    ['https://p1.zdusercontent.com.evil.example/x', ['*.zdusercontent.com'], false],
    ['https://p1.zdusercontent.com:8443/x', ['*.zdusercontent.com'], false],
    ['http://localhost:4001/attachment/x', ['localhost:4001'], true],
    ['http://localhost:4002/attachment/x', ['localhost:4001'], false],
    ['http://localhost/attachment/x', ['localhost:4001'], false],
    ['https://files.example.com/a', ['FILES.example.com'], true],
    ['https://files.example.com:444/a', ['files.example.com'], false],
    ['https://anything.example/a', [], false],
    ['https://anything.example/a', ['', ' '], false],
  ])('%s against %j → %s', (url, patterns, expected) => {
    expect(matchesAttachmentHost(new URL(url), patterns)).toBe(expected);
  });

  it.each([
    ['https://p1.zdusercontent.com/', true],
    ['http://localhost:3001/', true],
    ['http://127.0.0.1:3001/', true],
    ['http://p1.zdusercontent.com/', false],
    ['ftp://localhost/', false],
    ['file:///etc/passwd', false],
  ])('scheme of %s acceptable → %s', (url, expected) => {
    expect(isAcceptableScheme(new URL(url))).toBe(expected);
  });
});
