import type { PoolDialect } from "./pool-dialect.js";
import type { PoolOptions } from "./pool.js";
import { QueuePool } from "./queue-pool.js";

/**
 * Exactly one connection, kept open for the life of the pool: the default for
 * in-memory SQLite and PGlite, whose data lives in that one connection.
 *
 * Unlike SQLAlchemy's StaticPool, checkouts are exclusive: a second caller waits
 * (up to `timeout`) until the first returns the connection, so two transactions
 * can never interleave on the single connection.
 */
export class StaticPool<C> extends QueuePool<C> {
  constructor(dialect: PoolDialect<C>, options: PoolOptions = {}) {
    super(dialect, { ...options, size: 1, maxOverflow: 0, recycle: -1 });
  }
}
