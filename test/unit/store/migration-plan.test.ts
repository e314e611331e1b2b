// @store sqlite-only — the plan is shared; this drives it through SQLite's runner on a real file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../../../src/adapters/store/open-database.js';
import type { Migration } from '../../../src/adapters/store/migrations.js';
import { missingVersions, pendingMigrations } from '../../../src/adapters/store/migration-plan.js';

const table = (version: number): Migration => ({ version, name: `t${version}`, sql: `CREATE TABLE t${version} (id INTEGER PRIMARY KEY)` });

describe('the migration plan both stores share', () => {
  it.each([
    ['nothing applied: all, by version whatever the order of the list', [5, 4, 6], [], [4, 5, 6]],
    ['a version missing below the highest applied one is still applied', [1, 2, 3], [1, 3], [2]],
    ['everything applied: nothing', [2, 1], [1, 2], []],
  ])('%s', (_case, listed, applied, expected) => {
    expect(pendingMigrations(listed.map(table), applied).map((m) => m.version)).toEqual(expected);
  });

  it('names the missing versions in the order of the list (as doctor and readiness report them)', () => {
    expect(missingVersions([5, 4, 6].map(table), [6])).toEqual([5, 4]);
  });
});

describe("SQLite's runner over the plan", () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('applies each missing migration once, records it, and leaves applied ones alone on the next start', () => {
    dir = mkdtempSync(join(tmpdir(), 'certdesk-migration-plan-'));
    const file = join(dir, 'store.db');
    const first = openDatabase(file, [table(3), table(1)]);
    expect(schemaVersion(first, [table(1), table(2), table(3)])).toEqual({ applied: 3, expected: 3, missing: [2] });
    migrate(first, [table(1), table(2), table(3)]);
    first.close();

    const again = openDatabase(file, [table(1), table(2), table(3)]);
    const recorded = again.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    const tables = again.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't_' ORDER BY name`).pluck().all();
    again.close();
    expect(recorded).toEqual([
      { version: 1, name: 't1' },
      { version: 2, name: 't2' },
      { version: 3, name: 't3' },
    ]);
    expect(tables).toEqual(['t1', 't2', 't3']);
  });
});
