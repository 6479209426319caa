/**
 * Connection pools: {@link QueuePool} (the default), {@link StaticPool} (one
 * shared connection, for in-memory databases) and {@link NullPool} (no pooling).
 *
 * @module
 */
export { Pool, PooledConnection, type PoolOptions, type PoolStats, type Slot } from "./pool.js";
export { QueuePool, type QueuePoolOptions } from "./queue-pool.js";
export { StaticPool } from "./static-pool.js";
export { NullPool } from "./null-pool.js";
export { ConnectionRecord } from "./connection-record.js";
export type { PoolDialect } from "./pool-dialect.js";
export type { PoolEventMap } from "./events.js";
