import type { CliCommand } from '../command.js';

/**
 * The CLI's commands, loaded lazily so `certdesk --help` and each command start fast: each one's
 * `--help` line is here, not in the command. Add one entry per command.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  'check-bundle': {
    summary: 'Check a certificate bundle (PEM, DER, PKCS#7, ZIP, .eml) for a site',
    load: async () => (await import('./check-bundle.js')).checkBundleCommand,
  },
  'setup-zendesk': {
    summary: 'Connect a Zendesk account: create the webhook, print its signing secret once',
    load: async () => (await import('./setup-zendesk.js')).setupZendeskCommand,
  },
  doctor: {
    summary: 'Check the Zendesk connection, webhook, account rules, registry and store (one line each)',
    load: async () => (await import('./doctor.js')).doctorCommand,
  },
  jobs: {
    summary: 'List queued and dead jobs; replay dead ones (jobs list [--dead], jobs retry <id>|--dead)',
    load: async () => (await import('./jobs.js')).jobsCommand,
  },
  renewal: {
    summary: "A renewal's timeline; list renewals; approve, regenerate-csr, retry-install from the CLI",
    load: async () => (await import('./renewal.js')).renewalCommand,
  },
  backup: { summary: 'Copy the SQLite store to a file while certdesk runs (backup <file>)', load: async () => (await import('./backup.js')).backupCommand },
  restore: {
    summary: 'Put a backup in place as the store; refuses while certdesk runs (restore <file>)',
    load: async () => (await import('./restore.js')).restoreCommand,
  },
  'expiry-report': {
    summary: 'Every site: served expiry, days left, who installed it, drift, renewal ticket and state ([--json])',
    load: async () => (await import('./expiry-report.js')).expiryReportCommand,
  },
  'migrate-store': {
    summary: 'Copy a SQLite store into an empty PostgreSQL database (migrate-store --from sqlite:<file> --to postgres://…)',
    load: async () => (await import('./migrate-store.js')).migrateStoreCommand,
  },
  'parse-request': {
    summary: 'Read a renewal request (text, HTML or .eml): fields and problems',
    load: async () => (await import('./parse-request.js')).parseRequestCommand,
  },
};
