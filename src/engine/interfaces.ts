/**
 * The contracts between the engine and the code that knows one database
 * (a {@link Dialect}) and one driver package (a {@link DriverAdapter}).
 *
 * A driver adapter is the only code that touches a driver package. It speaks
 * positional parameters in the dialect's placeholder style and returns rows as
 * arrays; the engine does the rest.
 *
 * @module
 */
import type { DBAPIErrorClass } from "../errors/index.js";
import type { DDLCompiler } from "../schema/index.js";
import type { DriverValueKind, SQLCompiler } from "../sql/index.js";
import type { DialectReflection } from "./reflection.js";
import type { URL } from "./url.js";

/** A column of a driver result. */
export interface DriverColumn {
  /** The column name or label as the database reports it. */
  readonly name: string;
  /**
   * The database type as the driver reports it, lower case (`int8`, `numeric`,
   * `boolean`, `tinyint(1)`, ...), when known. Used for value conversion and in
   * `echo` output; never required.
   */
  readonly type?: string | undefined;
  /**
   * Set when the driver returns every non-null value of this column as this
   * JavaScript kind (PostgreSQL's `text` as a string, `int4` as a number):
   * result conversions that leave such values unchanged are then skipped.
   */
  readonly valueKind?: DriverValueKind | undefined;
}

/** The column list of a result without columns, for every driver (frozen, as {@link DriverResult.columns} asks of a shared list). */
export const NO_COLUMNS: readonly DriverColumn[] = Object.freeze([]);

/** What a driver returns for one executed statement. */
export interface DriverResult {
  /**
   * The columns of the result set; empty when the statement returns none. A
   * frozen array tells the engine that the driver hands back this same array
   * on every run of the statement: what the engine derives from it (the
   * conversions, the row class) is then remembered with it.
   */
  readonly columns: readonly DriverColumn[];
  /** Rows as arrays, in column order, values already in Athanor's documented representation. */
  readonly rows: unknown[][];
  /** Rows affected by INSERT/UPDATE/DELETE (matched rows on MySQL), rows returned for a SELECT, -1 if unknown. */
  readonly rowcount: number;
  /** The last inserted row id, where the driver reports one (SQLite, MySQL). */
  readonly lastInsertId?: number | bigint | undefined;
}

/** An open server-side cursor (or the driver's closest equivalent). */
export interface DriverCursor {
  readonly columns: readonly DriverColumn[];
  /** The next batch of at most `batchSize` rows, or `null` when the rows are exhausted. */
  next(): Promise<unknown[][] | null>;
  /** Releases the cursor; safe to call twice and after exhaustion. */
  close(): Promise<void>;
}

/** One live connection of a driver, wrapped to the shape the engine needs. */
export interface DriverConnection {
  /** Runs one statement with positional parameters. */
  execute(sql: string, params: readonly unknown[]): Promise<DriverResult>;
  /** Runs one statement once per parameter set, as a batch where the driver can; `rowcount` is the sum. */
  executeMany(sql: string, paramSets: readonly (readonly unknown[])[]): Promise<DriverResult>;
  /** Opens a cursor that yields rows in batches without holding the whole result in memory. */
  openCursor(sql: string, params: readonly unknown[], batchSize: number): Promise<DriverCursor>;
  /** A cheap round trip that fails when the connection is dead. */
  ping(): Promise<void>;
  /** Closes the connection. Never throws for a connection that is already dead. */
  close(): Promise<void>;
  /**
   * Set when the driver reported, outside any call, that the connection is dead
   * (an `error` event on an idle socket). The pool discards such a connection.
   */
  readonly brokenReason: unknown;
  /** The driver's own connection object: the escape hatch for driver-level work. */
  readonly raw: unknown;
}

/** Options every driver adapter understands when connecting. */
export interface ConnectOptions {
  /** Milliseconds to wait for the connection to be established. */
  connectTimeout: number;
  /** Extra options passed to the driver unchanged (the `connectArgs` of the engine). */
  driverOptions: Readonly<Record<string, unknown>>;
}

/** What the adapter learned from a driver error. The engine builds the Athanor error from it. */
export interface TranslatedError {
  /** The Athanor class to raise. */
  readonly errorClass: DBAPIErrorClass;
  /** The driver's message, without any password. */
  readonly message: string;
  readonly sqlstate?: string | undefined;
  readonly errno?: number | string | undefined;
  /** The connection cannot be used any more and must be invalidated. */
  readonly isDisconnect: boolean;
  /** Running the transaction again may succeed (serialization failure, deadlock). */
  readonly isRetryable: boolean;
  /** A statement, lock or network timeout. */
  readonly isTimeout: boolean;
  readonly constraint?: string | undefined;
}

/** One driver package, for one dialect. */
export interface DriverAdapter {
  /** The driver's name in URLs: `pg`, `postgres`, `pglite`, `better-sqlite3`, `mysql2`. */
  readonly name: string;
  /** The npm package that must be installed. */
  readonly packageName: string;
  /** Opens a new connection. */
  connect(url: URL, options: ConnectOptions): Promise<DriverConnection>;
  /** Classifies an error thrown by this driver. */
  translateError(error: unknown): TranslatedError;
  /** The pool class to use when the engine options name none (`static` for in-memory databases). */
  defaultPool(url: URL): "queue" | "static" | "null";
  /** The database runs inside this process (SQLite, PGlite): no network, so the engine option `queryTimeout` does not apply. */
  readonly inProcess?: boolean;
}

/** Transaction isolation levels; `AUTOCOMMIT` means no transaction is begun at all. */
export type IsolationLevel =
  | "SERIALIZABLE"
  | "REPEATABLE READ"
  | "READ COMMITTED"
  | "READ UNCOMMITTED"
  | "AUTOCOMMIT";

/** The capabilities of a dialect, used by the engine and by the test suite to gate features. */
export interface DialectCapabilities {
  readonly returning: boolean;
  readonly savepoints: boolean;
  readonly transactionalDdl: boolean;
  /** True when the driver streams with a server-side cursor (or a socket-level stream) rather than buffering. */
  readonly serverSideCursors: boolean;
  readonly isolationLevels: readonly IsolationLevel[];
  /**
   * True when `conn.execute(insert(t), rows)` should send multi-row INSERTs
   * (SQLAlchemy's "insertmanyvalues") rather than one statement per row: every
   * statement costs a round trip to a server. SQLite, in process, runs one
   * prepared statement per row faster.
   */
  readonly insertManyValues: boolean;
}

/**
 * One database, paired with one driver: how to compile, how to begin and end
 * transactions, and which driver to call.
 */
export interface Dialect {
  /** `postgresql`, `sqlite`, `mysql` or `mariadb`. */
  readonly name: string;
  readonly driver: DriverAdapter;
  readonly capabilities: DialectCapabilities;
  /** A fresh compiler for this dialect (compilers hold per-statement state). */
  createCompiler(): SQLCompiler;
  /** A DDL compiler for this dialect: renders CREATE TABLE and the other DDL elements, and tells `createAll` what the database supports. */
  createDDLCompiler(): DDLCompiler;
  /**
   * The statements that make the server cancel any statement of this session
   * running longer than `milliseconds`; absent when the database has no such
   * limit (SQLite).
   */
  statementTimeoutStatements?(milliseconds: number): readonly string[];
  /** The statements that begin a transaction at this isolation level (the default when omitted). */
  beginStatements(isolationLevel?: IsolationLevel): readonly string[];
  readonly commitStatement: string;
  readonly rollbackStatement: string;
  savepointStatement(name: string): string;
  releaseSavepointStatement(name: string): string;
  rollbackToSavepointStatement(name: string): string;
  /** A query returning one row whose first column is the current isolation level. */
  readonly isolationLevelQuery: string;
  /**
   * A query returning one row whose first column is the isolation level a
   * transaction gets when none is asked for (the server's configured
   * default); absent when reads never run before BEGIN on this database.
   */
  readonly defaultIsolationQuery?: string;
  /**
   * Whether a read-only SELECT sees the same data, and holds no lock the rest
   * of the transaction relies on, when it runs before the transaction's BEGIN
   * as inside it: true at READ COMMITTED, where every statement takes a new
   * snapshot anyway; false where the first read fixes the transaction's
   * snapshot (REPEATABLE READ, SERIALIZABLE, SQLite). `level` is the level
   * asked for, or the server default's name as {@link defaultIsolationQuery}
   * returns it.
   */
  readsMayPrecedeBegin(level: string): boolean;
  /** Quotes an identifier when it needs quoting. */
  quoteIdentifier(name: string): string;
  /** The dialect's catalog queries, for `inspect()` and `metadata.reflect()`; absent when not implemented. */
  readonly reflection?: DialectReflection;
}

/** A module that provides one dialect and the drivers it can use, loaded on demand. */
export interface DialectModule {
  readonly name: string;
  readonly defaultDriver: string;
  /** Loaders of the driver adapters by name; each imports its driver package on demand. */
  readonly drivers: Readonly<Record<string, () => Promise<DriverAdapter>>>;
  createDialect(driver: DriverAdapter, url: URL): Dialect;
}
