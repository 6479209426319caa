/**
 * ORM-enabled SELECT: `select(User)` selects a mapped class (all its mapped
 * columns) and any column expressions; the Session turns each row into
 * instances, one per identity. A thin immutable wrapper over a Core
 * `Select`, so every Core expression works in it.
 *
 * @module
 */
import { ArgumentError } from "../errors/index.js";
import {
  ClauseElement,
  and,
  select as coreSelect,
  insert as coreInsert,
  update as coreUpdate,
  delete_ as coreDelete,
  type Insert,
  type Update,
  type Delete,
  type AnyColumn,
  type ColumnElement,
  type CompileOptions,
  type CompiledStatement,
  type ForUpdateOptions,
  type FromClause,
  type OrderItem,
  type Select,
} from "../sql/index.js";
import type { Table } from "../schema/index.js";
import { ColumnLoadOption, LoaderOption, columnSetFor } from "./loading.js";
import { requireMapper, type ColumnSet, type MappedClass, type Mapper } from "./mapper.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFrom = FromClause<any, string>;

/** What an ORM select takes: mapped classes and column expressions. */
export type OrmItem = MappedClass | AnyColumn;

type ItemValue<I> = I extends MappedClass<infer T> ? T : I extends { readonly _type: infer V } ? V : never;

/** The row of an ORM select: a tuple with an instance per mapped class and a value per column expression. */
export type OrmRow<Items extends readonly unknown[]> = { -readonly [K in keyof Items]: ItemValue<Items[K]> };

/** How one selected item is read back from a row. @internal */
export type ItemPlan =
  | { readonly kind: "entity"; readonly mapper: Mapper; readonly offset: number; readonly columns: ColumnSet }
  | { readonly kind: "column"; readonly offset: number };

/** Options that change how the Session loads the rows. */
export interface LoadOptions {
  /** Overwrite the attributes of objects already in the session with the row's values (SQLAlchemy's populate_existing). */
  readonly populateExisting?: boolean;
  /** Relationship loaders (`selectinload(User, "posts")`, ...). */
  readonly loaders?: readonly LoaderOption[];
  /** Column loading options (`defer`, `undefer`, `loadOnly`). */
  readonly columnOptions?: readonly ColumnLoadOption[];
}

/** A join target: a mapped class or any FROM element. */
export type JoinTarget = MappedClass | AnyFrom;

type NullableWhere<R extends readonly unknown[], C> = { -readonly [K in keyof R]: R[K] extends C ? R[K] | null : R[K] };

function fromOf(target: JoinTarget): AnyFrom {
  return typeof target === "function" ? (requireMapper(target).table as unknown as AnyFrom) : target;
}

/**
 * A SELECT of mapped classes and columns. Build it with {@link select};
 * run it with `session.execute`, `session.scalars` or `session.scalar`.
 */
export class OrmSelect<R extends readonly unknown[] = readonly unknown[]> extends ClauseElement {
  /** Phantom: the row type. */
  declare readonly _ormRow: R;
  readonly kind = "orm_select";

  /** @internal Made by `select()` from `athanor/orm`; the plan type is internal. */
  constructor(
    /** The Core statement that runs. */
    readonly statement: Select,
    /** @internal */
    readonly _plan: readonly ItemPlan[],
    /** @internal */
    readonly _load: LoadOptions = {},
  ) {
    super();
    Object.freeze(this);
  }

  #with(statement: Select, load: LoadOptions = this._load): this {
    return new OrmSelect<R>(statement, this._plan, load) as this;
  }

  /** The mapper of the first selected class (what `filterBy` names attributes of). */
  get #firstMapper(): Mapper {
    const entity = this._plan.find((p) => p.kind === "entity");
    if (entity === undefined) throw new ArgumentError("filterBy() needs a mapped class in the select.");
    return entity.mapper;
  }

  /** Adds WHERE conditions, joined with AND. */
  where(...conditions: ColumnElement<boolean, string>[]): this {
    return this.#with(this.statement.where(...conditions));
  }

  /** WHERE attribute = value for each entry, on the first selected class: `filterBy({ name: "ada" })`. */
  filterBy(values: Readonly<Record<string, unknown>>): this {
    const mapper = this.#firstMapper;
    const conditions = Object.entries(values).map(([key, value]) => {
      const col = mapper.columns.get(key);
      if (col === undefined) throw new ArgumentError(`filterBy(): ${mapper.name} has no column attribute "${key}".`);
      return col.eq(value as never);
    });
    return this.where(and(...conditions));
  }

  /** INNER JOIN a mapped class (ON from the foreign keys unless given) or any FROM element. */
  join(target: JoinTarget, onclause?: ColumnElement<boolean, string>): this {
    return this.#with(this.statement.join(fromOf(target), onclause) as Select);
  }

  /** LEFT OUTER JOIN: a joined class's instances may be `null` in the rows. */
  outerjoin<C extends object>(target: MappedClass<C>, onclause?: ColumnElement<boolean, string>): OrmSelect<NullableWhere<R, C>>;
  outerjoin(target: AnyFrom, onclause?: ColumnElement<boolean, string>): this;
  outerjoin(target: JoinTarget, onclause?: ColumnElement<boolean, string>): unknown {
    return this.#with(this.statement.outerjoin(fromOf(target), onclause) as unknown as Select);
  }

  /** GROUP BY. */
  groupBy(...items: OrderItem[]): this {
    return this.#with(this.statement.groupBy(...items));
  }

  /** HAVING. */
  having(...conditions: ColumnElement<boolean, string>[]): this {
    return this.#with(this.statement.having(...conditions));
  }

  /** ORDER BY. */
  orderBy(...items: OrderItem[]): this {
    return this.#with(this.statement.orderBy(...items));
  }

  /** LIMIT. */
  limit(count: number): this {
    return this.#with(this.statement.limit(count));
  }

  /** OFFSET. */
  offset(count: number): this {
    return this.#with(this.statement.offset(count));
  }

  /** DISTINCT (DISTINCT ON the given columns on PostgreSQL). */
  distinct(...on: AnyColumn[]): this {
    return this.#with(this.statement.distinct(...on));
  }

  /** FOR UPDATE / FOR SHARE. */
  forUpdate(options: ForUpdateOptions = {}): this {
    return this.#with(this.statement.forUpdate(options));
  }

  /**
   * Relationship loaders for this query: `select(User).options(selectinload(User, "posts"))`.
   * Without one, a relationship is loaded only if its `lazy` default says so; reading it otherwise raises.
   */
  options(...options: (LoaderOption | ColumnLoadOption)[]): this {
    for (const option of options) {
      if (!(option instanceof LoaderOption) && !(option instanceof ColumnLoadOption)) {
        throw new ArgumentError(`options() takes loader options (selectinload, joinedload, defer, loadOnly, ...); got ${String(option)}.`);
      }
    }
    const loaders = options.filter((o): o is LoaderOption => o instanceof LoaderOption);
    const columnOptions = options.filter((o): o is ColumnLoadOption => o instanceof ColumnLoadOption);
    const next = this.#with(this.statement, {
      ...this._load,
      loaders: [...(this._load.loaders ?? []), ...loaders],
      columnOptions: [...(this._load.columnOptions ?? []), ...columnOptions],
    });
    return columnOptions.length === 0 ? next : next._withColumns();
  }

  /** @internal Re-selects each class's columns after defer / undefer / loadOnly options. */
  _withColumns(): this {
    const items = [...this.statement.state.items];
    const plan: ItemPlan[] = [];
    let shift = 0;
    for (const item of this._plan) {
      if (item.kind !== "entity") {
        plan.push({ ...item, offset: item.offset + shift });
        continue;
      }
      const set = columnSetFor(item.mapper, this._load.columnOptions ?? []);
      items.splice(item.offset + shift, item.columns.columns.length, ...set.columns);
      plan.push({ ...item, offset: item.offset + shift, columns: set });
      shift += set.columns.length - item.columns.columns.length;
    }
    const statement = new (this.statement.constructor as new (state: unknown) => Select)({ ...this.statement.state, items });
    return new OrmSelect<R>(statement, plan, this._load) as this;
  }

  /** Loads over objects already in the session, replacing their unflushed attribute values. */
  populateExisting(on = true): this {
    return this.#with(this.statement, { ...this._load, populateExisting: on });
  }

  override compile(options: CompileOptions): CompiledStatement {
    return this.statement.compile(options);
  }
}

/**
 * An ORM select of mapped classes and column expressions.
 *
 * @example
 * ```ts
 * const users = await session.scalars(select(User).where(User.c.name.like("a%")).orderBy(User.c.id));
 * const rows = await session.execute(select(User, Post.c.title).join(Post)); // [User, string][]
 * ```
 */
export function select<const Items extends readonly OrmItem[]>(...items: Items): OrmSelect<OrmRow<Items>> {
  if (items.length === 0) throw new ArgumentError("select() needs at least one mapped class or column.");
  const plan: ItemPlan[] = [];
  const columns: AnyColumn[] = [];
  for (const item of items) {
    if (typeof item === "function") {
      const mapper = requireMapper(item);
      mapper.registry.configure();
      const set = mapper._columnSet();
      plan.push({ kind: "entity", mapper, offset: columns.length, columns: set });
      columns.push(...set.columns);
    } else if (item instanceof ClauseElement) {
      plan.push({ kind: "column", offset: columns.length });
      columns.push(item);
    } else {
      throw new ArgumentError(`select() takes mapped classes and column expressions; got ${String(item)}.`);
    }
  }
  let statement = coreSelect(...columns) as unknown as Select;
  // Joined-table inheritance: a subclass's rows are its tables joined on their keys.
  for (const item of plan) if (item.kind === "entity" && item.mapper.joined) statement = statement.selectFrom(item.mapper._from as never) as Select;
  // A subclass of single-table inheritance: only rows whose discriminator names it (or its subclasses).
  for (const item of plan) {
    if (item.kind === "entity" && item.mapper.inherits !== undefined && item.mapper.polymorphicOn !== undefined) {
      const discriminator = item.mapper.columns.get(item.mapper.polymorphicOn) as AnyColumn;
      statement = statement.where(discriminator.in(item.mapper.polymorphicIdentities as never[]) as ColumnElement<boolean, string>);
    }
  }
  return new OrmSelect<OrmRow<Items>>(statement, plan);
}

/** The table of a declarative model class (typed), or of any mapped class. */
type TableOf<C> = C extends { readonly table: infer T extends AnyTableLike } ? T : AnyTableLike;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTableLike = Table<any, string>;

function tableOf(cls: MappedClass): AnyTableLike {
  return requireMapper(cls).table as AnyTableLike;
}

/**
 * An ORM-level bulk INSERT into a mapped class's table: `insert(User).values([...])`, run with
 * `session.execute`. No objects are made; load them with a select if you need them.
 */
export function insert<C extends MappedClass>(cls: C): Insert<TableOf<C>> {
  return coreInsert(tableOf(cls)) as Insert<TableOf<C>>;
}

/**
 * An ORM-level UPDATE by criteria: `update(User).where(User.c.name.eq("x")).values({ ... })`.
 * `session.execute` updates the matched objects of the session (see `synchronizeSession`).
 */
export function update<C extends MappedClass>(cls: C): Update<TableOf<C>> {
  return coreUpdate(tableOf(cls)) as Update<TableOf<C>>;
}

/**
 * An ORM-level DELETE by criteria: `delete_(User).where(...)`. `session.execute`
 * removes the matched objects from the session (see `synchronizeSession`).
 */
export function delete_<C extends MappedClass>(cls: C): Delete<TableOf<C>> {
  return coreDelete(tableOf(cls)) as Delete<TableOf<C>>;
}
