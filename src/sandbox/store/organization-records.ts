import type { Clock } from '../../lib/clock.js';
import { recordInvalid } from '../api-error.js';
import { zendeskTimestamp } from '../zendesk-time.js';
import { tablePage } from './list-queries.js';
import type { SandboxDb } from './sandbox-db.js';
import type { Organization } from './sandbox-records.js';

/** Organizations: creation with Zendesk's validation messages, and the lookups the API offers (name, prefix, external id). */
export class OrganizationRecords {
  constructor(
    private readonly db: SandboxDb,
    private readonly clock: Clock,
  ) {}

  get(id: number): Organization | undefined {
    return this.db.prepare('SELECT * FROM organizations WHERE id = ?').get(id) as Organization | undefined;
  }

  create(input: { name: string; external_id?: string | null }): Organization {
    const name = input.name.trim();
    if (!name) throw recordInvalid('name', 'Name: cannot be blank', 'BlankValue');
    if (this.findByName(name).length) throw recordInvalid('name', 'Name: has already been taken', 'DuplicateValue');
    const now = zendeskTimestamp(this.clock.now());
    const info = this.db
      .prepare('INSERT INTO organizations (name, external_id, created_at, updated_at) VALUES (?, ?, ?, ?)')
      .run(name, input.external_id ?? null, now, now);
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** The organization of that name, created when there is none yet. */
  ensure(name: string): Organization {
    return this.findByName(name)[0] ?? this.create({ name });
  }

  findByName(name: string): Organization[] {
    return this.db.prepare('SELECT * FROM organizations WHERE name = ? COLLATE NOCASE ORDER BY id').all(name.trim()) as Organization[];
  }

  /** Organizations whose name starts with `prefix` (case-insensitive), as `/organizations/autocomplete` finds them. */
  findByNamePrefix(prefix: string, limit: number): Organization[] {
    const escaped = prefix.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
    return this.db
      .prepare("SELECT * FROM organizations WHERE name LIKE ? ESCAPE '\\' ORDER BY name COLLATE NOCASE, id LIMIT ?")
      .all(`${escaped}%`, limit) as Organization[];
  }

  findByExternalId(externalId: string): Organization[] {
    return this.db.prepare('SELECT * FROM organizations WHERE external_id = ? ORDER BY id').all(externalId) as Organization[];
  }

  list(offset: number, limit: number): { rows: Organization[]; count: number } {
    return tablePage<Organization>(this.db, 'organizations', offset, limit);
  }
}
