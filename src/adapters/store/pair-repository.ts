import type { ServedPair } from '../../ports/store.js';
import type { Db } from './open-database.js';
import { SqliteRepository } from './sqlite-repository.js';
import { pairFromRow, sealPairKey, type PairRow as Row } from './rows/pair-row.js';

/** The TLS front's pairs in the database (the port's PairRepository), keys sealed under `kek`. */
export class SqlitePairRepository extends SqliteRepository {
  constructor(
    db: Db,
    private readonly kek: Buffer,
  ) {
    super(db);
  }

  get(site: string): ServedPair | null {
    const row = this.sql('SELECT site, fullchain_pem, sealed_key, leaf_sha256, updated_at FROM served_pairs WHERE site = ?').get(site) as Row | undefined;
    return row ? pairFromRow(row, this.kek) : null;
  }

  list(): ServedPair[] {
    return (this.sql('SELECT site, fullchain_pem, sealed_key, leaf_sha256, updated_at FROM served_pairs ORDER BY site').all() as Row[]).map((r) =>
      pairFromRow(r, this.kek),
    );
  }

  put(pair: ServedPair): void {
    this.sql(
      `INSERT INTO served_pairs (site, fullchain_pem, sealed_key, leaf_sha256, updated_at) VALUES (@site, @fullchain, @sealed, @leaf, @now)
       ON CONFLICT (site) DO UPDATE SET
         prev_fullchain_pem = served_pairs.fullchain_pem, prev_sealed_key = served_pairs.sealed_key,
         prev_leaf_sha256 = served_pairs.leaf_sha256, prev_updated_at = served_pairs.updated_at,
         fullchain_pem = excluded.fullchain_pem, sealed_key = excluded.sealed_key,
         leaf_sha256 = excluded.leaf_sha256, updated_at = excluded.updated_at`,
    ).run({
      site: pair.site,
      fullchain: pair.fullchainPem,
      sealed: sealPairKey(pair, this.kek),
      leaf: pair.leafSha256,
      now: pair.updatedAt,
    });
  }

  restorePrevious(site: string, now: number): void {
    const changed = this.sql(
      `UPDATE served_pairs SET fullchain_pem = prev_fullchain_pem, sealed_key = prev_sealed_key, leaf_sha256 = prev_leaf_sha256,
              updated_at = @now, prev_fullchain_pem = NULL, prev_sealed_key = NULL, prev_leaf_sha256 = NULL, prev_updated_at = NULL
        WHERE site = @site AND prev_fullchain_pem IS NOT NULL`,
    ).run({ site, now }).changes;
    if (changed === 0) this.sql('DELETE FROM served_pairs WHERE site = ?').run(site);
  }
}
