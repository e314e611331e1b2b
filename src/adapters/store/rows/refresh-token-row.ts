import { createHash } from 'node:crypto';
import { openSealedBytes, sealBytes } from '../seal-bytes.js';

/** An `oauth_refresh_tokens` row as both stores read it (sealed: seal-bytes.ts). */
export interface RefreshTokenRow {
  seed_sha256: string;
  sealed: Buffer;
}

/** The `seed_sha256` column: which configured ZENDESK_OAUTH_REFRESH_TOKEN a stored chain descends from. */
export const seedSha256 = (seed: string) => createHash('sha256').update(seed).digest('hex');

/** Binds a sealed token to its client, so a row copied to another client does not open. */
const aad = (clientId: string) => `certdesk:oauth-refresh-token:${clientId}`;

/** The `sealed` column of a client's token, sealed under `kek`. */
export const sealRefreshToken = (clientId: string, refreshToken: string, kek: Buffer): Buffer =>
  sealBytes(Buffer.from(refreshToken, 'utf8'), kek, aad(clientId));

/**
 * The token a row holds for `clientId`; null when there is no row, it descends from another seed,
 * or it cannot be opened (another KEY_ENCRYPTION_KEY): the caller then starts again from the seed.
 */
export function refreshTokenFromRow(row: RefreshTokenRow | undefined, clientId: string, seed: string, kek: Buffer): string | null {
  if (!row || row.seed_sha256 !== seedSha256(seed)) return null;
  try {
    return openSealedBytes(row.sealed, kek, aad(clientId)).toString('utf8');
  } catch {
    return null;
  }
}
