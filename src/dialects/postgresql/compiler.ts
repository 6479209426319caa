import { SQLCompiler } from "../../sql/index.js";

/**
 * The PostgreSQL compiler: numbered placeholders (`$1`, `$2`, ...) and
 * double-quoted identifiers. Everything else is the standard rendering.
 */
export class PostgresCompiler extends SQLCompiler {
  override placeholder(position: number): string {
    return `$${position}`;
  }

  override quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }
}
