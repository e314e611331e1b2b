import { ConfigError } from '../lib/errors.js';
import type { Config } from './config.js';
import { EnvReader } from './env-reader.js';
import { readAcmeConfig } from './read-acme-config.js';
import { readAgentsConfig } from './read-agents-config.js';
import { readBackgroundConfig } from './read-background-config.js';
import { readDatabaseConfig } from './read-database-config.js';
import { readHttpConfig } from './read-http-config.js';
import { readInstallConfig } from './read-install-config.js';
import { readKeysConfig } from './read-keys-config.js';
import { readMailConfig } from './read-mail-config.js';
import { readProcessConfig } from './read-process-config.js';
import { readSandboxConfig } from './read-sandbox-config.js';
import { readValidationConfig } from './read-validation-config.js';
import { readZendeskConfig } from './read-zendesk-config.js';
import { redactUrl } from './redact-url.js';
import { roleProblems, SERVICE_ROLES } from './service-role.js';

/**
 * Reads every variable of DESIGN §3 once, validates all of them, and returns a frozen Config.
 * Throws ConfigError listing every problem, one plain sentence each (the caller prints them and
 * exits 2). Pure: reads only `vars` and resolves paths against `cwd`; no file is opened here.
 * Secrets never appear in a problem message. Each part is read by its own reader (read-*.ts), in
 * the order the problems are listed.
 */
export function loadConfig(vars: NodeJS.ProcessEnv, cwd: string = process.cwd()): Config {
  const env = new EnvReader(vars, cwd);
  const sandbox = env.get('ZENDESK_URL') === undefined;
  const zendesk = readZendeskConfig(env, sandbox);
  const keys = readKeysConfig(env, sandbox);
  const validation = readValidationConfig(env, sandbox);
  const install = readInstallConfig(env);
  const mail = readMailConfig(env, sandbox);
  const agents = readAgentsConfig(env);
  const { jobs, watch, proactive } = readBackgroundConfig(env);
  const { port, host, trustProxy, metricsToken, publicUrl } = readHttpConfig(env, sandbox);
  const acme = readAcmeConfig(env);
  const database = readDatabaseConfig(env);
  const role = env.oneOf('CERTDESK_ROLE', SERVICE_ROLES, 'all');
  roleProblems(role, { database, sandbox, install, acme }).forEach((p) => env.problem(p));
  const { dataDir, logLevel, logFormat } = readProcessConfig(env);
  const { sandboxPort, sandboxOAuthTokenTtlSeconds } = readSandboxConfig(env);
  if (env.problems.length > 0) throw new ConfigError(env.problems);
  // In the order of Config's fields: `--print-config` lists them so.
  return deepFreeze({
    sandbox,
    role,
    port,
    host,
    trustProxy,
    metricsToken,
    publicUrl,
    dataDir,
    logLevel,
    logFormat,
    zendesk,
    keys,
    validation,
    install,
    mail,
    agents,
    sandboxPort,
    sandboxOAuthTokenTtlSeconds,
    proactive,
    jobs,
    database,
    watch,
    acme,
  });
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
