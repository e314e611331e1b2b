import { resolve } from 'node:path';
import { EXIT, UsageError, type CliCommand, type CliIo } from '../command.js';
import { parseCommandArgs } from './parse-command-args.js';
import { readCliConfig } from './read-cli-config.js';

const USAGE = `Usage: certdesk migrate-store --from sqlite:<file> --to postgres://user:password@host:port/database

Copies every table of a SQLite store (e.g. sqlite:./data/certdesk.db) into an empty PostgreSQL
database, in one transaction: everything or nothing. Stop certdesk first; the SQLite file is
only read. The PostgreSQL database is migrated first and must hold no renewals or jobs.
--to defaults to DATABASE_URL; DATABASE_SSL and DATABASE_SSL_CA_FILE apply.

Private keys, inbound messages, refresh tokens and served pairs are copied still sealed under
KEY_ENCRYPTION_KEY: run certdesk on PostgreSQL with the same KEY_ENCRYPTION_KEY, or they cannot
be read. Then set DATABASE_URL and start certdesk; keep the SQLite file until you are satisfied.

Exit codes: 0 copied, 1 refused or failed (nothing copied), 2 usage or configuration error.`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' } }, allowPositionals: false });
  if (!values.from) throw new UsageError('give the SQLite store to copy: --from sqlite:./data/certdesk.db');
  const from = resolve(io.cwd, values.from.replace(/^sqlite:/, ''));
  const config = readCliConfig(io);
  const url = values.to ?? config.database.url;
  if (!url || !/^postgres(ql)?:\/\//.test(url))
    throw new UsageError('give the PostgreSQL database to copy into: --to postgres://user:password@host:port/database (or set DATABASE_URL)');
  // Loaded here: the rest of the CLI never needs pg.
  const { migrateStore, MigrateStoreError } = await import('../../adapters/store/migrate-store.js');
  const { readFileSync } = await import('node:fs');
  const started = performance.now();
  try {
    const result = await migrateStore(from, {
      url,
      ssl: config.database.ssl,
      statementTimeoutMs: config.database.statementTimeoutMs,
      ...(config.database.sslCaFile ? { sslCa: readFileSync(config.database.sslCaFile, 'utf8') } : {}),
      applicationName: 'certdesk migrate-store',
    });
    const total = result.copied.reduce((n, t) => n + t.rows, 0);
    io.stdout(`Copied ${from} to ${result.target}: ${total} rows in ${Math.round(performance.now() - started)} ms.\n`);
    for (const t of result.copied) io.stdout(`  ${t.table.padEnd(22)} ${t.rows}\n`);
    io.stdout('Sealed data was copied sealed: start certdesk on PostgreSQL with the same KEY_ENCRYPTION_KEY.\n');
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof MigrateStoreError)) throw error;
    io.stderr(`certdesk migrate-store: ${(error as Error).message}\n`);
    return EXIT.rejected;
  }
}

export const migrateStoreCommand: CliCommand = {
  name: 'migrate-store',
  usage: USAGE,
  run,
};
