import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { configProblems } from '../../helpers/config-problems.js';
import { formatConfig } from '../../../src/config/format-config.js';
import { parseDomainRegistry } from '../../../src/core/registry/domain-registry.js';

const problemsOf = (env: Record<string, string>): string[] => configProblems({ DATA_DIR: '/tmp/certdesk-acme-config', ...env });

describe('ACME configuration', () => {
  it('is off without ACME_DIRECTORY_URL', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/certdesk-acme-config' }).acme).toBeNull();
  });

  it('reads the directory, contact, External Account Binding and expected CNAME', () => {
    const config = loadConfig({
      DATA_DIR: '/tmp/x',
      ACME_DIRECTORY_URL: 'https://acme.zerossl.com/v2/DV90',
      ACME_EMAIL: 'ops@provider.example',
      ACME_EAB_KID: 'kid-1',
      ACME_EAB_HMAC_KEY: 'c2VjcmV0LWhtYWMta2V5',
      ACME_EXPECTED_CNAME: 'Sites.Provider.Example.',
    });
    expect(config.acme).toEqual({
      directoryUrl: 'https://acme.zerossl.com/v2/DV90',
      email: 'ops@provider.example',
      eab: { kid: 'kid-1', hmacKey: 'c2VjcmV0LWhtYWMta2V5' },
      expectedCname: 'sites.provider.example',
    });
  });

  const bad: [string, Record<string, string>, string][] = [
    ['a plain-http directory', { ACME_DIRECTORY_URL: 'http://acme.example/directory' }, 'ACME_DIRECTORY_URL must be a https URL'],
    ['a contact that is not an address', { ACME_DIRECTORY_URL: 'https://acme.example/dir', ACME_EMAIL: 'ops' }, 'ACME_EMAIL must be an email address'],
    [
      'half an External Account Binding',
      { ACME_DIRECTORY_URL: 'https://acme.example/dir', ACME_EAB_KID: 'kid' },
      'ACME_EAB_KID is set but ACME_EAB_HMAC_KEY is not',
    ],
    [
      'an HMAC key that is not base64url',
      { ACME_DIRECTORY_URL: 'https://acme.example/dir', ACME_EAB_KID: 'kid', ACME_EAB_HMAC_KEY: 'not base64!' },
      'ACME_EAB_HMAC_KEY must be the base64url key',
    ],
    [
      'an expected CNAME that is not a host name',
      { ACME_DIRECTORY_URL: 'https://acme.example/dir', ACME_EXPECTED_CNAME: 'not a host' },
      'ACME_EXPECTED_CNAME must be a host name',
    ],
    [
      'ACME settings without a directory',
      { ACME_EMAIL: 'ops@provider.example', ACME_EXPECTED_CNAME: 'sites.provider.example' },
      'ACME_EMAIL, ACME_EXPECTED_CNAME are set but ACME_DIRECTORY_URL is not',
    ],
  ];
  it.each(bad)('stops start-up with one clear line for %s', (_, env, line) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(line);
  });

  it('shows the EAB HMAC key as (set) in --print-config, never its value', () => {
    const text = formatConfig(
      loadConfig({ DATA_DIR: '/tmp/x', ACME_DIRECTORY_URL: 'https://acme.example/dir', ACME_EAB_KID: 'kid-1', ACME_EAB_HMAC_KEY: 'c2VjcmV0LWhtYWMta2V5' }),
      null,
    );
    expect(text).toContain('acme.eab.hmacKey = (set)');
    expect(text).toContain('acme.eab.kid = kid-1');
    expect(text).not.toContain('c2VjcmV0LWhtYWMta2V5');
  });

  it('never shows the HMAC key in a problem', () => {
    expect(problemsOf({ ACME_DIRECTORY_URL: 'https://acme.example/dir', ACME_EAB_KID: 'kid', ACME_EAB_HMAC_KEY: 'secret value!' }).join('\n')).not.toContain(
      'secret value',
    );
  });
});

describe("the registry's issuance field", () => {
  const entry = (issuance: unknown) => [{ domain: 'my.example.com', organizationId: 1, ...(issuance === undefined ? {} : { issuance }) }];

  it('defaults to the customer buying the certificate', () => {
    expect(parseDomainRegistry(entry(undefined)).registry.get('my.example.com')!.issuance).toBeUndefined();
    expect(parseDomainRegistry(entry('customer')).registry.get('my.example.com')!.issuance).toBeUndefined();
  });

  it.each(['acme', 'offer'])('keeps %s', (issuance) => {
    const { registry, problems } = parseDomainRegistry(entry(issuance));
    expect(problems).toEqual([]);
    expect(registry.get('my.example.com')!.issuance).toBe(issuance);
  });

  it('refuses anything else with one precise problem', () => {
    expect(parseDomainRegistry(entry('letsencrypt')).problems).toEqual([
      'entry 1 (my.example.com): "issuance" must be "customer", "acme" or "offer" (got "letsencrypt")',
    ]);
  });
});
