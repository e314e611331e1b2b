import { EXIT, type CliCommand, type CliIo } from '../command.js';
import { parseCommandArgs } from './parse-command-args.js';
import { loadConfig } from '../../config/load-config.js';
import type { Config } from '../../config/config.js';
import { ConfigError } from '../../lib/errors.js';
import { createWebhookAdmin } from '../../adapters/zendesk/create-webhook-admin.js';
import { loadDomainsFile } from '../../adapters/registry/load-domains-file.js';
import { parseDomainRegistry, type DomainRegistry } from '../../core/registry/domain-registry.js';
import type { ZendeskAuth } from '../../adapters/zendesk/zendesk-http.js';
import type { Store } from '../../ports/store.js';
import { openConfiguredStore } from '../../wiring/open-configured-store.js';
import { keyEncryptionKey } from '../../wiring/key-encryption-key.js';
import { cliZendeskClient, cliZendeskUrl, signIn } from '../../wiring/cli-zendesk.js';
import { checkStore } from './doctor-store-check.js';
import { silentLogger } from '../../lib/logger.js';
import { runDoctorChecks, type CheckResult } from './doctor-checks.js';

const USAGE = `Usage: certdesk doctor [--json]

Checks, one line each, that certdesk can work with its Zendesk account: the credentials work (and
which user and role they act as); the webhook exists, points at <PUBLIC_URL>/webhooks/zendesk, is
active and signs with ZENDESK_WEBHOOK_SECRET (Zendesk's webhook test call, answered by the running
certdesk); which ticket statuses the account has and which ones certdesk will set; the assignee for
solved tickets; whether redaction is allowed; that every organization of the domain registry
exists; and that the store answers: with SQLite, DATA_DIR's database is writable and sound; with
PostgreSQL (DATABASE_URL), the database is reachable, its server version, and its migrations.

Reads the same environment as certdesk. In sandbox mode (no ZENDESK_URL) it checks the sandbox of
the certdesk running on this machine (start it first with npm start).

  --json   print the results as JSON

Exit codes: 0 every check passed, 1 a check failed, 2 configuration error.`;

/** What the service would be, from the same configuration: the client, the webhook API, the registry. */
export interface DoctorConnection {
  baseUrl: string;
  auth: ZendeskAuth;
  registry: DomainRegistry;
  webhookEndpoint: string | null;
}

/** The address certdesk's webhook must point at: PUBLIC_URL, or in sandbox mode the local service. */
function webhookEndpoint(config: Config): string | null {
  const base = config.publicUrl ?? (config.sandbox ? `http://127.0.0.1:${config.port}` : null);
  return base ? `${base.replace(/\/+$/, '')}/webhooks/zendesk` : null;
}

/** In sandbox mode the registry is DOMAINS_FILE or the running sandbox's demo registry. */
async function sandboxRegistry(baseUrl: string): Promise<DomainRegistry> {
  const res = await fetch(`${baseUrl}/sandbox/demo`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { demo?: { registry?: unknown[] } | null };
  return parseDomainRegistry(body.demo?.registry ?? []).registry;
}

async function connect(config: Config, openStoreOnce: () => Promise<Store>): Promise<DoctorConnection | CheckResult> {
  const baseUrl = cliZendeskUrl(config);
  let registry: DomainRegistry = config.validation.domainsFile ? loadDomainsFile(config.validation.domainsFile) : new Map();
  if (config.sandbox) {
    // First whether certdesk's sandbox runs at all (nothing is read from or written to DATA_DIR before).
    try {
      const demo = await sandboxRegistry(baseUrl);
      if (!config.validation.domainsFile) registry = demo;
    } catch (error) {
      return {
        check: 'sandbox',
        ok: false,
        message: `nothing answers at ${baseUrl} (${(error as Error).message}): start certdesk in sandbox mode (npm start) first, with the same SANDBOX_PORT`,
      };
    }
  }
  const auth = signIn(config, new URL(baseUrl).origin, openStoreOnce);
  return { baseUrl, auth, registry, webhookEndpoint: webhookEndpoint(config) };
}

/**
 * Runs every check with the configuration `env` gives, as certdesk would read it; or the
 * configuration's problems when it cannot be read (then nothing is checked).
 */
export async function doctorReport(env: NodeJS.ProcessEnv, cwd: string): Promise<{ results: CheckResult[] } | { configProblems: string[] }> {
  let config: Config;
  let connection: DoctorConnection | CheckResult;
  // Opened once, at the first use: a refresh token read, or the store check at the end.
  let store: Promise<Store> | null = null;
  const openStoreOnce = () =>
    (store ??= openConfiguredStore(config, { sealKey: keyEncryptionKey(config, silentLogger()), applicationName: 'certdesk-doctor' }));
  try {
    try {
      config = loadConfig(env, cwd);
      connection = await connect(config, openStoreOnce);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return { configProblems: error.problems };
    }
    if ('check' in connection) return { results: [connection] };
    return { results: await checks(config, connection, openStoreOnce) };
  } finally {
    await closeQuietly(store);
  }
}

/** Closes the store if it was opened; one that never opened has nothing to close. */
async function closeQuietly(store: Promise<Store> | null): Promise<void> {
  const opened = await store?.catch(() => null);
  await opened?.close();
}

function checks(config: Config, connection: DoctorConnection, openStoreOnce: () => Promise<Store>): Promise<CheckResult[]> {
  return runDoctorChecks({
    zendesk: cliZendeskClient(config, connection.baseUrl, connection.auth),
    webhooks: createWebhookAdmin({ baseUrl: connection.baseUrl, auth: connection.auth, timeoutMs: 20_000 }),
    webhookEndpoint: connection.webhookEndpoint,
    statusOverrides: config.zendesk.statusOverrides,
    assignee: {
      ...(config.zendesk.assigneeId !== null ? { assigneeId: config.zendesk.assigneeId } : {}),
      ...(config.zendesk.groupId !== null ? { groupId: config.zendesk.groupId } : {}),
    },
    registry: connection.registry,
    checkStore: () => checkStore(config, openStoreOnce),
  });
}

/** The report as text lines (or JSON), ending with the count of failures. */
export function formatDoctorReport(results: CheckResult[], json: boolean): string {
  const failed = results.filter((r) => !r.ok).length;
  if (json) return JSON.stringify({ ok: failed === 0, checks: results });
  const lines = results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'}  ${r.check}: ${r.message}`);
  lines.push(failed === 0 ? `doctor: all ${results.length} checks passed` : `doctor: ${failed} of ${results.length} checks failed`);
  return lines.join('\n');
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: false });
  const report = await doctorReport(io.env, io.cwd);
  if ('configProblems' in report) {
    io.stderr(`certdesk doctor: fix the configuration first:\n${report.configProblems.map((p) => `  - ${p}`).join('\n')}\n`);
    return EXIT.usage;
  }
  io.stdout(formatDoctorReport(report.results, values.json ?? false) + '\n');
  return report.results.every((r) => r.ok) ? EXIT.ok : EXIT.rejected;
}

export const doctorCommand: CliCommand = {
  name: 'doctor',
  usage: USAGE,
  run,
};
