import { describe, expect, it } from 'vitest';
import { parseAuthenticationResults } from '../../../src/core/mail/authentication-results.js';
import { authenticationFromRelay, senderTrust, type SenderAuthentication } from '../../../src/core/mail/sender-authentication.js';
import { readSmtpClientHeader, smtpClientHeader } from '../../../src/core/mail/smtp-client-header.js';
import { readHeaderBlock } from '../../../src/core/mail/read-header-block.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/errors.js';

const fields = (raw: string) => {
  const block = readHeaderBlock(Buffer.from(raw));
  if (!block.ok) throw new Error(block.reason);
  return block.fields;
};

describe('parseAuthenticationResults', () => {
  it('reads the authserv-id and each method with its properties, comments and folding ignored', () => {
    const parsed = parseAuthenticationResults(
      'MX.Example.COM 1; dkim=pass (2048-bit key; unprotected) header.d=northwind.example header.s=s1 header.b="abc;def";\r\n spf=softfail (domain of x does not designate; see ok) smtp.mailfrom=northwind.example;\r\n dmarc=pass (p=REJECT sp=NONE) header.from=Northwind.example',
    );
    expect(parsed).toEqual({
      authservId: 'mx.example.com',
      results: [
        { method: 'dkim', result: 'pass', props: { 'header.d': 'northwind.example', 'header.s': 's1', 'header.b': 'abc;def' } },
        { method: 'spf', result: 'softfail', props: { 'smtp.mailfrom': 'northwind.example' } },
        { method: 'dmarc', result: 'pass', props: { 'header.from': 'Northwind.example' } },
      ],
    });
  });

  it('reads "none" results and refuses a header with no authserv-id', () => {
    expect(parseAuthenticationResults('mx.example.com; none')).toEqual({ authservId: 'mx.example.com', results: [] });
    expect(parseAuthenticationResults('; dmarc=pass')).toBeNull();
  });
});

describe('authenticationFromRelay', () => {
  const relay = 'mx.certdesk.example';
  it.each<[string, string, Partial<SenderAuthentication>]>([
    ['the relay’s pass', `Authentication-Results: ${relay}; dmarc=pass header.from=a.example\r\n`, { dmarc: 'pass', fromDomain: 'a.example' }],
    ['the relay’s fail', `Authentication-Results: ${relay}; spf=fail; dmarc=fail header.from=a.example\r\n`, { dmarc: 'fail' }],
    ['no header at all', 'Subject: x\r\n', { dmarc: 'fail', summary: `no Authentication-Results header from the trusted relay ${relay}` }],
    ['someone else’s pass on top', `Authentication-Results: evil.example; dmarc=pass\r\nAuthentication-Results: ${relay}; dmarc=fail\r\n`, { dmarc: 'fail' }],
    ['the relay checked no DMARC', `Authentication-Results: ${relay}; spf=pass smtp.mailfrom=a.example\r\n`, { dmarc: 'permerror' }],
  ])('%s', (_what, header, expected) => {
    expect(authenticationFromRelay(fields(`${header}From: a@a.example\r\n\r\n`), relay)).toMatchObject({ method: 'relay', ...expected });
  });
});

describe('senderTrust', () => {
  const auth = (dmarc: SenderAuthentication['dmarc'], method: SenderAuthentication['method'] = 'dkim'): SenderAuthentication => ({
    method,
    dmarc,
    fromDomain: 'a.example',
    summary: `dmarc=${dmarc}`,
  });
  it('trusts a DMARC pass, a domain with no policy, and sender authentication turned off', () => {
    for (const a of [auth('pass'), auth('none'), auth('fail', 'off')]) expect(senderTrust(a)).toEqual({ trusted: true });
  });
  it("does not trust a verdict about another domain than the sender's (two From fields: the checker judged one, the parser kept the other)", () => {
    expect(senderTrust(auth('pass'), 'someone@a.example')).toEqual({ trusted: true });
    expect(senderTrust(auth('pass'), 'Someone@A.Example')).toEqual({ trusted: true });
    // mailauth reports the organizational domain for a subdomain's sender.
    expect(senderTrust(auth('pass'), 'someone@mail.a.example')).toEqual({ trusted: true });
    expect(senderTrust(auth('pass'), 'someone@nota.example').trusted).toBe(false);
    for (const dmarc of ['pass', 'none'] as const) {
      const trust = senderTrust(auth(dmarc), 'ceo@victim.example');
      expect(trust.trusted).toBe(false);
      expect(!trust.trusted && trust.reason).toMatch(/judged a\.example, not victim\.example/);
    }
    expect(senderTrust(auth('fail', 'off'), 'ceo@victim.example')).toEqual({ trusted: true });
  });
  it.each([
    ['fail', /failed DMARC for a\.example/],
    ['permerror', /DMARC could not be evaluated/],
    ['temperror', /could not be looked up/],
  ] as const)('does not trust %s, and says why', (dmarc, why) => {
    const trust = senderTrust(auth(dmarc));
    expect(trust.trusted).toBe(false);
    expect(!trust.trusted && trust.reason).toMatch(why);
  });
});

describe('the SMTP client line', () => {
  it('round-trips, and keeps nothing that could break the header', () => {
    const line = smtpClientHeader({ ip: '::ffff:203.0.113.5', helo: 'mx.a.example\r\nX-Evil: 1', mailFrom: 'a@a.example>; ip=1.2.3.4' });
    expect(line).toBe('X-Certdesk-Smtp-Client: ip=::ffff:203.0.113.5; helo=mx.a.exampleX-Evil:1; mail-from=<a@a.exampleip=1.2.3.4>\r\n');
    expect(readSmtpClientHeader(fields(`${line}From: a@a.example\r\n\r\n`))).toEqual({
      ip: '::ffff:203.0.113.5',
      helo: 'mx.a.exampleX-Evil:1',
      mailFrom: 'a@a.exampleip=1.2.3.4',
    });
  });
  it('is read only as the very first header field', () => {
    const line = smtpClientHeader({ ip: '127.0.0.1', helo: 'h', mailFrom: '' });
    expect(readSmtpClientHeader(fields(`From: a@a.example\r\n${line}\r\n`))).toBeNull();
  });
});

describe('INBOUND_SENDER_AUTH and INBOUND_TRUSTED_RELAY', () => {
  const production = {
    ZENDESK_URL: 'https://acme.zendesk.com',
    ZENDESK_EMAIL: 'c@acme.example',
    ZENDESK_API_TOKEN: 't',
    ZENDESK_WEBHOOK_SECRET: 'w',
    KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    DOMAINS_FILE: '/d.json',
  };
  it('checks DMARC by default with a real account, not in sandbox mode (its demo domains have no DNS)', () => {
    expect(loadConfig(production, '/srv').mail).toMatchObject({ senderAuth: 'dmarc', trustedRelay: null });
    expect(loadConfig({}, '/srv').mail).toMatchObject({ senderAuth: 'off', trustedRelay: null });
    expect(loadConfig({ INBOUND_SENDER_AUTH: 'dmarc', INBOUND_TRUSTED_RELAY: 'MX.Acme.example' }, '/srv').mail).toMatchObject({
      senderAuth: 'dmarc',
      trustedRelay: 'mx.acme.example',
    });
  });
  it.each([
    [{ INBOUND_SENDER_AUTH: 'spf' }, /INBOUND_SENDER_AUTH must be one of dmarc, off/],
    [{ INBOUND_TRUSTED_RELAY: 'mx.acme.example; dmarc=pass' }, /INBOUND_TRUSTED_RELAY must be the host name/],
    [{ INBOUND_SENDER_AUTH: 'off', INBOUND_TRUSTED_RELAY: 'mx.acme.example' }, /INBOUND_TRUSTED_RELAY is set but INBOUND_SENDER_AUTH is off/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env, '/srv')).toThrow(ConfigError);
    try {
      loadConfig(env, '/srv');
    } catch (error) {
      expect((error as ConfigError).problems.some((p) => message.test(p))).toBe(true);
    }
  });
});
