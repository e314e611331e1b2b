import type { Clock } from '../../lib/clock.js';
import { recordInvalid } from '../api-error.js';
import { zendeskTimestamp } from '../zendesk-time.js';
import { tablePage } from './list-queries.js';
import type { OrganizationRecords } from './organization-records.js';
import type { SandboxDb } from './sandbox-db.js';
import type { Role, User } from './sandbox-records.js';

/** What Zendesk accepts as an e-mail address (a user's, or an e-mail CC's). */
export const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+$/;

/** Users: lookups by id and e-mail, creation with Zendesk's validation messages, and the agents' search. */
export class UserRecords {
  constructor(
    private readonly db: SandboxDb,
    private readonly clock: Clock,
    private readonly organizations: OrganizationRecords,
  ) {}

  get(id: number): User | undefined {
    return this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as User | undefined;
  }

  findByEmail(email: string): User | undefined {
    return this.db.prepare('SELECT * FROM users WHERE email = ? COLLATE NOCASE').get(email.trim()) as User | undefined;
  }

  create(input: { name: string; email: string | null; role: Role; organization_id?: number | null }): User {
    const email = input.email?.trim() || null;
    if (email && !EMAIL_ADDRESS.test(email)) throw recordInvalid('email', `Email: ${email} is not properly formatted`, 'InvalidFormat');
    if (email && this.findByEmail(email)) throw recordInvalid('email', `Email: ${email} is already being used by another user`, 'DuplicateValue');
    if (!input.name.trim()) throw recordInvalid('name', 'Name: cannot be blank', 'BlankValue');
    if (input.organization_id != null && !this.organizations.get(input.organization_id)) throw recordInvalid('organization_id', 'Organization: is invalid');
    const now = zendeskTimestamp(this.clock.now());
    const info = this.db
      .prepare('INSERT INTO users (name, email, role, organization_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(input.name.trim(), email, input.role, input.organization_id ?? null, now, now);
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** The user with that email, created with `role` when there is none yet. */
  ensure(email: string, name: string, role: Role, organizationId: number | null = null): User {
    return this.findByEmail(email) ?? this.create({ name, email, role, organization_id: organizationId });
  }

  list(offset: number, limit: number): { rows: User[]; count: number } {
    return tablePage<User>(this.db, 'users', offset, limit);
  }

  /** `email:<address>` matches that address exactly; anything else is a substring of name or email. */
  search(query: string): User[] {
    const q = query.trim().replace(/^"|"$/g, '');
    const email = /^email:\s*"?([^"]+)"?$/i.exec(q);
    if (email) return this.db.prepare('SELECT * FROM users WHERE email = ? COLLATE NOCASE ORDER BY id').all(email[1]!.trim()) as User[];
    const like = `%${q.replace(/[%_]/g, '')}%`;
    return this.db.prepare('SELECT * FROM users WHERE name LIKE ? OR email LIKE ? ORDER BY id LIMIT 100').all(like, like) as User[];
  }

  /** A user named by id in a request body (a number or a string of digits); one that does not exist is invalid `field`. */
  requireField(value: unknown, field: string): User {
    const id = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    const user = typeof id === 'number' ? this.get(id) : undefined;
    if (!user) throw recordInvalid(field, `${field}: is invalid`);
    return user;
  }

  /**
   * The user a request names by address (`requester`, an e-mail CC), created as an end user when
   * unknown, as Zendesk does; the name defaults to the address's local part.
   */
  ensureEndUser(email: string, name: unknown): User {
    return this.ensure(email, typeof name === 'string' && name.trim() ? name : email.split('@')[0]!, 'end-user');
  }
}
