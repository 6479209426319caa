/**
 * DML statements: INSERT (one row, many rows, from a SELECT, upserts), UPDATE
 * and DELETE, each with WHERE / `filterBy` and RETURNING where the database has
 * it. Like SELECT, every statement is immutable: each method returns a new one.
 *
 * @module
 */
import { ArgumentError } from "../../errors/index.js";
import { Integer } from "../types/sqltypes.js";
import type { ColumnElement } from "./expressions.js";
import { BindParameter, ClauseElement, LiteralColumn, coerce, type AnyColumn } from "./expressions.js";
import { ColumnClause, FromClause, TableClause, type AnyColumnClause, type ColumnCollection, type RebindColumns, type SelectLike } from "./from-clause.js";
import { CompoundSelect, Exists, ScalarSelect, Select, type SelectItem, type SelectRow } from "./select.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTable = TableClause<any, string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFrom = FromClause<any, string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyExpression = ColumnElement<any, string>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** What a column accepts as a value in INSERT / UPDATE: a value of its type, or any SQL expression. */
export type DMLValue<Col> = (Col extends { readonly _type: infer T } ? T : never) | AnyExpression;

/**
 * True when a column must be given in an INSERT. Lightweight `table()` columns
 * never are; a column class marks required ones with a phantom, either
 * `_insert: "required"` (schema's Column: not nullable, no default, not an
 * auto-increment key) or `_required: true`.
 */
type IsRequired<Col> = Col extends { readonly _insert: "required" } | { readonly _required: true } ? true : false;

/** The values of one INSERT row for the columns `C`: required columns first, the rest optional. */
export type InsertValues<C extends ColumnCollection> = Simplify<
  { [K in keyof C as IsRequired<C[K]> extends true ? K : never]: DMLValue<C[K]> } & {
    [K in keyof C as IsRequired<C[K]> extends true ? never : K]?: DMLValue<C[K]>;
  }
>;

/** The SET values of an UPDATE (or of an upsert's update) for the columns `C`: all optional. */
export type UpdateValues<C extends ColumnCollection> = { [K in keyof C]?: DMLValue<C[K]> };

/** The columns of a table. */
type ColumnsOf<T extends AnyTable> = T["c"];

/** The row type of a DML statement without RETURNING: it yields no rows. */
export type NoRows = Record<string, never>;

// ---------------------------------------------------------------------------------------------
// The EXCLUDED / VALUES() pseudo-table of upserts
// ---------------------------------------------------------------------------------------------

/**
 * A column of the row proposed for insertion in an upsert: `excluded.col` on
 * PostgreSQL and SQLite, `VALUES(col)` on MySQL/MariaDB.
 */
export class ExcludedColumn<T = unknown, N extends string = string> extends ColumnClause<T, N, "excluded"> {
  override readonly kind: string = "excluded_column";
}

/** The proposed row of an upsert, as a FROM-like element with typed `.c` columns. */
export class Excluded<C extends ColumnCollection = ColumnCollection> extends FromClause<C, "excluded"> {
  readonly kind: string = "excluded";
  readonly c: C;
  readonly name = "excluded";
  constructor(readonly table: AnyTable) {
    super();
    this.c = Object.freeze(
      Object.fromEntries(Object.entries(table.c as ColumnCollection).map(([key, col]) => [key, new ExcludedColumn(col.name, col.type, this)])),
    ) as unknown as C;
    Object.freeze(this);
  }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

function describeTable(table: AnyTable): string {
  return `"${table.fullName}"`;
}

/** The column of `table` under `key`, or an ArgumentError naming the table's columns. */
function columnOf(table: AnyTable, key: string, what: string): AnyColumnClause {
  const col = Object.prototype.hasOwnProperty.call(table.c, key) ? (table.c as ColumnCollection)[key] : undefined;
  if (col === undefined) {
    throw new ArgumentError(`${what}: table ${describeTable(table)} has no column "${key}". Columns: ${Object.keys(table.c).join(", ")}.`);
  }
  return col;
}

/** Rows of one multi-row INSERT at most: the statement text and the server's parsing stay moderate. */
const MAX_ROWS_PER_INSERT = 1_000;

/** Parameters of one multi-row INSERT at most: under every driver's limit (PostgreSQL and MySQL take 65,535). */
const MAX_PARAMS_PER_INSERT = 30_000;

/**
 * Column values in order, as `[key, value]` pairs. Plain arrays (not Maps) so
 * that the statement cache key, which walks the tree, sees every column.
 */
export type Assignments = readonly (readonly [string, ClauseElement])[];

/** `a` with the keys of `b` replaced in place and its new keys appended (later values win). */
function mergeAssignments(a: Assignments, b: Assignments): Assignments {
  const out = a.map((pair) => b.find(([key]) => key === pair[0]) ?? pair);
  for (const pair of b) if (!a.some(([key]) => key === pair[0])) out.push(pair);
  return out;
}

/** Whether a row's columns are `keys`, in that order (the common case of a multi-row insert: nothing to reorder). */
function sameKeys(row: Assignments, keys: readonly string[]): boolean {
  if (row.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if ((row[i] as readonly [string, ClauseElement])[0] !== keys[i]) return false;
  return true;
}

/** Row `index` of a multi-row insert in the first row's column order, or an ArgumentError naming the columns it lacks or adds. */
function reorderRow(row: Assignments, keys: readonly string[], index: number): Assignments {
  const missing = keys.filter((k) => !row.some(([key]) => key === k));
  const extra = row.map(([key]) => key).filter((k) => !keys.includes(k));
  if (missing.length > 0 || extra.length > 0) {
    throw new ArgumentError(
      `insert().values(): every row of a multi-row insert needs the same columns as the first (${keys.join(", ")}); ` +
        `row ${index} ${missing.length > 0 ? `lacks ${missing.join(", ")}` : `adds ${extra.join(", ")}`}.`,
    );
  }
  return keys.map((k) => row.find(([key]) => key === k) as readonly [string, ClauseElement]);
}

/** Turns `{ key: value }` into `[key, bound value or expression]` pairs, in the given order. */
function coerceValues(table: AnyTable, values: Readonly<Record<string, unknown>>, what: string): Assignments {
  if (values === null || typeof values !== "object" || Array.isArray(values)) {
    throw new ArgumentError(`${what} takes an object of column values, got ${Array.isArray(values) ? "an array" : JSON.stringify(values)}.`);
  }
  const out: (readonly [string, ClauseElement])[] = [];
  for (const key in values) {
    if (!Object.hasOwn(values, key)) continue;
    const col = columnOf(table, key, what);
    const value = values[key];
    if (value === undefined) continue; // an absent optional value, as with object spreads
    out.push([key, coerce(value, col.type)]);
  }
  return out;
}

function selectItemOf(item: SelectItem): ClauseElement {
  if (item instanceof ClauseElement) return item;
  if (typeof item === "number" && Number.isSafeInteger(item)) return new LiteralColumn(String(item), new Integer());
  throw new ArgumentError(`returning() takes columns, expressions or tables; got ${JSON.stringify(item)}.`);
}

/** The RETURNING columns by result key (tables expanded to their columns). @internal */
export function returningColumns(items: readonly ClauseElement[]): (readonly [string, AnyColumn])[] {
  const out: (readonly [string, AnyColumn])[] = [];
  let anon = 0;
  for (const item of items) {
    if (item instanceof FromClause) {
      for (const [key, col] of Object.entries(item.c as ColumnCollection)) out.push([key, col]);
    } else {
      const col = item as AnyColumn;
      out.push([col.key ?? `anon_${++anon}`, col]);
    }
  }
  return out;
}

/**
 * The tables other than `target` that the expressions refer to (outside
 * subqueries): the extra FROM elements of UPDATE ... FROM / DELETE ... USING.
 */
function otherTables(target: AnyTable, expressions: readonly ClauseElement[]): AnyFrom[] {
  const found: AnyFrom[] = [];
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (!(node instanceof ClauseElement) || seen.has(node)) return;
    seen.add(node);
    if (node instanceof ExcludedColumn) return;
    if (node instanceof ColumnClause) {
      const table = node.table;
      if (table !== undefined && table !== target && !(table instanceof Excluded) && !found.includes(table as AnyFrom)) found.push(table as AnyFrom);
      return;
    }
    if (node instanceof FromClause) return;
    // Subqueries have their own FROM lists.
    if (node instanceof ScalarSelect || node instanceof Exists || node instanceof Select || node instanceof CompoundSelect) return;
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const v of value) {
          if (Array.isArray(v)) for (const w of v) visit(w);
          else visit(v);
        }
      } else visit(value);
    }
  };
  for (const e of expressions) visit(e);
  return found;
}

// ---------------------------------------------------------------------------------------------
// INSERT
// ---------------------------------------------------------------------------------------------

/** The conflict target of an upsert: columns (of a unique index) or a constraint name (PostgreSQL). */
export type ConflictTarget<C extends ColumnCollection = ColumnCollection> =
  | C[keyof C]
  | readonly C[keyof C][]
  | (keyof C & string)
  | readonly (keyof C & string)[]
  | { readonly constraint: string };

/** Options of {@link Insert.onConflictDoNothing}. */
export interface OnConflictDoNothingOptions<C extends ColumnCollection = ColumnCollection> {
  /** The unique index (its columns) or constraint whose conflict is ignored; any conflict when omitted. */
  target?: ConflictTarget<C>;
  /** `ON CONFLICT (cols) WHERE ...`: picks a partial unique index. */
  targetWhere?: ColumnElement<boolean, string>;
}

/** Options of {@link Insert.onConflictDoUpdate}. */
export interface OnConflictDoUpdateOptions<C extends ColumnCollection = ColumnCollection> {
  /** The unique index (its columns) or constraint whose conflict turns the insert into an update. */
  target: ConflictTarget<C>;
  /** `ON CONFLICT (cols) WHERE ...`: picks a partial unique index. */
  targetWhere?: ColumnElement<boolean, string>;
  /** The columns to update; `stmt.excluded.c.<col>` is the value proposed for insertion. */
  set: UpdateValues<C>;
  /** Update only the conflicting rows that match (others are left alone). */
  where?: ColumnElement<boolean, string>;
}

/** A resolved ON CONFLICT clause, as an INSERT statement keeps it (`insert.state.onConflict`). */
export interface OnConflict {
  readonly action: "nothing" | "update";
  /** Column names, a constraint name, or nothing. */
  readonly target: { readonly columns: readonly AnyColumnClause[] } | { readonly constraint: string } | undefined;
  readonly targetWhere: ColumnElement<boolean, string> | undefined;
  readonly set: Assignments;
  readonly where: ColumnElement<boolean, string> | undefined;
}

interface InsertState {
  readonly table: AnyTable;
  /** Rows of coerced values, each with the same keys; `undefined` when `values()` was never called. */
  readonly rows: readonly Assignments[] | undefined;
  /** True when the rows came from a list (multi-row VALUES), even a list of one. */
  readonly multi: boolean;
  readonly fromSelect: { readonly columns: readonly AnyColumnClause[]; readonly select: SelectLike } | undefined;
  readonly returning: readonly ClauseElement[];
  readonly onConflict: OnConflict | undefined;
  readonly onDuplicateKey: Assignments | undefined;
}

/**
 * An INSERT statement into table `T` whose RETURNING rows are `R`.
 *
 * @example
 * ```ts
 * await conn.execute(insert(users).values({ name: "ada" }));
 * const [row] = (await conn.execute(insert(users).values({ name: "bob" }).returning(users.c.id))).all();
 * ```
 */
export class Insert<T extends AnyTable = AnyTable, R = NoRows> extends ClauseElement {
  readonly kind = "insert";
  /** Phantom: the type of one RETURNING row. */
  declare readonly _row: R;
  readonly state: InsertState;

  constructor(state: InsertState) {
    super();
    this.state = state;
    Object.freeze(this);
  }

  /** Not cached yet: the statement's values are part of its SQL shape (row count, columns). */
  get cacheKey(): string | undefined {
    return undefined;
  }

  /** The target table. */
  get table(): T {
    return this.state.table as T;
  }

  /**
   * The row proposed for insertion, for the SET and WHERE of an upsert:
   * `excluded.col` on PostgreSQL/SQLite, `VALUES(col)` on MySQL/MariaDB.
   */
  get excluded(): Excluded<RebindColumns<ColumnsOf<T>, "excluded">> {
    return new Excluded(this.state.table) as unknown as Excluded<RebindColumns<ColumnsOf<T>, "excluded">>;
  }

  /** The same as {@link excluded} (MySQL's name for it). */
  get inserted(): Excluded<RebindColumns<ColumnsOf<T>, "excluded">> {
    return this.excluded;
  }

  private with(changes: Partial<InsertState>): this {
    return new Insert({ ...this.state, ...changes }) as this;
  }

  /**
   * The values to insert: one object for one row, a list for a multi-row
   * `VALUES (...), (...)`. Values are bound parameters of each column's type;
   * SQL expressions are inserted as written. An empty object inserts a row of
   * defaults. Calling it again with one row adds to (and overrides) the
   * previous single row; a list replaces what was there.
   */
  values(values: InsertValues<ColumnsOf<T>> | readonly InsertValues<ColumnsOf<T>>[]): this {
    if (this.state.fromSelect !== undefined) throw new ArgumentError("insert(): values() and fromSelect() exclude each other.");
    const table = this.state.table;
    if (Array.isArray(values)) {
      const list = values as readonly Readonly<Record<string, unknown>>[];
      if (list.length === 0) throw new ArgumentError("insert().values([]): give at least one row.");
      const rows = list.map((row, i) => coerceValues(table, row, `insert().values() row ${i}`));
      const keys = (rows[0] as Assignments).map(([key]) => key);
      if (keys.length === 0) throw new ArgumentError("insert().values([...]): a multi-row insert needs at least one column; insert rows of defaults one by one.");
      // Every row in the first row's column order, so that the SQL and the cache key follow one order.
      const ordered = rows.map((row, i) => (sameKeys(row, keys) ? row : reorderRow(row, keys, i)));
      return this.with({ rows: ordered, multi: true });
    }
    const row = coerceValues(table, values as Readonly<Record<string, unknown>>, "insert().values()");
    const previous = this.state.rows;
    if (previous !== undefined && !this.state.multi && previous.length === 1) {
      return this.with({ rows: [mergeAssignments(previous[0] as Assignments, row)], multi: false });
    }
    return this.with({ rows: [row], multi: false });
  }

  /**
   * @internal How many rows of `columns` values one multi-row INSERT carries
   * when a batch is split (the flush, `conn.execute(insert(t), rows)` on a
   * server database): at most 1,000 rows and 30,000 parameters.
   */
  static _rowsPerStatement(columns: number): number {
    return Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMS_PER_INSERT / Math.max(1, columns))));
  }

  /**
   * @internal What `conn.execute(insert(t), params)` runs when `values()` was
   * never called (SQLAlchemy's form for executemany): the columns are the keys
   * of the parameters, each bound by its own name.
   */
  _valuesFromParameters(keys: readonly string[]): this {
    const table = this.state.table;
    const row: [string, ClauseElement][] = keys.map((key) => [key, new BindParameter(undefined, columnOf(table, key, "execute(insert(t), parameters)").type, key)]);
    return this.with({ rows: [row], multi: false });
  }

  /**
   * `INSERT INTO t (cols) SELECT ...`: the select's columns fill `columns` in order.
   *
   * @example
   * ```ts
   * insert(archive).fromSelect(["id", "name"], select(users.c.id, users.c.name).where(users.c.active.eq(false)))
   * ```
   */
  fromSelect(columns: readonly (keyof ColumnsOf<T> & string)[] | readonly ColumnsOf<T>[keyof ColumnsOf<T>][], select: SelectLike): this {
    if (this.state.rows !== undefined) throw new ArgumentError("insert(): values() and fromSelect() exclude each other.");
    const table = this.state.table;
    const cols = (columns as readonly (string | AnyColumnClause)[]).map((c) => (typeof c === "string" ? columnOf(table, c, "insert().fromSelect()") : ownColumn(table, c, "insert().fromSelect()")));
    const selected = select.selectedColumns().length;
    if (selected !== cols.length) {
      throw new ArgumentError(`insert().fromSelect(): ${cols.length} column(s) named but the select has ${selected}.`);
    }
    return this.with({ fromSelect: { columns: cols, select } });
  }

  /**
   * `RETURNING ...`: the inserted rows come back, typed like a select of the
   * same items (PostgreSQL, SQLite 3.35+, MariaDB 10.5+; not MySQL).
   */
  returning<const Items extends readonly SelectItem[]>(...items: Items): Insert<T, SelectRow<Items>> {
    if (items.length === 0) throw new ArgumentError("returning() needs at least one column, expression or table.");
    return new Insert<T, SelectRow<Items>>({ ...this.state, returning: [...this.state.returning, ...items.map(selectItemOf)] });
  }

  /**
   * `ON CONFLICT [target] DO NOTHING` (PostgreSQL, SQLite): a row that would
   * break a unique constraint is skipped.
   */
  onConflictDoNothing(options: OnConflictDoNothingOptions<ColumnsOf<T>> = {}): this {
    this.checkNoDuplicateKey();
    return this.with({
      onConflict: {
        action: "nothing",
        target: options.target === undefined ? undefined : resolveTarget(this.state.table, options.target as ConflictTarget),
        targetWhere: options.targetWhere,
        set: [],
        where: undefined,
      },
    });
  }

  /**
   * `ON CONFLICT (target) DO UPDATE SET ... [WHERE ...]` (PostgreSQL, SQLite):
   * a row that would break the unique constraint updates the existing row instead.
   *
   * @example
   * ```ts
   * const stmt = insert(counters).values({ name: "hits", n: 1 });
   * stmt.onConflictDoUpdate({ target: [counters.c.name], set: { n: counters.c.n.add(stmt.excluded.c.n) } });
   * ```
   */
  onConflictDoUpdate(options: OnConflictDoUpdateOptions<ColumnsOf<T>>): this {
    this.checkNoDuplicateKey();
    if (options.target === undefined) throw new ArgumentError("onConflictDoUpdate(): a target (the unique columns or a constraint name) is required.");
    const set = coerceValues(this.state.table, options.set as Readonly<Record<string, unknown>>, "onConflictDoUpdate({ set })");
    if (set.length === 0) throw new ArgumentError("onConflictDoUpdate(): set at least one column (or use onConflictDoNothing()).");
    return this.with({
      onConflict: {
        action: "update",
        target: resolveTarget(this.state.table, options.target as ConflictTarget),
        targetWhere: options.targetWhere,
        set,
        where: options.where,
      },
    });
  }

  /**
   * `ON DUPLICATE KEY UPDATE ...` (MySQL, MariaDB): a row that would break a
   * primary key or unique index updates the existing row instead.
   * `stmt.inserted.c.<col>` (rendered `VALUES(col)`) is the value proposed for insertion.
   */
  onDuplicateKeyUpdate(options: { set: UpdateValues<ColumnsOf<T>> }): this {
    if (this.state.onConflict !== undefined) throw new ArgumentError("onDuplicateKeyUpdate() and onConflict...() exclude each other.");
    const set = coerceValues(this.state.table, options.set as Readonly<Record<string, unknown>>, "onDuplicateKeyUpdate({ set })");
    if (set.length === 0) throw new ArgumentError("onDuplicateKeyUpdate(): set at least one column.");
    return this.with({ onDuplicateKey: set });
  }

  private checkNoDuplicateKey(): void {
    if (this.state.onDuplicateKey !== undefined) throw new ArgumentError("onConflict...() and onDuplicateKeyUpdate() exclude each other.");
  }

  /** The RETURNING columns by result key. @internal */
  returningColumns(): (readonly [string, AnyColumn])[] {
    return returningColumns(this.state.returning);
  }
}

function ownColumn(table: AnyTable, col: AnyColumnClause, what: string): AnyColumnClause {
  if (!(col instanceof ColumnClause) || col.table !== table) {
    throw new ArgumentError(`${what}: ${col instanceof ColumnClause ? `column "${col.name}"` : "the value"} is not a column of table ${describeTable(table)}.`);
  }
  return col;
}

function resolveTarget(table: AnyTable, target: ConflictTarget): OnConflict["target"] {
  if (typeof target === "object" && target !== null && !Array.isArray(target) && "constraint" in target && !(target instanceof ClauseElement)) {
    const name = (target as { constraint: string }).constraint;
    if (typeof name !== "string" || name.length === 0) throw new ArgumentError("An upsert target constraint needs a non-empty name.");
    return { constraint: name };
  }
  const list = (Array.isArray(target) ? target : [target]) as readonly (string | AnyColumnClause)[];
  if (list.length === 0) throw new ArgumentError("An upsert target needs at least one column.");
  return { columns: list.map((c) => (typeof c === "string" ? columnOf(table, c, "upsert target") : ownColumn(table, c, "upsert target"))) };
}

/** Starts an INSERT into a table. */
export function insert<T extends AnyTable>(table: T): Insert<T> {
  if (!(table instanceof TableClause)) throw new ArgumentError("insert() takes a table.");
  return new Insert<T>({
    table,
    rows: undefined,
    multi: false,
    fromSelect: undefined,
    returning: [],
    onConflict: undefined,
    onDuplicateKey: undefined,
  });
}

// ---------------------------------------------------------------------------------------------
// UPDATE and DELETE
// ---------------------------------------------------------------------------------------------

interface WhereState {
  readonly table: AnyTable;
  readonly where: readonly ColumnElement<boolean, string>[];
  readonly returning: readonly ClauseElement[];
}

function filterByConditions(table: AnyTable, values: Readonly<Record<string, unknown>>, what: string): ColumnElement<boolean, string>[] {
  return Object.entries(values).map(([key, value]) => columnOf(table, key, what).eq(value));
}

interface UpdateState extends WhereState {
  readonly values: Assignments;
}

/**
 * An UPDATE of table `T` whose RETURNING rows are `R`. When the WHERE clause
 * or the values refer to other tables, they become `UPDATE ... FROM`
 * (PostgreSQL, SQLite) or a multi-table UPDATE (MySQL/MariaDB).
 *
 * @example
 * ```ts
 * await conn.execute(update(users).values({ name: "ada" }).where(users.c.id.eq(1)));
 * ```
 */
export class Update<T extends AnyTable = AnyTable, R = NoRows> extends ClauseElement {
  readonly kind = "update";
  declare readonly _row: R;
  readonly state: UpdateState;

  constructor(state: UpdateState) {
    super();
    this.state = state;
    Object.freeze(this);
  }

  get cacheKey(): string | undefined {
    return undefined;
  }

  get table(): T {
    return this.state.table as T;
  }

  private with(changes: Partial<UpdateState>): this {
    return new Update({ ...this.state, ...changes }) as this;
  }

  /** The SET values (bound with each column's type, or SQL expressions); a later call adds to and overrides earlier ones. */
  values(values: UpdateValues<ColumnsOf<T>>): this {
    const set = coerceValues(this.state.table, values as Readonly<Record<string, unknown>>, "update().values()");
    return this.with({ values: mergeAssignments(this.state.values, set) });
  }

  /** WHERE conditions, joined with AND (several arguments or several calls). */
  where(...conditions: ColumnElement<boolean, string>[]): this {
    return this.with({ where: [...this.state.where, ...conditions] });
  }

  /** WHERE by equality on the target table's columns: `filterBy({ id: 5 })`. */
  filterBy(values: { [K in keyof ColumnsOf<T>]?: DMLValue<ColumnsOf<T>[K]> | null }): this {
    return this.where(...filterByConditions(this.state.table, values as Readonly<Record<string, unknown>>, "update().filterBy()"));
  }

  /** `RETURNING ...` (PostgreSQL, SQLite 3.35+; not MySQL or MariaDB). */
  returning<const Items extends readonly SelectItem[]>(...items: Items): Update<T, SelectRow<Items>> {
    if (items.length === 0) throw new ArgumentError("returning() needs at least one column, expression or table.");
    return new Update<T, SelectRow<Items>>({ ...this.state, returning: [...this.state.returning, ...items.map(selectItemOf)] });
  }

  /** The tables other than the target that the statement refers to (for UPDATE ... FROM). @internal */
  extraFroms(): AnyFrom[] {
    return otherTables(this.state.table, [...this.state.values.map(([, value]) => value), ...this.state.where]);
  }

  /** @internal */
  returningColumns(): (readonly [string, AnyColumn])[] {
    return returningColumns(this.state.returning);
  }
}

/** Starts an UPDATE of a table. */
export function update<T extends AnyTable>(table: T): Update<T> {
  if (!(table instanceof TableClause)) throw new ArgumentError("update() takes a table.");
  return new Update<T>({ table, values: [], where: [], returning: [] });
}

/**
 * A DELETE from table `T` whose RETURNING rows are `R`. When the WHERE clause
 * refers to other tables, it becomes `DELETE ... USING` (PostgreSQL) or a
 * multi-table DELETE (MySQL/MariaDB).
 *
 * @example
 * ```ts
 * await conn.execute(delete_(users).filterBy({ name: "ada" }));
 * ```
 */
export class Delete<T extends AnyTable = AnyTable, R = NoRows> extends ClauseElement {
  readonly kind = "delete";
  declare readonly _row: R;
  readonly state: WhereState;

  constructor(state: WhereState) {
    super();
    this.state = state;
    Object.freeze(this);
  }

  get cacheKey(): string | undefined {
    return undefined;
  }

  get table(): T {
    return this.state.table as T;
  }

  private with(changes: Partial<WhereState>): this {
    return new Delete({ ...this.state, ...changes }) as this;
  }

  /** WHERE conditions, joined with AND. Without any, every row is deleted. */
  where(...conditions: ColumnElement<boolean, string>[]): this {
    return this.with({ where: [...this.state.where, ...conditions] });
  }

  /** WHERE by equality on the target table's columns. */
  filterBy(values: { [K in keyof ColumnsOf<T>]?: DMLValue<ColumnsOf<T>[K]> | null }): this {
    return this.where(...filterByConditions(this.state.table, values as Readonly<Record<string, unknown>>, "delete().filterBy()"));
  }

  /** `RETURNING ...` (PostgreSQL, SQLite 3.35+, MariaDB 10.5+; not MySQL): the deleted rows. */
  returning<const Items extends readonly SelectItem[]>(...items: Items): Delete<T, SelectRow<Items>> {
    if (items.length === 0) throw new ArgumentError("returning() needs at least one column, expression or table.");
    return new Delete<T, SelectRow<Items>>({ ...this.state, returning: [...this.state.returning, ...items.map(selectItemOf)] });
  }

  /** @internal */
  extraFroms(): AnyFrom[] {
    return otherTables(this.state.table, this.state.where);
  }

  /** @internal */
  returningColumns(): (readonly [string, AnyColumn])[] {
    return returningColumns(this.state.returning);
  }
}

/** Starts a DELETE from a table (`delete` is a reserved word in JavaScript; `delete_` is the same). */
export function delete_<T extends AnyTable>(table: T): Delete<T> {
  if (!(table instanceof TableClause)) throw new ArgumentError("delete() takes a table.");
  return new Delete<T>({ table, where: [], returning: [] });
}

export { delete_ as deleteFrom };
