import type { Config } from '../config/config.js';
import type { Store } from '../ports/store.js';
import type { ZendeskApi, ZendeskUser } from '../ports/zendesk.js';
import type { DomainRegistry } from '../core/registry/domain-registry.js';
import type { Sandbox } from '../sandbox/start-sandbox.js';
import { solveAssignee, TicketCache, type RenewalDeps } from '../jobs/renewal/renewal-deps.js';
import { accountStatuses } from '../jobs/renewal/account-statuses.js';
import { createAiaFetcher } from '../adapters/aia/create-aia-fetcher.js';
import { zendeskTicketLinks } from '../core/mail/notification.js';
import type { MetricsRegistry } from '../lib/metrics.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

/**
 * What the renewal jobs work with, from the configuration: the settings as plain data (priority,
 * key algorithm and key-encryption key, extra trust anchors, who solved tickets go to), AIA repair
 * when AIA_FETCH is on, and the link to a ticket — the account's, or the sandbox's page.
 */
export function renewalDepsFromConfig(
  config: Config,
  deps: {
    zendesk: ZendeskApi;
    store: Store;
    clock: Clock;
    logger: Logger;
    metrics: MetricsRegistry;
    registry: DomainRegistry;
    apiUser: () => Promise<ZendeskUser>;
    sandbox: Sandbox | null;
    keyEncryptionKey: Buffer;
    trustedRootsPem: string[];
    /** Whether outgoing mail is on (src/wiring/mail-service.ts). */
    mailSending: boolean;
    notify: () => void;
  },
): RenewalDeps {
  const { zendesk, logger, sandbox } = deps;
  return {
    zendesk,
    store: deps.store,
    clock: deps.clock,
    logger,
    metrics: deps.metrics,
    registry: deps.registry,
    apiUser: deps.apiUser,
    tickets: new TicketCache(),
    statuses: accountStatuses(zendesk, config.zendesk.statusOverrides, logger),
    settings: {
      renewalPriority: config.zendesk.renewalPriority,
      keyAlgorithm: config.keys.algorithm,
      keyEncryptionKey: deps.keyEncryptionKey,
      trustedRootsPem: deps.trustedRootsPem,
      assignee: solveAssignee(config.zendesk, sandbox?.demo?.agent.id),
    },
    ...(config.validation.aiaFetch ? { fetchIssuer: createAiaFetcher({ onError: (m) => logger.warn({ err: m }, 'AIA fetch failed') }) } : {}),
    notify: deps.notify,
    mail: { enabled: deps.mailSending, opsEmail: config.mail.opsEmail },
    ticketLink: zendeskTicketLinks(config.zendesk.url ?? sandbox?.url ?? null, { sandbox: config.sandbox }).customer,
  };
}
