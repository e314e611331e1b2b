/**
 * A complete production environment for configuration tests (Zendesk with an API token, the keys'
 * encryption key, the domains file): each test adds or overrides only what it is about.
 */
export const PRODUCTION_ENV: Readonly<Record<string, string>> = {
  ZENDESK_URL: 'https://example.zendesk.com',
  ZENDESK_EMAIL: 'certdesk@example.com',
  ZENDESK_API_TOKEN: 'tok-secret-value',
  ZENDESK_WEBHOOK_SECRET: 'whsec-secret-value',
  KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  DOMAINS_FILE: '/etc/certdesk/domains.json',
};
