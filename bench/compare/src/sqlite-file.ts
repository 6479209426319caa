/**
 * The SQLite database every SQLite adapter opens. Foreign keys are enforced
 * (`PRAGMA foreign_keys = ON`), as Athanor does by default and as PostgreSQL
 * always does: each inserted book checks its author, so no adapter wins W3/W4
 * by skipping that check (SQLite's own default leaves foreign keys off).
 */
import Database from "better-sqlite3";

export function openSqlite(): Database.Database {
  const db = new Database(process.env.ATHANOR_BENCH_SQLITE_FILE as string);
  db.pragma("foreign_keys = ON");
  return db;
}
