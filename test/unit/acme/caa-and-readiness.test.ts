import { describe, expect, it } from 'vitest';
import { caaPermits, relevantCaaSet, type CaaRecord } from '../../../src/core/acme/caa.js';
import { checkNameReadiness } from '../../../src/core/acme/check-name-readiness.js';

const issue = (value: string, critical = false): CaaRecord => ({ critical, tag: 'issue', value });

describe('RFC 8659 tree climbing', () => {
  const table: Record<string, CaaRecord[]> = { 'example.com': [issue('letsencrypt.org')], 'other.example.com': [issue('digicert.com')] };
  const asked: string[] = [];
  const lookup = async (name: string) => {
    asked.push(name);
    return table[name] ?? [];
  };

  it('takes the first non-empty set climbing from the name to its parents, and stops there', async () => {
    asked.length = 0;
    expect(await relevantCaaSet('my.shop.example.com', lookup)).toEqual({ at: 'example.com', records: [issue('letsencrypt.org')] });
    expect(asked).toEqual(['my.shop.example.com', 'shop.example.com', 'example.com']);
  });

  it('prefers the closer set', async () => {
    expect(await relevantCaaSet('my.other.example.com.', lookup)).toEqual({ at: 'other.example.com', records: [issue('digicert.com')] });
  });

  it('finds none when no name up to the top-level domain has CAA', async () => {
    expect(await relevantCaaSet('my.example.net', lookup)).toBeNull();
  });
});

describe('does CAA allow the CA?', () => {
  const cases: [string, CaaRecord[], boolean][] = [
    ['an issue property naming it', [issue('letsencrypt.org')], true],
    ['its name with parameters and in capitals', [issue('LetsEncrypt.org; validationmethods=http-01')], true],
    ['another CA only', [issue('digicert.com')], false],
    ['an empty issue value (no CA)', [issue(';')], false],
    [
      'only issuewild and iodef',
      [
        { critical: false, tag: 'issuewild', value: 'digicert.com' },
        { critical: false, tag: 'iodef', value: 'mailto:x@example.com' },
      ],
      true,
    ],
    ['an unknown critical property', [issue('letsencrypt.org'), { critical: true, tag: 'future', value: 'x' }], false],
    ['an unknown property that is not critical', [issue('letsencrypt.org'), { critical: false, tag: 'future', value: 'x' }], true],
  ];
  it.each(cases)('%s', (_, records, ok) => {
    expect(caaPermits(records, ['letsencrypt.org']).ok).toBe(ok);
  });
});

describe('the readiness check tells the customer what to change', () => {
  const site = 'my.example.com';
  it('passes a CNAME to the provider with a CAA set that allows the CA', () => {
    expect(
      checkNameReadiness(
        { site, cnameChain: ['sites.provider.example'], caa: { at: 'example.com', records: [issue('letsencrypt.org')] } },
        'sites.provider.example',
        ['letsencrypt.org'],
      ),
    ).toEqual([]);
  });

  it('accepts the expected name anywhere in a CNAME chain', () => {
    expect(checkNameReadiness({ site, cnameChain: ['customer-cdn.example.net', 'sites.provider.example.'], caa: null }, 'Sites.Provider.Example', [])).toEqual(
      [],
    );
  });

  it('names the record to create when the name does not exist', () => {
    expect(checkNameReadiness({ site, cnameChain: null, caa: null }, 'sites.provider.example', [])).toEqual([
      {
        code: 'DNS',
        message: 'my.example.com does not exist in DNS. Add this record in the DNS of example.com: my.example.com. CNAME sites.provider.example.',
      },
    ]);
  });

  it('names the record to change when the name has an address instead of a CNAME', () => {
    const [p] = checkNameReadiness({ site, cnameChain: [], caa: null }, 'sites.provider.example', []);
    expect(p!.message).toContain('it has no CNAME record. Change it in the DNS of example.com to: my.example.com. CNAME sites.provider.example.');
  });

  it('reports both a wrong CNAME and a CAA refusal, CAA naming the zone where the set was found', () => {
    const problems = checkNameReadiness(
      { site, cnameChain: ['old.host.example'], caa: { at: 'example.com', records: [issue('digicert.com')] } },
      'sites.provider.example',
      ['letsencrypt.org'],
    );
    expect(problems.map((p) => p.code)).toEqual(['DNS', 'CAA']);
    expect(problems[1]!.message).toContain(
      'allow only digicert.com to issue certificates for my.example.com. Add this record in the DNS of example.com: example.com. CAA 0 issue "letsencrypt.org"',
    );
  });

  it("checks no CNAME without ACME_EXPECTED_CNAME and no CAA without the CA's names", () => {
    expect(checkNameReadiness({ site, cnameChain: ['anything.example'], caa: { at: 'example.com', records: [issue('digicert.com')] } }, null, [])).toEqual([]);
  });

  it('says DNS could not answer, and nothing else', () => {
    const problems = checkNameReadiness({ site, cnameChain: null, caa: null, dnsError: 'ETIMEOUT' }, 'sites.provider.example', ['letsencrypt.org']);
    expect(problems).toEqual([{ code: 'DNS', message: expect.stringMatching(/^We could not look up my\.example\.com in DNS \(ETIMEOUT\)/) }]);
  });
});
