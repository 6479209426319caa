/**
 * The better-sqlite3 adapter.
 *
 * better-sqlite3 is synchronous: every call runs on the event loop thread and
 * blocks it until SQLite returns, including the wait of the busy timeout when
 * another connection (or process) holds the write lock. The methods here are
 * `async` only so that they share the engine's contract and so that every
 * error becomes a rejected promise; a long query still blocks the process.
 * Stream big results with a cursor so that each batch blocks briefly.
 *
 * URLs: `sqlite://` (or `sqlite:///:memory:`) is an in-memory database;
 * `sqlite:///relative/path.db` and `sqlite:////absolute/path.db` are files.
 * Query options: `timeout` (busy timeout in seconds, default 5),
 * `foreign_keys=off` (enforced by default), `journal_mode` (e.g. `wal`),
 * `begin=immediate|exclusive` (read by the dialect, see SQLiteDialectOptions).
 *
 * @module
 */
import type BetterSqlite3 from "better-sqlite3";
import { ArgumentError } from "../../../errors/index.js";
import type {
  ConnectOptions,
  DriverAdapter,
  DriverColumn,
  DriverConnection,
  DriverCursor,
  DriverResult,
  TranslatedError,
} from "../../../engine/interfaces.js";
import { NO_COLUMNS } from "../../../engine/interfaces.js";
import { importDriver } from "../../../engine/registry.js";
import type { URL } from "../../../engine/url.js";
import { convertRows, describeColumns, planColumns, toNumberIfSafe, type ColumnPlan } from "../columns.js";
import { translateSQLiteError } from "../errors.js";
import { LRUCache } from "../../../util/index.js";
import { bindParameters } from "../values.js";

type Database = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement<unknown[], unknown[]>;
type DatabaseConstructor = typeof BetterSqlite3;

/** Default busy timeout: how long a writer waits for another connection's lock (as in Python's sqlite3). */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** Default number of prepared statements kept per connection. */
export const DEFAULT_STATEMENT_CACHE_SIZE = 100;

/** Statements after which cached statements may describe columns that changed. */
const SCHEMA_CHANGE = /^\s*(create|drop|alter)\b/i;
const JOURNAL_MODES = new Set(["delete", "truncate", "persist", "memory", "wal", "off"]);
const EMPTY: unknown[][] = [];

/** True when the URL names an in-memory database. */
export function isMemoryUrl(url: URL): boolean {
  return url.database === undefined || url.database === "" || url.database === ":memory:";
}

/** The file name better-sqlite3 opens for a URL (the URL's database part is the path). */
export function sqliteFilename(url: URL): string {
  if (url.host !== undefined || url.port !== undefined || url.username !== undefined) {
    throw new ArgumentError(
      `A SQLite URL has no host, port or user: write "sqlite:///relative.db", "sqlite:////absolute/path.db" or "sqlite://" for memory (got ${String(url)}).`,
    );
  }
  return isMemoryUrl(url) ? ":memory:" : (url.database as string);
}

function busyTimeout(url: URL, driverOptions: Readonly<Record<string, unknown>>): number {
  const fromOptions = driverOptions.timeout;
  if (fromOptions !== undefined) {
    if (typeof fromOptions !== "number" || !(fromOptions >= 0)) {
      throw new ArgumentError(`driverOptions.timeout must be a number of milliseconds >= 0, got ${String(fromOptions)}.`);
    }
    return fromOptions;
  }
  const fromUrl = url.queryValue("timeout");
  if (fromUrl !== undefined) {
    const seconds = Number(fromUrl);
    if (fromUrl === "" || !(seconds >= 0)) {
      throw new ArgumentError(`Invalid SQLite URL option timeout=${JSON.stringify(fromUrl)}: expected seconds, e.g. timeout=5.`);
    }
    return Math.round(seconds * 1000);
  }
  return DEFAULT_BUSY_TIMEOUT_MS;
}

function foreignKeys(url: URL): boolean {
  const value = url.queryValue("foreign_keys");
  if (value === undefined) return true;
  const v = value.toLowerCase();
  if (["on", "true", "1", "yes"].includes(v)) return true;
  if (["off", "false", "0", "no"].includes(v)) return false;
  throw new ArgumentError(`Invalid SQLite URL option foreign_keys=${JSON.stringify(value)}: expected on or off.`);
}

function journalMode(url: URL): string | undefined {
  const value = url.queryValue("journal_mode");
  if (value === undefined) return undefined;
  const mode = value.toLowerCase();
  // The value is spliced into a PRAGMA: only the known words are accepted.
  if (!JOURNAL_MODES.has(mode)) {
    throw new ArgumentError(
      `Invalid SQLite URL option journal_mode=${JSON.stringify(value)}: expected one of ${[...JOURNAL_MODES].join(", ")}.`,
    );
  }
  return mode;
}

/** A prepared statement and what was learned about it when it was prepared. */
interface Prepared {
  readonly stmt: Statement;
  readonly columns: readonly DriverColumn[];
  readonly plan: ColumnPlan | undefined;
}

function prepare(db: Database, sql: string): Prepared {
  const stmt = db.prepare<unknown[], unknown[]>(sql);
  if (!stmt.reader) {
    // Only lastInsertRowid is affected: it stays exact beyond 2^53.
    stmt.safeIntegers(true);
    return { stmt, columns: NO_COLUMNS, plan: undefined };
  }
  stmt.raw(true);
  return describe(stmt);
}

/** Reads a statement's result columns and sets it up to read them. */
function describe(stmt: Statement): Prepared {
  const declared = stmt.columns();
  const plan = planColumns(declared);
  stmt.safeIntegers(plan?.safeIntegers === true);
  return { stmt, columns: describeColumns(declared), plan };
}

/** A cursor over better-sqlite3's statement iterator. */
class BetterSqlite3Cursor implements DriverCursor {
  #iterator: IterableIterator<unknown[]> | undefined;

  constructor(
    readonly columns: readonly DriverColumn[],
    iterator: IterableIterator<unknown[]> | undefined,
    private readonly plan: ColumnPlan | undefined,
    private readonly batchSize: number,
    private readonly onClose: (cursor: BetterSqlite3Cursor) => void,
  ) {
    this.#iterator = iterator;
  }

  async next(): Promise<unknown[][] | null> {
    const iterator = this.#iterator;
    if (iterator === undefined) return null;
    const batch: unknown[][] = [];
    try {
      while (batch.length < this.batchSize) {
        const step = iterator.next();
        if (step.done === true) {
          this.#finish();
          break;
        }
        batch.push(step.value);
      }
    } catch (error) {
      this.#finish();
      throw error;
    }
    if (batch.length === 0) return null;
    if (this.plan !== undefined) convertRows(batch, this.plan);
    return batch;
  }

  async close(): Promise<void> {
    this.closeNow();
  }

  /** Ends the iteration, which resets the statement and frees the connection for writes. */
  closeNow(): void {
    const iterator = this.#iterator;
    if (iterator === undefined) return;
    this.#finish();
    try {
      iterator.return?.();
    } catch {
      // Closing an iterator of a closed database has nothing left to free.
    }
  }

  #finish(): void {
    this.#iterator = undefined;
    this.onClose(this);
  }
}

/** One better-sqlite3 database handle. */
export class BetterSqlite3Connection implements DriverConnection {
  /** better-sqlite3 reports nothing outside calls: a SQLite connection does not break on its own. */
  readonly brokenReason: unknown = undefined;
  readonly #cache: LRUCache<string, Prepared>;
  readonly #cursors = new Set<BetterSqlite3Cursor>();

  constructor(
    readonly raw: Database,
    statementCacheSize: number,
  ) {
    this.#cache = new LRUCache(statementCacheSize);
  }

  #prepared(sql: string): Prepared {
    let prepared = this.#cache.get(sql);
    if (prepared === undefined) {
      prepared = prepare(this.raw, sql);
      this.#cache.set(sql, prepared);
    }
    return prepared;
  }

  async execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    const values = bindParameters(sql, params);
    let prepared = this.#prepared(sql);
    const stmt = prepared.stmt;
    if (stmt.reader) {
      const rows = stmt.all(...values) as unknown[][];
      if (rows.length > 0 && rows[0]!.length !== prepared.columns.length) {
        // Another connection changed the table under a cached statement
        // (SQLite re-prepared it): describe its columns again.
        prepared = describe(stmt);
        this.#cache.set(sql, prepared);
      }
      if (prepared.plan !== undefined) convertRows(rows, prepared.plan);
      return { columns: prepared.columns, rows, rowcount: rows.length };
    }
    const info = stmt.run(...values);
    // SQLite re-prepares a statement after a schema change, but the column
    // descriptions and conversions cached with it would be stale.
    if (SCHEMA_CHANGE.test(sql)) this.#cache.clear();
    return {
      columns: NO_COLUMNS,
      rows: EMPTY,
      rowcount: info.changes,
      lastInsertId: typeof info.lastInsertRowid === "bigint" ? toNumberIfSafe(info.lastInsertRowid) : info.lastInsertRowid,
    };
  }

  /**
   * Runs the prepared statement once per parameter set. It is deliberately not
   * wrapped in a transaction of its own: the engine has begun one (or runs in
   * autocommit on purpose), and a nested BEGIN would fail.
   */
  async executeMany(sql: string, paramSets: readonly (readonly unknown[])[]): Promise<DriverResult> {
    const { stmt, columns, plan } = this.#prepared(sql);
    let rowcount = 0;
    let lastInsertId: number | bigint | undefined;
    let rows: unknown[][] = EMPTY;
    const reader = stmt.reader;
    for (const params of paramSets) {
      const values = bindParameters(sql, params);
      if (reader) {
        const batch = stmt.all(...values) as unknown[][];
        rowcount += batch.length;
        rows = rows === EMPTY ? batch : rows.concat(batch);
      } else {
        const info = stmt.run(...values);
        rowcount += info.changes;
        lastInsertId = info.lastInsertRowid;
      }
    }
    if (plan !== undefined && rows !== EMPTY) convertRows(rows, plan);
    return {
      columns,
      rows,
      rowcount,
      lastInsertId: typeof lastInsertId === "bigint" ? toNumberIfSafe(lastInsertId) : lastInsertId,
    };
  }

  /**
   * Steps a fresh statement (not the cached one: an iterating statement is
   * busy) and hands out its rows in batches. While it is open the connection
   * can read but not write (better-sqlite3 raises "This database connection is
   * busy executing a query").
   */
  async openCursor(sql: string, params: readonly unknown[], batchSize: number): Promise<DriverCursor> {
    if (!(Number.isInteger(batchSize) && batchSize > 0)) {
      throw new ArgumentError(`batchSize must be a positive integer, got ${String(batchSize)}.`);
    }
    const values = bindParameters(sql, params);
    const { stmt, columns, plan } = prepare(this.raw, sql);
    const onClose = (cursor: BetterSqlite3Cursor): void => void this.#cursors.delete(cursor);
    if (!stmt.reader) {
      stmt.run(...values);
      return new BetterSqlite3Cursor(columns, undefined, undefined, batchSize, onClose);
    }
    const cursor = new BetterSqlite3Cursor(columns, stmt.iterate(...values), plan, batchSize, onClose);
    this.#cursors.add(cursor);
    return cursor;
  }

  async ping(): Promise<void> {
    this.#prepared("select 1").stmt.all();
  }

  async close(): Promise<void> {
    for (const cursor of [...this.#cursors]) cursor.closeNow();
    this.#cache.clear();
    try {
      if (this.raw.open) this.raw.close();
    } catch {
      // Closing must never fail; the handle is released by the garbage collector anyway.
    }
  }
}

/** The adapter: opens better-sqlite3 databases. */
export class BetterSqlite3Adapter implements DriverAdapter {
  readonly name = "better-sqlite3";
  readonly packageName = "better-sqlite3";
  readonly inProcess = true;

  constructor(private readonly Database: DatabaseConstructor) {}

  /**
   * Opens the database. `options.connectTimeout` does not apply: opening a
   * local file is synchronous. `driverOptions.timeout` (ms) overrides the busy
   * timeout, `driverOptions.statementCacheSize` the statement cache; other
   * driver options (`readonly`, `fileMustExist`, `nativeBinding`, `verbose`)
   * go to better-sqlite3.
   */
  async connect(url: URL, options: ConnectOptions): Promise<DriverConnection> {
    const filename = sqliteFilename(url);
    const { timeout: _timeout, statementCacheSize, ...rest } = options.driverOptions;
    const cacheSize = statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE;
    if (typeof cacheSize !== "number" || !(cacheSize >= 0)) {
      throw new ArgumentError(`driverOptions.statementCacheSize must be a number >= 0, got ${String(cacheSize)}.`);
    }
    const timeout = busyTimeout(url, options.driverOptions);
    const fk = foreignKeys(url);
    const journal = journalMode(url);
    const db = new this.Database(filename, { ...(rest as BetterSqlite3.Options), timeout });
    try {
      db.pragma(`foreign_keys = ${fk ? "ON" : "OFF"}`);
      if (journal !== undefined) db.pragma(`journal_mode = ${journal}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new BetterSqlite3Connection(db, cacheSize);
  }

  translateError(error: unknown): TranslatedError {
    return translateSQLiteError(error);
  }

  defaultPool(url: URL): "queue" | "static" | "null" {
    // Each connection to ":memory:" is a separate, empty database: share one.
    return isMemoryUrl(url) ? "static" : "queue";
  }
}

/** Loads better-sqlite3 and returns its adapter. */
export async function loadBetterSqlite3Adapter(): Promise<DriverAdapter> {
  const module = await importDriver("better-sqlite3", () => import("better-sqlite3"));
  const Database = (module as { default?: DatabaseConstructor }).default ?? (module as unknown as DatabaseConstructor);
  return new BetterSqlite3Adapter(Database);
}
