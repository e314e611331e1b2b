import { join } from 'node:path';
import type { Config } from './config/config.js';
import { localSecret } from './config/local-secret.js';
import { createZendeskClient } from './adapters/zendesk/create-zendesk-client.js';
import { loadDomainsFile } from './adapters/registry/load-domains-file.js';
import { parseDomainRegistry, type DomainRegistry } from './core/registry/domain-registry.js';
import { startSandbox, type Sandbox } from './sandbox/start-sandbox.js';
import type { ZendeskApi } from './ports/zendesk.js';
import type { Logger } from './lib/logger.js';
import type { MetricsRegistry } from './lib/metrics.js';
import type { Clock } from './lib/clock.js';

export interface ZendeskConnection {
  zendesk: ZendeskApi;
  registry: DomainRegistry;
  /** The webhook signing secrets to accept (current first). */
  webhookSecrets: string[];
  /** The embedded sandbox in sandbox mode, else null. */
  sandbox: Sandbox | null;
}

/**
 * Connects certdesk to Zendesk: the real account when ZENDESK_URL is set, otherwise an embedded
 * sandbox (with demo data unless DOMAINS_FILE is given) whose webhook secret is ZENDESK_WEBHOOK_SECRET
 * or one generated into DATA_DIR.
 */
export async function connectZendesk(config: Config, deps: { logger: Logger; metrics: MetricsRegistry; clock: Clock; sandboxHost?: string }): Promise<ZendeskConnection> {
  const { logger, metrics } = deps;
  const fileRegistry = config.validation.domainsFile ? loadDomainsFile(config.validation.domainsFile) : null;

  if (!config.sandbox) {
    const current = config.zendesk.webhookSecret!;
    return {
      zendesk: createZendeskClient({ baseUrl: config.zendesk.url!, auth: config.zendesk.auth!, attachmentHosts: config.zendesk.attachmentHosts, metrics, logger }),
      registry: fileRegistry ?? new Map(),
      webhookSecrets: config.zendesk.webhookSecretPrevious ? [current, config.zendesk.webhookSecretPrevious] : [current],
      sandbox: null,
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
  });
  let registry = fileRegistry;
  if (!registry) {
    const parsed = parseDomainRegistry(sandbox.demo?.registry ?? []);
    registry = parsed.registry;
  }
  return {
    zendesk: createZendeskClient({
      baseUrl: sandbox.url,
      auth: config.zendesk.auth ?? { email: config.zendesk.apiUserEmail, apiToken: 'sandbox' },
      attachmentHosts: [...config.zendesk.attachmentHosts, sandbox.attachmentHostPattern],
      metrics,
      logger,
    }),
    registry,
    webhookSecrets: config.zendesk.webhookSecretPrevious ? [secret, config.zendesk.webhookSecretPrevious] : [secret],
    sandbox,
  };
}

/** The sandbox-mode key-encryption key: KEY_ENCRYPTION_KEY, or one generated into DATA_DIR (0600). */
export function keyEncryptionKey(config: Config, logger: Logger): Buffer {
  if (config.keys.encryptionKey) return config.keys.encryptionKey;
  const generated = localSecret(config.dataDir, 'key-encryption-key', 32);
  if (generated.created) logger.warn({ file: generated.path }, 'sandbox mode: private keys are encrypted with a key generated into DATA_DIR; set KEY_ENCRYPTION_KEY in production');
  return Buffer.from(generated.value, 'base64');
}
