/**
 * `Table`: a table of a {@link MetaData}, with typed columns, constraints and
 * indexes. It extends the expression language's `TableClause`, so it is used
 * in statements directly, and joins find their ON clause from its foreign keys.
 *
 * @module
 */
import { runReflector } from "./reflect-hook.js";
import { ArgumentError } from "../errors/index.js";
import { Alias, TableClause, type AnyColumnClause, type ColumnCollection, type FromClause, type TypeEngine } from "../sql/index.js";
import { Column, type AnyColumn, type AnyColumnDef, type ColumnDefs, type ColumnValue, type InsertKindOf } from "./column.js";
import { Constraint, ForeignKey, ForeignKeyConstraint, PrimaryKeyConstraint, UniqueConstraint, type CheckConstraint } from "./constraints.js";
import { createTables, dropTables, type CreateDropOptions, type DDLTarget } from "./create-drop.js";
import type { MetaData } from "./metadata.js";
import { Index } from "./table-index.js";

/** Table-level options, given among the table's items. */
export interface TableOptions {
  /** The schema (default: the MetaData's). */
  readonly schema?: string;
  /** A comment stored in the database catalog (PostgreSQL, MySQL). */
  readonly comment?: string;
  /** Free-form information for the application. */
  readonly info?: Readonly<Record<string, unknown>>;
}

/** What a table's items may be: constraints, indexes and options. */
export type TableItem = Constraint | Index | TableOptions;

/** An item, or a function of the table's columns returning items (for expression checks and indexes). */
export type TableArg<C> = TableItem | ((columns: C) => TableItem | readonly TableItem[]);

type PrimaryKeyKeys<D extends ColumnDefs> = { [K in keyof D]: D[K]["options"] extends { readonly primaryKey: true } ? K : never }[keyof D];
type IsUnion<U, All = U> = U extends unknown ? ([All] extends [U] ? false : true) : never;
type SinglePrimaryKey<D extends ColumnDefs> = [PrimaryKeyKeys<D>] extends [never] ? false : IsUnion<PrimaryKeyKeys<D>> extends true ? false : true;

/** The typed columns a table makes from its definitions `D` (any columns when `D` is not known). */
export type TableColumns<D extends ColumnDefs, TB extends string> = string extends keyof D
  ? Readonly<Record<string, AnyColumn>>
  : {
      readonly [K in keyof D & string]: Column<
        ColumnValue<D[K]["_tsType"], D[K]["options"]>,
        K,
        TB,
        InsertKindOf<D[K]["_tsType"], D[K]["options"], SinglePrimaryKey<D>>
      >;
    };

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<C> = { [K in keyof C]: C[K] extends { readonly _insert: "optional" } ? K : never }[keyof C];

/**
 * The values of one INSERT into table `X`: columns that are not nullable and
 * have no default, server default or generated value are required; the others
 * are optional.
 *
 * @example
 * ```ts
 * const row: InsertRow<typeof users> = { name: "ada" }; // id is generated, bio is nullable
 * ```
 */
export type InsertRow<X extends { readonly c: ColumnCollection }> = Simplify<
  { [K in Exclude<keyof X["c"], OptionalKeys<X["c"]>>]: X["c"][K]["_type"] } & { [K in OptionalKeys<X["c"]>]?: X["c"][K]["_type"] }
>;

/** One row of table `X` as a select of all its columns returns it. */
export type RowOfTable<X extends { readonly c: ColumnCollection }> = Simplify<{ -readonly [K in keyof X["c"]]: X["c"][K]["_type"] }>;

/** Any schema table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTable = Table<any, string>;

const INTEGER_TYPES = new Set(["integer", "small_integer", "big_integer"]);

function isIntegerType(type: TypeEngine): boolean {
  if (INTEGER_TYPES.has(type.visitName)) return true;
  const impl = (type as { impl?: TypeEngine }).impl;
  return type.visitName === "type_decorator" && impl !== undefined && isIntegerType(impl);
}

function isOptions(item: unknown): item is TableOptions {
  return typeof item === "object" && item !== null && !(item instanceof Constraint) && !(item instanceof Index);
}

/**
 * A table of a {@link MetaData}: its columns are defined with {@link column}
 * and typed, so `users.c.name` is a `Column<string | null, "name", "users">`
 * and selects of it are typed rows. Constraints, indexes and options follow the
 * columns, or come from a function of the columns.
 *
 * @example
 * ```ts
 * const metadata = new MetaData();
 * const users = new Table("users", metadata, {
 *   id: column(Integer, { primaryKey: true }),
 *   email: column(new String(255), { nullable: false, unique: true }),
 * });
 * const posts = new Table("posts", metadata, {
 *   id: column(Integer, { primaryKey: true }),
 *   authorId: column(Integer, { nullable: false, foreignKey: new ForeignKey("users.id", { ondelete: "CASCADE" }) }),
 *   title: column(new String(200), { nullable: false }),
 * }, (c) => [new Index("ix_posts_title", c.title), { comment: "Blog posts" }]);
 * ```
 */
export class Table<D extends ColumnDefs = ColumnDefs, TB extends string = string> extends TableClause<TableColumns<D, TB>, TB> {
  readonly metadata: MetaData;
  readonly comment: string | undefined;
  readonly info: Readonly<Record<string, unknown>>;
  /** The indexes, in the order they were added. */
  readonly indexes: Index[] = [];
  /** @internal True while the constructor runs: indexes made in a function item wait for their turn. */
  _building = true;
  readonly #constraints: Constraint[] = [];
  readonly #primaryKey: PrimaryKeyConstraint;

  constructor(name: TB, metadata: MetaData, columns: D, ...items: TableArg<TableColumns<D, TB>>[]) {
    if (typeof (metadata as { _addTable?: unknown } | undefined)?._addTable !== "function") {
      throw new ArgumentError(`new Table("${String(name)}", metadata, columns): the second argument must be a MetaData.`);
    }
    if (typeof columns !== "object" || columns === null || Object.keys(columns).length === 0) {
      throw new ArgumentError(`Table ${String(name)} needs at least one column.`);
    }
    const schema = (Object.assign({}, ...items.filter(isOptions)) as TableOptions).schema;
    super(name, (table) => makeColumns(table as unknown as AnyTable, columns) as TableColumns<D, TB>, schema ?? metadata.schema);
    this.metadata = metadata;
    const expanded = items.flatMap((item) => (typeof item === "function" ? [item(this.c)].flat() : [item])) as TableItem[];
    const options: TableOptions = Object.assign({}, ...expanded.filter(isOptions));
    if (options.schema !== schema) throw new ArgumentError(`Give the schema of table ${name} among its plain items, not from a function.`);
    this.comment = options.comment;
    this.info = options.info ?? {};

    const explicitKey = expanded.filter((i): i is PrimaryKeyConstraint => i instanceof PrimaryKeyConstraint);
    if (explicitKey.length > 1) throw new ArgumentError(`Table ${name} has more than one PrimaryKeyConstraint.`);
    const flagged = this.#columns().filter((c) => c.definition.options.primaryKey === true);
    this.#primaryKey = explicitKey[0] ?? new PrimaryKeyConstraint(flagged.map((c) => c.name), {}, true);
    this.#addConstraint(this.#primaryKey);
    for (const col of flagged) {
      if (!this.#primaryKey.columns.includes(col)) {
        throw new ArgumentError(`Column ${col} has primaryKey: true but is not in the table's PrimaryKeyConstraint.`);
      }
    }
    this.#addColumnItems();
    for (const item of expanded) {
      if (item instanceof Index) this._addIndex(item);
      else if (item instanceof Constraint && item !== this.#primaryKey) this.#addConstraint(item);
    }
    this._building = false;
    metadata._addTable(this);
  }

  #columns(): AnyColumn[] {
    return Object.values(this.c) as AnyColumn[];
  }

  /** Constraints and indexes declared through column options (`foreignKey`, `unique`, `index`). */
  #addColumnItems(): void {
    for (const col of this.#columns()) {
      const options = col.definition.options;
      if (options.foreignKey !== undefined) {
        const fk = options.foreignKey instanceof ForeignKey ? options.foreignKey : new ForeignKey(options.foreignKey);
        this.#addConstraint(new ForeignKeyConstraint([col.name], [fk], fk.options));
      }
      if (options.index === true) this._addIndex(new Index(undefined, col.name, { unique: options.unique === true }));
      else if (options.unique === true) this.#addConstraint(new UniqueConstraint(col.name));
    }
  }

  #addConstraint(constraint: Constraint): void {
    constraint._attach(this);
    if (!this.#constraints.includes(constraint)) this.#constraints.push(constraint);
  }

  /** The schema-qualified key of this table in its MetaData: `schema.name` or `name`. */
  get key(): string {
    return this.fullName;
  }

  /** The primary key (its `columns` are empty for a table without one). */
  get primaryKey(): PrimaryKeyConstraint {
    return this.#primaryKey;
  }

  /** Every constraint: the primary key first, then the others in the order they were declared. */
  get constraints(): Constraint[] {
    return [...this.#constraints];
  }

  /** The foreign key constraints. */
  get foreignKeyConstraints(): ForeignKeyConstraint[] {
    return this.#constraints.filter((c): c is ForeignKeyConstraint => c instanceof ForeignKeyConstraint);
  }

  /** Every column-level foreign key (one per column of each foreign key constraint). */
  get foreignKeys(): ForeignKey[] {
    return this.foreignKeyConstraints.flatMap((c) => c.elements);
  }

  /** The unique constraints. */
  get uniqueConstraints(): UniqueConstraint[] {
    return this.#constraints.filter((c): c is UniqueConstraint => c instanceof UniqueConstraint);
  }

  /** The check constraints. */
  get checkConstraints(): CheckConstraint[] {
    return this.#constraints.filter((c) => c.conventionKey === "ck") as CheckConstraint[];
  }

  /**
   * The column whose values the database generates on INSERT: one with
   * `autoincrement: true` or `identity`, else the single integer primary key
   * column when it has no foreign key, no default and no `autoincrement: false`.
   */
  get autoincrementColumn(): AnyColumn | undefined {
    const explicit = this.#columns().filter((c) => c.definition.options.autoincrement === true || c.identity !== undefined);
    if (explicit.length > 1) throw new ArgumentError(`Table ${this.name} has more than one autoincrement or identity column.`);
    if (explicit.length === 1) return explicit[0];
    const key = this.#primaryKey.columns;
    if (key.length !== 1) return undefined;
    const col = key[0] as AnyColumn;
    const options = col.definition.options;
    if (options.autoincrement === false || !isIntegerType(col.type)) return undefined;
    if (options.foreignKey !== undefined || col.foreignKeys.length > 0) return undefined;
    if (options.default !== undefined || options.serverDefault !== undefined) return undefined;
    return col;
  }

  /** @internal Adds an index (made with this table's columns, or given among the items). */
  _addIndex(index: Index): void {
    index._attach(this);
    if (!this.indexes.includes(index)) this.indexes.push(index);
  }

  /** Adds a constraint after the table is made (for example a foreign key closing a cycle). */
  appendConstraint(constraint: Constraint): void {
    if (constraint instanceof PrimaryKeyConstraint) throw new ArgumentError("A table's primary key is set when it is made.");
    this.#addConstraint(constraint);
  }

  /** The foreign keys of this table pointing at `other`, as column pairs: how joins find their ON clause. @internal */
  override _foreignKeysTo(other: FromClause): readonly (readonly [AnyColumnClause, AnyColumnClause][])[] {
    const found: [AnyColumnClause, AnyColumnClause][][] = [];
    for (const constraint of this.foreignKeyConstraints) {
      let pairs: [AnyColumnClause, AnyColumnClause][];
      try {
        // An alias of the referred table counts too (a self-join through an alias sees keys both ways).
        const target = other instanceof Alias ? other.element : other;
        if (constraint.referredTable !== (target as unknown)) continue;
        pairs = constraint.elements.map((fk): [AnyColumnClause, AnyColumnClause] => [
          fk.parent,
          other instanceof Alias ? (other.c[fk.column.name] as AnyColumnClause) : fk.column,
        ]);
      } catch {
        continue; // a key to a table not defined yet cannot join anything
      }
      found.push(pairs);
    }
    return found;
  }

  /** Creates this table (its enum types and sequences first, its indexes after); `checkFirst` skips it when it exists. */
  async create(target: DDLTarget, options: Omit<CreateDropOptions, "tables"> = {}): Promise<void> {
    await createTables(this.metadata, target, { ...options, tables: [this] });
  }

  /** Drops this table (and its PostgreSQL enum types); `checkFirst` skips it when it does not exist. */
  async drop(target: DDLTarget, options: Omit<CreateDropOptions, "tables"> = {}): Promise<void> {
    await dropTables(this.metadata, target, { ...options, tables: [this] });
  }

  override toString(): string {
    return this.fullName;
  }

  /**
   * A table read from the database (its columns, keys, constraints, indexes
   * and comment), added to `metadata` with the tables its foreign keys refer
   * to. `bind` is an Engine or a Connection; `onWarning` receives reflection's warnings (see ReflectOptions). Raises NoSuchTableError when the
   * table does not exist.
   */
  static async autoload(
    name: string,
    metadata: MetaData,
    bind: object,
    options: { schema?: string; onWarning?: (message: string) => void } = {},
  ): Promise<AnyTable> {
    const made = await runReflector(metadata, bind, {
      only: [name],
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
    });
    const table = made.get(name);
    if (table === undefined) throw new ArgumentError(`Table ${name} was not reflected.`);
    return table;
  }
}

function makeColumns(table: AnyTable, definitions: ColumnDefs): Record<string, AnyColumn> {
  const columns: Record<string, AnyColumn> = {};
  for (const [key, definition] of Object.entries(definitions)) {
    if (!(definition as AnyColumnDef | undefined)?.type) {
      throw new ArgumentError(`Column "${key}" of table ${table.name} must be defined with column(type, options).`);
    }
    columns[key] = new Column(key, definition, table);
  }
  return columns;
}
