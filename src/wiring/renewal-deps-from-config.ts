import type { Config } from '../config/config.js';
import type { Sandbox } from '../sandbox/start-sandbox.js';
import { solveAssignee, TicketCache, type RenewalDeps } from '../jobs/renewal/renewal-deps.js';
import { accountStatuses } from '../jobs/renewal/account-statuses.js';
import { createAiaFetcher } from '../adapters/aia/create-aia-fetcher.js';
import { zendeskTicketLinks } from '../core/mail/notification.js';

/**
 * What the renewal jobs work with, from the configuration: the settings as plain data (priority,
 * key algorithm and key-encryption key, extra trust anchors, who solved tickets go to), AIA repair
 * when AIA_FETCH is on, and the link to a ticket — the account's, or the sandbox's page.
 */
export function renewalDepsFromConfig(
  config: Config,
  deps: Pick<RenewalDeps, 'zendesk' | 'store' | 'clock' | 'logger' | 'metrics' | 'registry' | 'apiUser' | 'notify'> & {
    sandbox: Sandbox | null;
    keyEncryptionKey: Buffer;
    trustedRootsPem: string[];
    /** Whether outgoing mail is on (src/wiring/mail-service.ts). */
    mailSending: boolean;
  },
): RenewalDeps {
  const { sandbox, keyEncryptionKey, trustedRootsPem, mailSending, ...common } = deps;
  const { zendesk, logger } = common;
  return {
    ...common,
    tickets: new TicketCache(),
    statuses: accountStatuses(zendesk, config.zendesk.statusOverrides, logger),
    settings: {
      renewalPriority: config.zendesk.renewalPriority,
      keyAlgorithm: config.keys.algorithm,
      keyEncryptionKey,
      trustedRootsPem,
      assignee: solveAssignee(config.zendesk, sandbox?.demo?.agent.id),
    },
    ...(config.validation.aiaFetch ? { fetchIssuer: createAiaFetcher({ onError: (m) => logger.warn({ err: m }, 'AIA fetch failed') }) } : {}),
    mail: { enabled: mailSending, opsEmail: config.mail.opsEmail },
    ticketLink: zendeskTicketLinks(config.zendesk.url ?? sandbox?.url ?? null, { sandbox: config.sandbox }).customer,
  };
}
