import { DDLCompiler } from "../schema/index.js";
import type { SQLCompiler } from "../sql/index.js";
import type { Dialect, DialectCapabilities, DriverAdapter, IsolationLevel } from "./interfaces.js";

/**
 * A dialect of standard SQL. Each database subclasses it and overrides what
 * differs: the compiler, the transaction statements, the capability flags.
 */
export abstract class DefaultDialect implements Dialect {
  abstract readonly name: string;
  abstract readonly capabilities: DialectCapabilities;
  readonly commitStatement: string = "COMMIT";
  readonly rollbackStatement: string = "ROLLBACK";
  abstract readonly isolationLevelQuery: string;

  constructor(readonly driver: DriverAdapter) {}

  abstract createCompiler(): SQLCompiler;

  /** Standard DDL over this dialect's compiler; each database overrides it with its own DDL compiler. */
  createDDLCompiler(): DDLCompiler {
    return new DDLCompiler(this.createCompiler());
  }

  beginStatements(isolationLevel?: IsolationLevel): readonly string[] {
    if (isolationLevel === undefined) return ["BEGIN"];
    return [`BEGIN TRANSACTION ISOLATION LEVEL ${isolationLevel}`];
  }

  // Savepoint names are always quoted: they are few, and a quoted name can never be mistaken for a keyword.
  savepointStatement(name: string): string {
    return `SAVEPOINT ${this.createCompiler().forceQuote(name)}`;
  }

  releaseSavepointStatement(name: string): string {
    return `RELEASE SAVEPOINT ${this.createCompiler().forceQuote(name)}`;
  }

  rollbackToSavepointStatement(name: string): string {
    return `ROLLBACK TO SAVEPOINT ${this.createCompiler().forceQuote(name)}`;
  }

  /**
   * At READ COMMITTED (and below) every statement reads what was committed
   * when it started, inside a transaction or not, and a plain SELECT keeps no
   * lock: so reads may precede BEGIN. Above it the first read fixes the
   * snapshot. (PostgreSQL runs READ UNCOMMITTED as READ COMMITTED; InnoDB's
   * plain SELECTs are lock-free consistent reads.) SQLite overrides this.
   */
  readsMayPrecedeBegin(level: string): boolean {
    return level === "READ COMMITTED" || level === "READ UNCOMMITTED";
  }

  quoteIdentifier(name: string): string {
    return this.createCompiler().quoteIdentifier(name);
  }
}
