import { createHash } from 'node:crypto';
import type { Db } from './open-database.js';
import { SqliteRepository } from './sqlite-repository.js';
import { openSealedBytes, sealBytes } from './seal-bytes.js';

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Binds a sealed token to its client, so a row copied to another client does not open. */
export const aad = (clientId: string) => `certdesk:oauth-refresh-token:${clientId}`;

/**
 * The latest refresh token of each OAuth client (Zendesk rotates them on every refresh), sealed
 * with AES-256-GCM under KEY_ENCRYPTION_KEY like the key vault's keys; never stored in clear.
 */
export class OAuthTokenRepository extends SqliteRepository {
  constructor(
    db: Db,
    private readonly kek: Buffer,
    private readonly now: () => number = Date.now,
  ) {
    super(db);
  }

  /**
   * The stored token descending from `seed` (the configured ZENDESK_OAUTH_REFRESH_TOKEN); null when
   * there is none, it descends from another seed, or it cannot be opened (another KEY_ENCRYPTION_KEY).
   */
  load(clientId: string, seed: string): string | null {
    const row = this.sql('SELECT seed_sha256, sealed FROM oauth_refresh_tokens WHERE client_id = ?').get(clientId) as
      | { seed_sha256: string; sealed: Buffer }
      | undefined;
    if (!row || row.seed_sha256 !== sha256(seed)) return null;
    try {
      return openSealedBytes(row.sealed, this.kek, aad(clientId)).toString('utf8');
    } catch {
      return null;
    }
  }

  save(clientId: string, seed: string, refreshToken: string): void {
    this.sql(
      `INSERT INTO oauth_refresh_tokens (client_id, seed_sha256, sealed, updated_at) VALUES (@clientId, @seed, @sealed, @now)
       ON CONFLICT (client_id) DO UPDATE SET seed_sha256 = excluded.seed_sha256, sealed = excluded.sealed, updated_at = excluded.updated_at`,
    ).run({ clientId, seed: sha256(seed), sealed: sealBytes(Buffer.from(refreshToken, 'utf8'), this.kek, aad(clientId)), now: this.now() });
  }
}
