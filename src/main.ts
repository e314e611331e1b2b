import { loadConfig, describeConfig } from './config/load-config.js';
import { withEnvFile } from './config/read-env-file.js';
import { sandboxBanner } from './wiring/sandbox-banner.js';
import { ConfigError } from './lib/errors.js';
import { createLogger } from './lib/logger.js';
import { startService } from './wiring/service.js';
import { isServiceRole, SERVICE_ROLES } from './config/service-role.js';

/**
 * The service's entry point (`node dist/main.js [all|web|worker]`, which `npm start`, the container
 * and the systemd unit run; `certdesk web` and `certdesk worker` come here too): reads the
 * configuration once (the environment over .env or ENV_FILE; the role argument over
 * CERTDESK_ROLE), starts certdesk in its role, and shuts it down gracefully on SIGTERM/SIGINT. Bad
 * configuration prints one line per problem and exits 2, without a stack trace.
 */
async function main(): Promise<void> {
  let config;
  let envFile: string | null = null;
  try {
    const role = roleArgument(process.argv.slice(2));
    const read = withEnvFile(process.env, process.cwd());
    envFile = read.file;
    config = loadConfig(role === null ? read.env : { ...read.env, CERTDESK_ROLE: role });
  } catch (error) {
    exitOnConfigError(error);
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json') });
  if (envFile) logger.info({ envFile }, 'configuration read from the environment and an env file (the environment wins)');
  if (config.sandbox) {
    logger.warn('SANDBOX MODE: ZENDESK_URL is not set, so certdesk talks to its embedded Zendesk sandbox. Nothing reaches a real Zendesk account.');
  }
  let service;
  try {
    service = await startService(config, { logger });
  } catch (error) {
    logger.flush();
    exitOnConfigError(error);
    throw error;
  }
  logger.info({ ...describeConfig(config), role: service.role, url: service.url }, 'certdesk started');
  if (service.sandbox) process.stderr.write(sandboxBanner({ certdeskUrl: service.url, sandboxUrl: service.sandbox.url, demo: service.sandbox.demo }));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    service.close().then(
      () => {
        logger.info('certdesk stopped');
        logger.flush(() => process.exit(0));
      },
      (error: unknown) => {
        logger.error({ err: (error as Error).message }, 'error during shutdown');
        logger.flush(() => process.exit(1));
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** The role given as the first argument (`certdesk web`), or null; anything else is a configuration error. */
function roleArgument(args: readonly string[]): string | null {
  const [first, ...rest] = args;
  if (first === undefined) return null;
  if (!isServiceRole(first) || rest.length > 0)
    throw new ConfigError([`the only argument certdesk's service takes is its role, one of ${SERVICE_ROLES.join(', ')} (got "${args.join(' ')}").`]);
  return first;
}

/** Bad configuration (a variable, or a file it names): one plain line per problem, exit code 2. */
function exitOnConfigError(error: unknown): void {
  if (!(error instanceof ConfigError)) return;
  process.stderr.write(`certdesk cannot start; fix the configuration:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(2);
}

main().catch((error: unknown) => {
  process.stderr.write(`certdesk failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
