import { randomBytes } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { addIdCursor, whereClause } from './list-queries.js';
import type { SandboxDb } from './sandbox-db.js';
import { zendeskTimestamp } from '../zendesk-time.js';

export interface Webhook {
  id: string;
  name: string;
  description: string | null;
  endpoint: string;
  http_method: string;
  request_format: string;
  status: 'active' | 'inactive';
  subscriptions: string[];
  authentication: Record<string, unknown> | null;
  custom_headers: Record<string, string> | null;
  secret: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export type InvocationStatus = 'unknown' | 'accepted' | 'success' | 'failed' | 'timeout' | 'circuit broken' | 'throttled' | 'client error' | 'server error';
export type AttemptStatus = 'success' | 'failed' | 'timeout' | 'client error' | 'server error';

export interface Invocation {
  id: number;
  webhook_id: string;
  event_id: string;
  event_type: string;
  ticket_id: number | null;
  status: InvocationStatus;
  created_at: string;
  latest_completed_at: string | null;
  attempts_count: number;
}

export interface Attempt {
  id: number;
  invocation_id: number;
  status: AttemptStatus;
  response_code: number | null;
  response_body: string | null;
  error_message: string | null;
  created_at: string;
  duration_ms: number;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-style id like Zendesk's webhook ids (`01F1KRFQ6BG29CNWFR60NK5FNY`). */
export function ulid(now: number): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const rand = [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join('');
  return time + rand;
}

/** A signing secret shaped like Zendesk's (base64 of 32 random bytes). */
export function newSigningSecret(): string {
  return randomBytes(32).toString('base64');
}

type Row = Omit<Webhook, 'subscriptions' | 'authentication' | 'custom_headers'> & {
  subscriptions: string;
  authentication: string | null;
  custom_headers: string | null;
};

/** Webhooks, their invocations and attempts, in the sandbox database. */
export class WebhookStore {
  constructor(
    private readonly db: SandboxDb,
    private readonly clock: Clock,
  ) {}

  private now(): string {
    return zendeskTimestamp(this.clock.now());
  }

  create(input: Omit<Webhook, 'id' | 'created_at' | 'updated_at' | 'updated_by'>): Webhook {
    const now = this.now();
    const webhook: Webhook = { ...input, id: ulid(this.clock.now().getTime()), created_at: now, updated_at: now, updated_by: input.created_by };
    this.db
      .prepare(
        `INSERT INTO webhooks (id, name, description, endpoint, http_method, request_format, status, subscriptions, authentication, custom_headers, secret, created_at, created_by, updated_at, updated_by)
         VALUES (@id, @name, @description, @endpoint, @http_method, @request_format, @status, @subscriptions, @authentication, @custom_headers, @secret, @created_at, @created_by, @updated_at, @updated_by)`,
      )
      .run(toRow(webhook));
    return this.get(webhook.id)!;
  }

  get(id: string): Webhook | undefined {
    const row = this.db.prepare('SELECT * FROM webhooks WHERE id = ?').get(id) as Row | undefined;
    return row && fromRow(row);
  }

  list(): Webhook[] {
    return (this.db.prepare('SELECT * FROM webhooks ORDER BY created_at, id').all() as Row[]).map(fromRow);
  }

  update(id: string, changes: Partial<Omit<Webhook, 'id' | 'created_at' | 'created_by'>> & { updated_by: string }): Webhook | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next: Webhook = { ...current, ...changes, id, updated_at: this.now() };
    this.db
      .prepare(
        `UPDATE webhooks SET name = @name, description = @description, endpoint = @endpoint, http_method = @http_method, request_format = @request_format,
           status = @status, subscriptions = @subscriptions, authentication = @authentication, custom_headers = @custom_headers, secret = @secret,
           updated_at = @updated_at, updated_by = @updated_by WHERE id = @id`,
      )
      .run(toRow(next));
    return this.get(id);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM webhooks WHERE id = ?').run(id).changes > 0;
  }

  createInvocation(webhookId: string, eventId: string, eventType: string, ticketId: number | null): Invocation {
    const info = this.db
      .prepare("INSERT INTO invocations (webhook_id, event_id, event_type, ticket_id, status, created_at) VALUES (?, ?, ?, ?, 'accepted', ?)")
      .run(webhookId, eventId, eventType, ticketId, this.now());
    return this.getInvocation(Number(info.lastInsertRowid))!;
  }

  getInvocation(id: number): Invocation | undefined {
    return this.db.prepare('SELECT * FROM invocations WHERE id = ?').get(id) as Invocation | undefined;
  }

  finishInvocation(id: number, status: InvocationStatus): void {
    this.db.prepare('UPDATE invocations SET status = ?, latest_completed_at = ? WHERE id = ?').run(status, this.now(), id);
  }

  addAttempt(a: Omit<Attempt, 'id' | 'created_at'>): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO attempts (invocation_id, status, response_code, response_body, error_message, created_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(a.invocation_id, a.status, a.response_code, a.response_body, a.error_message, this.now(), a.duration_ms);
      this.db.prepare('UPDATE invocations SET attempts_count = attempts_count + 1, latest_completed_at = ? WHERE id = ?').run(this.now(), a.invocation_id);
    })();
  }

  listInvocations(q: {
    webhookId?: string;
    ticketId?: number;
    status?: string;
    fromTs?: string;
    toTs?: string;
    afterId?: number;
    limit: number;
    desc?: boolean;
  }): Invocation[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.webhookId !== undefined) where.push('webhook_id = ?'), args.push(q.webhookId);
    if (q.ticketId !== undefined) where.push('ticket_id = ?'), args.push(q.ticketId);
    if (q.status !== undefined) where.push('status = ?'), args.push(q.status);
    if (q.fromTs !== undefined) where.push('created_at >= ?'), args.push(q.fromTs);
    if (q.toTs !== undefined) where.push('created_at <= ?'), args.push(q.toTs);
    addIdCursor(q, where, args);
    return this.db
      .prepare(`SELECT * FROM invocations ${whereClause(where)} ORDER BY id ${q.desc ? 'DESC' : 'ASC'} LIMIT ?`)
      .all(...args, q.limit) as Invocation[];
  }

  listAttempts(invocationId: number): Attempt[] {
    return this.db.prepare('SELECT * FROM attempts WHERE invocation_id = ? ORDER BY id').all(invocationId) as Attempt[];
  }
}

/** A webhook as its row stores it: subscriptions, authentication and custom headers as JSON. */
function toRow(w: Webhook): Row {
  return {
    ...w,
    subscriptions: JSON.stringify(w.subscriptions),
    authentication: w.authentication ? JSON.stringify(w.authentication) : null,
    custom_headers: w.custom_headers ? JSON.stringify(w.custom_headers) : null,
  };
}

function fromRow(row: Row): Webhook {
  return {
    ...row,
    subscriptions: JSON.parse(row.subscriptions) as string[],
    authentication: row.authentication ? (JSON.parse(row.authentication) as Record<string, unknown>) : null,
    custom_headers: row.custom_headers ? (JSON.parse(row.custom_headers) as Record<string, string>) : null,
  };
}
