import { describe, expect, it } from 'vitest';
import { checkOwnership, lookupSite, parseDomainRegistry } from '../../../src/core/registry/domain-registry.js';

describe('the domain registry', () => {
  it('reads entries by id or by name, normalising the domain', () => {
    const { registry, problems } = parseDomainRegistry([
      { domain: 'My.Example.com.', organizationId: 123, organizationName: 'Example Ltd', contacts: ['it@example.com'] },
      { domain: 'my.other.example', organizationName: 'Other GmbH' },
    ]);
    expect(problems).toEqual([]);
    expect(lookupSite(registry, 'my.example.com')).toEqual({
      domain: 'my.example.com',
      organizationId: 123,
      organizationName: 'Example Ltd',
      contacts: ['it@example.com'],
    });
    expect(lookupSite(registry, 'MY.OTHER.EXAMPLE')).toMatchObject({ organizationName: 'Other GmbH', contacts: [] });
    expect(lookupSite(registry, 'my.unknown.example')).toBeNull();
  });

  it.each<[string, unknown, RegExp]>([
    ['not an array', { domain: 'my.x.example' }, /must be a JSON array/],
    ['a domain without my.', [{ domain: 'www.example.com', organizationId: 1 }], /must be a host name beginning with "my\."/],
    ['no owner', [{ domain: 'my.example.com' }], /give "organizationId" or "organizationName"/],
    ['a bad id', [{ domain: 'my.example.com', organizationId: '12', organizationName: 'X' }], /"organizationId" must be a positive whole number/],
    ['bad contacts', [{ domain: 'my.example.com', organizationId: 1, contacts: ['not-an-email'] }], /"contacts" must be a list of email addresses/],
    [
      'a duplicate',
      [
        { domain: 'my.example.com', organizationId: 1 },
        { domain: 'my.example.com', organizationId: 2 },
      ],
      /listed twice/,
    ],
  ])('explains %s', (_name, json, message) => {
    expect(parseDomainRegistry(json).problems.some((p) => message.test(p))).toBe(true);
  });
});

describe('ownership', () => {
  const byId = { domain: 'my.example.com', organizationId: 123, organizationName: 'Example Ltd', contacts: [] };
  const byName = { domain: 'my.example.com', organizationName: 'Example Ltd', contacts: [] };

  it.each([
    ['the owner by id', byId, 123, [], 'owner'],
    ['the id wins over the name', byId, 123, [999], 'owner'],
    ['another organization', byId, 456, [], 'not_owner'],
    ['a ticket without organization', byId, null, [], 'not_owner'],
    ['the owner by resolved name', byName, 77, [77], 'owner'],
    ['a name that resolves to nobody', byName, 77, [], 'not_owner'],
    ['an ambiguous name', byName, 77, [77, 78], 'not_owner'],
  ] as const)('%s', (_name, entry, org, resolved, verdict) => {
    expect(checkOwnership(entry, org, [...resolved]).verdict).toBe(verdict);
  });

  it('says why, naming both organizations', () => {
    const result = checkOwnership(byId, 456);
    expect(result).toMatchObject({ verdict: 'not_owner', reason: "my.example.com belongs to organization 123, but the ticket's organization is 456" });
  });

  it('rejects an unknown site', () => {
    expect(checkOwnership(null, 1)).toEqual({ verdict: 'unknown_site' });
  });
});
