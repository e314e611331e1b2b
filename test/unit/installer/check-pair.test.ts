import { describe, expect, it } from 'vitest';
import { checkPair } from '../../../src/adapters/installer/check-pair.js';
import { assertSiteName } from '../../../src/adapters/installer/assert-site-name.js';
import { createPairIssuingCa } from '../../integration/installer/installer-test-kit.js';

const ca = createPairIssuingCa('Check Pair');
const good = ca.issue('my.check.test');
const other = ca.issue('my.check.test');
const request = { site: 'my.check.test', fullchainPem: good.fullchainPem, privateKeyPem: good.privateKeyPem, leafSha256: good.leafSha256 };

describe('checking a pair before installing it', () => {
  it('accepts a chain whose first certificate matches the key', () => {
    expect(checkPair(request)).toMatchObject({ ok: true, certificates: 2 });
  });

  const refusals: [string, Partial<typeof request>, string][] = [
    ['no certificate', { fullchainPem: 'nothing here' }, 'the certificate chain to install holds no certificate'],
    [
      'a damaged certificate',
      { fullchainPem: good.cert.pem + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' },
      'certificate 2 of the chain to install cannot be read',
    ],
    ['a key that is not a key', { privateKeyPem: 'not a key' }, 'the private key to install cannot be read (not an unencrypted PEM key)'],
    [
      'the key of another certificate',
      { privateKeyPem: other.privateKeyPem },
      `the private key does not belong to the certificate to install (sha256 ${good.leafSha256})`,
    ],
  ];
  for (const [what, change, error] of refusals) {
    it(`refuses ${what}`, () => {
      expect(checkPair({ ...request, ...change })).toEqual({ ok: false, error });
    });
  }

  it('throws for requests only a bug can make', () => {
    expect(() => checkPair({ ...request, leafSha256: other.leafSha256 })).toThrow('leafSha256 is not the SHA-256 of the first certificate');
    expect(() => checkPair({ ...request, leafSha256: 'AB' })).toThrow(TypeError);
  });

  const badSites = [
    '',
    '../etc',
    'my.example.com/',
    'My.Example.com',
    'localhost',
    'my..example.com',
    '-my.example.com',
    `my.${'a'.repeat(64)}.com`,
    'my.example.com.',
  ];
  it.each(badSites)('refuses %j as a site name (it becomes a directory name)', (site) => {
    expect(() => assertSiteName(site)).toThrow(TypeError);
  });

  it.each(['my.example.com', 'my.xn--bcher-kva.example', 'my.a-b.co.uk'])('accepts %s as a site name', (site) => {
    expect(() => assertSiteName(site)).not.toThrow();
  });
});
