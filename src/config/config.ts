/** certdesk's configuration, read once from the environment by `loadConfig` and frozen: its types only. */
import type { StatusState } from '../core/workflow/status-table.js';
import type { TicketStatus } from '../core/workflow/ticket-status.js';
import type { BusinessHours } from '../core/proactive/business-hours.js';
import type { ServiceRole } from './service-role.js';

export type InstallerKind = 'tls-front' | 'nginx' | 'command';
export type KeyAlgorithm = 'rsa-2048' | 'rsa-3072' | 'rsa-4096';
export type Priority = 'urgent' | 'high' | 'normal' | 'low';

/** An OAuth client of the account (the primary way in): client credentials, or a refresh token. */
export interface OAuthClientConfig {
  clientId: string;
  clientSecret?: string;
  /** ZENDESK_OAUTH_SCOPES, space-separated (default `read write`). */
  scopes: string;
  /** ZENDESK_OAUTH_REFRESH_TOKEN, from the authorization-code flow; rotated ones are kept in the store. */
  refreshToken?: string;
}

export type ZendeskAuth = { oauthClient: OAuthClientConfig; email?: string } | { email: string; apiToken: string } | { oauthToken: string; email?: string };

export interface Config {
  /** True when ZENDESK_URL is unset: embedded Zendesk sandbox, generated secrets, TLS front. */
  sandbox: boolean;
  /** CERTDESK_ROLE (or `certdesk <role>`): what this process does, src/config/service-role.ts (default all). */
  role: ServiceRole;
  port: number;
  /** Listen address (HOST): 127.0.0.1 in sandbox mode, 0.0.0.0 otherwise. */
  host: string;
  /** Express's "trust proxy" setting (TRUST_PROXY): which hops may set X-Forwarded-For. */
  trustProxy: boolean | number | string;
  /** When set (METRICS_TOKEN), GET /metrics needs "Authorization: Bearer <token>". */
  metricsToken: string | null;
  publicUrl: string | null;
  dataDir: string;
  logLevel: string;
  /** LOG_FORMAT: json or pretty; null (unset) means pretty at a terminal, json otherwise. */
  logFormat: 'json' | 'pretty' | null;
  zendesk: {
    /** Origin of the Zendesk account, e.g. https://example.zendesk.com (null in sandbox mode). */
    url: string | null;
    /** Credentials (null in sandbox mode: the sandbox accepts certdesk's own API user). */
    auth: ZendeskAuth | null;
    /** certdesk's own API user (its comments are ignored): ZENDESK_EMAIL or the sandbox default. */
    apiUserEmail: string;
    webhookSecret: string | null;
    webhookSecretPrevious: string | null;
    webhookMaxAgeSeconds: number;
    attachmentHosts: string[];
    renewalPriority: Priority;
    /** ZENDESK_ASSIGNEE_ID: the agent a ticket certdesk solves is assigned to when it has none. */
    assigneeId: number | null;
    /** ZENDESK_GROUP_ID: that agent's group, set along with the assignee. */
    groupId: number | null;
    /** ZENDESK_STATUSES: the operator's status per renewal state, over DESIGN §1's table. */
    statusOverrides: Partial<Record<StatusState, TicketStatus>>;
  };
  keys: {
    /** 32-byte AES-256-GCM key; null means "generate one into DATA_DIR" (sandbox mode only). */
    encryptionKey: Buffer | null;
    algorithm: KeyAlgorithm;
  };
  validation: {
    domainsFile: string | null;
    extraCaFile: string | null;
    aiaFetch: boolean;
  };
  install: {
    installer: InstallerKind;
    tlsFrontPort: number;
    nginxCertDir: string | null;
    nginxTestCmd: string;
    nginxReloadCmd: string | null;
    installCommand: string | null;
    /** The first of `verifyAddrs` (null when INSTALL_VERIFY_ADDR is unset). */
    verifyAddr: string | null;
    /** INSTALL_VERIFY_ADDR: every address serving the site (host:port); an install is done when all serve it. */
    verifyAddrs: readonly string[];
  };
  mail: {
    smtpUrl: string | null;
    from: string | null;
    opsEmail: string | null;
    inboundSecret: string | null;
    smtpListenPort: number | null;
    /** INBOUND_SENDER_AUTH: `dmarc` (DKIM, SPF, DMARC checked; default outside sandbox mode) or `off`. */
    senderAuth: 'dmarc' | 'off';
    /** INBOUND_TRUSTED_RELAY: authserv-id whose Authentication-Results header is trusted, or null. */
    trustedRelay: string | null;
  };
  agents: {
    zafSharedSecret: string | null;
    adminToken: string | null;
  };
  sandboxPort: number;
  /** SANDBOX_OAUTH_TOKEN_TTL_SECONDS: lifetime of the sandbox's OAuth access tokens (default 1800, as Zendesk's). */
  sandboxOAuthTokenTtlSeconds: number;
  proactive: {
    /** BUSINESS_HOURS: when proactive tickets and reminders may go out; null: any time. */
    businessHours: BusinessHours | null;
  };
  jobs: {
    /** How long a running job stays claimed without a heartbeat (a crashed worker's job runs again after it). */
    leaseSeconds: number;
  };
  /** The store: PostgreSQL when DATABASE_URL is set, else SQLite at <DATA_DIR>/certdesk.db. */
  database: {
    /** DATABASE_URL (postgres://…), or null for the embedded SQLite store. */
    url: string | null;
    /** DATABASE_POOL_MAX: connections per process (default 10). */
    poolMax: number;
    /** DATABASE_STATEMENT_TIMEOUT_MS: PostgreSQL's statement_timeout for certdesk's sessions (default 15000). */
    statementTimeoutMs: number;
    /** DATABASE_SSL: off, require (encrypted, any certificate) or verify-full (CA and host name checked). */
    ssl: 'off' | 'require' | 'verify-full';
    /** DATABASE_SSL_CA_FILE: the CA certificate(s) to verify the server with (verify-full); Node's roots otherwise. */
    sslCaFile: string | null;
  };
  /** Automatic certificates (issue 20): null when ACME_DIRECTORY_URL is unset (no site can use ACME). */
  acme: AcmeConfig | null;
  watch: {
    /** EXPIRY_WATCH_INTERVAL_SECONDS: time between two passes of the expiry watch; null ("off") disables it. */
    intervalSeconds: number | null;
    /** RENEWAL_LEAD_TIME_DAYS: days before expiry a proactive renewal opens; null: a third of the lifetime, at least 30 days. */
    leadTimeDays: number | null;
  };
}

/** ACME_*: the CA certdesk orders automatic certificates from. */
export interface AcmeConfig {
  /** ACME_DIRECTORY_URL, e.g. https://acme-v02.api.letsencrypt.org/directory. */
  directoryUrl: string;
  /** ACME_EMAIL: the account's contact, or null. */
  email: string | null;
  /** ACME_EAB_KID + ACME_EAB_HMAC_KEY (External Account Binding), both or neither. */
  eab: { kid: string; hmacKey: string } | null;
  /** ACME_EXPECTED_CNAME: the name every branded my.domain must be a CNAME to; null: not checked. */
  expectedCname: string | null;
}
