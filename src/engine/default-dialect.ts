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

  /** Standard SQL promises nothing about reads outside a transaction: BEGIN always comes first. */
  readsMayPrecedeBegin(_level: string): boolean {
    return false;
  }

  quoteIdentifier(name: string): string {
    return this.createCompiler().quoteIdentifier(name);
  }
}
