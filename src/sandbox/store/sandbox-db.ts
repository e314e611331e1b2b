import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type SandboxDb = Database.Database;

/*
 * Ids start in different ranges so a test that mixes a user id with a ticket id fails loudly
 * instead of finding some other record.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS organizations (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, external_id TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS organizations_name ON organizations(name COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL, organization_id INTEGER REFERENCES organizations(id),
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (
  id INTEGER PRIMARY KEY AUTOINCREMENT, subject TEXT, description TEXT, status TEXT NOT NULL,
  priority TEXT, type TEXT, requester_id INTEGER NOT NULL, submitter_id INTEGER NOT NULL,
  assignee_id INTEGER, organization_id INTEGER, tags TEXT NOT NULL DEFAULT '[]',
  is_public INTEGER NOT NULL DEFAULT 1, via_channel TEXT NOT NULL, external_id TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tickets_requester ON tickets(requester_id);
CREATE TABLE IF NOT EXISTS ticket_email_ccs (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id), user_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (ticket_id, user_id));
CREATE TABLE IF NOT EXISTS comments (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  author_id INTEGER NOT NULL, body TEXT NOT NULL, html_body TEXT NOT NULL, plain_body TEXT NOT NULL,
  public INTEGER NOT NULL, audit_id INTEGER NOT NULL, via_channel TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS comments_ticket ON comments(ticket_id, id);
CREATE TABLE IF NOT EXISTS attachments (
  id INTEGER PRIMARY KEY AUTOINCREMENT, upload_token TEXT NOT NULL, file_token TEXT NOT NULL UNIQUE,
  file_name TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL,
  malware_scan_result TEXT NOT NULL, comment_id INTEGER, ticket_id INTEGER, uploader_id INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS attachments_upload ON attachments(upload_token);
CREATE INDEX IF NOT EXISTS attachments_comment ON attachments(comment_id);
CREATE TABLE IF NOT EXISTS audits (id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS timeline (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id INTEGER NOT NULL, created_at TEXT NOT NULL,
  actor_id INTEGER, kind TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS timeline_ticket ON timeline(ticket_id, id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, ticket_id INTEGER NOT NULL, created_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS webhooks (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, endpoint TEXT NOT NULL,
  http_method TEXT NOT NULL, request_format TEXT NOT NULL, status TEXT NOT NULL,
  subscriptions TEXT NOT NULL, authentication TEXT, custom_headers TEXT, secret TEXT NOT NULL,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS invocations (
  id INTEGER PRIMARY KEY AUTOINCREMENT, webhook_id TEXT NOT NULL, event_id TEXT NOT NULL,
  event_type TEXT NOT NULL, ticket_id INTEGER, status TEXT NOT NULL, created_at TEXT NOT NULL,
  latest_completed_at TEXT, attempts_count INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS invocations_webhook ON invocations(webhook_id, id);
CREATE INDEX IF NOT EXISTS invocations_ticket ON invocations(ticket_id, id);
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, invocation_id INTEGER NOT NULL, status TEXT NOT NULL,
  response_code INTEGER, response_body TEXT, error_message TEXT, created_at TEXT NOT NULL, duration_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_invocation ON attempts(invocation_id, id);
`;

const ID_BASES: Array<[string, number]> = [
  ['organizations', 360_000_000],
  ['users', 380_000_000],
  ['comments', 410_000_000],
  ['attachments', 430_000_000],
  ['audits', 450_000_000],
  ['invocations', 8_350_205_000],
];

/** Opens (creating when needed) `sandbox.db` under `dataDir`, in WAL mode. */
export function openSandboxDb(dataDir: string): SandboxDb {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'sandbox.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // As certdesk's own store: what a redaction removes (a customer's key) is overwritten, not left in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const seed = db.prepare('INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)');
  db.transaction(() => {
    for (const [table, base] of ID_BASES) seed.run(table, base, table);
  })();
  return db;
}
