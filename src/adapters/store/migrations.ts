import type { SchemaMigration } from './migration-plan.js';

/**
 * Versioned schema migrations, applied in order at start-up inside one transaction each
 * (open-database.ts, with the plan both stores share: migration-plan.ts).
 * Never edit a migration that has shipped: add a new one.
 */
export interface Migration extends SchemaMigration {
  /** Run VACUUM once the migration is committed (outside its transaction: SQLite requires it). */
  vacuumAfter?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'renewals, keys, deliveries, jobs, audit',
    sql: `
      CREATE TABLE private_keys (
        id            INTEGER PRIMARY KEY,
        ticket_id     INTEGER NOT NULL,
        algorithm     TEXT    NOT NULL,
        spki_sha256   TEXT    NOT NULL,
        ciphertext    BLOB    NOT NULL,
        iv            BLOB    NOT NULL,
        tag           BLOB    NOT NULL,
        created_at    INTEGER NOT NULL,
        retired_at    INTEGER
      );
      CREATE INDEX private_keys_ticket ON private_keys(ticket_id);

      CREATE TABLE renewals (
        ticket_id        INTEGER PRIMARY KEY,
        state            TEXT    NOT NULL,
        site             TEXT,
        fields           TEXT    NOT NULL DEFAULT '{}',
        problems         TEXT    NOT NULL DEFAULT '[]',
        organization_id  INTEGER,
        requester_id     INTEGER,
        key_id           INTEGER REFERENCES private_keys(id),
        csr_pem          TEXT,
        csr_spki_sha256  TEXT,
        last_comment_id  INTEGER NOT NULL DEFAULT 0,
        findings         TEXT,
        certificate      TEXT,
        fullchain_pem    TEXT,
        approved_by      INTEGER,
        version          INTEGER NOT NULL DEFAULT 0,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
      );
      CREATE INDEX renewals_site ON renewals(site);
      CREATE INDEX renewals_state ON renewals(state);

      CREATE TABLE webhook_deliveries (
        dedup_key    TEXT    PRIMARY KEY,
        received_at  INTEGER NOT NULL,
        event_type   TEXT    NOT NULL,
        ticket_id    INTEGER
      );
      CREATE INDEX webhook_deliveries_received ON webhook_deliveries(received_at);

      CREATE TABLE jobs (
        id           INTEGER PRIMARY KEY,
        kind         TEXT    NOT NULL,
        serial_key   TEXT,
        payload      TEXT    NOT NULL,
        state        TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),
        attempts     INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        run_at       INTEGER NOT NULL,
        lease_owner  TEXT,
        lease_until  INTEGER,
        last_error   TEXT,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        finished_at  INTEGER
      );
      CREATE INDEX jobs_ready ON jobs(state, run_at);
      CREATE INDEX jobs_serial ON jobs(serial_key, state);

      CREATE TABLE audit (
        id         INTEGER PRIMARY KEY,
        ticket_id  INTEGER,
        at         INTEGER NOT NULL,
        actor      TEXT    NOT NULL,
        action     TEXT    NOT NULL,
        detail     TEXT    NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_ticket ON audit(ticket_id, id);
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    `,
  },
  {
    version: 2,
    name: 'effects: exactly-once ticket updates',
    sql: `
      -- One row per external effect certdesk performs (a comment, a tag removal). Claimed before the
      -- Zendesk call, done after it; a claimed row found on retry means "check the ticket first".
      CREATE TABLE effects (
        key         TEXT    PRIMARY KEY,
        ticket_id   INTEGER NOT NULL,
        kind        TEXT    NOT NULL,
        body        TEXT,
        state       TEXT    NOT NULL CHECK (state IN ('claimed', 'done')),
        created_at  INTEGER NOT NULL,
        done_at     INTEGER
      );
      CREATE INDEX effects_ticket ON effects(ticket_id);
    `,
  },
  {
    version: 3,
    name: 'transitions: the renewal outbox',
    sql: `
      -- Every state change is recorded with the effects it owes, in the same transaction as the new
      -- state. Effects are then performed one by one (each claimed in "effects", keyed by transition),
      -- and a job that finds a pending transition finishes it before looking at anything new.
      CREATE TABLE transitions (
        id          INTEGER PRIMARY KEY,
        ticket_id   INTEGER NOT NULL,
        from_state  TEXT    NOT NULL,
        to_state    TEXT    NOT NULL,
        event       TEXT    NOT NULL,
        effects     TEXT    NOT NULL,
        context     TEXT    NOT NULL DEFAULT '{}',
        state       TEXT    NOT NULL CHECK (state IN ('pending', 'done')),
        created_at  INTEGER NOT NULL,
        done_at     INTEGER
      );
      CREATE INDEX transitions_pending ON transitions(ticket_id, state);
      ALTER TABLE private_keys ADD COLUMN transition_id INTEGER;
    `,
  },
  {
    version: 5,
    name: 'sites: the certificate installed per branded site',
    sql: `
      -- What certdesk installed (and verified live) per site: for CURRENT_CERTIFICATE, for expiry,
      -- and for the dashboard. One row per site, replaced on each successful installation.
      CREATE TABLE sites (
        domain        TEXT    PRIMARY KEY,
        cert_sha256   TEXT    NOT NULL,
        fullchain_pem TEXT    NOT NULL,
        not_after     TEXT    NOT NULL,
        installed_at  INTEGER NOT NULL,
        ticket_id     INTEGER
      );
      ALTER TABLE renewals ADD COLUMN install_log TEXT;
    `,
  },
  {
    version: 4,
    name: 'mail',
    sql: `
      -- One row per inbound e-mail accepted (HTTP or SMTP), keyed by its Message-ID (or a hash of the
      -- bytes when it has none): a second delivery of the same message is a duplicate. The raw message
      -- is kept only until its job has acted on it; "plan" holds a ticket creation in progress (upload
      -- tokens and idempotency key) so that a retried job sends the very same request.
      CREATE TABLE inbound_messages (
        dedup_key    TEXT    PRIMARY KEY,
        message_id   TEXT,
        source       TEXT    NOT NULL,
        sender       TEXT    NOT NULL,
        size         INTEGER NOT NULL,
        raw          BLOB,
        state        TEXT    NOT NULL CHECK (state IN ('queued', 'done')),
        plan         TEXT,
        outcome      TEXT,
        ticket_id    INTEGER,
        received_at  INTEGER NOT NULL,
        done_at      INTEGER
      );
      CREATE INDEX inbound_messages_received ON inbound_messages(received_at);

      -- Every e-mail certdesk sends, by Message-ID (without angle brackets, lower case), so that a
      -- reply's In-Reply-To / References finds its ticket.
      CREATE TABLE outbound_messages (
        message_id   TEXT    PRIMARY KEY,
        ticket_id    INTEGER,
        kind         TEXT    NOT NULL,
        recipients   TEXT    NOT NULL DEFAULT '[]',
        state        TEXT    NOT NULL CHECK (state IN ('sending', 'sent', 'skipped')),
        created_at   INTEGER NOT NULL,
        sent_at      INTEGER
      );
      CREATE INDEX outbound_messages_ticket ON outbound_messages(ticket_id, created_at);
    `,
  },
  {
    version: 6,
    name: 'oauth: the rotating refresh token, sealed',
    sql: `
      -- Zendesk rotates refresh tokens: each refresh answers a new one and deletes the old, so the
      -- latest must outlive a restart. One row per OAuth client; sealed = iv | GCM tag | AES-256-GCM
      -- ciphertext under KEY_ENCRYPTION_KEY. seed_sha256 is the hash of ZENDESK_OAUTH_REFRESH_TOKEN
      -- it descends from: when the operator configures a new one, the stored chain is stale.
      CREATE TABLE oauth_refresh_tokens (
        client_id    TEXT    PRIMARY KEY,
        seed_sha256  TEXT    NOT NULL,
        sealed       BLOB    NOT NULL,
        updated_at   INTEGER NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'inbound messages sealed at rest, erased when their job dies',
    sql: `
      -- raw now holds iv (12 bytes) | GCM tag (16) | AES-256-GCM ciphertext under KEY_ENCRYPTION_KEY
      -- (sealed = 1); rows written before this migration keep their plain bytes (sealed = 0) and are
      -- sealed at the next start. A message may carry a customer's private key: nothing of it may
      -- sit in the database in clear, nor stay once it is no longer needed.
      ALTER TABLE inbound_messages ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
      -- A dead inbound-email job will never read its message again: erase the bytes, keep the row
      -- (its Message-ID still deduplicates). secure_delete (set on every connection) overwrites them.
      CREATE TRIGGER inbound_message_erased_when_job_dies AFTER UPDATE OF state ON jobs
        WHEN NEW.state = 'dead' AND NEW.kind = 'inbound-email'
        BEGIN
          UPDATE inbound_messages SET raw = NULL, plan = NULL, state = 'done', outcome = 'dead', done_at = NEW.updated_at
           WHERE dedup_key = json_extract(NEW.payload, '$.dedupKey') AND state = 'queued';
        END;
    `,
    // Pages freed before secure_delete was on may still hold plain messages: rewrite the file once.
    vacuumAfter: true,
  },
  {
    version: 8,
    name: 'watched sites: the certificate each site serves',
    sql: `
      -- What the expiry watch saw at its last look at each registry site (a TLS handshake with SNI
      -- to the site's address): the served leaf, or why none could be read, and the drift from what
      -- certdesk installed (sites). One row per site, replaced on every pass.
      CREATE TABLE watched_sites (
        site                   TEXT    PRIMARY KEY,
        checked_at             INTEGER NOT NULL,
        address                TEXT    NOT NULL,
        served_sha256          TEXT,
        served_subject         TEXT,
        served_issuer          TEXT,
        served_not_before      TEXT,
        served_not_after       TEXT,
        error                  TEXT,
        installed_by_certdesk  INTEGER NOT NULL,
        drift                  TEXT    NOT NULL CHECK (drift IN ('none', 'different_certificate', 'handshake_failed'))
      );
    `,
  },
  {
    version: 9,
    name: 'proactive renewals and their reminders',
    sql: `
      -- One proactive renewal per site and certificate (the "cycle"): the ticket request is saved
      -- before it is first sent, so every retry sends the same request under the same
      -- Idempotency-Key, and ticket_id is set once Zendesk answered.
      CREATE TABLE proactive_renewals (
        site          TEXT    NOT NULL,
        cert_sha256   TEXT    NOT NULL,
        plan          TEXT    NOT NULL,
        ticket_id     INTEGER,
        created_at    INTEGER NOT NULL,
        opened_at     INTEGER,
        PRIMARY KEY (site, cert_sha256)
      );
      -- Reminders and escalations, at most one of each kind per cycle: claimed before they are
      -- sent, confirmed after (a restart finds the claim and never sends a second one).
      CREATE TABLE proactive_reminders (
        site          TEXT    NOT NULL,
        cert_sha256   TEXT    NOT NULL,
        kind          TEXT    NOT NULL CHECK (kind IN ('reminder_14', 'reminder_7', 'escalation')),
        ticket_id     INTEGER,
        state         TEXT    NOT NULL CHECK (state IN ('claimed', 'done')),
        claimed_at    INTEGER NOT NULL,
        done_at       INTEGER,
        PRIMARY KEY (site, cert_sha256, kind)
      );
    `,
  },
  {
    version: 10,
    name: 'served pairs shared by every TLS front',
    sql: `
      -- The pairs the TLS front serves, when replicas share one database (PostgreSQL): the key is
      -- sealed under KEY_ENCRYPTION_KEY (bound to the site), the previous pair kept for a rollback.
      CREATE TABLE served_pairs (
        site               TEXT    PRIMARY KEY,
        fullchain_pem      TEXT    NOT NULL,
        sealed_key         BLOB    NOT NULL,
        leaf_sha256        TEXT    NOT NULL,
        updated_at         INTEGER NOT NULL,
        prev_fullchain_pem TEXT,
        prev_sealed_key    BLOB,
        prev_leaf_sha256   TEXT,
        prev_updated_at    INTEGER
      );
    `,
  },
];
