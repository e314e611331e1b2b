import { describe, expect, it } from 'vitest';
import { scrubKeyMaterial } from '../../../src/adapters/installer/scrub-key-material.js';
import { commandEnvironment } from '../../../src/adapters/installer/command-environment.js';
import { createPairIssuingCa, keyLeaks } from '../../integration/installer/installer-test-kit.js';

const pair = createPairIssuingCa('Scrub').issue('my.scrub.test');
const body = pair.privateKeyPem.split('\n').filter((l) => l && !l.startsWith('-----'));

describe('keeping key material out of command output', () => {
  it('removes a whole PEM key block', () => {
    const out = scrubKeyMaterial(`before\n${pair.privateKeyPem}after`, [pair.privateKeyPem]);
    expect(out).toBe('before\n[private key removed]\nafter');
  });

  it('removes the key’s base64 lines printed without their header', () => {
    const out = scrubKeyMaterial(`dump: ${body.join(' ')} end`, [pair.privateKeyPem]);
    expect(keyLeaks([pair], { out })).toEqual([]);
    expect(out.startsWith('dump: [private key removed]')).toBe(true);
    expect(out.endsWith(' end')).toBe(true);
  });

  it('leaves ordinary output alone', () => {
    const text = 'nginx: configuration file /etc/nginx/nginx.conf test is successful\n';
    expect(scrubKeyMaterial(text, [pair.privateKeyPem])).toBe(text);
  });
});

describe('the environment of an operator command', () => {
  it('carries the install variables and none of certdesk’s secrets', () => {
    const env = commandEnvironment(
      {
        PATH: '/usr/bin',
        AWS_PROFILE: 'cdn',
        KEY_ENCRYPTION_KEY: 'k',
        ZENDESK_API_TOKEN: 't',
        ZENDESK_WEBHOOK_SECRET: 's',
        ADMIN_TOKEN: 'a',
        SMTP_URL: 'smtp://u:p@h',
      },
      { site: 'my.env.test', fullchainPath: '/x/fullchain.pem', privkeyPath: '/x/privkey.pem', ticketId: 9 },
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      AWS_PROFILE: 'cdn',
      CERTDESK_SITE: 'my.env.test',
      CERTDESK_FULLCHAIN: '/x/fullchain.pem',
      CERTDESK_PRIVKEY: '/x/privkey.pem',
      CERTDESK_TICKET_ID: '9',
    });
  });
});
