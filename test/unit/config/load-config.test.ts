import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { configProblems } from '../../helpers/config-problems.js';
import { PRODUCTION_ENV as production } from '../../helpers/production-env.js';

describe('loadConfig', () => {
  it('starts in sandbox mode with every default when nothing is set', () => {
    const c = loadConfig({}, '/srv/certdesk');
    expect(c).toMatchObject({
      sandbox: true,
      port: 3000,
      dataDir: '/srv/certdesk/data',
      logLevel: 'info',
      zendesk: {
        url: null,
        apiUserEmail: 'certdesk@sandbox.invalid',
        webhookMaxAgeSeconds: 600,
        attachmentHosts: ['*.zdusercontent.com'],
        renewalPriority: 'low',
      },
      keys: { encryptionKey: null, algorithm: 'rsa-2048' },
      validation: { aiaFetch: false },
      install: { installer: 'tls-front', tlsFrontPort: 8443, nginxTestCmd: 'nginx -t' },
      mail: { smtpListenPort: null },
      sandboxPort: 3001,
    });
    expect(Object.isFrozen(c.zendesk)).toBe(true);
  });

  it('accepts a complete production configuration', () => {
    const c = loadConfig(production, '/');
    expect(c.sandbox).toBe(false);
    expect(c.zendesk.auth).toEqual({ email: 'certdesk@example.com', apiToken: 'tok-secret-value' });
    expect(c.keys.encryptionKey?.length).toBe(32);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'a key that is not 32 bytes',
      { KEY_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') },
      /KEY_ENCRYPTION_KEY must be base64 of exactly 32 random bytes \(it decodes to 16 bytes\)/,
    ],
    ['a key that is not base64', { KEY_ENCRYPTION_KEY: 'not base64!!' }, /KEY_ENCRYPTION_KEY must be base64/],
    ['a port that is not a number', { PORT: 'eighty' }, /PORT must be a port number between 0 and 65535 \(got "eighty"\)/],
    ['a port out of range', { SANDBOX_PORT: '70000' }, /SANDBOX_PORT must be a port number/],
    ['an unknown installer', { INSTALLER: 'apache' }, /INSTALLER must be one of tls-front, nginx, command \(got "apache"\)/],
    ['an unknown key algorithm', { KEY_ALGORITHM: 'ec-p256' }, /KEY_ALGORITHM must be one of rsa-2048, rsa-3072, rsa-4096/],
    ['an unknown log level', { LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    ['nginx without its settings', { INSTALLER: 'nginx' }, /INSTALLER=nginx needs NGINX_CERT_DIR/],
    ['command without a command', { INSTALLER: 'command', INSTALL_VERIFY_ADDR: 'localhost:443' }, /INSTALLER=command needs INSTALL_COMMAND/],
    ['a verify address without a port', { INSTALL_VERIFY_ADDR: 'localhost' }, /INSTALL_VERIFY_ADDR must be host:port/],
    ['SMTP without a sender', { SMTP_URL: 'smtp://localhost:25' }, /MAIL_FROM is not/],
    ['a non-SMTP mail URL', { SMTP_URL: 'http://mail', MAIL_FROM: 'a@b.example' }, /SMTP_URL must be a smtp or smtps URL/],
    ['a short admin token', { ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN must be at least 16 characters/],
    ['an API token without its email', { ZENDESK_API_TOKEN: 'x' }, /ZENDESK_API_TOKEN is set but ZENDESK_EMAIL is not/],
    ['plain http to a remote Zendesk', { ...production, ZENDESK_URL: 'http://example.zendesk.com' }, /ZENDESK_URL must use https/],
    ['an unknown renewal priority', { RENEWAL_PRIORITY: 'p4' }, /RENEWAL_PRIORITY must be one of urgent, high, normal, low/],
  ])('explains %s in one plain sentence', (_name, env, message) => {
    const found = configProblems(env);
    expect(found.some((p) => message.test(p))).toBe(true);
    for (const p of found) {
      expect(p).not.toMatch(/\n|at .*\.ts:\d+/);
    }
  });

  it('lists every problem at once, one line each', () => {
    const found = configProblems({ ZENDESK_URL: 'https://example.zendesk.com', PORT: 'x', INSTALLER: 'y' });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT /),
        expect.stringMatching(/^INSTALLER /),
        expect.stringMatching(/no credentials/),
        expect.stringMatching(/^ZENDESK_WEBHOOK_SECRET is required/),
        expect.stringMatching(/^KEY_ENCRYPTION_KEY is required/),
      ]),
    );
  });

  it('never repeats a secret in a problem', () => {
    const found = configProblems({
      ...production,
      KEY_ENCRYPTION_KEY: 'c2hvcnQ=',
      ZENDESK_WEBHOOK_SECRET: 'whsec-secret-value',
      SMTP_URL: 'http://user:hunter2@mail',
    });
    const text = found.join('\n');
    expect(text).not.toContain('c2hvcnQ=');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('tok-secret-value');
  });
});
