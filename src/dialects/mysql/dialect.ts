import { DefaultDialect } from "../../engine/default-dialect.js";
import type { DialectCapabilities, IsolationLevel } from "../../engine/interfaces.js";
import type { SQLCompiler } from "../../sql/index.js";
import { MariaDBCompiler, MySQLCompiler } from "./compiler.js";
import { MariaDBDDLCompiler, MySQLDDLCompiler } from "./ddl-compiler.js";
import { MySQLReflection } from "./reflection.js";

const CAPABILITIES: DialectCapabilities = Object.freeze({
  returning: false,
  savepoints: true,
  // Every DDL statement commits the open transaction implicitly.
  transactionalDdl: false,
  // mysql2 streams a result off the socket, pausing it between batches.
  serverSideCursors: true,
  insertManyValues: true,
  isolationLevels: Object.freeze([
    "SERIALIZABLE",
    "REPEATABLE READ",
    "READ COMMITTED",
    "READ UNCOMMITTED",
    "AUTOCOMMIT",
  ] as const),
});

/** The MySQL dialect (MySQL 8). */
export class MySQLDialect extends DefaultDialect {
  readonly name: string = "mysql";
  readonly capabilities: DialectCapabilities = CAPABILITIES;
  /** MySQL 8 removed `tx_isolation`; the engine turns `REPEATABLE-READ` into `REPEATABLE READ`. */
  readonly isolationLevelQuery: string = "SELECT @@transaction_isolation";
  /** information_schema catalog queries, one round trip per kind of information. */
  readonly reflection: MySQLReflection = new MySQLReflection();

  override createCompiler(): SQLCompiler {
    return new MySQLCompiler();
  }

  override createDDLCompiler(): MySQLDDLCompiler {
    return new MySQLDDLCompiler();
  }

  /** MySQL 8 `max_execution_time` limits SELECT statements only. */
  statementTimeoutStatements(milliseconds: number): readonly string[] {
    return [`SET SESSION max_execution_time = ${Math.round(milliseconds)}`];
  }

  /** The session's level is the one the next transaction gets. */
  get defaultIsolationQuery(): string {
    return this.isolationLevelQuery;
  }

  /**
   * `START TRANSACTION`, preceded by `SET TRANSACTION ISOLATION LEVEL` (which
   * applies to the next transaction only) when a level is named.
   * `AUTOCOMMIT` begins nothing.
   */
  override beginStatements(isolationLevel?: IsolationLevel): readonly string[] {
    if (isolationLevel === undefined) return ["START TRANSACTION"];
    if (isolationLevel === "AUTOCOMMIT") return [];
    return [`SET TRANSACTION ISOLATION LEVEL ${isolationLevel}`, "START TRANSACTION"];
  }
}

/**
 * The MariaDB dialect. MariaDB 10.5+ has `INSERT ... RETURNING` and
 * `DELETE ... RETURNING` but no `UPDATE ... RETURNING`, so the generic
 * `returning` capability stays false.
 */
export class MariaDBDialect extends MySQLDialect {
  override readonly name: string = "mariadb";
  /** MariaDB 10.x has only `tx_isolation` (`transaction_isolation` arrived in 11.1). */
  override createCompiler(): SQLCompiler {
    return new MariaDBCompiler();
  }

  override createDDLCompiler(): MariaDBDDLCompiler {
    return new MariaDBDDLCompiler();
  }

  override readonly isolationLevelQuery: string = "SELECT @@tx_isolation";
  /** MariaDB's `max_statement_time` (seconds) limits every statement. */
  override statementTimeoutStatements(milliseconds: number): readonly string[] {
    return [`SET SESSION max_statement_time = ${milliseconds / 1000}`];
  }
  /** The MySQL queries, reading MariaDB's quoted defaults, per-table CHECK names and LONGTEXT JSON columns. */
  override readonly reflection: MySQLReflection = new MySQLReflection({ mariadb: true });
}

