/**
 * The SQLite dialect, with the better-sqlite3 driver.
 *
 * @example
 * ```ts
 * import { sqliteDialect } from "athanor/dialects/sqlite";
 * // "sqlite://" (memory), "sqlite:///app.db", "sqlite:////var/data/app.db?timeout=10&journal_mode=wal"
 * ```
 *
 * @module
 */
import type { DialectModule, DriverAdapter } from "../../engine/interfaces.js";
import type { URL } from "../../engine/url.js";
import { SQLiteDialect, parseBeginMode } from "./dialect.js";

export { SQLiteDialect, parseBeginMode, type SQLiteBeginMode, type SQLiteDialectOptions } from "./dialect.js";
export { SQLiteCompiler } from "./compiler.js";
export { SQLiteDDLCompiler } from "./ddl-compiler.js";
export { SQLiteTypeCompiler } from "./type-compiler.js";
export { SQLiteReflection, sqliteTypeFromDeclared } from "./reflection.js";
export { translateSQLiteError } from "./errors.js";
export { parseTimestamp as parseSQLiteTimestamp, formatTimestamp as formatSQLiteTimestamp } from "./values.js";

/** The SQLite dialect module: `sqlite://...` URLs, driver `better-sqlite3`. */
export const sqliteDialect: DialectModule = {
  name: "sqlite",
  defaultDriver: "better-sqlite3",
  drivers: {
    "better-sqlite3": async (): Promise<DriverAdapter> =>
      (await import("./drivers/better-sqlite3.js")).loadBetterSqlite3Adapter(),
  },
  createDialect(driver: DriverAdapter, url: URL): SQLiteDialect {
    return new SQLiteDialect(driver, { beginMode: parseBeginMode(url.queryValue("begin")) });
  },
};
