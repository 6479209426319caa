import { MultipleResultsFound, NoResultFound, ResourceClosedError } from "../errors/index.js";
import { passesUnchanged, type TypeEngine, type ValueProcessor } from "../sql/index.js";
import type { DriverColumn, DriverCursor } from "./interfaces.js";
import { rowFactory, type Row, type RowFactory } from "./row.js";

/** Metadata shared by the buffered and the streaming result. */
export interface ResultMeta {
  readonly columns: readonly DriverColumn[];
  /** Conversion per column position, where the statement declared a type. */
  readonly processors: readonly (ValueProcessor<unknown, unknown> | undefined)[] | undefined;
}

/**
 * Drivers that keep one column list per prepared statement hand back the same
 * frozen array on every run: what is derived from it (conversions, the row
 * class) is remembered with it.
 */
interface Derived {
  types: Readonly<Record<string, TypeEngine>> | undefined;
  meta: ResultMeta;
  factory?: RowFactory;
}
const derived = new WeakMap<readonly DriverColumn[], Derived>();

/** Builds the per-column conversions from the statement's declared result types. */
export function resultMeta(
  columns: readonly DriverColumn[],
  types: Readonly<Record<string, TypeEngine>> | undefined,
): ResultMeta {
  // Only a frozen list is reused by its driver (see DriverResult.columns): others would each add an entry.
  if (!Object.isFrozen(columns)) return buildMeta(columns, types);
  const known = derived.get(columns);
  if (known !== undefined && known.types === types) return known.meta;
  const meta = buildMeta(columns, types);
  derived.set(columns, { types, meta, factory: known?.factory });
  return meta;
}

function buildMeta(columns: readonly DriverColumn[], types: Readonly<Record<string, TypeEngine>> | undefined): ResultMeta {
  if (types === undefined) return { columns, processors: undefined };
  const processors = columns.map((c) => {
    const processor = types[c.name]?.resultProcessor(c.type) as ValueProcessor<unknown, unknown> | undefined;
    return processor === undefined || passesUnchanged(processor, c.valueKind) ? undefined : processor;
  });
  return { columns, processors: processors.some((p) => p !== undefined) ? processors : undefined };
}

/** The row class for a column list (see {@link derived}). */
function factoryFor(columns: readonly DriverColumn[]): RowFactory {
  const known = Object.isFrozen(columns) ? derived.get(columns) : undefined;
  if (known?.factory !== undefined) return known.factory;
  const factory = rowFactory(columns.map((c) => c.name));
  if (known !== undefined) known.factory = factory;
  return factory;
}

/** Applies the conversions to rows in place. */
function processRows(rows: unknown[][], processors: ResultMeta["processors"]): void {
  if (processors === undefined) return;
  for (const row of rows) {
    for (let i = 0; i < processors.length; i++) {
      const processor = processors[i];
      const value = row[i];
      if (processor !== undefined && value !== null && value !== undefined) row[i] = processor(value);
    }
  }
}

/**
 * The rows of a statement, fetched in full. Each consuming method (`all`,
 * `first`, `one`, ...) may be called once; `rowcount` and `lastInsertId` stay
 * readable.
 */
export class Result<T = Record<string, unknown>, S = T[keyof T]> implements Iterable<Row<T>> {
  /** Rows affected by INSERT/UPDATE/DELETE (matched rows on MySQL); rows returned for a SELECT. */
  readonly rowcount: number;
  /** The id of the last inserted row where the driver reports one (SQLite, MySQL); use RETURNING on PostgreSQL. */
  readonly lastInsertId: number | bigint | undefined;
  readonly #rows: unknown[][];
  readonly #columns: readonly DriverColumn[];
  #factory: RowFactory | undefined;
  #consumed = false;

  constructor(meta: ResultMeta, rows: unknown[][], rowcount: number, lastInsertId?: number | bigint) {
    processRows(rows, meta.processors);
    this.#rows = rows;
    this.#columns = meta.columns;
    this.rowcount = rowcount;
    this.lastInsertId = lastInsertId;
  }

  /** The column names of the result, in order. */
  keys(): string[] {
    return this.#columns.map((c) => c.name);
  }

  /** The columns as the driver described them. */
  get columns(): readonly DriverColumn[] {
    return this.#columns;
  }

  /** True when the statement returns rows (a SELECT, or DML with RETURNING). */
  get returnsRows(): boolean {
    return this.#columns.length > 0;
  }

  /** Every row. */
  all(): Row<T>[] {
    const rows = this.take();
    const make = this.factory();
    const out = new Array<Row<T>>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = make(rows[i] as unknown[]) as unknown as Row<T>;
    return out;
  }

  /** The first row, or `null` when there is none; the other rows are discarded. */
  first(): Row<T> | null {
    const rows = this.take();
    return rows.length === 0 ? null : (this.factory()(rows[0] as unknown[]) as unknown as Row<T>);
  }

  /** Exactly one row: raises {@link NoResultFound} or {@link MultipleResultsFound} otherwise. */
  one(): Row<T> {
    const row = this.oneOrNone();
    if (row === null) throw new NoResultFound();
    return row;
  }

  /** One row or `null`; raises {@link MultipleResultsFound} when there are more. */
  oneOrNone(): Row<T> | null {
    const rows = this.take();
    if (rows.length > 1) throw new MultipleResultsFound();
    return rows.length === 0 ? null : (this.factory()(rows[0] as unknown[]) as unknown as Row<T>);
  }

  /** The first column of the first row, or `null` when there is no row. */
  scalar(): S | null {
    const rows = this.take();
    return rows.length === 0 ? null : ((rows[0] as unknown[])[0] as S);
  }

  /** The first column's value of exactly one row (see {@link one}). */
  scalarOne(): S {
    return this.one()._tuple()[0] as S;
  }

  /** A result over one column's values: the first by default, or the one named or at the given position. */
  scalars(): ScalarResult<S>;
  scalars<K extends keyof T & string>(column: K): ScalarResult<T[K]>;
  scalars(column: number): ScalarResult<unknown>;
  scalars(column?: string | number): ScalarResult<unknown> {
    const rows = this.take();
    const index = this.columnIndex(column);
    return new ScalarResult(rows.map((row) => row[index]));
  }

  /** The rows as plain objects from column name to value. */
  mappings(): T[] {
    return this.all().map((row) => row._asObject());
  }

  /** The rows in lists of at most `size`. */
  *partitions(size: number): Generator<Row<T>[]> {
    const rows = this.all();
    for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
  }

  [Symbol.iterator](): Iterator<Row<T>> {
    return this.all()[Symbol.iterator]();
  }

  /** @internal The raw value arrays (consumes the result): the ORM builds its objects from them. */
  _takeRows(): unknown[][] {
    return this.take();
  }

  private take(): unknown[][] {
    if (this.#consumed) {
      throw new ResourceClosedError("This result has already been consumed; call all() once and keep the rows.", {
        code: "result-consumed",
      });
    }
    this.#consumed = true;
    return this.#rows;
  }

  private factory(): RowFactory {
    this.#factory ??= factoryFor(this.#columns);
    return this.#factory;
  }

  private columnIndex(column: string | number | undefined): number {
    if (column === undefined) return 0;
    if (typeof column === "number") return column;
    const index = this.#columns.findIndex((c) => c.name === column);
    if (index < 0) throw new ResourceClosedError(`No column named ${JSON.stringify(column)} in this result.`);
    return index;
  }
}

/** The values of one column of a result. */
export class ScalarResult<V> implements Iterable<V> {
  constructor(readonly values: V[]) {}
  all(): V[] {
    return this.values;
  }
  first(): V | null {
    return this.values.length === 0 ? null : (this.values[0] as V);
  }
  one(): V {
    if (this.values.length === 0) throw new NoResultFound();
    if (this.values.length > 1) throw new MultipleResultsFound();
    return this.values[0] as V;
  }
  oneOrNone(): V | null {
    if (this.values.length > 1) throw new MultipleResultsFound();
    return this.first();
  }
  /**
   * The values without repeats (the first of each kept, in order; objects
   * compared by identity): the parents of a `joinedload` of a collection
   * come once per child row otherwise.
   */
  unique(): ScalarResult<V> {
    return new ScalarResult([...new Set(this.values)]);
  }
  [Symbol.iterator](): Iterator<V> {
    return this.values[Symbol.iterator]();
  }
}

/**
 * The rows of a statement, read from a server-side cursor in batches as they
 * are consumed, so memory stays flat however many rows there are. Consume it
 * with `for await`, or with `partitions`, `all`, `first`...; the connection can
 * run nothing else until it is exhausted or closed.
 */
export class StreamingResult<T = Record<string, unknown>> implements AsyncIterable<Row<T>>, AsyncDisposable {
  readonly #cursor: DriverCursor;
  readonly #meta: ResultMeta;
  readonly #onClose: () => void;
  readonly #wrapError: (error: unknown) => Promise<unknown>;
  #factory: RowFactory | undefined;
  #closed = false;
  #started = false;

  /** @internal */
  constructor(cursor: DriverCursor, meta: ResultMeta, onClose: () => void, wrapError: (error: unknown) => Promise<unknown>) {
    this.#cursor = cursor;
    this.#meta = meta;
    this.#onClose = onClose;
    this.#wrapError = wrapError;
  }

  keys(): string[] {
    return this.#meta.columns.map((c) => c.name);
  }

  /** True once exhausted or closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Yields the rows in lists of at most `size` (each list is one fetch when `size` equals the batch size). */
  async *partitions(size?: number): AsyncGenerator<Row<T>[]> {
    let pending: Row<T>[] = [];
    for await (const batch of this.batches()) {
      if (size === undefined) {
        yield batch;
        continue;
      }
      pending = pending.length === 0 ? batch : pending.concat(batch);
      while (pending.length >= size) {
        yield pending.slice(0, size);
        pending = pending.slice(size);
      }
    }
    if (pending.length > 0) yield pending;
  }

  /**
   * Row by row. Written by hand rather than as an async generator: a
   * generator's `yield` costs several promises per row, which over a million
   * rows was most of the time spent outside the driver. Here a row of the
   * current batch costs one resolved promise.
   */
  [Symbol.asyncIterator](): AsyncIterator<Row<T>> {
    const batches = this.batches();
    let batch: Row<T>[] = [];
    let index = 0;
    const nextBatch = async (): Promise<IteratorResult<Row<T>>> => {
      for (;;) {
        const step = await batches.next();
        if (step.done === true) return { done: true, value: undefined };
        batch = step.value;
        index = 0;
        if (batch.length > 0) return { done: false, value: batch[index++] as Row<T> };
      }
    };
    return {
      next: (): Promise<IteratorResult<Row<T>>> =>
        index < batch.length ? Promise.resolve({ done: false, value: batch[index++] as Row<T> }) : nextBatch(),
      // `break` in a for-await loop lands here: the cursor is closed and the connection freed.
      return: async (): Promise<IteratorResult<Row<T>>> => {
        batch = [];
        await batches.return(undefined);
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  /** Reads every remaining row into memory. */
  async all(): Promise<Row<T>[]> {
    const out: Row<T>[] = [];
    for await (const batch of this.batches()) for (const row of batch) out.push(row);
    return out;
  }

  /** The first row (or `null`), then closes the cursor. */
  async first(): Promise<Row<T> | null> {
    for await (const batch of this.batches()) {
      await this.close();
      return batch[0] ?? null;
    }
    return null;
  }

  /** The values of one column, streamed. */
  async *scalars(column: number = 0): AsyncGenerator<unknown> {
    for await (const batch of this.batches()) for (const row of batch) yield row[column];
  }

  /** The rows as plain objects, streamed. */
  async *mappings(): AsyncGenerator<T> {
    for await (const batch of this.batches()) for (const row of batch) yield row._asObject();
  }

  /** Closes the cursor early; the connection is free again. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#cursor.close();
    } finally {
      this.#onClose();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async *batches(): AsyncGenerator<Row<T>[]> {
    if (this.#started) {
      throw new ResourceClosedError("This streaming result is already being consumed.", { code: "result-consumed" });
    }
    this.#started = true;
    this.#factory ??= factoryFor(this.#meta.columns);
    const make = this.#factory;
    try {
      while (!this.#closed) {
        let rows: unknown[][] | null;
        try {
          rows = await this.#cursor.next();
        } catch (error) {
          throw await this.#wrapError(error);
        }
        if (rows === null) break;
        processRows(rows, this.#meta.processors);
        yield rows.map((values) => make(values) as unknown as Row<T>);
      }
    } finally {
      await this.close();
    }
  }
}
