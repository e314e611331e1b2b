import { parseStatusOverrides } from '../core/workflow/status-table.js';
import type { EnvReader } from './env-reader.js';
import { readZendeskAuth } from './read-zendesk-auth.js';
import { redactUrl } from './redact-url.js';
import type { Config, Priority } from './config.js';

const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'normal', 'low'];
/** The sandbox's name for certdesk's own API user when ZENDESK_EMAIL is unset (DESIGN §3). */
const SANDBOX_API_USER = 'certdesk@sandbox.invalid';

/**
 * ZENDESK_*: the account, how certdesk signs in, the webhook it receives, where attachments may be
 * downloaded from and the account's ticket rules. Unset ZENDESK_URL means sandbox mode, where the
 * credentials and the webhook secret are generated instead of required.
 */
export function readZendeskConfig(env: EnvReader, sandbox: boolean): Config['zendesk'] {
  const url = readAccountUrl(env);
  const { auth, email } = readZendeskAuth(env, sandbox);
  const webhookSecret = env.get('ZENDESK_WEBHOOK_SECRET') ?? null;
  if (!sandbox && webhookSecret === null) {
    env.problem('ZENDESK_WEBHOOK_SECRET is required when ZENDESK_URL is set (run "npm run cli -- setup-zendesk" to create the webhook and get it).');
  }
  const webhookMaxAgeSeconds = env.wholeNumber('WEBHOOK_MAX_AGE_SECONDS', 600, { min: 1, unit: 'seconds' });
  const attachmentHosts = env.list('ZENDESK_ATTACHMENT_HOSTS', ',', '*.zdusercontent.com').map((h) => h.toLowerCase());
  for (const h of attachmentHosts) {
    if (!/^(\*\.)?[a-z0-9.-]+(:\d+)?$/.test(h)) env.problem(`ZENDESK_ATTACHMENT_HOSTS entry "${h}" is not a host name or *.domain pattern.`);
  }
  const assigneeId = zendeskId(env, 'ZENDESK_ASSIGNEE_ID');
  const groupId = zendeskId(env, 'ZENDESK_GROUP_ID');
  const statuses = parseStatusOverrides(env.get('ZENDESK_STATUSES') ?? '');
  statuses.problems.forEach((p) => env.problem(p));
  return {
    url,
    auth,
    apiUserEmail: email ?? SANDBOX_API_USER,
    webhookSecret,
    webhookSecretPrevious: env.get('ZENDESK_WEBHOOK_SECRET_PREVIOUS') ?? null,
    webhookMaxAgeSeconds,
    attachmentHosts,
    renewalPriority: env.oneOf('RENEWAL_PRIORITY', PRIORITIES, 'low'),
    assigneeId,
    groupId,
    statusOverrides: statuses.overrides,
  };
}

/** ZENDESK_URL: the account's origin alone, over https (plain http only to a local sandbox or test server). */
function readAccountUrl(env: EnvReader): string | null {
  const url = env.url('ZENDESK_URL', ['https:', 'http:']);
  if (url === null) return null;
  const { hostname, pathname, search } = new URL(url);
  if (url.startsWith('http:') && !['localhost', '127.0.0.1', '[::1]'].includes(hostname)) {
    env.problem('ZENDESK_URL must use https (plain http is only accepted for localhost).');
  }
  if (pathname !== '/' || search !== '') {
    env.problem(`ZENDESK_URL must be the account's address alone, e.g. https://yoursubdomain.zendesk.com (got "${redactUrl(url)}", which has a path).`);
  }
  return url;
}

/** An id of the account (a user, a group): a positive whole number that JavaScript holds exactly. */
function zendeskId(env: EnvReader, name: string): number | null {
  const raw = env.get(name);
  if (raw === undefined) return null;
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < 1) {
    env.problem(`${name} must be a Zendesk id, a positive whole number (got "${raw}").`);
    return null;
  }
  return Number(raw);
}
