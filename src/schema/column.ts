/**
 * Columns of a schema {@link Table}: {@link column} defines one (its type and
 * options), and the table turns each definition into a bound {@link Column},
 * typed from the definition: nullable columns read `T | null`, and the
 * column records whether an INSERT must give it a value.
 *
 * @module
 */
import { ArgumentError } from "../errors/index.js";
import {
  ColumnClause,
  column as lightweightColumn,
  type ColumnElement,
  type TextClause,
  type TypeArgument,
  type TypeEngine,
} from "../sql/index.js";
import type { ForeignKey, ForeignKeyTarget } from "./constraints.js";
import type { IdentityOptions, Sequence } from "./sequence.js";
import type { AnyTable } from "./table.js";

/**
 * A default computed by the database (rendered in the DDL): a plain value is
 * a literal (`"draft"`, `0`, `false`); SQL goes in `text("CURRENT_TIMESTAMP")`
 * or an expression (`func.now()`).
 */
export type ServerDefault = string | number | bigint | boolean | Date | Uint8Array | TextClause | ColumnElement<unknown, string>;

/** The options of a column; `T` is its value type. */
export interface ColumnOptions<T = unknown> {
  /** Part of the primary key (several columns with it make a composite key). A key column is never nullable. */
  readonly primaryKey?: boolean;
  /** Whether NULL is allowed; default `true`, except for primary key columns. */
  readonly nullable?: boolean;
  /**
   * A client-side default, applied by INSERT statements that leave the column
   * out: a value, a function called for each row, or a SQL expression. Not
   * rendered in the DDL.
   */
  readonly default?: T | (() => T) | ColumnElement<T, string>;
  /** A default the database applies: `DEFAULT ...` in the DDL. */
  readonly serverDefault?: ServerDefault;
  /** A client-side value for UPDATE statements that do not set the column: a value, a function, or a SQL expression. */
  readonly onUpdate?: T | (() => T) | ColumnElement<T, string>;
  /**
   * A value the database sets on UPDATE. Rendered as `ON UPDATE ...` on MySQL
   * and MariaDB; elsewhere it only marks the column (a trigger does the work).
   */
  readonly serverOnUpdate?: ServerDefault;
  /** A single-column UNIQUE constraint (a unique index when `index` is also set). */
  readonly unique?: boolean;
  /** An index on this column, named by the naming convention's `ix`. */
  readonly index?: boolean;
  /**
   * For an integer primary key: whether the database generates it (SERIAL on
   * PostgreSQL, AUTO_INCREMENT on MySQL, the rowid on SQLite). Default: yes for
   * a single-column integer primary key without a foreign key or default.
   * `true` on SQLite also adds `AUTOINCREMENT` (ids are never reused).
   */
  readonly autoincrement?: boolean;
  /** A comment stored in the database catalog (PostgreSQL, MySQL). */
  readonly comment?: string;
  /** An identity column: `GENERATED ... AS IDENTITY` on PostgreSQL, AUTO_INCREMENT on MySQL. */
  readonly identity?: boolean | IdentityOptions;
  /** A sequence that generates the values (PostgreSQL, MariaDB; ignored where there are no sequences). */
  readonly sequence?: Sequence;
  /** A foreign key: `"table.column"`, a column, a function returning one, or a {@link ForeignKey} with options. */
  readonly foreignKey?: ForeignKeyTarget | ForeignKey;
  /** Free-form information for the application. */
  readonly info?: Readonly<Record<string, unknown>>;
}

/** Whether an INSERT must give a value for a column. */
export type InsertKind = "required" | "optional";

/**
 * The definition of a column, before it belongs to a table: its type and its
 * options. Made with {@link column}; one definition can be used in several
 * tables (mixins), each table making its own {@link Column} from it.
 */
export class ColumnDef<T = unknown, O extends ColumnOptions<T> = ColumnOptions<T>> {
  /** Phantom: the value type, without the `null` of a nullable column. */
  declare readonly _tsType: T;

  constructor(
    readonly type: TypeEngine<T>,
    readonly options: O,
  ) {
    Object.freeze(this);
  }
}

/** Any column definition. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyColumnDef = ColumnDef<any, any>;

/** The column definitions of a table, by key. */
export type ColumnDefs = Readonly<Record<string, AnyColumnDef>>;

/** No options. */
export type NoOptions = Readonly<Record<never, never>>;

/**
 * Defines a column of a schema table: its type (an instance, or a class
 * needing no argument) and its options.
 *
 * Also accepts the expression language's form `column(name, type)`, which
 * makes a free-standing lightweight column (see the `sql` module).
 *
 * @example
 * ```ts
 * const users = new Table("users", metadata, {
 *   id: column(Integer, { primaryKey: true }),
 *   name: column(new String(50), { nullable: false }),
 *   bio: column(Text),                       // string | null
 *   createdAt: column(new DateTime({ timezone: true }), { serverDefault: text("CURRENT_TIMESTAMP") }),
 * });
 * ```
 */
export function column<T, const O extends ColumnOptions<T> = NoOptions>(type: TypeArgument<T>, options?: O): ColumnDef<NoInfer<T>, NoInfer<O>>;
export function column<T, N extends string>(name: N, type: TypeEngine<T>): ColumnClause<T, N, never>;
export function column(first: unknown, second?: unknown): unknown {
  if (typeof first === "string") return lightweightColumn(first, second as TypeEngine);
  const type = typeof first === "function" ? new (first as new () => TypeEngine)() : first;
  if (type === null || typeof type !== "object" || typeof (type as TypeEngine).visitName !== "string") {
    throw new ArgumentError(`column() expects a SQL type (a type instance or class) first, got ${String(first)}.`);
  }
  const options = (second ?? {}) as ColumnOptions;
  if (options.primaryKey === true && options.nullable === true) {
    throw new ArgumentError("A primary key column cannot be nullable.");
  }
  return new ColumnDef(type as TypeEngine, Object.freeze({ ...options }));
}

type IsNullable<O> = O extends { readonly primaryKey: true } ? false : O extends { readonly nullable: false } ? false : true;

/** The value type of a column defined with type `T` and options `O`: `T | null` when nullable. */
export type ColumnValue<T, O> = IsNullable<O> extends true ? T | null : T;

type HasGenerator<O> = O extends { readonly default: unknown }
  ? true
  : O extends { readonly serverDefault: unknown }
    ? true
    : O extends { readonly identity: true | IdentityOptions }
      ? true
      : O extends { readonly sequence: Sequence }
        ? true
        : O extends { readonly autoincrement: true }
          ? true
          : false;

/** Whether the database numbers a column by itself: the single integer key column, unless told otherwise. */
type IsAutoKey<T, O, SinglePk extends boolean> = SinglePk extends true
  ? O extends { readonly primaryKey: true }
    ? O extends { readonly autoincrement: false } | { readonly foreignKey: unknown }
      ? false
      : [T] extends [number | bigint]
        ? true
        : false
    : false
  : false;

/** Whether an INSERT may leave a column out: it is nullable, has a default, or is generated. */
export type InsertKindOf<T, O, SinglePk extends boolean> =
  IsNullable<O> extends true ? "optional" : HasGenerator<O> extends true ? "optional" : IsAutoKey<T, O, SinglePk> extends true ? "optional" : "required";

/**
 * A column of a schema {@link Table}. `T` is its value type (with `null` when
 * nullable), `N` its key, `TB` its table's name and `I` whether an INSERT must
 * give it a value. Use it in expressions like any column: `users.c.id.eq(5)`.
 */
export class Column<T = unknown, N extends string = string, TB extends string = string, I extends InsertKind = InsertKind> extends ColumnClause<
  T,
  N,
  TB
> {
  /** Phantom: whether an INSERT must give a value. */
  declare readonly _insert: I;
  /** The table this column belongs to. */
  declare readonly table: AnyTable;
  /** The definition this column was made from. */
  readonly definition: AnyColumnDef;

  /** @internal Made by {@link Table}. */
  constructor(name: N, definition: AnyColumnDef, table: AnyTable) {
    super(name, definition.type as TypeEngine<T>, table);
    this.definition = definition;
  }

  #option<K extends keyof ColumnOptions>(key: K): ColumnOptions[K] {
    return (this.definition.options as ColumnOptions)[key];
  }

  /** Part of the table's primary key. */
  get primaryKey(): boolean {
    return this.table.primaryKey.columns.includes(this as unknown as Column);
  }

  /** Whether NULL is allowed (never for a primary key column). */
  get nullable(): boolean {
    if (this.primaryKey) return false;
    return this.#option("nullable") ?? true;
  }

  /** The client-side default: a value or a function. */
  override get default(): unknown {
    return this.#option("default");
  }

  /** The default the database applies. */
  get serverDefault(): ServerDefault | undefined {
    return this.#option("serverDefault");
  }

  /** The client-side value for UPDATE statements. */
  override get onUpdate(): unknown {
    return this.#option("onUpdate");
  }

  /** The value the database sets on UPDATE. */
  get serverOnUpdate(): ServerDefault | undefined {
    return this.#option("serverOnUpdate");
  }

  /** Declared `unique: true`. */
  get unique(): boolean {
    return this.#option("unique") ?? false;
  }

  /** Declared `index: true`. */
  get index(): boolean {
    return this.#option("index") ?? false;
  }

  /** The `autoincrement` option as declared: `"auto"` when not given. */
  get autoincrement(): boolean | "auto" {
    return this.#option("autoincrement") ?? "auto";
  }

  /** True when the database generates this column's values on INSERT (see {@link Table.autoincrementColumn}). */
  get isAutoincrement(): boolean {
    return this.table.autoincrementColumn === (this as unknown as Column);
  }

  /** The catalog comment. */
  get comment(): string | undefined {
    return this.#option("comment");
  }

  /** The identity options, when it is an identity column. */
  get identity(): IdentityOptions | undefined {
    const identity = this.#option("identity");
    if (identity === undefined || identity === false) return undefined;
    return identity === true ? {} : identity;
  }

  /** The sequence generating the values. */
  get sequence(): Sequence | undefined {
    return this.#option("sequence");
  }

  /** Free-form information. */
  get info(): Readonly<Record<string, unknown>> {
    return this.#option("info") ?? {};
  }

  /** The foreign keys whose local column this is. */
  get foreignKeys(): ForeignKey[] {
    return this.table.foreignKeys.filter((fk) => fk.parent === (this as unknown as Column));
  }

  /** `table.column`. */
  override toString(): string {
    return `${this.table.name}.${this.name}`;
  }
}

/** Any schema column. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyColumn = Column<any, string, string, InsertKind>;
