import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { createLogger } from '../../../src/lib/logger.js';

const GOLDEN = join(import.meta.dirname, 'golden/pretty-log.txt');
const at = new Date('2026-12-03T10:00:00.000Z');

/** The pretty logger as main.ts makes it at a terminal (colours off), its lines kept in memory. */
function prettyLogger(level = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    format: 'pretty',
    colorize: false,
    clock: { now: () => at },
    destination: { write: (l: string) => void lines.push(l) },
  });
  return { logger, text: () => lines.join('') };
}

describe('the pretty log format (LOG_FORMAT=pretty)', () => {
  it('writes one readable line per event with its level as a word, then one indented line per field (golden file)', () => {
    const { logger, text } = prettyLogger();
    logger.info({ mode: 'sandbox', port: 3000, url: 'http://127.0.0.1:3000' }, 'certdesk started');
    logger.warn('SANDBOX MODE: ZENDESK_URL is not set');
    logger.child({ jobId: 7, kind: 'ticket-event' }).error({ err: 'Zendesk answered 503' }, 'job failed; retrying');
    logger.debug({ sites: ['my.a.example', 'my.b.example'] }, 'registry loaded');
    logger.info({ req: { headers: { authorization: 'Bearer tok-golden' } } }, 'request');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, text());
    expect(text()).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('applies the same redaction as the JSON format: credentials by field, private keys wherever they are', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { logger, text } = prettyLogger();
    logger.info({ req: { headers: { authorization: 'Basic c2VjcmV0LXZhbHVl' } }, zendesk: { token: 'tok-abcdef' }, secret: 'whsec-123456' }, 'call');
    logger.warn({ comment: { body: `here:\n${pem}\nthanks` } }, `customer pasted ${pem}`);
    expect(text()).not.toContain('c2VjcmV0LXZhbHVl');
    expect(text()).not.toContain('tok-abcdef');
    expect(text()).not.toContain('whsec-123456');
    expect(text()).not.toContain(pem.split('\n')[1]!);
    expect(text()).toContain('[redacted]');
    expect(text().match(/\[private key removed\]/g)).toHaveLength(2);
  });

  it('redacts the secrets Config and ACME name (EAB HMAC key, OAuth client secret and refresh token, webhook secrets) in both formats', () => {
    const secrets = {
      clientSecret: 'cs-0001',
      refreshToken: 'rt-0002',
      webhookSecret: 'wh-0003',
      webhookSecretPrevious: 'wh-0004',
      hmacKey: 'hmac-0005',
      accountKey: 'ak-0006',
      encryptionKey: 'ek-0007',
    };
    const json: string[] = [];
    const jsonLogger = createLogger({ format: 'json', clock: { now: () => at }, destination: { write: (l: string) => void json.push(l) } });
    const { logger, text } = prettyLogger();
    for (const l of [jsonLogger, logger]) {
      l.info(
        {
          eab: { kid: 'kid-1', hmacKey: secrets.hmacKey },
          oauth: { clientId: 'certdesk', clientSecret: secrets.clientSecret, refreshToken: secrets.refreshToken },
        },
        'acme settings',
      );
      l.info(
        {
          webhook: { webhookSecret: secrets.webhookSecret, webhookSecretPrevious: secrets.webhookSecretPrevious },
          acme: { accountKey: secrets.accountKey },
          keys: { encryptionKey: secrets.encryptionKey },
        },
        'settings',
      );
    }
    for (const out of [json.join(''), text()]) {
      for (const value of Object.values(secrets)) expect(out).not.toContain(value);
      expect(out).toContain('kid-1');
      expect(out).toContain('[redacted]');
    }
  });

  it('stays JSON when the format is json (what a container or a service manager collects)', () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'json', clock: { now: () => at }, destination: { write: (l: string) => void lines.push(l) } });
    logger.info({ port: 3000 }, 'certdesk started');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, time: '2026-12-03T10:00:00.000Z', port: 3000, msg: 'certdesk started' });
  });
});
