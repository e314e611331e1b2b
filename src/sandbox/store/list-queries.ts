import type { SandboxDb } from './sandbox-db.js';

/*
 * The SQL the listing endpoints share: an id cursor (Zendesk's cursor pagination walks rows by id,
 * in either direction) and a page of a whole table with its count (offset pagination).
 */

/** Where a cursor page starts: after (or before) an id, in the listing's order. */
export interface IdCursor {
  afterId?: number;
  beforeId?: number;
  desc?: boolean;
}

/** Adds the cursor's terms to `where`/`args`; "after" means a smaller id when the listing is descending. */
export function addIdCursor(q: IdCursor, where: string[], args: unknown[]): void {
  if (q.afterId !== undefined) where.push(q.desc ? 'id < ?' : 'id > ?'), args.push(q.afterId);
  if (q.beforeId !== undefined) where.push(q.desc ? 'id > ?' : 'id < ?'), args.push(q.beforeId);
}

/** `WHERE a AND b`, or nothing when there is no term. */
export function whereClause(where: string[]): string {
  return where.length ? 'WHERE ' + where.join(' AND ') : '';
}

/** One page of `table` by id, and how many rows it has in all. */
export function tablePage<T>(db: SandboxDb, table: 'users' | 'organizations', offset: number, limit: number): { rows: T[]; count: number } {
  const rows = db.prepare(`SELECT * FROM ${table} ORDER BY id LIMIT ? OFFSET ?`).all(limit, offset) as T[];
  const { n } = db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number };
  return { rows, count: n };
}
