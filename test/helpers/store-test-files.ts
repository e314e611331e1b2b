/**
 * Which test files reach the store, and so run once per store (vitest.config.ts: every file in the
 * `sqlite` project, these also in the `postgres` project). Decided from the source, so a new test
 * joins the PostgreSQL matrix by what it imports, with no list to keep up to date: a file reaches the
 * store when it, or test support code it imports (test/helpers/, kits beside the tests, followed
 * through their own imports), imports the
 * store (its adapters, its port, test-store), the service or CLI that opens one, or starts certdesk as
 * a process (src/main.ts, bin/certdesk, `npm start`, `npm run cli`). Pure-core tests run once.
 * A file about SQLite-only behaviour (backup of the file, its custody) says so with the comment
 * `@store sqlite-only` and stays out of the postgres project; one about PostgreSQL-only behaviour
 * (LISTEN/NOTIFY across processes, migrate-store into PostgreSQL) says `@store postgres-only` and
 * stays out of the sqlite project. Neither run then reports them skipped; the list prints them.
 *
 * `node --import tsx test/helpers/store-test-files.ts` prints the lists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
/** Test support code (test/helpers/, kits beside the tests): followed through its own imports. */
const TEST_DIR = join(ROOT, 'test');

/** Import specifiers and source text that mean "this reaches the store". */
const STORE_IMPORT = /(src\/(adapters\/store|ports\/store|service|cli|main)(\/|\.js|\.ts|$))|(helpers\/test-store(\.js|\.ts)?$)/;
const SPAWNS_CERTDESK = /src\/main\.ts|bin\/certdesk|dist\/main\.js|['"]npm['"],\s*\[\s*['"](start|run['"],\s*['"]cli)|npm (start|run cli)/;
const SQLITE_ONLY = /@store sqlite-only/;
const POSTGRES_ONLY = /@store postgres-only/;

export interface StoreTestFiles {
  /** Every test file, relative to the repository root. */
  all: string[];
  /** The files that reach the store (run on both stores). */
  store: string[];
  /** Files that reach the store but are marked `@store sqlite-only`. */
  sqliteOnly: string[];
  /** Files marked `@store postgres-only` (also in `store`): not run on SQLite. */
  postgresOnly: string[];
}

function importsOf(source: string): string[] {
  const specs: string[] = [];
  for (const m of source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  return specs;
}

function resolveTs(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, base, join(base, 'index.ts')]) if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  return null;
}

export function storeTestFiles(): StoreTestFiles {
  const reaches = new Map<string, boolean>();
  const reachesStore = (file: string, seen: Set<string>): boolean => {
    const known = reaches.get(file);
    if (known !== undefined) return known;
    if (seen.has(file)) return false;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    let result = SPAWNS_CERTDESK.test(source);
    for (const spec of importsOf(source)) {
      if (result) break;
      if (STORE_IMPORT.test(spec)) result = true;
      const target = resolveTs(file, spec);
      if (!result && target && target.startsWith(TEST_DIR) && !target.endsWith('.test.ts')) result = reachesStore(target, seen);
    }
    reaches.set(file, result);
    return result;
  };
  const all = (readdirSync(join(ROOT, 'test'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join('test', f))
    .sort();
  const store: string[] = [];
  const sqliteOnly: string[] = [];
  const postgresOnly: string[] = [];
  for (const f of all) {
    const source = readFileSync(join(ROOT, f), 'utf8');
    if (POSTGRES_ONLY.test(source)) postgresOnly.push(f);
    if (!POSTGRES_ONLY.test(source) && !reachesStore(join(ROOT, f), new Set())) continue;
    (SQLITE_ONLY.test(source) ? sqliteOnly : store).push(f);
  }
  return { all, store, sqliteOnly, postgresOnly };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { all, store, sqliteOnly, postgresOnly } = storeTestFiles();
  const pure = all.filter((f) => !store.includes(f) && !sqliteOnly.includes(f));
  const both = store.filter((f) => !postgresOnly.includes(f));
  console.log(`reach the store, run on SQLite and PostgreSQL (${both.length}):\n  ${both.join('\n  ')}`);
  console.log(`PostgreSQL-only behaviour, run on PostgreSQL (${postgresOnly.length}):\n  ${postgresOnly.join('\n  ')}`);
  console.log(`SQLite-only behaviour, run on SQLite (${sqliteOnly.length}):\n  ${sqliteOnly.join('\n  ')}`);
  console.log(`no store, run once (${pure.length}):\n  ${pure.join('\n  ')}`);
}
