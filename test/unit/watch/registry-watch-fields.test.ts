import { describe, expect, it } from 'vitest';
import { lookupSite, parseDomainRegistry } from '../../../src/core/registry/domain-registry.js';

const base = { domain: 'my.example.com', organizationId: 1 };

describe('the registry fields of proactive renewals', () => {
  it('reads address (one or a list), leadTimeDays and optOut', () => {
    const { registry, problems } = parseDomainRegistry([
      { ...base, address: '10.0.0.5:443', leadTimeDays: 45, optOut: true },
      { domain: 'my.other.example', organizationId: 2, address: ['web1.internal:443', '[2001:db8::1]:8443', 'web1.internal:443'] },
      { domain: 'my.third.example', organizationId: 3, optOut: false },
    ]);
    expect(problems).toEqual([]);
    expect(lookupSite(registry, 'my.example.com')).toEqual({ ...base, contacts: [], address: ['10.0.0.5:443'], leadTimeDays: 45, optOut: true });
    expect(lookupSite(registry, 'my.other.example')?.address).toEqual(['web1.internal:443', '[2001:db8::1]:8443']);
    expect(lookupSite(registry, 'my.third.example')).toEqual({ domain: 'my.third.example', organizationId: 3, contacts: [] });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an address without port',
      { address: '10.0.0.5' },
      'entry 1 (my.example.com): "address" must be host:port (e.g. "10.0.0.5:443" or "[2001:db8::1]:443") or a non-empty list of them (got "10.0.0.5")',
    ],
    ['a port out of range', { address: ['a.internal:443', 'b.internal:70000'] }, '"address" must be host:port'],
    ['an empty list', { address: [] }, '"address" must be host:port'],
    ['a URL', { address: 'https://my.example.com/' }, '"address" must be host:port'],
    ['a lead time in text', { leadTimeDays: '30' }, 'entry 1 (my.example.com): "leadTimeDays" must be a whole number of days between 1 and 199 (got "30")'],
    ['a lead time of zero', { leadTimeDays: 0 }, '"leadTimeDays" must be a whole number of days between 1 and 199 (got 0)'],
    ['a lead time longer than any certificate', { leadTimeDays: 200 }, '(got 200)'],
    ['a fractional lead time', { leadTimeDays: 30.5 }, '(got 30.5)'],
    ['optOut in words', { optOut: 'yes' }, 'entry 1 (my.example.com): "optOut" must be true or false (got "yes")'],
  ])('explains %s precisely', (_name, extra, message) => {
    const { problems } = parseDomainRegistry([{ ...base, ...extra }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});
