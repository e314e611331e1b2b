import { describe, expect, it } from 'vitest';
import { findProblems } from '../../../src/core/request/find-problems.js';
import { mergeRenewalFields } from '../../../src/core/request/merge-renewal-fields.js';
import { normalizeRenewalFields } from '../../../src/core/request/normalize-renewal-fields.js';
import { parseRenewalRequest } from '../../../src/core/request/parse-renewal-request.js';
import type { RenewalFields } from '../../../src/core/request/types.js';

const COMPLETE: RenewalFields = {
  siteUrl: 'my.example.com',
  country: 'GB',
  state: 'Greater London',
  locality: 'London',
  organization: 'Example Ltd',
  email: 'it@example.com',
};

describe('findProblems', () => {
  it('finds nothing wrong with complete, valid fields', () => {
    expect(findProblems(COMPLETE)).toEqual([]);
  });

  it('lists every missing required field in the order of the form, and never the OU', () => {
    expect(findProblems({}).map((p) => p.field)).toEqual(['siteUrl', 'country', 'state', 'locality', 'organization', 'email']);
    expect(findProblems({}).every((p) => p.code === 'missing' && p.message.length > 20)).toBe(true);
  });

  it('treats blank values as missing', () => {
    expect(findProblems({ ...COMPLETE, locality: '   ' })).toEqual([{ field: 'locality', code: 'missing', message: expect.stringMatching(/city/) }]);
  });

  it('accepts values as written and as normalised alike', () => {
    const written: RenewalFields = { ...COMPLETE, siteUrl: 'https://MY.example.com/', country: 'United Kingdom' };
    expect(findProblems(written)).toEqual([]);
    expect(normalizeRenewalFields(written)).toEqual(COMPLETE);
    expect(normalizeRenewalFields(normalizeRenewalFields(written))).toEqual(COMPLETE);
  });
});

describe('mergeRenewalFields', () => {
  it.each([
    ['a later value wins', { country: 'FR' }, { country: 'GB' }, { country: 'GB' }],
    ['an earlier value stays when the later one is absent', { country: 'FR', state: 'Paris' }, { country: 'GB' }, { country: 'GB', state: 'Paris' }],
    ['an empty later value keeps the earlier one', { email: 'a@example.com' }, { email: ' ' }, { email: 'a@example.com' }],
    ['empty earlier values are dropped', { email: '' }, {}, {}],
  ] as [string, RenewalFields, RenewalFields, RenewalFields][])('%s', (_name, earlier, later, merged) => {
    expect(mergeRenewalFields(earlier, later)).toEqual(merged);
  });

  it('lets a needs_info reply complete the request it answers', () => {
    const first = parseRenewalRequest({
      subject: 'Certificate renewal',
      text: 'Site URL: my.proseware.co.uk\nCountry Name: Atlantis\nState or Province Name: West Yorkshire\nLocality Name: Leeds',
    });
    expect(first.problems.map((p) => `${p.field}:${p.code}`)).toEqual(['country:invalid', 'organization:missing', 'email:missing']);
    const reply = parseRenewalRequest({
      text: 'Country Name: United Kingdom\nOrganization Full Name: Proseware Ltd\nYour email address: it@proseware.co.uk\n\nOn Wed, 4 Mar 2026 at 11:02, Support wrote:\n> Country Name: Atlantis\n',
    });
    const merged = mergeRenewalFields(first.fields, reply.fields);
    expect(findProblems(merged)).toEqual([]);
    expect(merged).toEqual({
      siteUrl: 'my.proseware.co.uk',
      country: 'GB',
      state: 'West Yorkshire',
      locality: 'Leeds',
      organization: 'Proseware Ltd',
      email: 'it@proseware.co.uk',
    });
  });
});
