import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { Store } from '../../../src/ports/store.js';
import { openTestStore } from '../../helpers/test-store.js';
import { mailSettingsFromConfig } from '../../../src/wiring/mail-settings.js';
import { smtpListenerOptionsFromConfig } from '../../../src/wiring/smtp-listener-options.js';
import { INBOUND_EMAIL_MAX_BYTES } from '../../../src/intake/accept-inbound-message.js';
import { systemClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { ConfigError } from '../../../src/lib/errors.js';

const KEK = Buffer.alloc(32, 7).toString('base64');
const production = {
  ZENDESK_URL: 'https://acme.zendesk.com',
  ZENDESK_EMAIL: 'certdesk@example.com',
  ZENDESK_API_TOKEN: 'tok',
  ZENDESK_WEBHOOK_SECRET: 'whsec',
  KEY_ENCRYPTION_KEY: KEK,
  DOMAINS_FILE: '/etc/certdesk/domains.json',
};
let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store.close();
});
const deps = () => ({ store, clock: systemClock, logger: silentLogger(), onEnqueued: () => {} });

describe('mail settings from the configuration', () => {
  it('takes MAIL_FROM, OPS_EMAIL, the renewal priority and links to the Zendesk account', () => {
    const config = loadConfig(
      {
        ...production,
        SMTP_URL: 'smtp://mx.example:25',
        MAIL_FROM: 'Certdesk <certdesk@acme.example>',
        OPS_EMAIL: 'ops@acme.example',
        RENEWAL_PRIORITY: 'normal',
      },
      '/srv',
    );
    const settings = mailSettingsFromConfig(config, null);
    expect(settings).toMatchObject({ from: 'Certdesk <certdesk@acme.example>', opsEmail: 'ops@acme.example', newTicketPriority: 'normal' });
    expect(settings.links.customer(3)).toBe('https://acme.zendesk.com/hc/requests/3');
  });

  it('links to the sandbox in sandbox mode', () => {
    const settings = mailSettingsFromConfig(loadConfig({}, '/srv'), 'http://127.0.0.1:3001');
    expect(settings.links.customer(3)).toBe('http://127.0.0.1:3001/tickets/3');
    expect(settings.from).toBeNull();
  });
});

describe('SMTP listener options from the configuration', () => {
  it('is off without SMTP_LISTEN_PORT', () => {
    expect(smtpListenerOptionsFromConfig(loadConfig({}, '/srv'), deps())).toBeNull();
  });

  it('accepts mail for the domain of MAIL_FROM and refuses mail from MAIL_FROM itself', () => {
    const config = loadConfig({ SMTP_LISTEN_PORT: '2525', MAIL_FROM: 'Certdesk <Certdesk@Acme.example>' }, '/srv');
    expect(smtpListenerOptionsFromConfig(config, deps())).toMatchObject({
      port: 2525,
      maxBytes: INBOUND_EMAIL_MAX_BYTES,
      acceptRecipients: ['acme.example'],
      refuseSenders: ['certdesk@acme.example'],
    });
  });

  it('takes explicit recipients, host and size', () => {
    const config = loadConfig({ SMTP_LISTEN_PORT: '2525' }, '/srv');
    expect(smtpListenerOptionsFromConfig(config, deps(), { acceptRecipients: ['support@acme.example'], host: '0.0.0.0', maxBytes: 1000 })).toMatchObject({
      host: '0.0.0.0',
      maxBytes: 1000,
      acceptRecipients: ['support@acme.example'],
      refuseSenders: [],
    });
  });

  it('refuses to start a listener that would accept nothing', () => {
    expect(() => smtpListenerOptionsFromConfig(loadConfig({ SMTP_LISTEN_PORT: '2525' }, '/srv'), deps())).toThrow(ConfigError);
  });
});
