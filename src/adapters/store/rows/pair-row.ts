import type { ServedPair } from '../../../ports/store.js';
import { openSealedBytes, sealBytes } from '../seal-bytes.js';

/** A `served_pairs` row's current pair as both stores read it (the key sealed: seal-bytes.ts). */
export interface PairRow {
  site: string;
  fullchain_pem: string;
  sealed_key: Buffer;
  leaf_sha256: string;
  updated_at: number;
}

/** Binds a sealed key to its site, so a row copied to another site does not open. */
export const servedPairAad = (site: string) => `certdesk:served-pair:${site}`;

/** The `sealed_key` column of a pair: its private key sealed under `kek`, bound to the pair's site. */
export const sealPairKey = (pair: ServedPair, kek: Buffer): Buffer => sealBytes(Buffer.from(pair.privateKeyPem, 'utf8'), kek, servedPairAad(pair.site));

/** The pair a row holds, its key opened with `kek` (KeyDecryptionError for another key or site). */
export const pairFromRow = (r: PairRow, kek: Buffer): ServedPair => ({
  site: r.site,
  fullchainPem: r.fullchain_pem,
  privateKeyPem: openSealedBytes(r.sealed_key, kek, servedPairAad(r.site)).toString('utf8'),
  leafSha256: r.leaf_sha256,
  updatedAt: r.updated_at,
});
