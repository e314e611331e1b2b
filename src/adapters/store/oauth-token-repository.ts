import type { Db } from './open-database.js';
import { SqliteRepository } from './sqlite-repository.js';
import { refreshTokenFromRow, sealRefreshToken, seedSha256, type RefreshTokenRow } from './rows/refresh-token-row.js';

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
    const row = this.sql('SELECT seed_sha256, sealed FROM oauth_refresh_tokens WHERE client_id = ?').get(clientId) as RefreshTokenRow | undefined;
    return refreshTokenFromRow(row, clientId, seed, this.kek);
  }

  save(clientId: string, seed: string, refreshToken: string): void {
    this.sql(
      `INSERT INTO oauth_refresh_tokens (client_id, seed_sha256, sealed, updated_at) VALUES (@clientId, @seed, @sealed, @now)
       ON CONFLICT (client_id) DO UPDATE SET seed_sha256 = excluded.seed_sha256, sealed = excluded.sealed, updated_at = excluded.updated_at`,
    ).run({ clientId, seed: seedSha256(seed), sealed: sealRefreshToken(clientId, refreshToken, this.kek), now: this.now() });
  }
}
