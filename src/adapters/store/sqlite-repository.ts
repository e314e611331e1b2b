import { statementCache, type Db } from './open-database.js';

/**
 * A repository over one SQLite connection: `this.sql(text)` prepares each statement once for the
 * connection (statementCache) instead of compiling it again on every call.
 */
export abstract class SqliteRepository {
  protected readonly sql: ReturnType<typeof statementCache>;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }
}
