import { SQLCompiler } from "../../sql/index.js";

/**
 * The MySQL/MariaDB compiler: `?` placeholders and backtick-quoted
 * identifiers (a backtick inside a name is doubled). Backticks work whatever
 * the session's sql_mode, unlike double quotes (ANSI_QUOTES).
 */
export class MySQLCompiler extends SQLCompiler {
  override placeholder(_position: number): string {
    return "?";
  }

  override quoteIdentifier(name: string): string {
    return `\`${name.replace(/`/g, "``")}\``;
  }
}
