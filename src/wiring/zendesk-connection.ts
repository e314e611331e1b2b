import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { localSecret } from '../config/local-secret.js';
import { createZendeskClient } from '../adapters/zendesk/create-zendesk-client.js';
import { OAuthTokenProvider } from '../adapters/zendesk/oauth-token-provider.js';
import { RateLimiter } from '../adapters/zendesk/rate-limiter.js';
import type { ZendeskAuth as HttpAuth } from '../adapters/zendesk/zendesk-http.js';
import type { RefreshTokenRepository } from '../ports/store.js';
import { checkZendeskUrl } from '../adapters/zendesk/check-zendesk-url.js';
import { loadDomainsFile } from '../adapters/registry/load-domains-file.js';
import { parseDomainRegistry, type DomainRegistry } from '../core/registry/domain-registry.js';
import { startSandbox, type Sandbox } from '../sandbox/start-sandbox.js';
import { sandboxOAuthClient } from './sandbox-oauth-client.js';
import type { ZendeskApi } from '../ports/zendesk.js';
import type { Logger } from '../lib/logger.js';
import type { MetricsRegistry } from '../lib/metrics.js';
import type { Clock } from '../lib/clock.js';

export interface ZendeskConnection {
  zendesk: ZendeskApi;
  registry: DomainRegistry;
  /** The webhook signing secrets to accept (current first). */
  webhookSecrets: string[];
  /** The embedded sandbox in sandbox mode, else null. */
  sandbox: Sandbox | null;
  /** Whether Zendesk accepts certdesk's credentials now (the paused queue's probe): resolves, or throws why not. */
  probe(): Promise<void>;
}

/** The day Zendesk deactivates every API token (zendesk-facts §10). */
export const API_TOKENS_END = '2027-04-30';

/**
 * Connects certdesk to Zendesk: the real account when ZENDESK_URL is set, otherwise an embedded
 * sandbox (with demo data unless DOMAINS_FILE is given) whose webhook secret is ZENDESK_WEBHOOK_SECRET
 * or one generated into DATA_DIR. Either way one rate limiter and (with OAuth) one token provider
 * serve every job. In sandbox mode certdesk signs in the way it does on a real account: with an
 * OAuth client the sandbox registers for it (secret ZENDESK_OAUTH_CLIENT_SECRET, or generated into
 * DATA_DIR), whose access tokens expire after SANDBOX_OAUTH_TOKEN_TTL_SECONDS.
 */
export async function connectZendesk(
  config: Config,
  deps: { logger: Logger; metrics: MetricsRegistry; clock: Clock; sandboxHost?: string; refreshTokens: RefreshTokenRepository; fetch?: typeof fetch },
): Promise<ZendeskConnection> {
  const { logger, metrics } = deps;
  const fileRegistry = config.validation.domainsFile ? loadDomainsFile(config.validation.domainsFile) : null;
  const limiter = new RateLimiter();
  const { refreshTokens } = deps;
  const authFor = (origin: string, auth: NonNullable<Config['zendesk']['auth']>): HttpAuth => {
    if (!('oauthClient' in auth)) return auth;
    const { oauthClient } = auth;
    return {
      tokens: new OAuthTokenProvider({
        origin,
        credentials: oauthClient,
        refreshTokens,
        logger,
        metrics,
        now: () => deps.clock.now().getTime(),
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }),
    };
  };

  if (!config.sandbox) {
    const current = config.zendesk.webhookSecret!;
    const auth = config.zendesk.auth!;
    if ('apiToken' in auth) {
      logger.warn(
        { deactivatedOn: API_TOKENS_END },
        `certdesk signs in to Zendesk with an API token: Zendesk deactivates every API token on ${API_TOKENS_END}. Create an OAuth client (Admin Center > Apps and integrations > APIs > OAuth clients) and set ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET instead.`,
      );
    }
    await checkZendeskUrl(config.zendesk.url!, deps.fetch ?? globalThis.fetch);
    const zendesk = createZendeskClient({
      baseUrl: config.zendesk.url!,
      auth: authFor(new URL(config.zendesk.url!).origin, auth),
      attachmentHosts: config.zendesk.attachmentHosts,
      metrics,
      logger,
      limiter,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    return {
      zendesk,
      registry: fileRegistry ?? new Map(),
      webhookSecrets: config.zendesk.webhookSecretPrevious ? [current, config.zendesk.webhookSecretPrevious] : [current],
      sandbox: null,
      probe: async () => void (await zendesk.me()),
    };
  }

  let secret = config.zendesk.webhookSecret;
  if (!secret) {
    const generated = localSecret(config.dataDir, 'webhook-secret', 32);
    secret = generated.value;
    logger.warn({ file: generated.path }, 'sandbox mode: webhooks are signed with a secret generated into DATA_DIR');
  }
  const sandbox = await startSandbox({
    dataDir: join(config.dataDir, 'sandbox'),
    port: config.sandboxPort,
    ...(deps.sandboxHost ? { host: deps.sandboxHost } : {}),
    apiUserEmail: config.zendesk.apiUserEmail,
    webhookSecret: secret,
    demoData: fileRegistry === null,
    logger: logger.child({ component: 'sandbox' }),
    clock: deps.clock,
    account: { oauthTokenTtlSeconds: config.sandboxOAuthTokenTtlSeconds },
  });
  const { credentials, generated } = sandboxOAuthClient(config);
  if (generated?.created) logger.warn({ file: generated.path }, "sandbox mode: certdesk's OAuth client secret was generated into DATA_DIR");
  // The sandbox's account gets a confidential OAuth client acting as certdesk's API user.
  sandbox.account.oauthClients[credentials.clientId] = { secret: credentials.clientSecret, userEmail: config.zendesk.apiUserEmail };
  let registry = fileRegistry;
  if (!registry) {
    const parsed = parseDomainRegistry(sandbox.demo?.registry ?? []);
    registry = parsed.registry;
  }
  const zendesk = createZendeskClient({
    baseUrl: sandbox.url,
    auth: authFor(sandbox.url, { oauthClient: credentials }),
    attachmentHosts: [...config.zendesk.attachmentHosts, sandbox.attachmentHostPattern],
    metrics,
    logger,
    limiter,
  });
  return {
    zendesk,
    registry,
    webhookSecrets: config.zendesk.webhookSecretPrevious ? [secret, config.zendesk.webhookSecretPrevious] : [secret],
    sandbox,
    probe: async () => void (await zendesk.me()),
  };
}
