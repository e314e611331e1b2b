import { describe, expect, it } from 'vitest';
import { parseRenewalRequest } from '../../../src/core/request/parse-renewal-request.js';
import { findProblems } from '../../../src/core/request/find-problems.js';
import { bidiControlsIn } from '../../../src/core/request/bidi-controls.js';
import type { RenewalField } from '../../../src/core/request/types.js';

const FORM: Record<RenewalField, [label: string, value: string]> = {
  siteUrl: ['Site URL', 'my.northwind-traders.example'],
  country: ['Country Name', 'GB'],
  state: ['State or Province Name', 'Greater London'],
  locality: ['Locality Name', 'London'],
  organization: ['Organization Full Name', 'Northwind Traders Ltd'],
  organizationalUnit: ['Organizational Unit Name', 'IT Operations'],
  email: ['Your email address', 'pat.lee@northwind-traders.example'],
};

const form = (field?: RenewalField, value?: string) =>
  (Object.entries(FORM) as [RenewalField, [string, string]][]).map(([f, [label, v]]) => `${label}: ${f === field ? value : v}`).join('\n');

const CONTROLS = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];

describe('DN fields with bidi control characters (issue 14)', () => {
  it('accepts the same form without them', () => {
    const parsed = parseRenewalRequest({ subject: 'Certificate renewal', text: form() });
    expect(parsed.isRenewalRequest).toBe(true);
    expect(parsed.problems).toEqual([]);
  });

  it.each(CONTROLS.map((c) => [`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, c]))(
    'refuses an organization name holding %s as invalid, without echoing it',
    (name, control) => {
      const parsed = parseRenewalRequest({ subject: 'Certificate renewal', text: form('organization', `Northwind ${control}Traders Ltd`) });
      expect(parsed.problems.map((p) => `${p.field}:${p.code}`)).toEqual(['organization:invalid']);
      const message = parsed.problems[0]!.message;
      expect(message).toContain(name);
      expect(bidiControlsIn(message)).toEqual([]);
      // Kept as written, so that checking the merged fields again (a later reply) refuses it again.
      expect(findProblems(parsed.fields)).toEqual(parsed.problems);
    },
  );

  it.each<[RenewalField, string]>([
    ['state', 'Greater \u202eLondon'],
    ['locality', '\u2067London\u2069'],
    ['country', 'G\u200eB'],
    ['siteUrl', 'my.northwind\u202e-traders.example'],
    ['email', 'pat.lee@northwind\u200f-traders.example'],
  ])('refuses a %s holding a bidi control as invalid', (field, value) => {
    const parsed = parseRenewalRequest({ subject: 'Certificate renewal', text: form(field, value) });
    expect(parsed.problems.map((p) => `${p.field}:${p.code}`)).toEqual([`${field}:invalid`]);
    expect(parsed.problems[0]!.message).toMatch(/direction of text/);
  });

  it('reads bidi controls in HTML requests too', () => {
    const html = `<p>${form().replace('Northwind Traders Ltd', 'Northwind &#x202E;Traders Ltd').split('\n').join('<br>')}</p>`;
    const parsed = parseRenewalRequest({ subject: 'Certificate renewal', html });
    expect(parsed.problems.map((p) => `${p.field}:${p.code}`)).toEqual(['organization:invalid']);
  });
});
