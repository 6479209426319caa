import { SQLCompiler } from "../../sql/index.js";

/**
 * The SQLite compiler: `?` placeholders and double-quoted identifiers (the
 * SQL standard form, which SQLite reads as an identifier, never as a string,
 * when it is quoted).
 */
export class SQLiteCompiler extends SQLCompiler {
  override placeholder(_position: number): string {
    return "?";
  }

  override quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }
}
