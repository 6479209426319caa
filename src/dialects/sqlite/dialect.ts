import { ArgumentError } from "../../errors/index.js";
import { DefaultDialect } from "../../engine/default-dialect.js";
import type { DialectCapabilities, DriverAdapter, IsolationLevel } from "../../engine/interfaces.js";
import type { SQLCompiler } from "../../sql/index.js";
import { SQLiteCompiler } from "./compiler.js";
import { SQLiteDDLCompiler } from "./ddl-compiler.js";
import { SQLiteReflection } from "./reflection.js";

/**
 * How `BEGIN` takes its locks. SQLite's default, `deferred`, takes no lock
 * until the first read and the write lock only at the first write.
 */
export type SQLiteBeginMode = "deferred" | "immediate" | "exclusive";

/** Options of {@link SQLiteDialect}. */
export interface SQLiteDialectOptions {
  /**
   * The kind of `BEGIN` (URL query `begin=immediate`). The default is
   * `deferred`, as in SQLite and Python's sqlite3.
   *
   * `immediate` takes the write lock when the transaction begins. Choose it
   * when transactions read and then write on a file database shared by several
   * connections: a deferred transaction that must upgrade its read lock to a
   * write lock while another connection writes fails at once with
   * SQLITE_BUSY (the busy timeout cannot help, waiting would deadlock), whereas
   * an immediate one waits for the busy timeout at BEGIN. The price: read-only
   * transactions also queue behind writers, so it is not the default.
   */
  beginMode?: SQLiteBeginMode;
}

const CAPABILITIES: DialectCapabilities = Object.freeze({
  // RETURNING exists since SQLite 3.35 (2021); better-sqlite3 12 bundles 3.5x.
  returning: true,
  savepoints: true,
  transactionalDdl: true,
  // better-sqlite3's statement iterator steps the statement row by row.
  serverSideCursors: true,
  insertManyValues: false,
  isolationLevels: Object.freeze(["SERIALIZABLE", "READ UNCOMMITTED", "AUTOCOMMIT"] as const),
});

/** Parses the `begin` query option of a SQLite URL. */
export function parseBeginMode(value: string | undefined): SQLiteBeginMode {
  if (value === undefined || value === "") return "deferred";
  const mode = value.toLowerCase();
  if (mode === "deferred" || mode === "immediate" || mode === "exclusive") return mode;
  throw new ArgumentError(
    `Invalid SQLite URL option begin=${JSON.stringify(value)}: expected "deferred", "immediate" or "exclusive".`,
  );
}

/**
 * The SQLite dialect. SQLite transactions are always serializable; `READ
 * UNCOMMITTED` (PRAGMA read_uncommitted) only changes anything between
 * connections that share a cache.
 */
export class SQLiteDialect extends DefaultDialect {
  readonly name: string = "sqlite";
  readonly capabilities: DialectCapabilities = CAPABILITIES;
  readonly isolationLevelQuery: string =
    "SELECT CASE read_uncommitted WHEN 0 THEN 'SERIALIZABLE' ELSE 'READ UNCOMMITTED' END FROM pragma_read_uncommitted";
  readonly beginMode: SQLiteBeginMode;
  /** PRAGMA-based catalog queries, one round trip per kind of information. */
  readonly reflection: SQLiteReflection = new SQLiteReflection();
  readonly #begin: string;

  constructor(driver: DriverAdapter, options: SQLiteDialectOptions = {}) {
    super(driver);
    this.beginMode = options.beginMode ?? "deferred";
    this.#begin = this.beginMode === "deferred" ? "BEGIN" : `BEGIN ${this.beginMode.toUpperCase()}`;
  }

  override createCompiler(): SQLCompiler {
    return new SQLiteCompiler();
  }

  /** A deferred transaction's first read takes the snapshot (and lock) its later statements rely on: BEGIN always comes first. */
  override readsMayPrecedeBegin(_level: string): boolean {
    return false;
  }

  override createDDLCompiler(): SQLiteDDLCompiler {
    return new SQLiteDDLCompiler();
  }

  /**
   * `BEGIN` (or `BEGIN IMMEDIATE`/`EXCLUSIVE`, see {@link SQLiteDialectOptions.beginMode}),
   * preceded by the read_uncommitted pragma when a level is named. The pragma
   * stays set on the connection, which is why SERIALIZABLE sets it back
   * explicitly. `AUTOCOMMIT` begins nothing.
   */
  override beginStatements(isolationLevel?: IsolationLevel): readonly string[] {
    switch (isolationLevel) {
      case undefined:
        return [this.#begin];
      case "AUTOCOMMIT":
        return [];
      case "READ UNCOMMITTED":
        return ["PRAGMA read_uncommitted = 1", this.#begin];
      case "SERIALIZABLE":
        return ["PRAGMA read_uncommitted = 0", this.#begin];
      default:
        throw new ArgumentError(
          `SQLite does not support the isolation level ${isolationLevel}; use SERIALIZABLE, READ UNCOMMITTED or AUTOCOMMIT.`,
        );
    }
  }
}
