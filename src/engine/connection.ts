import { inspect } from "node:util";
import {
  ArgumentError,
  InvalidRequestError,
  NotSupportedError,
  PendingRollbackError,
  ResourceClosedError,
  describeParams,
} from "../errors/index.js";
import type { PooledConnection } from "../pool/index.js";
import { gatherKeyValues, Insert, type CompiledSQL, type KeyGather, type Executable, type RowOf, type ScalarOf } from "../sql/index.js";
import type { Engine } from "./engine.js";
import type { ExecuteContext } from "./events.js";
import type { DriverConnection, IsolationLevel } from "./interfaces.js";
import { Result, StreamingResult, resultMeta } from "./result.js";

/** Named parameters for one execution. */
export type Params = Readonly<Record<string, unknown>>;

/** Options of {@link Connection.stream}. */
export interface StreamOptions {
  /** Rows fetched per round trip. Default: the engine's `streamBatchSize` (1,000). */
  batchSize?: number;
}

/** Options of {@link Engine.connect}. */
export interface ConnectionOptions {
  /** The isolation level of the transactions this connection begins. */
  isolationLevel?: IsolationLevel;
}

/**
 * One connection checked out of the engine's pool.
 *
 * Statements run inside a transaction that begins by itself at the first
 * execution ("commit as you go", as in SQLAlchemy 2.0): call {@link commit} to
 * keep the work; {@link close} rolls back anything not committed and returns the
 * connection to the pool. Or begin explicitly with {@link begin}, and use
 * {@link beginNested} for savepoints. Usable with `await using`.
 *
 * When the driver reports the connection lost, it is invalidated: outside a
 * transaction the next statement transparently uses a fresh connection; inside
 * one, every call raises {@link PendingRollbackError} until {@link rollback}.
 */
export class Connection implements AsyncDisposable {
  readonly engine: Engine;
  #pooled: PooledConnection<DriverConnection> | undefined;
  #closed = false;
  #transaction: Transaction | undefined;
  readonly #savepoints: NestedTransaction[] = [];
  #savepointCounter = 0;
  #pendingRollback: Error | undefined;
  #isolationLevel: IsolationLevel | undefined;
  #cursorOpen = false;
  #beginning: Promise<void> | undefined;
  /** True once the current transaction's BEGIN was sent (it may wait for the first statement that can write). */
  #begunOnServer = false;
  /** True while the current transaction runs its reads before BEGIN (decided at its first statement). */
  #readsBeforeBegin = false;

  /** @internal Use {@link Engine.connect}. */
  constructor(engine: Engine, pooled: PooledConnection<DriverConnection>, options: ConnectionOptions = {}) {
    this.engine = engine;
    this.#pooled = pooled;
    this.#isolationLevel = options.isolationLevel ?? engine.isolationLevel;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True when the driver connection was lost and not yet replaced. */
  get invalidated(): boolean {
    return !this.#closed && this.#pooled === undefined;
  }

  /** True while a transaction (begun explicitly or by the first statement) is open. */
  inTransaction(): boolean {
    return this.#transaction !== undefined;
  }

  /** True while a savepoint is open. */
  inNestedTransaction(): boolean {
    return this.#savepoints.length > 0;
  }

  /** The driver's own connection object, for work Athanor does not cover. */
  get driverConnection(): unknown {
    return this.#driver().raw;
  }

  /** The isolation level the next transaction begins with (`undefined`: the database default). */
  get isolationLevel(): IsolationLevel | undefined {
    return this.#isolationLevel;
  }

  /** Sets the isolation level of the transactions this connection begins from now on. */
  setIsolationLevel(level: IsolationLevel | undefined): void {
    this.#assertUsable();
    if (this.#transaction !== undefined) {
      throw new InvalidRequestError("Cannot change the isolation level inside a transaction; commit or roll back first.");
    }
    if (level !== undefined) this.engine.assertIsolationLevel(level);
    this.#isolationLevel = level;
  }

  /**
   * The isolation level of the current transaction: the level this connection
   * began it with when one was set, otherwise what the database reports for the
   * session. (MySQL applies `SET TRANSACTION ISOLATION LEVEL` to the next
   * transaction only and never reports it back, so asking the server would be
   * wrong there.)
   */
  async getIsolationLevel(): Promise<string> {
    if (this.#transaction !== undefined && this.#isolationLevel !== undefined && this.#isolationLevel !== "AUTOCOMMIT") {
      return this.#isolationLevel;
    }
    const result = await this.execDriverSql(this.engine.dialect.isolationLevelQuery);
    return isolationLevelName(result.scalar());
  }

  /**
   * Runs a statement. With a list of parameter sets, runs it once per set as
   * a batch (executemany) and returns no rows.
   *
   * @example
   * ```ts
   * const result = await conn.execute(text("select id, name from users where id = :id"), { id: 1 });
   * const row = result.one();
   * ```
   */
  async execute<S extends Executable>(statement: S, params?: Params | readonly Params[]): Promise<Result<RowOf<S>, ScalarOf<S>>> {
    if (Array.isArray(params) && params.length > 1 && this.engine.dialect.capabilities.insertManyValues && isBatchableInsert(statement)) {
      return this.#insertManyValues(statement, params as readonly Params[]) as unknown as Promise<Result<RowOf<S>, ScalarOf<S>>>;
    }
    const { compiled, cached } = this.engine.compileCached(withParameterValues(statement, params));
    if (Array.isArray(params)) return this.#executeMany(compiled, cached, params as readonly Params[]);
    const positional = bindValues(compiled, params as Params | undefined);
    const readOnly = compiled.readOnly === true;
    const driver = this.#prepareNow(readOnly) ?? (await this.#prepareLater(readOnly));
    return await this.#run<RowOf<S>, ScalarOf<S>>(driver, compiled, positional, cached);
  }

  /**
   * `conn.execute(insert(t), rows)` on a server database: multi-row INSERTs
   * (sized by `Insert._rowsPerStatement`, as the ORM's flush sizes its own)
   * instead of one round trip per row. The rowcount is the sum; no rows are returned, as for any
   * executemany.
   */
  async #insertManyValues(statement: Insert, paramSets: readonly Params[]): Promise<Result> {
    const perStatement = Insert._rowsPerStatement(Object.keys(paramSets[0] as Params).length);
    let rowcount = 0;
    for (let i = 0; i < paramSets.length; i += perStatement) {
      const chunk = paramSets.slice(i, i + perStatement);
      rowcount += (await this.execute(statement.values(chunk as never))).rowcount;
    }
    return new Result(resultMeta([], undefined), [], rowcount, undefined);
  }

  /**
   * @internal Runs an already compiled statement with its values in
   * placeholder order (the ORM's flush reuses one compiled multi-row INSERT
   * for every batch of the same shape). Bind processors are applied here; the
   * array is converted in place.
   */
  async _executeCompiled(compiled: CompiledSQL, values: unknown[]): Promise<Result> {
    const processors = compiled.bindProcessors;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value === undefined) throw new ArgumentError(`The value of bind parameter "${compiled.bindNames[i] ?? i}" is undefined; use null for SQL NULL.\n[SQL: ${compiled.sql}]`);
      const processor = processors[i];
      if (processor !== undefined && value !== null) values[i] = processor(value);
    }
    const driver = await this.#prepare(false);
    return this.#run(driver, compiled, values, true);
  }

  /**
   * Runs a statement and streams its rows through a server-side cursor (where
   * the driver has one), so memory stays flat however many rows there are.
   * Nothing else can run on this connection until the result is exhausted or closed.
   */
  async stream<S extends Executable>(
    statement: S,
    params?: Params,
    options: StreamOptions = {},
  ): Promise<StreamingResult<RowOf<S>>> {
    const { compiled, cached } = this.engine.compileCached(statement);
    const positional = bindValues(compiled, params);
    const batchSize = options.batchSize ?? this.engine.streamBatchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError(`batchSize must be a positive integer, got ${batchSize}.`);
    // A cursor lives in a transaction (PostgreSQL's portals do): begin it first.
    const driver = await this.#prepare(false);
    const context = this.#beforeExecute(compiled.sql, positional, false, cached);
    let cursor;
    try {
      cursor = await driver.openCursor(compiled.sql, positional, batchSize);
    } catch (error) {
      throw await this.#handleError(error, compiled.sql, positional);
    }
    this.#cursorOpen = true;
    if (context !== undefined) this.engine.events.emit("afterExecute", context, -1);
    return new StreamingResult<RowOf<S>>(
      cursor,
      resultMeta(cursor.columns, compiled.resultTypes),
      () => {
        this.#cursorOpen = false;
      },
      (error) => this.#handleError(error, compiled.sql, positional),
    );
  }

  /**
   * Runs SQL exactly as given, with positional parameters in the driver's own
   * placeholder style (`$1` on PostgreSQL, `?` elsewhere): the escape hatch.
   */
  async execDriverSql(sql: string, params: readonly unknown[] = []): Promise<Result> {
    if (typeof sql !== "string") throw new ArgumentError("execDriverSql expects a SQL string.");
    const driver = await this.#prepare(false);
    const compiled: CompiledSQL = { sql, bindNames: [], bindProcessors: [], boundValues: {}, resultTypes: undefined };
    return this.#run(driver, compiled, params, false);
  }

  /**
   * Begins a transaction explicitly. Without a function, returns the
   * {@link Transaction}; with one, runs it, commits when it resolves and rolls
   * back when it throws.
   */
  begin(): Promise<Transaction>;
  begin<R>(fn: (connection: Connection) => Promise<R>): Promise<R>;
  async begin<R>(fn?: (connection: Connection) => Promise<R>): Promise<Transaction | R> {
    this.#assertUsable();
    if (this.#transaction !== undefined) {
      throw new InvalidRequestError(
        "A transaction is already begun on this connection (statements begin one by themselves). " +
          "Commit or roll it back first, or use beginNested() for a savepoint.",
      );
    }
    await this.#prepare(true);
    const transaction = this.#transaction as unknown as Transaction;
    return fn === undefined ? transaction : runInTransaction(transaction, () => fn(this));
  }

  /**
   * Begins a savepoint (beginning the outer transaction first if none is open).
   * Without a function, returns the {@link NestedTransaction}; with one, runs it,
   * releases the savepoint when it resolves and rolls back to it when it throws.
   */
  beginNested(): Promise<NestedTransaction>;
  beginNested<R>(fn: (connection: Connection) => Promise<R>): Promise<R>;
  async beginNested<R>(fn?: (connection: Connection) => Promise<R>): Promise<NestedTransaction | R> {
    if (!this.engine.dialect.capabilities.savepoints) {
      throw new NotSupportedError(`The ${this.engine.dialect.name} dialect does not support savepoints.`);
    }
    const driver = await this.#prepare(false);
    const name = `sa_savepoint_${++this.#savepointCounter}`;
    await this.#control(driver, this.engine.dialect.savepointStatement(name));
    const nested = new NestedTransaction(this, name);
    this.#savepoints.push(nested);
    return fn === undefined ? nested : runInTransaction(nested, () => fn(this));
  }

  /** Commits the open transaction; does nothing when none is open. */
  async commit(): Promise<void> {
    this.#assertOpen();
    if (this.#transaction === undefined) return;
    this.#assertNoPendingRollback();
    const driver = this.#driver();
    if (this.#holdsServerTransaction()) await this.#control(driver, this.engine.dialect.commitStatement);
    this.#endTransaction();
    if (this.#pooled !== undefined) this.#pooled.resetNeeded = false;
    this.engine.events.emit("commit", this);
  }

  /** Rolls back the open transaction (and clears a pending rollback); does nothing when none is open. */
  async rollback(): Promise<void> {
    this.#assertOpen();
    if (this.#transaction === undefined) return;
    const pooled = this.#pooled;
    const onServer = this.#holdsServerTransaction();
    this.#endTransaction();
    this.#pendingRollback = undefined;
    if (pooled !== undefined && onServer) {
      try {
        this.engine.logStatement(this.engine.dialect.rollbackStatement, [], undefined);
        await pooled.connection.execute(this.engine.dialect.rollbackStatement, []);
        pooled.resetNeeded = false;
      } catch (error) {
        // A connection whose ROLLBACK failed is in an unknown state: never reuse it.
        this.#pooled = undefined;
        await pooled.invalidate(error, true);
        throw await this.#wrap(error, this.engine.dialect.rollbackStatement, []);
      }
    }
    this.engine.events.emit("rollback", this);
  }

  /**
   * Rolls back anything not committed and returns the connection to the pool.
   * Idempotent; the connection cannot be used afterwards.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#endTransaction();
    const pooled = this.#pooled;
    this.#pooled = undefined;
    // The pool rolls back an open transaction on return, and discards the connection if that fails.
    if (pooled !== undefined) await pooled.release();
  }

  /**
   * Discards the driver connection (it is closed, not returned to the pool).
   * Outside a transaction the next statement uses a fresh connection.
   */
  async invalidate(reason?: unknown): Promise<void> {
    this.#assertOpen();
    const pooled = this.#pooled;
    this.#pooled = undefined;
    if (this.#holdsServerTransaction()) {
      this.#pendingRollback = new InvalidRequestError("The connection was invalidated inside a transaction.");
    }
    if (pooled !== undefined) await pooled.invalidate(reason);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  toString(): string {
    return `Connection(${this.engine.url.toString()}${this.#closed ? ", closed" : ""})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /** @internal Releases or rolls back to a savepoint, closing the ones opened after it. */
  async _endSavepoint(nested: NestedTransaction, commit: boolean): Promise<void> {
    const index = this.#savepoints.indexOf(nested);
    if (index < 0) throw new InvalidRequestError("This savepoint is no longer active.");
    for (const inner of this.#savepoints.splice(index)) inner._deactivate();
    const dialect = this.engine.dialect;
    const driver = this.#driver();
    if (commit) await this.#control(driver, dialect.releaseSavepointStatement(nested.name));
    else if (this.#pendingRollback === undefined) await this.#control(driver, dialect.rollbackToSavepointStatement(nested.name));
  }

  /** @internal Whether a savepoint is still on the stack. */
  _hasSavepoint(nested: NestedTransaction): boolean {
    return this.#savepoints.includes(nested);
  }

  /** @internal Whether this root transaction is still the open one. */
  _isCurrent(transaction: Transaction): boolean {
    return this.#transaction === transaction;
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new ResourceClosedError("This connection is closed; get a new one with engine.connect().", {
        code: "connection-closed",
      });
    }
  }

  #assertNoPendingRollback(): void {
    if (this.#pendingRollback !== undefined) {
      throw new PendingRollbackError(
        "This connection's transaction was lost (the connection was invalidated or a commit failed). " +
          `Call rollback() before using it again. Original error: ${this.#pendingRollback.message}`,
        { cause: this.#pendingRollback },
      );
    }
  }

  #assertUsable(): void {
    this.#assertOpen();
    this.#assertNoPendingRollback();
    if (this.#cursorOpen) {
      throw new InvalidRequestError(
        "A streaming result is still open on this connection; read it to the end or close() it first.",
      );
    }
  }

  #driver(): DriverConnection {
    this.#assertOpen();
    const pooled = this.#pooled;
    if (pooled === undefined) {
      throw new InvalidRequestError("This connection was invalidated; run a statement (or rollback()) to reconnect.");
    }
    return pooled.connection;
  }

  /**
   * Checks the state, reconnects after an invalidation and begins the
   * transaction if needed. `readOnly`: the statement about to run cannot
   * write, so its BEGIN may wait (see the engine option `deferBegin`).
   */
  async #prepare(readOnly: boolean): Promise<DriverConnection> {
    return this.#prepareNow(readOnly) ?? this.#prepareLater(readOnly);
  }

  /**
   * The synchronous path of {@link #prepare}: the driver connection when it is
   * checked out and no BEGIN has to be awaited before this statement, else
   * undefined. Statements run through it without an extra await per call.
   */
  #prepareNow(readOnly: boolean): DriverConnection | undefined {
    this.#assertUsable();
    const pooled = this.#pooled;
    return pooled !== undefined && this.#readyWithoutServer(readOnly) ? pooled.connection : undefined;
  }

  async #prepareLater(readOnly: boolean): Promise<DriverConnection> {
    if (this.#pooled === undefined) this.#pooled = await this.engine.pool.checkout();
    if (!this.#readyWithoutServer(readOnly)) await this.#ensureTransaction(readOnly);
    return this.#pooled.connection;
  }

  /**
   * Whether the statement can run without awaiting a BEGIN: the transaction is
   * open on the server, a read may still precede its BEGIN, or it can begin
   * here without the server. A BEGIN already under way is left to
   * {@link #ensureTransaction}, which waits for it.
   */
  #readyWithoutServer(readOnly: boolean): boolean {
    if (this.#begunOnServer || (readOnly && this.#readsBeforeBegin)) return true;
    return this.#beginning === undefined && this.#beginWithoutServer(readOnly);
  }

  /**
   * Begins the transaction when nothing needs to go to the server (AUTOCOMMIT,
   * or a read that may precede BEGIN at a level already known), and says
   * whether it did.
   */
  #beginWithoutServer(readOnly: boolean): boolean {
    const autocommit = this.#isolationLevel === "AUTOCOMMIT";
    if (!autocommit && !(readOnly && this.engine._readsMayPrecedeBeginKnown(this.#isolationLevel) === true)) return false;
    this.#startTransaction();
    if (autocommit) this.#begunOnServer = true;
    else this.#readsBeforeBegin = true;
    return true;
  }

  /** The Transaction object of a transaction begun now (once per transaction, with the `begin` event). */
  #startTransaction(): void {
    if (this.#transaction === undefined) {
      this.#transaction = new Transaction(this);
      this.engine.events.emit("begin", this);
    }
  }

  async #ensureTransaction(readOnly: boolean): Promise<void> {
    // Two statements started together must not both send BEGIN.
    while (this.#beginning !== undefined) await this.#beginning;
    if (this.#begunOnServer) return;
    const beginning = this.#beginTransaction(readOnly);
    this.#beginning = beginning;
    try {
      await beginning;
    } finally {
      this.#beginning = undefined;
    }
  }

  async #beginTransaction(readOnly: boolean): Promise<void> {
    if (this.#beginWithoutServer(readOnly)) return;
    const pooled = this.#pooled as PooledConnection<DriverConnection>;
    this.#startTransaction();
    // Here the level is not known yet (asked once per engine) or does not let reads precede BEGIN.
    if (readOnly && (this.engine._readsMayPrecedeBeginKnown(this.#isolationLevel) ?? (await this.#learnDefaultLevel(pooled)))) {
      this.#readsBeforeBegin = true;
      return;
    }
    pooled.resetNeeded = true;
    for (const sql of this.engine.dialect.beginStatements(this.#isolationLevel)) {
      await this.#control(pooled.connection, sql);
    }
    this.#begunOnServer = true;
  }

  async #learnDefaultLevel(pooled: PooledConnection<DriverConnection>): Promise<boolean> {
    try {
      return await this.engine._learnDefaultLevel(pooled.connection);
    } catch (error) {
      throw await this.#handleError(error, this.engine.dialect.defaultIsolationQuery ?? "", []);
    }
  }

  /** True when a transaction is open on the server (under AUTOCOMMIT nothing is, and nothing can be lost). */
  #holdsServerTransaction(): boolean {
    return this.#transaction !== undefined && this.#begunOnServer && this.#isolationLevel !== "AUTOCOMMIT";
  }

  #endTransaction(): void {
    this.#begunOnServer = false;
    this.#readsBeforeBegin = false;
    this.#transaction?._deactivate();
    this.#transaction = undefined;
    for (const nested of this.#savepoints.splice(0)) nested._deactivate();
  }

  /** Runs a transaction-control statement, logged like any other. */
  async #control(driver: DriverConnection, sql: string): Promise<void> {
    this.engine.logStatement(sql, [], undefined);
    try {
      await driver.execute(sql, []);
    } catch (error) {
      throw await this.#handleError(error, sql, []);
    }
  }

  async #run<T, S = T[keyof T]>(driver: DriverConnection, compiled: CompiledSQL, params: readonly unknown[], cached: boolean | undefined): Promise<Result<T, S>> {
    const context = this.#beforeExecute(compiled.sql, params, false, cached);
    let raw;
    try {
      raw = await driver.execute(compiled.sql, params);
    } catch (error) {
      throw await this.#handleError(error, compiled.sql, params);
    }
    if (context !== undefined) this.engine.events.emit("afterExecute", context, raw.rowcount);
    if (this.engine.echo === "debug") this.engine.logRows(raw.columns, raw.rows);
    return new Result<T, S>(resultMeta(raw.columns, compiled.resultTypes), raw.rows, raw.rowcount, raw.lastInsertId);
  }

  async #executeMany<T, S>(compiled: CompiledSQL, cached: boolean | undefined, paramSets: readonly Params[]): Promise<Result<T, S>> {
    const byNameOnly = bindsByNameOnly(compiled);
    const positional = paramSets.map(
      (params) => (byNameOnly && typeof params === "object" && params !== null && bindGiven(compiled, params)) || bindValues(compiled, params),
    );
    const driver = await this.#prepare(false);
    const context = this.#beforeExecute(compiled.sql, positional, true, cached);
    let raw;
    try {
      raw = await driver.executeMany(compiled.sql, positional);
    } catch (error) {
      throw await this.#handleError(error, compiled.sql, positional[0]);
    }
    if (context !== undefined) this.engine.events.emit("afterExecute", context, raw.rowcount);
    return new Result<T, S>(resultMeta(raw.columns, compiled.resultTypes), raw.rows, raw.rowcount, raw.lastInsertId);
  }

  #beforeExecute(
    sql: string,
    params: readonly unknown[] | readonly (readonly unknown[])[],
    executemany: boolean,
    cached: boolean | undefined,
  ): ExecuteContext | undefined {
    if (this.engine.echo !== false) {
      if (executemany) this.engine.logStatement(sql, (params[0] as unknown[] | undefined) ?? [], cached, params.length);
      else this.engine.logStatement(sql, params as unknown[], cached);
    }
    const events = this.engine.events;
    if (!events.has("beforeExecute") && !events.has("afterExecute")) return undefined;
    const context: ExecuteContext = { connection: this, sql, params, executemany };
    events.emit("beforeExecute", context);
    return context;
  }

  /** Wraps a driver error, lets listeners see it, and invalidates the connection on a disconnect. */
  async #handleError(error: unknown, sql: string, params: readonly unknown[] | undefined): Promise<unknown> {
    const context = this.engine._errorContext(error, sql, params, this);
    if (context.isDisconnect) {
      const pooled = this.#pooled;
      this.#pooled = undefined;
      if (this.#holdsServerTransaction()) this.#pendingRollback = context.error;
      if (pooled !== undefined) await pooled.invalidate(context.error, true);
    }
    return context.error;
  }

  async #wrap(error: unknown, sql: string, params: readonly unknown[]): Promise<unknown> {
    return this.engine._errorContext(error, sql, params, this).error;
  }
}

/** An `insert(t)` given neither values() nor fromSelect(): its columns come from the parameters it runs with. */
function isInsertWithoutValues(statement: Executable): statement is Insert & Executable {
  return statement instanceof Insert && statement.state.rows === undefined && statement.state.fromSelect === undefined;
}

/** An `insert(t)` without values, RETURNING or upsert clause: its executemany can become multi-row INSERTs. */
function isBatchableInsert(statement: Executable): statement is Insert & Executable {
  if (!isInsertWithoutValues(statement)) return false;
  const state = statement.state;
  return state.returning.length === 0 && state.onConflict === undefined && state.onDuplicateKey === undefined;
}

/**
 * `insert(t)` without `values()`, run with parameters, inserts the columns the
 * parameters name (SQLAlchemy's executemany form: `conn.execute(insert(t),
 * rows)`); the first parameter set decides the columns, and every set must
 * have them.
 */
function withParameterValues<S extends Executable>(statement: S, params: Params | readonly Params[] | undefined): S {
  if (params === undefined || !isInsertWithoutValues(statement)) return statement;
  const first = Array.isArray(params) ? (params as readonly Params[])[0] : (params as Params);
  if (first === undefined) return statement;
  const keys = Object.keys(first);
  return keys.length === 0 ? statement : (statement._valuesFromParameters(keys) as unknown as S);
}

/** An isolation level as the server reports it (`repeatable-read`, `REPEATABLE-READ`) in the form the options use (`REPEATABLE READ`). @internal */
export function isolationLevelName(value: unknown): string {
  return String(value).replace(/-/g, " ").toUpperCase();
}

/**
 * Whether every bind of `compiled` can be read from the parameter set by name alone (no generated
 * values, no values taken from the statement, no name an object inherits): executemany then binds
 * each row with {@link bindGiven}, without {@link bindValues}' checks per value.
 */
function bindsByNameOnly(compiled: CompiledSQL): boolean {
  if (compiled.generated !== undefined || compiled.bindNames.some((name) => name in Object.prototype)) return false;
  // A cache hit carries the new statement's own values; none of them may stand for a bind here.
  if (compiled.keyValues === undefined) return true;
  return !(compiled.keyPositions?.some((p) => p !== undefined) ?? false) && !(compiled.keyGathers?.some((g) => g !== undefined) ?? false);
}

/** The row's values by name, converted; `undefined` when one is missing (bindValues then finds a default or explains). */
function bindGiven(compiled: CompiledSQL, params: Params): unknown[] | undefined {
  const names = compiled.bindNames;
  const processors = compiled.bindProcessors;
  const out = new Array<unknown>(names.length);
  for (let i = 0; i < names.length; i++) {
    const value = params[names[i] as string];
    if (value === undefined) return undefined;
    const processor = processors[i];
    out[i] = processor !== undefined && value !== null ? processor(value) : value;
  }
  return out;
}

/** Builds the positional parameter list of one execution. */
function bindValues(compiled: CompiledSQL, params: Params | undefined): unknown[] {
  const names = compiled.bindNames;
  const out = new Array<unknown>(names.length);
  const keyValues = compiled.keyValues;
  const keyPositions = compiled.keyPositions;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    let value: unknown;
    let gather: KeyGather | undefined;
    const position = keyValues === undefined ? undefined : keyPositions?.[i];
    const generated = compiled.generated;
    const generate = generated !== undefined && Object.hasOwn(generated, name) ? generated[name] : undefined;
    if (generate !== undefined) value = generate();
    else if (position !== undefined) value = (keyValues as readonly unknown[])[position];
    else if (keyValues !== undefined && (gather = compiled.keyGathers?.[i]) !== undefined) value = gatherKeyValues(keyValues, gather);
    else if (params !== undefined && Object.hasOwn(params, name)) value = params[name];
    else if (compiled.boundByPosition?.[i] !== undefined) value = compiled.boundByPosition[i];
    else if (Object.hasOwn(compiled.boundValues, name)) value = compiled.boundValues[name];
    else {
      throw new ArgumentError(
        `A value is required for bind parameter "${name}" (use null for SQL NULL).\n[SQL: ${compiled.sql}]` +
          (params === undefined ? "" : `\n[given: ${describeParams(Object.keys(params))}]`),
      );
    }
    if (value === undefined) {
      throw new ArgumentError(`The value of bind parameter "${name}" is undefined; use null for SQL NULL.\n[SQL: ${compiled.sql}]`);
    }
    const processor = compiled.bindProcessors[i];
    out[i] = processor !== undefined && value !== null ? processor(value) : value;
  }
  return out;
}

/** Runs `body` inside an open transaction: commit when it resolves, roll back when it throws. */
async function runInTransaction<R>(transaction: Transaction | NestedTransaction, body: () => Promise<R>): Promise<R> {
  let result: R;
  try {
    result = await body();
  } catch (error) {
    // The body's error matters more than a failed rollback, which has already invalidated the connection.
    if (transaction.isActive) await transaction.rollback().catch(() => undefined);
    throw error;
  }
  if (transaction.isActive) await transaction.commit();
  return result;
}

/**
 * The root transaction of a connection. `await using` rolls it back unless it
 * was committed: disposal cannot tell success from an exception, so commit
 * explicitly (or use the callback form of `begin`).
 */
export class Transaction implements AsyncDisposable {
  #active = true;

  /** @internal */
  constructor(readonly connection: Connection) {}

  /** True until committed or rolled back. */
  get isActive(): boolean {
    return this.#active && this.connection._isCurrent(this);
  }

  async commit(): Promise<void> {
    if (!this.isActive) throw new InvalidRequestError("This transaction is no longer active.");
    await this.connection.commit();
  }

  async rollback(): Promise<void> {
    if (!this.isActive) return;
    await this.connection.rollback();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.rollback();
  }

  /** @internal */
  _deactivate(): void {
    this.#active = false;
  }
}

/**
 * A savepoint. `commit` releases it, `rollback` rolls back to it; the outer
 * transaction goes on either way. `await using` rolls back unless committed.
 */
export class NestedTransaction implements AsyncDisposable {
  #active = true;

  /** @internal */
  constructor(
    readonly connection: Connection,
    /** The savepoint name. */
    readonly name: string,
  ) {}

  get isActive(): boolean {
    return this.#active && this.connection._hasSavepoint(this);
  }

  async commit(): Promise<void> {
    if (!this.isActive) throw new InvalidRequestError("This savepoint is no longer active.");
    await this.connection._endSavepoint(this, true);
  }

  async rollback(): Promise<void> {
    if (!this.isActive) return;
    await this.connection._endSavepoint(this, false);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.rollback();
  }

  /** @internal */
  _deactivate(): void {
    this.#active = false;
  }
}
