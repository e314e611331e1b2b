import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/errors.js';

/** The problem lines loadConfig stops with (none ⇒ the configuration was accepted). */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv');
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

const PASSWORD = 'Sup3r/s3cr@t:pa55';

describe('configuration errors never echo any part of a password (issue 14)', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    [
      'an SMTP_URL with another scheme',
      { SMTP_URL: `https://mailer:${encodeURIComponent(PASSWORD)}@mx.example:587`, MAIL_FROM: 'a@b.example' },
      /SMTP_URL must be a smtp or smtps URL \(got "https:\/\/\*\*\*@mx\.example:587"\)/,
    ],
    // A password holding "/" and "@" written unencoded: the old redaction stopped at the "/" and echoed the rest.
    [
      'an SMTP_URL whose raw password holds / and @',
      { SMTP_URL: `smtp://mailer:${PASSWORD}@mx.example:25`, MAIL_FROM: 'a@b.example' },
      /SMTP_URL must be a smtp or smtps URL \(got "a value that is not a URL, not shown here"\)/,
    ],
    ['an SMTP_URL with the scheme forgotten', { SMTP_URL: `mailer:${PASSWORD}@mx.example`, MAIL_FROM: 'a@b.example' }, /SMTP_URL must be a smtp or smtps URL/],
    [
      'a password in the query of a ZENDESK_URL',
      { ZENDESK_URL: `ftp://acme.zendesk.com/?password=${encodeURIComponent(PASSWORD)}` },
      /ZENDESK_URL must be a https or http URL \(got "ftp:\/\/acme\.zendesk\.com\/…"\)/,
    ],
    [
      'credentials in ZENDESK_URL',
      { ZENDESK_URL: `https://admin:${encodeURIComponent(PASSWORD)}@acme.zendesk.com` },
      /ZENDESK_URL must not contain a user name or password \(got "https:\/\/\*\*\*@acme\.zendesk\.com"\)/,
    ],
    [
      'credentials in PUBLIC_URL',
      { PUBLIC_URL: `https://certdesk:${encodeURIComponent(PASSWORD)}@certdesk.example` },
      /PUBLIC_URL must not contain a user name or password/,
    ],
  ])('%s', (_what, env, expected) => {
    const lines = problems(env);
    expect(lines.some((l) => expected.test(l))).toBe(true);
    // No piece of the password of 4 characters or more appears anywhere, encoded or not.
    for (const text of [PASSWORD, encodeURIComponent(PASSWORD)]) {
      for (let i = 0; i + 4 <= text.length; i++) expect(lines.join('\n')).not.toContain(text.slice(i, i + 4));
    }
  });

  it('still accepts an SMTP_URL with credentials, and keeps them for the mailer', () => {
    expect(problems({ SMTP_URL: `smtps://mailer:${encodeURIComponent(PASSWORD)}@mx.example:465`, MAIL_FROM: 'a@b.example' })).toEqual([]);
    const config = loadConfig({ SMTP_URL: `smtps://mailer:${encodeURIComponent(PASSWORD)}@mx.example:465`, MAIL_FROM: 'a@b.example' }, '/srv');
    expect(decodeURIComponent(new URL(config.mail.smtpUrl!).password)).toBe(PASSWORD);
  });
});
