/** certdesk's own secrets: an operator's command has no business with them. */
const CERTDESK_SECRETS = [
  'KEY_ENCRYPTION_KEY',
  'ZENDESK_API_TOKEN',
  'ZENDESK_OAUTH_TOKEN',
  'ZENDESK_WEBHOOK_SECRET',
  'ZENDESK_WEBHOOK_SECRET_PREVIOUS',
  'INBOUND_EMAIL_SECRET',
  'ZAF_SHARED_SECRET',
  'ADMIN_TOKEN',
  'SMTP_URL',
];

/** What an install command is told about the install. */
export interface InstallVariables {
  site: string;
  fullchainPath: string;
  privkeyPath: string;
  ticketId: number;
}

/**
 * The environment of an operator's command: certdesk's own (PATH, cloud credentials the operator
 * set for it, …) less certdesk's secrets, plus `CERTDESK_SITE`, `CERTDESK_FULLCHAIN`,
 * `CERTDESK_PRIVKEY` and `CERTDESK_TICKET_ID`.
 */
export function commandEnvironment(base: NodeJS.ProcessEnv, install: InstallVariables): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const name of CERTDESK_SECRETS) delete env[name];
  return {
    ...env,
    CERTDESK_SITE: install.site,
    CERTDESK_FULLCHAIN: install.fullchainPath,
    CERTDESK_PRIVKEY: install.privkeyPath,
    CERTDESK_TICKET_ID: String(install.ticketId),
  };
}
