/**
 * Finds private key material anywhere certdesk may have put it. Given the real private keys
 * (decrypted from the store with the key-encryption key), it looks for each key's PEM body, its
 * DER bytes and its base64 DER, plus any PEM private-key header, in text and in raw file bytes.
 */
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decryptPrivateKey, privateKeyAad, type EncryptedPrivateKey } from '../../src/core/keys/encrypt-private-key.js';

export interface KeyMaterial {
  needles: { what: string; bytes: Buffer }[];
}

const PEM_KEY_HEADER = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----/;

export function keyMaterial(pkcs8Pems: string[]): KeyMaterial {
  const needles: KeyMaterial['needles'] = [];
  for (const pem of pkcs8Pems) {
    const key = createPrivateKey(pem);
    const der = key.export({ type: 'pkcs8', format: 'der' });
    // The key's own traditional encoding too: PKCS#1 for RSA, SEC 1 for EC.
    const traditional =
      key.asymmetricKeyType === 'rsa'
        ? { what: 'PKCS#1 DER', bytes: key.export({ type: 'pkcs1', format: 'der' }) }
        : key.asymmetricKeyType === 'ec'
          ? { what: 'SEC1 DER', bytes: key.export({ type: 'sec1', format: 'der' }) }
          : null;
    // A line of the PEM body is enough to prove a leak; take one from the middle.
    const bodyLines = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
    needles.push(
      { what: 'PKCS#8 DER', bytes: der },
      ...(traditional ? [traditional] : []),
      { what: 'base64 DER', bytes: Buffer.from(der.toString('base64').slice(100, 160)) },
      { what: 'PEM body line', bytes: Buffer.from(bodyLines[Math.floor(bodyLines.length / 2)]!) },
    );
  }
  return { needles };
}

/** Every place the needle or a PEM private-key header occurs in `haystack`, described. */
export function findKeys(material: KeyMaterial, haystack: Buffer | string, where: string): string[] {
  const buf = Buffer.isBuffer(haystack) ? haystack : Buffer.from(haystack);
  const found: string[] = [];
  for (const n of material.needles) if (buf.includes(n.bytes)) found.push(`${where}: ${n.what}`);
  if (PEM_KEY_HEADER.test(buf.toString('latin1'))) found.push(`${where}: a PEM private-key header`);
  return found;
}

/** Scans every file under `dir` (databases, WAL files, generated secrets, installed files). */
export function scanDirectory(material: KeyMaterial, dir: string, skip: (path: string) => boolean = () => false): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (skip(path)) continue;
    if (statSync(path).isDirectory()) found.push(...scanDirectory(material, path, skip));
    else found.push(...findKeys(material, readFileSync(path), path));
  }
  return found;
}

/** Scans every column of every row of every table of a SQLite file. */
export function scanDatabase(material: KeyMaterial, file: string): string[] {
  const db = new Database(file, { readonly: true });
  const found: string[] = [];
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
    for (const table of tables) {
      for (const row of db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]) {
        for (const [column, value] of Object.entries(row)) {
          if (value === null || value === undefined) continue;
          const bytes = Buffer.isBuffer(value) ? value : Buffer.from(String(value));
          found.push(...findKeys(material, bytes, `${file} ${table}.${column}`));
        }
      }
    }
  } finally {
    db.close();
  }
  return found;
}

/**
 * Every private key certdesk holds, decrypted from the key vault with the key-encryption key:
 * certificate keys (bound to their ticket) and certdesk's own, such as the ACME account key
 * (ticket 0). The material to hunt for everywhere else.
 */
export function storedPrivateKeys(
  db: Database.Database,
  get: (id: number) => EncryptedPrivateKey & { id: number },
  kek: Buffer,
): { id: number; ticketId: number; algorithm: string; pem: string }[] {
  const rows = db.prepare('SELECT id, ticket_id, algorithm FROM private_keys ORDER BY id').all() as { id: number; ticket_id: number; algorithm: string }[];
  return rows.map((r) => ({
    id: r.id,
    ticketId: r.ticket_id,
    algorithm: r.algorithm,
    pem: decryptPrivateKey(get(r.id), kek, privateKeyAad(r.ticket_id, r.id)),
  }));
}

/**
 * `scanDatabase` for PostgreSQL: every column of every row of every table of certdesk's schema in
 * the database at `url` (the test database, `DATABASE_URL`).
 */
export async function scanPostgresDatabase(material: KeyMaterial, url: string): Promise<string[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const found: string[] = [];
  try {
    const tables = (await client.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = current_schema()')).rows.map(
      (r) => r.tablename,
    );
    for (const table of tables) {
      for (const row of (await client.query<Record<string, unknown>>(`SELECT * FROM "${table}"`)).rows) {
        for (const [column, value] of Object.entries(row)) {
          if (value === null || value === undefined) continue;
          const bytes = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'object' ? JSON.stringify(value) : String(value));
          found.push(...findKeys(material, bytes, `postgres ${table}.${column}`));
        }
      }
    }
  } finally {
    await client.end();
  }
  return found;
}

/**
 * `storedPrivateKeys` through the store port (either store): the key vault has no listing, so ids
 * are read from 1 up until 50 in a row are missing (ids come from one sequence, without gaps in a
 * test's database).
 */
export async function storedPrivateKeysOf(
  keys: { get(id: number): Promise<(EncryptedPrivateKey & { id: number; ticketId: number; algorithm: string }) | null> },
  kek: Buffer,
): Promise<{ id: number; ticketId: number; algorithm: string; pem: string }[]> {
  const found: { id: number; ticketId: number; algorithm: string; pem: string }[] = [];
  for (let id = 1, missing = 0; missing < 50; id++) {
    const key = await keys.get(id);
    if (!key) {
      missing++;
      continue;
    }
    missing = 0;
    found.push({ id: key.id, ticketId: key.ticketId, algorithm: key.algorithm, pem: decryptPrivateKey(key, kek, privateKeyAad(key.ticketId, key.id)) });
  }
  return found;
}
