import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../lib/errors.js';
import { SANDBOX_API_USER, type Config, type InstallerKind, type KeyAlgorithm, type Priority } from './config.js';
import { parseStatusOverrides } from '../core/workflow/status-table.js';
import { parseBusinessHours } from '../core/proactive/business-hours.js';
import { roleProblems, SERVICE_ROLES } from './service-role.js';
import { tlsParametersOf } from '../lib/database-url.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['rsa-2048', 'rsa-3072', 'rsa-4096'];
const INSTALLERS: readonly InstallerKind[] = ['tls-front', 'nginx', 'command'];
const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'normal', 'low'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Reads every variable of DESIGN §3 once, validates all of them, and returns a frozen Config.
 * Throws ConfigError listing every problem, one plain sentence each (the caller prints them and
 * exits 2). Pure: reads only `env` and resolves paths against `cwd`; no file is opened here.
 * Secrets never appear in a problem message.
 */
export function loadConfig(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };

  const port = (name: string, fallback: number | null): number | null => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (raw === 'off' && fallback === null) return null;
    if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
      problems.push(`${name} must be a port number between 0 and 65535${fallback === null ? ' or "off"' : ''} (got "${raw}").`);
      return fallback;
    }
    return Number(raw);
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}").`);
      return fallback;
    }
    return raw as T;
  };
  /** A URL; only SMTP_URL may carry credentials (elsewhere they would end up in logs and links). */
  const url = (name: string, protocols: string[], options: { credentials?: boolean } = {}): string | null => {
    const raw = get(name);
    if (raw === undefined) return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      if (!options.credentials && (u.username !== '' || u.password !== '')) {
        problems.push(`${name} must not contain a user name or password (got "${redactUrl(raw)}").`);
        return null;
      }
      return raw.replace(/\/+$/, '');
    } catch {
      problems.push(`${name} must be a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL (got "${redactUrl(raw)}").`);
      return null;
    }
  };
  const seconds = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number of seconds between ${min} and ${max} (got "${raw}").`);
      return fallback;
    }
    return Number(raw);
  };
  const path = (name: string, fallback?: string): string | null => {
    const raw = get(name) ?? fallback;
    if (raw === undefined) return null;
    return isAbsolute(raw) ? raw : resolve(cwd, raw);
  };

  const zendeskUrl = url('ZENDESK_URL', ['https:', 'http:']);
  const sandbox = get('ZENDESK_URL') === undefined;
  if (zendeskUrl && zendeskUrl.startsWith('http:') && !isLoopbackUrl(zendeskUrl)) {
    problems.push('ZENDESK_URL must use https (plain http is only accepted for localhost).');
  }
  if (zendeskUrl && (new URL(zendeskUrl).pathname !== '/' || new URL(zendeskUrl).search !== '')) {
    problems.push(`ZENDESK_URL must be the account's address alone, e.g. https://yoursubdomain.zendesk.com (got "${redactUrl(zendeskUrl)}", which has a path).`);
  }

  const email = get('ZENDESK_EMAIL');
  const apiToken = get('ZENDESK_API_TOKEN');
  const oauthToken = get('ZENDESK_OAUTH_TOKEN');
  const oauthClientId = get('ZENDESK_OAUTH_CLIENT_ID');
  const oauthClientSecret = get('ZENDESK_OAUTH_CLIENT_SECRET');
  const oauthRefreshToken = get('ZENDESK_OAUTH_REFRESH_TOKEN');
  const oauthScopes = (get('ZENDESK_OAUTH_SCOPES') ?? 'read write').split(/\s+/).filter(Boolean);
  for (const scope of oauthScopes) {
    if (!/^[a-z_]+(:[a-z_]+)?$/.test(scope)) problems.push(`ZENDESK_OAUTH_SCOPES must be Zendesk scopes separated by spaces, e.g. "read write" or "tickets:write read" (got "${scope}").`);
  }
  if (email !== undefined && !EMAIL.test(email)) problems.push(`ZENDESK_EMAIL must be an email address (got "${email}").`);
  let auth: Config['zendesk']['auth'] = null;
  if (oauthClientId === undefined && (oauthClientSecret !== undefined || oauthRefreshToken !== undefined)) {
    problems.push(`${oauthClientSecret !== undefined ? 'ZENDESK_OAUTH_CLIENT_SECRET' : 'ZENDESK_OAUTH_REFRESH_TOKEN'} is set but ZENDESK_OAUTH_CLIENT_ID is not: set the OAuth client's unique identifier too.`);
  }
  if (oauthClientId !== undefined) {
    if (oauthClientSecret === undefined && oauthRefreshToken === undefined && !sandbox) {
      problems.push('ZENDESK_OAUTH_CLIENT_ID is set but neither ZENDESK_OAUTH_CLIENT_SECRET (a confidential client) nor ZENDESK_OAUTH_REFRESH_TOKEN (from the authorization-code flow) is.');
    }
    auth = {
      oauthClient: {
        clientId: oauthClientId,
        ...(oauthClientSecret !== undefined ? { clientSecret: oauthClientSecret } : {}),
        scopes: oauthScopes.join(' '),
        ...(oauthRefreshToken !== undefined ? { refreshToken: oauthRefreshToken } : {}),
      },
      ...(email !== undefined ? { email } : {}),
    };
  } else if (oauthToken !== undefined) {
    auth = email === undefined ? { oauthToken } : { oauthToken, email };
  } else if (apiToken !== undefined) {
    if (email === undefined) problems.push('ZENDESK_API_TOKEN is set but ZENDESK_EMAIL is not: an API token needs the email of the user it belongs to.');
    else auth = { email, apiToken };
  }
  if (!sandbox && auth === null && !(apiToken !== undefined && email === undefined)) {
    problems.push('ZENDESK_URL is set but no credentials are: set ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET (an OAuth client), or ZENDESK_EMAIL and ZENDESK_API_TOKEN (until 2027-04-30), or ZENDESK_OAUTH_TOKEN.');
  }

  const webhookSecret = get('ZENDESK_WEBHOOK_SECRET') ?? null;
  if (!sandbox && webhookSecret === null) {
    problems.push('ZENDESK_WEBHOOK_SECRET is required when ZENDESK_URL is set (run "npm run cli -- setup-zendesk" to create the webhook and get it).');
  }
  const maxAgeRaw = get('WEBHOOK_MAX_AGE_SECONDS');
  let webhookMaxAgeSeconds = 600;
  if (maxAgeRaw !== undefined) {
    if (!/^\d+$/.test(maxAgeRaw) || Number(maxAgeRaw) < 1) problems.push(`WEBHOOK_MAX_AGE_SECONDS must be a whole number of seconds, at least 1 (got "${maxAgeRaw}").`);
    else webhookMaxAgeSeconds = Number(maxAgeRaw);
  }
  const attachmentHosts = (get('ZENDESK_ATTACHMENT_HOSTS') ?? '*.zdusercontent.com')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const h of attachmentHosts) {
    if (!/^(\*\.)?[a-z0-9.-]+(:\d+)?$/.test(h)) problems.push(`ZENDESK_ATTACHMENT_HOSTS entry "${h}" is not a host name or *.domain pattern.`);
  }

  const zendeskId = (name: string): number | null => {
    const raw = get(name);
    if (raw === undefined) return null;
    if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < 1) {
      problems.push(`${name} must be a Zendesk id, a positive whole number (got "${raw}").`);
      return null;
    }
    return Number(raw);
  };
  const assigneeId = zendeskId('ZENDESK_ASSIGNEE_ID');
  const groupId = zendeskId('ZENDESK_GROUP_ID');
  const statuses = parseStatusOverrides(get('ZENDESK_STATUSES') ?? '');
  problems.push(...statuses.problems);

  const kekRaw = get('KEY_ENCRYPTION_KEY');
  let encryptionKey: Buffer | null = null;
  if (kekRaw !== undefined) {
    const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(kekRaw) ? Buffer.from(kekRaw, 'base64') : Buffer.alloc(0);
    if (decoded.length !== 32) {
      problems.push(`KEY_ENCRYPTION_KEY must be base64 of exactly 32 random bytes (it decodes to ${decoded.length} bytes); create one with: openssl rand -base64 32`);
    } else {
      encryptionKey = decoded;
    }
  } else if (!sandbox) {
    problems.push('KEY_ENCRYPTION_KEY is required when ZENDESK_URL is set (create one with: openssl rand -base64 32).');
  }

  if (!sandbox && get('DOMAINS_FILE') === undefined) {
    problems.push('DOMAINS_FILE is required when ZENDESK_URL is set: the registry of existing branded my.domains and the organizations that own them.');
  }

  const installer = oneOf('INSTALLER', INSTALLERS, 'tls-front');
  // INSTALL_VERIFY_ADDR: one host:port, or a comma-separated list (every edge server behind the site).
  const verifyAddrs = (get('INSTALL_VERIFY_ADDR') ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
  for (const a of verifyAddrs) {
    if (!/^(\[[0-9a-f:]+\]|[a-z0-9.-]+):\d{1,5}$/i.test(a)) problems.push(`INSTALL_VERIFY_ADDR must be host:port, or a comma-separated list of them (got "${a}").`);
  }
  if (new Set(verifyAddrs.map((a) => a.toLowerCase())).size !== verifyAddrs.length) problems.push('INSTALL_VERIFY_ADDR names the same address twice.');
  const verifyAddr = verifyAddrs[0] ?? null;

  const nginxCertDir = path('NGINX_CERT_DIR');
  const nginxReloadCmd = get('NGINX_RELOAD_CMD') ?? null;
  const installCommand = get('INSTALL_COMMAND') ?? null;
  if (installer === 'nginx') {
    if (nginxCertDir === null) problems.push('INSTALLER=nginx needs NGINX_CERT_DIR (where fullchain.pem and privkey.pem are written).');
    if (nginxReloadCmd === null) problems.push('INSTALLER=nginx needs NGINX_RELOAD_CMD (e.g. "nginx -s reload").');
  }
  if (installer === 'command' && installCommand === null) problems.push('INSTALLER=command needs INSTALL_COMMAND.');
  if (installer !== 'tls-front' && verifyAddr === null) {
    problems.push(`INSTALLER=${installer} needs INSTALL_VERIFY_ADDR (host:port where the new certificate is checked live).`);
  }

  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:'], { credentials: true });
  const mailFrom = get('MAIL_FROM') ?? null;
  if (smtpUrl !== null && mailFrom === null) problems.push('SMTP_URL is set but MAIL_FROM is not: outgoing mail needs a sender address.');
  if (mailFrom !== null && !EMAIL.test(mailFrom.replace(/^.*<([^>]+)>\s*$/, '$1'))) problems.push(`MAIL_FROM must be an email address (got "${mailFrom}").`);
  const opsEmail = get('OPS_EMAIL') ?? null;
  if (opsEmail !== null && !EMAIL.test(opsEmail)) problems.push(`OPS_EMAIL must be an email address (got "${opsEmail}").`);
  // The sandbox's demo domains have no DNS: sender authentication is on by default only for real accounts.
  const senderAuth = oneOf('INBOUND_SENDER_AUTH', ['dmarc', 'off'] as const, sandbox ? 'off' : 'dmarc');
  const trustedRelay = get('INBOUND_TRUSTED_RELAY')?.toLowerCase() ?? null;
  if (trustedRelay !== null && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(trustedRelay)) {
    problems.push(`INBOUND_TRUSTED_RELAY must be the host name the relay writes in its Authentication-Results header, e.g. mx.example.com (got "${trustedRelay}").`);
  }
  if (trustedRelay !== null && senderAuth === 'off') problems.push('INBOUND_TRUSTED_RELAY is set but INBOUND_SENDER_AUTH is off: nothing would read the relay\'s results.');

  const adminToken = get('ADMIN_TOKEN') ?? null;
  if (adminToken !== null && adminToken.length < 16) problems.push('ADMIN_TOKEN must be at least 16 characters long.');
  const zafSharedSecret = get('ZAF_SHARED_SECRET') ?? null;
  if (zafSharedSecret !== null && zafSharedSecret.length < 16) problems.push('ZAF_SHARED_SECRET must be at least 16 characters long.');

  const leaseRaw = get('JOB_LEASE_SECONDS');
  let leaseSeconds = 30;
  if (leaseRaw !== undefined) {
    if (!/^\d+$/.test(leaseRaw) || Number(leaseRaw) < 1 || Number(leaseRaw) > 3600) problems.push(`JOB_LEASE_SECONDS must be a whole number of seconds between 1 and 3600 (got "${leaseRaw}").`);
    else leaseSeconds = Number(leaseRaw);
  }

  const watchRaw = get('EXPIRY_WATCH_INTERVAL_SECONDS');
  let watchIntervalSeconds: number | null = watchRaw === 'off' ? null : 21_600;
  if (watchRaw !== undefined && watchRaw !== 'off') {
    if (!/^\d+$/.test(watchRaw) || Number(watchRaw) < 60 || Number(watchRaw) > 604_800) problems.push(`EXPIRY_WATCH_INTERVAL_SECONDS must be a whole number of seconds between 60 and 604800, or "off" (got "${watchRaw}").`);
    else watchIntervalSeconds = Number(watchRaw);
  }
  const leadRaw = get('RENEWAL_LEAD_TIME_DAYS');
  let leadTimeDays: number | null = null;
  if (leadRaw !== undefined) {
    if (!/^\d+$/.test(leadRaw) || Number(leadRaw) < 1 || Number(leadRaw) > 199) problems.push(`RENEWAL_LEAD_TIME_DAYS must be a whole number of days between 1 and 199 (got "${leadRaw}").`);
    else leadTimeDays = Number(leadRaw);
  }

  const businessHoursRaw = get('BUSINESS_HOURS');
  const businessHours = businessHoursRaw === undefined ? null : parseBusinessHours(businessHoursRaw);
  if (businessHours && 'problem' in businessHours) problems.push(businessHours.problem);

  const host = get('HOST') ?? (sandbox ? '127.0.0.1' : '0.0.0.0');
  if (!/^(\[?[0-9a-f:.]+\]?|[a-z0-9.-]+)$/i.test(host)) problems.push(`HOST must be an IP address or host name to listen on, e.g. 127.0.0.1 or 0.0.0.0 (got "${host}").`);
  const trustProxy = parseTrustProxy(get('TRUST_PROXY'), problems);
  const metricsToken = get('METRICS_TOKEN') ?? null;
  if (metricsToken !== null && metricsToken.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters long.');

  const acme = readAcmeConfig(get, url, problems);
  const database = readDatabaseConfig(get, problems);
  const role = oneOf('CERTDESK_ROLE', SERVICE_ROLES, 'all');
  problems.push(...roleProblems(role, { database, sandbox, install: { installer, verifyAddrs }, acme }));

  const logLevel = oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  const logFormat = get('LOG_FORMAT') === undefined ? null : oneOf('LOG_FORMAT', ['json', 'pretty'] as const, 'json');
  const config: Config = {
    sandbox,
    role,
    port: port('PORT', 3000) ?? 3000,
    host,
    trustProxy,
    metricsToken,
    publicUrl: url('PUBLIC_URL', ['https:', 'http:']),
    dataDir: path('DATA_DIR', './data') ?? resolve(cwd, 'data'),
    logLevel,
    logFormat,
    zendesk: {
      url: zendeskUrl,
      auth,
      apiUserEmail: email ?? SANDBOX_API_USER,
      webhookSecret,
      webhookSecretPrevious: get('ZENDESK_WEBHOOK_SECRET_PREVIOUS') ?? null,
      webhookMaxAgeSeconds,
      attachmentHosts,
      renewalPriority: oneOf('RENEWAL_PRIORITY', PRIORITIES, 'low'),
      assigneeId,
      groupId,
      statusOverrides: statuses.overrides,
    },
    keys: { encryptionKey, algorithm: oneOf('KEY_ALGORITHM', KEY_ALGORITHMS, 'rsa-2048') },
    validation: {
      domainsFile: path('DOMAINS_FILE'),
      extraCaFile: path('EXTRA_CA_FILE'),
      aiaFetch: oneOf('AIA_FETCH', ['on', 'off'] as const, 'off') === 'on',
    },
    install: {
      installer,
      tlsFrontPort: port('TLS_FRONT_PORT', 8443) ?? 8443,
      nginxCertDir,
      nginxTestCmd: get('NGINX_TEST_CMD') ?? 'nginx -t',
      nginxReloadCmd,
      installCommand,
      verifyAddr,
      verifyAddrs,
    },
    mail: {
      smtpUrl,
      from: mailFrom,
      opsEmail,
      inboundSecret: get('INBOUND_EMAIL_SECRET') ?? null,
      smtpListenPort: port('SMTP_LISTEN_PORT', null),
      senderAuth,
      trustedRelay,
    },
    agents: { zafSharedSecret, adminToken },
    sandboxPort: port('SANDBOX_PORT', 3001) ?? 3001,
    sandboxOAuthTokenTtlSeconds: seconds('SANDBOX_OAUTH_TOKEN_TTL_SECONDS', 1800, 1, 172_800),
    proactive: { businessHours: businessHours && 'hours' in businessHours ? businessHours.hours : null },
    jobs: { leaseSeconds },
    database,
    watch: { intervalSeconds: watchIntervalSeconds, leadTimeDays },
    acme,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

/** ACME_* (issue 20): all optional; the others need ACME_DIRECTORY_URL, and the EAB pair goes together. */
function readAcmeConfig(get: (name: string) => string | undefined, url: (name: string, protocols: string[]) => string | null, problems: string[]): Config['acme'] {
  const directoryUrl = url('ACME_DIRECTORY_URL', ['https:']);
  const email = get('ACME_EMAIL') ?? null;
  if (email !== null && !EMAIL.test(email)) problems.push(`ACME_EMAIL must be an email address (got "${email}").`);
  const kid = get('ACME_EAB_KID') ?? null;
  const hmacKey = get('ACME_EAB_HMAC_KEY') ?? null;
  if ((kid === null) !== (hmacKey === null)) problems.push(`${kid === null ? 'ACME_EAB_HMAC_KEY' : 'ACME_EAB_KID'} is set but ${kid === null ? 'ACME_EAB_KID' : 'ACME_EAB_HMAC_KEY'} is not: External Account Binding needs both (the CA gives them together).`);
  if (hmacKey !== null && !/^[A-Za-z0-9_-]+={0,2}$/.test(hmacKey)) problems.push('ACME_EAB_HMAC_KEY must be the base64url key the CA gave (letters, digits, "-" and "_").');
  const expected = get('ACME_EXPECTED_CNAME')?.toLowerCase().replace(/\.$/, '') ?? null;
  if (expected !== null && !/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(expected)) problems.push(`ACME_EXPECTED_CNAME must be a host name, e.g. sites.provider.example (got "${expected}").`);
  if (directoryUrl === null) {
    const stray = ['ACME_EMAIL', 'ACME_EAB_KID', 'ACME_EAB_HMAC_KEY', 'ACME_EXPECTED_CNAME'].filter((n) => get(n) !== undefined);
    if (stray.length > 0) problems.push(`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but ACME_DIRECTORY_URL is not: set the ACME CA's directory URL too.`);
    return null;
  }
  return { directoryUrl, email, eab: kid !== null && hmacKey !== null ? { kid, hmacKey } : null, expectedCname: expected };
}

/**
 * TRUST_PROXY takes what Express's "trust proxy" setting takes: true/false, a number of hops, or a
 * comma-separated list of addresses, CIDR ranges and the names loopback, linklocal, uniquelocal.
 * Default: loopback (a reverse proxy on the same machine).
 */
/** DATABASE_*: PostgreSQL when DATABASE_URL is set, else the embedded SQLite file under DATA_DIR. */
function readDatabaseConfig(get: (name: string) => string | undefined, problems: string[]): Config['database'] {
  const url = get('DATABASE_URL') ?? null;
  if (url !== null && !/^postgres(ql)?:\/\//i.test(url)) problems.push(`DATABASE_URL must be a postgres:// URL (got "${redactUrl(url)}"); leave it unset for the embedded SQLite store.`);
  else if (url !== null && tlsParametersOf(url).length > 0) problems.push('DATABASE_URL must not carry TLS parameters (sslmode=…): set DATABASE_SSL (off, require, verify-full) instead.');
  const whole = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number between ${min} and ${max} (got "${raw}").`);
      return fallback;
    }
    return Number(raw);
  };
  const ssl = get('DATABASE_SSL') ?? 'off';
  if (!['off', 'require', 'verify-full'].includes(ssl)) problems.push(`DATABASE_SSL must be off, require or verify-full (got "${ssl}").`);
  const sslCaFile = get('DATABASE_SSL_CA_FILE') ?? null;
  return {
    url,
    poolMax: whole('DATABASE_POOL_MAX', 10, 1, 200),
    statementTimeoutMs: whole('DATABASE_STATEMENT_TIMEOUT_MS', 15_000, 100, 600_000),
    ssl: ssl as Config['database']['ssl'],
    sslCaFile,
  };
}

function parseTrustProxy(raw: string | undefined, problems: string[]): boolean | number | string {
  if (raw === undefined) return 'loopback';
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((e) => e.trim());
  const ok = entries.every((e) => ['loopback', 'linklocal', 'uniquelocal'].includes(e) || /^[0-9a-f:.]+(\/\d{1,3})?$/i.test(e));
  if (!ok) problems.push(`TRUST_PROXY must be true, false, a number of proxy hops, or a comma-separated list of addresses/CIDR ranges or loopback, linklocal, uniquelocal (got "${raw}").`);
  return ok ? entries.join(',') : 'loopback';
}

function isLoopbackUrl(u: string): boolean {
  const host = new URL(u).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/**
 * What a problem message may show of a URL: its scheme and host. User info, path and query are
 * never echoed (a password may sit in any of them, and may itself hold "@" or "/"), and a value
 * that is not a URL at all is not shown: it may be the password.
 */
export function redactUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'a value that is not a URL, not shown here';
  }
  const hidden = (u.pathname !== '/' && u.pathname !== '') || u.search !== '' || u.hash !== '';
  return u.host === '' ? `${u.protocol}…` : `${u.protocol}//${u.username || u.password ? '***@' : ''}${u.host}${hidden ? '/…' : ''}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function signInKind(config: Config): string {
  const auth = config.zendesk.auth;
  if (auth && 'oauthClient' in auth) return auth.oauthClient.refreshToken ? 'oauth refresh token' : 'oauth client credentials';
  if (config.sandbox) return 'oauth client credentials';
  if (auth && 'apiToken' in auth) return 'api token (deactivated by Zendesk on 2027-04-30)';
  return 'static oauth token';
}

/** A one-line, secret-free description of the configuration for the start-up log. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    mode: config.sandbox ? 'sandbox' : 'zendesk',
    zendesk: config.zendesk.url ?? 'embedded sandbox',
    // How certdesk signs in (never the credentials themselves).
    zendeskAuth: signInKind(config),
    host: config.host,
    port: config.port,
    dataDir: config.dataDir,
    store: config.database.url ? `postgres ${redactUrl(config.database.url)}` : 'sqlite',
    installer: config.install.installer,
    keyAlgorithm: config.keys.algorithm,
    aiaFetch: config.validation.aiaFetch,
    mail: config.mail.smtpUrl ? 'on' : 'off',
    inboundEmail: config.mail.inboundSecret ? 'on' : 'off',
    smtpListener: config.mail.smtpListenPort ?? 'off',
    inboundSenderAuth: config.mail.senderAuth === 'off' ? 'off' : (config.mail.trustedRelay ?? 'dmarc'),
    agentApp: config.agents.zafSharedSecret ? 'on' : 'off',
    dashboard: config.agents.adminToken ? 'on' : 'off',
    metricsToken: config.metricsToken ? 'on' : 'off',
    acme: config.acme ? new URL(config.acme.directoryUrl).host : 'off',
  };
}
