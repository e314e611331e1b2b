import { describe, expect, it } from 'vitest';
import { normalizeCountry } from '../../../src/core/request/normalize-country.js';
import { normalizeEmail } from '../../../src/core/request/normalize-email.js';
import { normalizeSiteUrl } from '../../../src/core/request/normalize-site-url.js';
import { normalizeTextField } from '../../../src/core/request/normalize-text-field.js';

describe('normalizeSiteUrl', () => {
  it.each([
    ['my.example.com', 'my.example.com'],
    ['  MY.Example.COM ', 'my.example.com'],
    ['https://my.example.com/', 'my.example.com'],
    ['http://my.example.com:8443/webapp/#/home', 'my.example.com'],
    ['my.example.com.', 'my.example.com'],
    ['//my.example.com?x=1', 'my.example.com'],
    ['https://user@my.example.com', 'my.example.com'],
    ['my.bücher.de', 'my.xn--bcher-kva.de'],
    ['my.xn--bcher-kva.de', 'my.xn--bcher-kva.de'],
    ['my.例え.jp', 'my.xn--r8jz45g.jp'],
  ])('normalises %j to %j', (written, host) => {
    expect(normalizeSiteUrl(written)).toEqual({ ok: true, value: host });
  });

  it.each([
    ['www.example.com', /does not begin with "my\."/],
    ['example.com', /does not begin with "my\."/],
    ['mycompany.example.com', /does not begin with "my\."/],
    ['my.com', /not a complete address/],
    ['my.example', /not a complete address/],
    ['my example com', /not a web address/],
    ['my..example.com', /not a web address/],
    ['my.*.example.com', /not a web address/],
    ['my.exa_mple.com', /not a web address/],
    ['my.example.123', /not a web address/],
    [`my.${'a'.repeat(60)}.com`, /64 characters/],
  ])('refuses %j', (written, message) => {
    const check = normalizeSiteUrl(written);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.message).toMatch(message);
  });
});

describe('normalizeCountry', () => {
  it.each([
    ['GB', 'GB'],
    ['gb', 'GB'],
    ['UK', 'GB'],
    ['U.K.', 'GB'],
    ['GBR', 'GB'],
    ['United Kingdom', 'GB'],
    ['England', 'GB'],
    ['Scotland', 'GB'],
    ['Great Britain', 'GB'],
    ['United Kingdom (GB)', 'GB'],
    ['CH', 'CH'],
    ['Switzerland', 'CH'],
    ['Schweiz', 'CH'],
    ['Suisse', 'CH'],
    ['the Netherlands', 'NL'],
    ['Holland', 'NL'],
    ['België', 'BE'],
    ['Deutschland', 'DE'],
    ['USA', 'US'],
    ['U.S.A.', 'US'],
    ['United States of America', 'US'],
    ['Sverige', 'SE'],
    ['Czechia', 'CZ'],
    ['Czech Republic', 'CZ'],
    ["Côte d'Ivoire", 'CI'],
    ['España', 'ES'],
  ])('maps %j to %j', (written, code) => {
    expect(normalizeCountry(written)).toEqual({ ok: true, value: code });
  });

  it.each(['Atlantis', 'XX', 'EU', 'Europe', '12'])('refuses %j with a message naming it', (written) => {
    const check = normalizeCountry(written);
    expect(check).toMatchObject({ ok: false, value: written });
    expect(!check.ok && check.message).toContain(written);
  });
});

describe('normalizeEmail', () => {
  it.each([
    ['it@example.com', 'it@example.com'],
    ['IT.Ops@Example.COM', 'IT.Ops@example.com'],
    ['Jane Doe <jane.doe@example.co.uk>', 'jane.doe@example.co.uk'],
    ['mailto:jane@example.com', 'jane@example.com'],
    ['jane+certs@example.com.', 'jane+certs@example.com'],
    ['info@bücher.de', 'info@xn--bcher-kva.de'],
  ])('normalises %j to %j', (written, address) => {
    expect(normalizeEmail(written)).toEqual({ ok: true, value: address });
  });

  it.each(['webmaster(at)example.com', 'jane@localhost', 'jane@example', 'jane..doe@example.com', '@example.com', 'jane doe', 'jane@exa mple.com'])(
    'refuses %j',
    (written) => {
      expect(normalizeEmail(written).ok).toBe(false);
    },
  );
});

describe('normalizeTextField', () => {
  it.each([
    ['state', '  Greater   London ', { ok: true, value: 'Greater London' }],
    ['locality', 'Zürich', { ok: true, value: 'Zürich' }],
    ['organization', 'Smith & Sons: Holdings Ltd', { ok: true, value: 'Smith & Sons: Holdings Ltd' }],
    ['state', 'Nsw', { ok: true, value: 'Nsw' }],
  ] as const)('keeps a %s value %j', (field, written, expected) => {
    expect(normalizeTextField(field, written)).toEqual(expected);
  });

  it.each([
    ['state', 'CA', /in full/],
    ['state', 'NSW', /in full/],
    ['organization', 'A'.repeat(65), /64 characters/],
    ['locality', 'B'.repeat(129), /128 characters/],
  ] as const)('refuses a %s value %j', (field, written, message) => {
    const check = normalizeTextField(field, written);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.message).toMatch(message);
  });
});
