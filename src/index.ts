/**
 * Athanor: a SQL toolkit and ORM for TypeScript.
 *
 * The main entry point re-exports the Core: URLs and engines, connections and
 * results, pools, the SQL expression language and the errors. Importing it
 * registers the built-in dialects (PostgreSQL, SQLite, MySQL, MariaDB); their
 * driver packages load only when an engine first connects.
 *
 * @module
 */
import "./dialects/builtin.js";

export * from "./engine/index.js";
export * from "./errors/index.js";
export * from "./sql/index.js";
export * from "./schema/index.js";
// schema's column() also accepts the expression language's column(name, type) form.
export { column } from "./schema/index.js";
export {
  Pool,
  PooledConnection,
  QueuePool,
  StaticPool,
  NullPool,
  ConnectionRecord,
  type PoolOptions,
  type PoolStats,
  type QueuePoolOptions,
  type PoolDialect,
  type PoolEventMap,
} from "./pool/index.js";
