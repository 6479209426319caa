import { inspect } from "node:util";
import {
  ArgumentError,
  AthanorError,
  DBAPIError,
  InvalidRequestError,
  OperationalError,
  ResourceClosedError,
  describeParams,
} from "../errors/index.js";
import { Events } from "../events/index.js";
import { isDDLElement } from "../schema/index.js";
import { NullPool, type Pool, QueuePool, StaticPool, type PoolDialect } from "../pool/index.js";
import { keyGatherOf, statementKey, type BindParameter, type ClauseElement, type CompiledSQL, type Executable, type StatementKey } from "../sql/index.js";
import { LRUCache, redactSecrets } from "../util/index.js";
import { Connection, isolationLevelName, type ConnectionOptions } from "./connection.js";
import type { EngineEventMap, ErrorContext } from "./events.js";
import type { Dialect, DriverColumn, DriverConnection, IsolationLevel } from "./interfaces.js";
import { stdoutLogger, type EchoLevel, type Logger } from "./logger.js";
import { withQueryTimeout } from "./query-timeout.js";
import { loadDialect } from "./registry.js";
import type { URL } from "./url.js";

/** A pool class the engine can build: `QueuePool`, `StaticPool`, `NullPool` or your own subclass of `Pool`. */
export type PoolClass = typeof QueuePool | typeof StaticPool | typeof NullPool;

/** Options of {@link createEngine}. Durations are in milliseconds. */
export interface EngineOptions {
  /** Log SQL and parameters (`true`), also rows (`"debug"`), or nothing (`false`, the default). */
  echo?: EchoLevel;
  /** Where `echo` writes. Default: standard output. */
  logger?: Logger;
  /** The pool class. Default: `StaticPool` for in-memory SQLite and PGlite, `QueuePool` otherwise. */
  poolClass?: PoolClass;
  /** QueuePool: connections kept open when idle. Default 5. */
  poolSize?: number;
  /** QueuePool: connections allowed beyond `poolSize` under load; `-1` for no limit. Default 10. */
  maxOverflow?: number;
  /** How long a checkout waits for a free connection before `TimeoutError`. Default 30,000 ms. */
  poolTimeout?: number;
  /** Replace connections older than this at checkout; `-1` (default) never. */
  poolRecycle?: number;
  /** Ping each connection at checkout and replace it silently if dead. Default `false`. */
  poolPrePing?: boolean;
  /** QueuePool: reuse the most recently returned connection first. Default `false`. */
  poolUseLifo?: boolean;
  /** How long to wait for a new connection to be established. Default 10,000 ms. */
  connectTimeout?: number;
  /**
   * Milliseconds after which the server cancels a statement, set on every new
   * connection: PostgreSQL `statement_timeout`, MariaDB `max_statement_time`,
   * MySQL `max_execution_time` (SELECT only). The statement fails with an
   * `OperationalError` whose `isTimeout` is true; the connection stays usable
   * (roll back, then go on). Not available on SQLite (an `ArgumentError` at the
   * first connect); PGlite accepts the setting but does not enforce it.
   * Default: none (the server's setting).
   */
  statementTimeout?: number;
  /**
   * Milliseconds the client waits for the database's answer to any one call
   * (a statement, a batch, a fetch of a stream, a ping) before giving up: the
   * call fails with an `OperationalError` whose `isTimeout` and `isDisconnect`
   * are true, and the connection is closed (the statement may or may not have
   * run; an open transaction is lost, as after any disconnect). This is what
   * bounds a call on a network that drops packets silently, which no
   * server-side timeout can see. Set it above `statementTimeout` and above
   * your slowest statement. Ignored for databases inside the process (SQLite,
   * PGlite). Default: none.
   */
  queryTimeout?: number;
  /** The isolation level of every transaction (each connection may override it). Default: the database's. */
  isolationLevel?: IsolationLevel;
  /** Options passed unchanged to the driver when connecting. */
  connectArgs?: Readonly<Record<string, unknown>>;
  /** Compiled statements kept per engine (an LRU); `0` disables the cache. Default 500. */
  compiledCacheSize?: number;
  /** Rows per fetch for {@link Connection.stream}. Default 1,000. */
  streamBatchSize?: number;
  /**
   * Send a transaction's BEGIN just before its first statement that may
   * write, instead of before its first statement, where the isolation level
   * makes that invisible: READ COMMITTED on PostgreSQL, MySQL and MariaDB,
   * which is PostgreSQL's default. A unit of work that only reads then costs
   * one round trip instead of three (no BEGIN, no ROLLBACK), and a failed
   * read no longer aborts the transaction.
   *
   * "May write" is decided when the statement is compiled: INSERT, UPDATE,
   * DELETE, SELECT ... FOR UPDATE/SHARE, literal SQL (`text()`,
   * `literalColumn()`, `execDriverSql`), a function call outside a list of
   * known read-only functions (`count`, `coalesce`, `lower`, ...), streaming,
   * savepoints. Each of these begins the transaction first, so nothing changes
   * for them. At REPEATABLE READ or SERIALIZABLE, on SQLite, or when the
   * server's default level is not READ COMMITTED (read once per engine), BEGIN
   * is always sent first.
   *
   * Default `true`; `false` sends BEGIN before every transaction's first
   * statement.
   */
  deferBegin?: boolean;
}

interface Loaded {
  readonly dialect: Dialect;
  readonly pool: Pool<DriverConnection>;
}

const KNOWN_OPTIONS = new Set<string>([
  "echo", "logger", "poolClass", "poolSize", "maxOverflow", "poolTimeout", "poolRecycle", "poolPrePing",
  "poolUseLifo", "connectTimeout", "isolationLevel", "connectArgs", "compiledCacheSize", "streamBatchSize", "statementTimeout",
  "deferBegin", "queryTimeout",
]);

const ISOLATION_LEVELS = new Set<string>(["SERIALIZABLE", "REPEATABLE READ", "READ COMMITTED", "READ UNCOMMITTED", "AUTOCOMMIT"]);

/**
 * The starting point: a dialect, a driver and a pool of connections for one
 * database URL. Create it once per database with `createEngine` and share it.
 * The dialect and the driver package load at the first connection.
 */
export class Engine {
  readonly url: URL;
  /** Engine events: `beforeExecute`, `afterExecute`, `handleError`, `begin`, `commit`, `rollback`. */
  readonly events = new Events<EngineEventMap>();
  readonly echo: EchoLevel;
  readonly logger: Logger;
  readonly isolationLevel: IsolationLevel | undefined;
  readonly streamBatchSize: number;
  readonly #options: EngineOptions;
  readonly #cache: LRUCache<string, CompiledSQL>;
  #loaded: Loaded | undefined;
  #loading: Promise<Loaded> | undefined;
  #disposed = false;
  /** Whether reads may run before BEGIN at the server's default isolation level: learned at the first transaction. */
  #defaultLevelDefers: boolean | undefined;

  /** @internal Use {@link createEngine}. */
  constructor(url: URL, options: EngineOptions = {}) {
    validateOptions(options);
    this.url = url;
    this.#options = options;
    this.echo = options.echo ?? false;
    this.logger = options.logger ?? stdoutLogger;
    this.isolationLevel = options.isolationLevel;
    this.streamBatchSize = options.streamBatchSize ?? 1000;
    this.#cache = new LRUCache(options.compiledCacheSize ?? 500);
  }

  /** The dialect; available once the engine has connected (or after {@link initialize}). */
  get dialect(): Dialect {
    if (this.#loaded === undefined) {
      throw new InvalidRequestError("The engine has not loaded its dialect yet; await engine.initialize() or connect first.");
    }
    return this.#loaded.dialect;
  }

  /** The connection pool; available once the engine has connected (or after {@link initialize}). */
  get pool(): Pool<DriverConnection> {
    if (this.#loaded === undefined) {
      throw new InvalidRequestError("The engine has not created its pool yet; await engine.initialize() or connect first.");
    }
    return this.#loaded.pool;
  }

  /** True once {@link dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Loads the dialect and the driver package and creates the pool, without connecting. Idempotent. */
  async initialize(): Promise<this> {
    this.#assertNotDisposed();
    if (this.#loaded === undefined) {
      this.#loading ??= this.#load();
      this.#loaded = await this.#loading;
    }
    return this;
  }

  /**
   * Checks a connection out of the pool. Without a function, returns the
   * {@link Connection} (close it, or use `await using`); with one, runs it and
   * closes the connection afterwards, rolling back anything not committed.
   */
  connect(options?: ConnectionOptions): Promise<Connection>;
  connect<R>(fn: (connection: Connection) => Promise<R>, options?: ConnectionOptions): Promise<R>;
  async connect<R>(
    fnOrOptions?: ((connection: Connection) => Promise<R>) | ConnectionOptions,
    maybeOptions?: ConnectionOptions,
  ): Promise<Connection | R> {
    const fn = typeof fnOrOptions === "function" ? fnOrOptions : undefined;
    const options = (typeof fnOrOptions === "function" ? maybeOptions : fnOrOptions) ?? {};
    if (this.#loaded === undefined) await this.initialize();
    if (options.isolationLevel !== undefined) this.assertIsolationLevel(options.isolationLevel);
    this.#assertNotDisposed();
    const connection = new Connection(this, await this.pool.checkout(), options);
    if (fn === undefined) return connection;
    try {
      return await fn(connection);
    } finally {
      await connection.close();
    }
  }

  /**
   * A connection inside a transaction. With a function: runs it, commits when
   * it resolves, rolls back when it throws, and closes the connection. Without:
   * returns the connection with its transaction begun; call `commit()` (closing
   * it, or `await using`, rolls back anything not committed).
   *
   * @example
   * ```ts
   * await engine.begin(async (conn) => {
   *   await conn.execute(text("insert into t (x) values (:x)"), { x: 1 });
   * }); // committed
   * ```
   */
  begin(options?: ConnectionOptions): Promise<Connection>;
  begin<R>(fn: (connection: Connection) => Promise<R>, options?: ConnectionOptions): Promise<R>;
  async begin<R>(
    fnOrOptions?: ((connection: Connection) => Promise<R>) | ConnectionOptions,
    maybeOptions?: ConnectionOptions,
  ): Promise<Connection | R> {
    const fn = typeof fnOrOptions === "function" ? fnOrOptions : undefined;
    const options = (typeof fnOrOptions === "function" ? maybeOptions : fnOrOptions) ?? {};
    const connection = await this.connect(options);
    let transaction;
    try {
      transaction = await connection.begin();
    } catch (error) {
      await connection.close();
      throw error;
    }
    if (fn === undefined) return connection;
    try {
      const result = await fn(connection);
      if (transaction.isActive) await transaction.commit();
      return result;
    } catch (error) {
      // The body's error matters more than a failed rollback, which has already invalidated the connection.
      if (transaction.isActive) await transaction.rollback().catch(() => undefined);
      throw error;
    } finally {
      await connection.close();
    }
  }

  /**
   * Closes every pooled connection and refuses further use. Connections still
   * checked out are closed when they are returned.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const loaded = this.#loaded ?? (this.#loading === undefined ? undefined : await this.#loading.catch(() => undefined));
    await loaded?.pool.dispose();
    this.#cache.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  /** Compiles a statement for this engine's dialect (no database needed once initialised). */
  compile(statement: Executable): CompiledSQL {
    return this.compileCached(statement).compiled;
  }

  /** @internal Compiles through the statement cache; `cached` tells whether it was a hit (undefined: not cacheable). */
  compileCached(statement: Executable): { compiled: CompiledSQL; cached: boolean | undefined } {
    // DDL (CREATE TABLE ...) has its own compiler and is never cached.
    if (isDDLElement(statement)) return { compiled: this.dialect.createDDLCompiler().compile(statement), cached: undefined };
    if (statement.kind === "text") {
      const key = statement.cacheKey as string;
      const hit = this.#cache.get(key);
      if (hit !== undefined) return { compiled: withBoundValues(hit, statement), cached: true };
      const compiled = this.#compileFresh(statement, undefined);
      this.#cache.set(key, compiled);
      return { compiled, cached: false };
    }
    const shape = statementKey(statement as unknown as ClauseElement);
    if (shape === undefined) return { compiled: this.#compileFresh(statement, undefined), cached: undefined };
    const hit = this.#cache.get(shape.key);
    if (hit !== undefined) return { compiled: withBindValues(hit, shape), cached: true };
    const compiled = this.#compileFresh(statement, shape);
    // A compiler that bound a value outside the key's bind list (named param_N) makes the result specific to
    // this statement's values: such a statement is never reused.
    if (compiled.bindNames.some((name) => name.startsWith("param_"))) return { compiled, cached: undefined };
    const keyPositions = compiled.bindNames.map((name) => (name.startsWith("#") ? Number(name.slice(1)) : undefined));
    const keyGathers = compiled.bindNames.some((name) => name.startsWith("@")) ? compiled.bindNames.map(keyGatherOf) : undefined;
    this.#cache.set(shape.key, { ...compiled, keyPositions, ...(keyGathers === undefined ? {} : { keyGathers }) });
    return { compiled, cached: false };
  }

  #compileFresh(statement: Executable, shape: StatementKey | undefined): CompiledSQL {
    return this.dialect.createCompiler().compile(statement, shape);
  }

  /**
   * @internal Whether a read-only statement may run before BEGIN in a
   * transaction at `level` (`undefined`: the server's default); `undefined`
   * while that default is not known yet (see {@link _learnDefaultLevel}).
   */
  _readsMayPrecedeBeginKnown(level: IsolationLevel | undefined): boolean | undefined {
    if (this.#options.deferBegin === false) return false;
    const dialect = this.dialect;
    if (level !== undefined) return dialect.readsMayPrecedeBegin(level);
    if (dialect.defaultIsolationQuery === undefined) return false;
    return this.#defaultLevelDefers;
  }

  /**
   * @internal Asks the server its default isolation level, once per engine,
   * when {@link _readsMayPrecedeBeginKnown} could not answer.
   */
  async _learnDefaultLevel(driver: DriverConnection): Promise<boolean> {
    const dialect = this.dialect;
    const query = dialect.defaultIsolationQuery as string;
    this.logStatement(query, [], undefined);
    const result = await driver.execute(query, []);
    const value = (result.rows[0] as unknown[] | undefined)?.[0];
    return (this.#defaultLevelDefers = dialect.readsMayPrecedeBegin(isolationLevelName(value)));
  }

  /** @internal Checks that the dialect supports an isolation level. */
  assertIsolationLevel(level: IsolationLevel): void {
    if (!ISOLATION_LEVELS.has(level)) {
      throw new ArgumentError(`Unknown isolation level ${JSON.stringify(level)}. Known: ${[...ISOLATION_LEVELS].join(", ")}.`);
    }
    const supported = this.dialect.capabilities.isolationLevels;
    if (!supported.includes(level)) {
      throw new ArgumentError(`The ${this.dialect.name} dialect does not support isolation level ${level}. Supported: ${supported.join(", ")}.`);
    }
  }

  /** @internal Wraps a driver error and runs the `handleError` listeners. */
  _errorContext(error: unknown, sql: string | undefined, params: readonly unknown[] | undefined, connection?: Connection): ErrorContext {
    const wrapped = this.#wrapError(error, sql, params);
    const context: ErrorContext = {
      error: wrapped,
      original: error,
      sql,
      params,
      connection,
      isDisconnect: wrapped instanceof DBAPIError && wrapped.isDisconnect,
    };
    try {
      this.events.emit("handleError", context);
    } catch (listenerError) {
      context.error = listenerError instanceof Error ? listenerError : new Error(String(listenerError));
    }
    return context;
  }

  /** @internal Logs a statement when `echo` is on. */
  logStatement(sql: string, params: readonly unknown[], cached: boolean | undefined, parameterSets?: number): void {
    if (this.echo === false) return;
    const origin = cached === undefined ? "" : cached ? " [cached]" : " [compiled]";
    const shown = describeParams(params) || "[no parameters]";
    const values = parameterSets === undefined ? shown : `[${parameterSets} parameter sets, the first: ${shown}]`;
    this.logger.info(redactSecrets(`${sql}${origin} ${values}`, [this.url.password]));
  }

  /** @internal Logs result rows when `echo` is `"debug"`. */
  logRows(columns: readonly DriverColumn[], rows: readonly unknown[][]): void {
    if (columns.length === 0) return;
    this.logger.debug(`Col ${JSON.stringify(columns.map((c) => c.name))}`);
    for (const row of rows) this.logger.debug(`Row ${describeParams(row)}`);
  }

  toString(): string {
    return `Engine(${this.url.toString()})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  #assertNotDisposed(): void {
    if (this.#disposed) {
      throw new ResourceClosedError("This engine has been disposed; create a new one with createEngine().", {
        code: "engine-disposed",
      });
    }
  }

  async #load(): Promise<Loaded> {
    const { module, driver } = await loadDialect(this.url.dialect, this.url.driver);
    const dialect = module.createDialect(driver, this.url);
    const options = this.#options;
    if (options.isolationLevel !== undefined && !dialect.capabilities.isolationLevels.includes(options.isolationLevel)) {
      throw new ArgumentError(
        `The ${dialect.name} dialect does not support isolation level ${options.isolationLevel}. Supported: ${dialect.capabilities.isolationLevels.join(", ")}.`,
      );
    }
    const poolDialect: PoolDialect<DriverConnection> = {
      connect: () => this.#connectDriver(dialect),
      ping: (c) => c.ping(),
      reset: async (c) => {
        await c.execute(dialect.rollbackStatement, []);
      },
      close: (c) => c.close(),
      isBroken: (c) => c.brokenReason !== undefined,
    };
    const poolOptions = {
      timeout: options.poolTimeout,
      recycle: options.poolRecycle,
      prePing: options.poolPrePing,
      size: options.poolSize,
      maxOverflow: options.maxOverflow,
      useLifo: options.poolUseLifo,
    };
    const PoolCtor = options.poolClass ?? defaultPoolClass(driver.defaultPool(this.url));
    const pool = new PoolCtor(poolDialect, poolOptions) as Pool<DriverConnection>;
    return { dialect, pool };
  }

  async #connectDriver(dialect: Dialect): Promise<DriverConnection> {
    const timeout = this.#options.statementTimeout;
    if (timeout !== undefined && dialect.statementTimeoutStatements === undefined) {
      throw new ArgumentError(`Engine option statementTimeout: the ${dialect.name} dialect has no statement timeout.`);
    }
    let conn: DriverConnection;
    try {
      conn = await dialect.driver.connect(this.url, {
        connectTimeout: this.#options.connectTimeout ?? 10_000,
        driverOptions: this.#options.connectArgs ?? {},
      });
    } catch (error) {
      throw this._errorContext(error, undefined, undefined).error;
    }
    const bound = this.#options.queryTimeout;
    if (bound !== undefined && dialect.driver.inProcess !== true) conn = withQueryTimeout(conn, bound);
    if (timeout === undefined) return conn;
    let sql: string | undefined;
    try {
      for (sql of dialect.statementTimeoutStatements?.(timeout) ?? []) await conn.execute(sql, []);
      return conn;
    } catch (error) {
      await conn.close().catch(() => undefined); // a connection without its timeout is not handed out
      throw this._errorContext(error, sql, []).error;
    }
  }

  #wrapError(error: unknown, sql: string | undefined, params: readonly unknown[] | undefined): Error {
    if (error instanceof AthanorError) return error;
    const secrets = [this.url.password];
    if (this.#loaded === undefined && this.#loading === undefined) {
      return new OperationalError(redactSecrets(String(error), secrets), { sql, params, orig: error });
    }
    const driver = this.#loaded?.dialect.driver;
    const translated = driver?.translateError(error);
    if (translated === undefined) {
      return new OperationalError(redactSecrets(error instanceof Error ? error.message : String(error), secrets), { sql, params, orig: error });
    }
    let message = redactSecrets(translated.message, secrets);
    if (sql === undefined) message += ` (while connecting to ${this.url.toString()})`;
    return new translated.errorClass(message, {
      sql,
      params,
      orig: error,
      sqlstate: translated.sqlstate,
      errno: translated.errno,
      isDisconnect: translated.isDisconnect,
      isRetryable: translated.isRetryable,
      isTimeout: translated.isTimeout,
      constraint: translated.constraint,
    });
  }
}

function defaultPoolClass(kind: "queue" | "static" | "null"): PoolClass {
  return kind === "static" ? StaticPool : kind === "null" ? NullPool : QueuePool;
}

/** A cached compilation with the bound values of a statement of the same shape (named `#position`). */
function withBindValues(compiled: CompiledSQL, shape: StatementKey): CompiledSQL {
  // An array by position: building a `#n`-keyed object per execution cost more than the compile it saves.
  const binds = shape.binds;
  const values = new Array<unknown>(binds.length);
  for (let i = 0; i < binds.length; i++) values[i] = (binds[i] as BindParameter).value;
  return executionOf(compiled, values, compiled.boundValues, compiled.resultTypes);
}

function withBoundValues(compiled: CompiledSQL, statement: Executable): CompiledSQL {
  const bound = (statement as { boundValues?: Readonly<Record<string, unknown>> }).boundValues;
  const types = (statement as { columnTypes?: CompiledSQL["resultTypes"] }).columnTypes;
  if (bound === compiled.boundValues && types === compiled.resultTypes) return compiled;
  return executionOf(compiled, compiled.keyValues, bound ?? {}, types);
}

/**
 * A cached compilation with one execution's values. Every field is written
 * out: one object shape for every execution, where spreading the cached
 * object took about a microsecond per statement.
 */
function executionOf(
  compiled: CompiledSQL,
  keyValues: CompiledSQL["keyValues"],
  boundValues: CompiledSQL["boundValues"],
  resultTypes: CompiledSQL["resultTypes"],
): CompiledSQL {
  return {
    sql: compiled.sql,
    bindNames: compiled.bindNames,
    bindProcessors: compiled.bindProcessors,
    boundValues,
    boundByPosition: compiled.boundByPosition,
    resultTypes,
    generated: compiled.generated,
    keyPositions: compiled.keyPositions,
    keyGathers: compiled.keyGathers,
    readOnly: compiled.readOnly,
    keyValues,
  };
}

function validateOptions(options: EngineOptions): void {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new ArgumentError(`Unknown engine option "${key}". Known options: ${[...KNOWN_OPTIONS].sort().join(", ")}.`);
    }
  }
  const durations: (keyof EngineOptions)[] = ["poolTimeout", "connectTimeout", "statementTimeout"];
  for (const key of durations) {
    const value = options[key];
    if (value !== undefined && !(typeof value === "number" && value >= 0)) {
      throw new ArgumentError(`Engine option ${key} must be a number of milliseconds >= 0, got ${String(value)}.`);
    }
  }
  if (options.queryTimeout !== undefined && !(typeof options.queryTimeout === "number" && options.queryTimeout > 0 && Number.isFinite(options.queryTimeout))) {
    throw new ArgumentError(`Engine option queryTimeout must be a number of milliseconds > 0, got ${String(options.queryTimeout)}.`);
  }
  if (options.echo !== undefined && options.echo !== true && options.echo !== false && options.echo !== "debug") {
    throw new ArgumentError(`Engine option echo must be true, false or "debug", got ${String(options.echo)}.`);
  }
  if (options.deferBegin !== undefined && typeof options.deferBegin !== "boolean") {
    throw new ArgumentError(`Engine option deferBegin must be true or false, got ${String(options.deferBegin)}.`);
  }
  if (options.isolationLevel !== undefined && !ISOLATION_LEVELS.has(options.isolationLevel)) {
    throw new ArgumentError(
      `Unknown isolation level ${JSON.stringify(options.isolationLevel)}. Known: ${[...ISOLATION_LEVELS].join(", ")}.`,
    );
  }
}
