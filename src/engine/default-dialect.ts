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

  beginStatements(isolationLevel?: IsolationLevel): readonly string[] {
    if (isolationLevel === undefined) return ["BEGIN"];
    return [`BEGIN TRANSACTION ISOLATION LEVEL ${isolationLevel}`];
  }

  savepointStatement(name: string): string {
    return `SAVEPOINT ${this.quoteIdentifier(name)}`;
  }

  releaseSavepointStatement(name: string): string {
    return `RELEASE SAVEPOINT ${this.quoteIdentifier(name)}`;
  }

  rollbackToSavepointStatement(name: string): string {
    return `ROLLBACK TO SAVEPOINT ${this.quoteIdentifier(name)}`;
  }

  quoteIdentifier(name: string): string {
    return this.createCompiler().quoteIdentifier(name);
  }
}
