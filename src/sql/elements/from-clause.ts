/**
 * FROM-clause elements: tables, their columns, aliases, joins, subqueries and
 * CTEs. Every one exposes its columns as `.c`, typed from its definition.
 *
 * @module
 */
import { ArgumentError } from "../../errors/index.js";
import type { TypeEngine } from "../types/type-api.js";
import { ClauseElement, ColumnElement, and, type AnyColumn } from "./expressions.js";

/**
 * A column of a FROM element (a table, an alias, a subquery). `T` is its value
 * type (including `null` when nullable), `N` its name and `TB` the name of the
 * FROM element, used to make outer-joined columns nullable in result types.
 */
export class ColumnClause<T = unknown, N extends string = string, TB extends string = string> extends ColumnElement<T, N> {
  readonly kind: string = "column";
  /** Phantom: the name of the FROM element this column belongs to. */
  declare readonly _table: TB;

  constructor(
    readonly name: N,
    readonly type: TypeEngine<T>,
    /** The FROM element this column belongs to; `undefined` for a free-standing `column()`. */
    readonly table: FromClause | undefined,
  ) {
    super();
  }

  override get key(): string {
    return this.name;
  }

  /** A client-side default for INSERT: a value, a function called per row, or a SQL expression (schema columns have them). */
  get default(): unknown {
    return undefined;
  }

  /** A client-side value for UPDATE when the column is not set (schema columns have them). */
  get onUpdate(): unknown {
    return undefined;
  }

  /** This column bound to another FROM element (an alias or a subquery of its table). */
  _rebind(table: FromClause): ColumnClause<T, N, string> {
    return new ColumnClause(this.name, this.type, table);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyColumnClause = ColumnClause<any, string, string>;

/** A record of columns by key. */
export type ColumnCollection = Readonly<Record<string, AnyColumnClause>>;

/** The row type a collection of columns gives. */
export type RowOfColumns<C extends ColumnCollection> = { [K in keyof C]: C[K]["_type"] };

/** The columns of `C` bound to a FROM element named `TB`. */
export type RebindColumns<C extends ColumnCollection, TB extends string> = {
  readonly [K in keyof C & string]: ColumnClause<C[K]["_type"], K, TB>;
};

/**
 * Something that can stand in a FROM clause, with columns `C` and name `TB`.
 */
export abstract class FromClause<C extends ColumnCollection = ColumnCollection, TB extends string = string> extends ClauseElement {
  /** Phantom: the name of this FROM element in result types. */
  declare readonly _fromName: TB;
  /** The columns, by key. */
  abstract readonly c: C;

  /** The columns in their declared order. */
  get columns(): AnyColumnClause[] {
    return Object.values(this.c);
  }

  /** An alias of this FROM element: `FROM users AS u`. */
  alias<A extends string>(name: A): Alias<RebindColumns<C, A>, A> {
    return new Alias(this, name) as unknown as Alias<RebindColumns<C, A>, A>;
  }

  /** `this JOIN right ON onclause` (the ON clause is found from the foreign key when omitted). */
  join(right: FromClause, onclause?: ColumnElement<boolean, string>, options: { full?: boolean; isOuter?: boolean } = {}): Join {
    return new Join(this, right, onclause, options.isOuter === true || options.full === true ? (options.full ? "FULL" : "LEFT") : "INNER");
  }

  /** `this LEFT OUTER JOIN right ON onclause`. */
  outerjoin(right: FromClause, onclause?: ColumnElement<boolean, string>, options: { full?: boolean } = {}): Join {
    return new Join(this, right, onclause, options.full === true ? "FULL" : "LEFT");
  }

  /** The foreign keys of this element pointing at `other`, as `[local column, remote column]` pairs. @internal */
  _foreignKeysTo(_other: FromClause): readonly (readonly [AnyColumnClause, AnyColumnClause][])[] {
    return [];
  }
}

/**
 * A named table, as the SQL expression language sees it: a name, an optional
 * schema and typed columns. `schema.Table` extends it with constraints and DDL.
 */
let nextTableId = 1;

export class TableClause<C extends ColumnCollection = ColumnCollection, TB extends string = string> extends FromClause<C, TB> {
  readonly kind: string = "table";
  readonly c: C;
  /** A number unique to this table object: its identity in statement cache keys. */
  readonly tableId: number = nextTableId++;

  constructor(
    readonly name: TB,
    columns: Readonly<Record<string, TypeEngine>> | ((table: TableClause<C, TB>) => C),
    readonly schema?: string,
  ) {
    super();
    if (typeof name !== "string" || name.length === 0) throw new ArgumentError("A table needs a non-empty name.");
    this.c =
      typeof columns === "function"
        ? columns(this)
        : (Object.fromEntries(Object.entries(columns).map(([key, type]) => [key, new ColumnClause(key, type, this)])) as unknown as C);
    Object.freeze(this.c);
  }

  /** `schema.name` or `name`. */
  get fullName(): string {
    return this.schema === undefined ? this.name : `${this.schema}.${this.name}`;
  }
}

/** The lightweight columns of {@link table}, typed from their SQL types. */
export type ColumnsFromTypes<TB extends string, D extends Readonly<Record<string, TypeEngine>>> = {
  readonly [K in keyof D & string]: ColumnClause<D[K]["_tsType"], K, TB>;
};

/**
 * A lightweight table for the expression language, without schema metadata.
 *
 * @example
 * ```ts
 * const users = table("users", { id: new Integer(), name: new String() });
 * select(users.c.id, users.c.name).where(users.c.id.gt(5));
 * ```
 */
export function table<TB extends string, D extends Readonly<Record<string, TypeEngine>>>(
  name: TB,
  columns: D,
  options: { schema?: string } = {},
): TableClause<ColumnsFromTypes<TB, D>, TB> {
  return new TableClause<ColumnsFromTypes<TB, D>, TB>(name, columns, options.schema);
}

/** A free-standing column: `column("x", Integer)`; put in a table or used in text-based selects. */
export function column<T, N extends string>(name: N, type: TypeEngine<T>): ColumnClause<T, N, never> {
  return new ColumnClause<T, N, never>(name, type, undefined);
}

/**
 * A FROM element under another name, as in SQLAlchemy: `aliased(users, "u")` is
 * `users.alias("u")` (the ORM extends it to mapped classes).
 */
export function aliased<C extends ColumnCollection, TB extends string, A extends string>(from: FromClause<C, TB>, name: A): Alias<RebindColumns<C, A>, A> {
  return from.alias(name);
}

/** A FROM element under another name: `users AS u`. */
export class Alias<C extends ColumnCollection = ColumnCollection, TB extends string = string> extends FromClause<C, TB> {
  readonly kind: string = "alias";
  readonly c: C;
  constructor(
    readonly element: FromClause,
    readonly name: TB,
  ) {
    super();
    this.c = Object.freeze(
      Object.fromEntries(Object.entries(element.c).map(([key, col]) => [key, col._rebind(this)])),
    ) as unknown as C;
  }

  override _foreignKeysTo(other: FromClause): readonly (readonly [AnyColumnClause, AnyColumnClause][])[] {
    return this.element._foreignKeysTo(other instanceof Alias ? other.element : other).map((pairs) =>
      pairs.map(([local, remote]) => [this.c[local.name] as AnyColumnClause, (other instanceof Alias ? other.c[remote.name] : remote) as AnyColumnClause] as const),
    ) as unknown as readonly (readonly [AnyColumnClause, AnyColumnClause][])[];
  }
}

/** `left [LEFT|FULL] JOIN right ON onclause`. */
export class Join extends FromClause<ColumnCollection, string> {
  readonly kind: string = "join";
  readonly onclause: ColumnElement<boolean, string>;

  constructor(
    readonly left: FromClause,
    readonly right: FromClause,
    onclause: ColumnElement<boolean, string> | undefined,
    readonly joinType: "INNER" | "LEFT" | "RIGHT" | "FULL",
  ) {
    super();
    this.onclause = onclause ?? inferOnclause(left, right);
    this.froms = Object.freeze([left, right].flatMap((f) => (f instanceof Join ? f.froms : [f])));
    Object.freeze(this);
  }

  /** Every non-join FROM element inside this join, left to right. */
  readonly froms: readonly FromClause[];

  /** The columns of both sides, keyed `table_column` (built on demand: joins are made often and rarely asked). */
  get c(): ColumnCollection {
    const entries: [string, AnyColumnClause][] = [];
    for (const side of [this.left, this.right]) {
      for (const col of side.columns) entries.push([`${fromName(side)}_${col.name}`, col]);
    }
    return Object.freeze(Object.fromEntries(entries));
  }

}

function fromName(from: FromClause): string {
  return (from as { name?: string }).name ?? "anon";
}

/** Finds the ON clause from the single foreign key between the two sides (SQLAlchemy's rule). */
function inferOnclause(left: FromClause, right: FromClause): ColumnElement<boolean, string> {
  const candidates: (readonly [AnyColumnClause, AnyColumnClause][])[] = [];
  const lefts = left instanceof Join ? left.froms : [left];
  for (const l of lefts) {
    candidates.push(...right._foreignKeysTo(l), ...l._foreignKeysTo(right));
  }
  if (candidates.length !== 1) {
    const what = candidates.length === 0 ? "no foreign key" : `${candidates.length} foreign keys`;
    throw new ArgumentError(
      `Cannot join ${fromName(left)} to ${fromName(right)} without an ON clause: there is ${what} between them. Pass the ON clause explicitly.`,
    );
  }
  const pairs = candidates[0] as readonly [AnyColumnClause, AnyColumnClause][];
  return and(...pairs.map(([a, b]) => a.eq(b)));
}

/** A SELECT used as a FROM element: `(SELECT ...) AS name`; also LATERAL. */
export class Subquery<C extends ColumnCollection = ColumnCollection, TB extends string = string> extends FromClause<C, TB> {
  readonly kind: string = "subquery";
  readonly c: C;
  constructor(
    readonly element: SelectLike,
    readonly name: TB | undefined,
    readonly lateral: boolean = false,
  ) {
    super();
    this.c = Object.freeze(
      Object.fromEntries(element.selectedColumns().map(([key, col]) => [key, new ColumnClause(key, col.type, this)])),
    ) as unknown as C;
  }
}

/** `WITH name AS (SELECT ...)`: a common table expression, recursive or not. */
export class CTE<C extends ColumnCollection = ColumnCollection, TB extends string = string> extends FromClause<C, TB> {
  readonly kind: string = "cte";
  readonly c: C;
  constructor(
    readonly element: SelectLike,
    readonly name: TB,
    readonly recursive: boolean,
    /** The CTE this one restates with a longer body (a recursive CTE after `unionAll`): both are one WITH entry. */
    readonly restates: CTE | undefined = undefined,
  ) {
    super();
    this.c = Object.freeze(
      Object.fromEntries(element.selectedColumns().map(([key, col]) => [key, new ColumnClause(key, col.type, this)])),
    ) as unknown as C;
  }

  /** The first CTE of a chain of restatements: what identifies the WITH entry. */
  get root(): CTE {
    return this.restates?.root ?? this;
  }

  /** For a recursive CTE: the same CTE whose body is `this UNION ALL other`. */
  unionAll(other: SelectLike): CTE<C, TB> {
    return new CTE<C, TB>(this.element._compound("UNION ALL", other), this.name, this.recursive, this);
  }

  /** For a recursive CTE: the same CTE whose body is `this UNION other`. */
  union(other: SelectLike): CTE<C, TB> {
    return new CTE<C, TB>(this.element._compound("UNION", other), this.name, this.recursive, this);
  }
}

/** What a subquery or CTE needs from a statement (Select and CompoundSelect provide it). */
export interface SelectLike extends ClauseElement {
  /** The selected columns by result key, in order. */
  selectedColumns(): (readonly [string, AnyColumn])[];
  /** @internal */
  _compound(operator: "UNION" | "UNION ALL", other: SelectLike): SelectLike;
}
