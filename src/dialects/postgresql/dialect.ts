import { DefaultDialect } from "../../engine/default-dialect.js";
import type { DialectCapabilities, DriverAdapter, IsolationLevel } from "../../engine/interfaces.js";
import { PostgresCompiler } from "./compiler.js";
import { PostgresDDLCompiler } from "./ddl-compiler.js";
import { PostgresReflection } from "./reflection.js";

const ISOLATION_LEVELS: readonly IsolationLevel[] = Object.freeze([
  "SERIALIZABLE",
  "REPEATABLE READ",
  "READ COMMITTED",
  "READ UNCOMMITTED",
  "AUTOCOMMIT",
]);

/**
 * PostgreSQL, through one of the `pg`, `postgres` (postgres.js) or `pglite`
 * drivers. DDL is transactional and every statement can use RETURNING.
 */
export class PostgresDialect extends DefaultDialect {
  readonly name = "postgresql";
  readonly capabilities: DialectCapabilities;
  readonly isolationLevelQuery = "SHOW TRANSACTION ISOLATION LEVEL";
  readonly reflection = new PostgresReflection();

  constructor(driver: DriverAdapter) {
    super(driver);
    this.capabilities = Object.freeze({
      returning: true,
      savepoints: true,
      transactionalDdl: true,
      // PGlite has no server-side cursor over its single in-process connection: its cursor buffers.
      serverSideCursors: driver.name !== "pglite",
      // PGlite runs in process, but each statement still goes through the whole server (parse, plan): batch too.
      insertManyValues: true,
      isolationLevels: ISOLATION_LEVELS,
    });
  }

  createCompiler(): PostgresCompiler {
    return new PostgresCompiler();
  }

  override createDDLCompiler(): PostgresDDLCompiler {
    return new PostgresDDLCompiler();
  }

  statementTimeoutStatements(milliseconds: number): readonly string[] {
    return [`SET statement_timeout = ${Math.round(milliseconds)}`];
  }

  /** A DBA may change the default per database or role (`ALTER DATABASE ... SET default_transaction_isolation`). */
  readonly defaultIsolationQuery = "SHOW default_transaction_isolation";

  override beginStatements(isolationLevel?: IsolationLevel): readonly string[] {
    if (isolationLevel === undefined) return ["BEGIN"];
    // The engine begins nothing in autocommit mode; answer consistently if asked anyway.
    if (isolationLevel === "AUTOCOMMIT") return [];
    return [`BEGIN ISOLATION LEVEL ${isolationLevel}`];
  }
}
