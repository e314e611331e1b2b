import type { Config } from './config.js';

/**
 * What one certdesk process does (CERTDESK_ROLE, or the first argument of `certdesk <role>`):
 * - `web`: HTTP (webhooks, inbound e-mail and the SMTP listener, agent API, dashboard, metrics) and
 *   the TLS front; it only records and enqueues, no job runs here;
 * - `worker`: the job worker and the schedulers (expiry watch, proactive renewals, purges,
 *   stalled-renewal recovery), with a small HTTP server for /healthz, /readyz and /metrics;
 * - `all` (the default): both in one process, as certdesk has always run.
 */
export const SERVICE_ROLES = ['all', 'web', 'worker'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

export const isServiceRole = (value: unknown): value is ServiceRole => (SERVICE_ROLES as readonly unknown[]).includes(value);

/** The role serves HTTP traffic (webhooks, API, dashboard, the TLS front). */
export const servesTraffic = (role: ServiceRole): boolean => role !== 'worker';
/** The role runs jobs and the schedulers. */
export const runsJobs = (role: ServiceRole): boolean => role !== 'web';

/**
 * Why this configuration cannot run in `role`, one sentence per problem (none for `all`).
 * Separate roles share their work through the database: one SQLite file belongs to one process,
 * so they need PostgreSQL.
 */
export function roleProblems(
  role: ServiceRole,
  config: Pick<Config, 'database' | 'sandbox'> & { install: Pick<Config['install'], 'installer' | 'verifyAddrs'>; acme?: Config['acme'] },
): string[] {
  if (role === 'all') return [];
  if (config.database.url === null) return [`certdesk ${role}: roles need DATABASE_URL (PostgreSQL); with the embedded SQLite store run certdesk all.`];
  if (role === 'web') return [];
  const problems: string[] = [];
  // The embedded sandbox lives in the web process (it receives the webhook subscription there); a
  // worker elsewhere could not reach its attachment CDN, which listens on a random port.
  if (config.sandbox)
    problems.push('certdesk worker: sandbox mode (no ZENDESK_URL) embeds the Zendesk sandbox in one process; run certdesk all, or set ZENDESK_URL.');
  // The TLS fronts run in the processes that serve traffic; a worker installs into them through the
  // database's shared pairs and can only check them where INSTALL_VERIFY_ADDR says they are.
  if (config.install.installer === 'tls-front' && config.install.verifyAddrs.length === 0) {
    problems.push(
      "certdesk worker: INSTALLER=tls-front needs INSTALL_VERIFY_ADDR listing every web/all replica's TLS front (host:port each), where the worker checks its installs.",
    );
  }
  // TLS-ALPN-01 challenges are answered by the front of the process that orders the certificate.
  if (config.install.installer === 'tls-front' && config.acme) {
    problems.push(
      'certdesk worker: ACME with INSTALLER=tls-front answers TLS-ALPN-01 from the TLS front of the process that orders, and a worker runs none; run certdesk all, or INSTALLER=nginx (HTTP-01).',
    );
  }
  return problems;
}
