/**
 * SELECT statements, compound selects (UNION ...), and the expressions made
 * from them (scalar subqueries, EXISTS).
 *
 * A Select is immutable: every method returns a new Select that shares the
 * rest of its parts with the old one.
 *
 * @module
 */
import { ArgumentError } from "../../errors/index.js";
import { Boolean as BooleanType, Integer } from "../types/sqltypes.js";
import type { TypeEngine } from "../types/type-api.js";
import {
  BindParameter,
  ClauseElement,
  ColumnElement,
  LiteralColumn,
  OrderByExpression,
  and,
  type AnyColumn,
} from "./expressions.js";
import { CTE, ColumnClause, FromClause, Join, Subquery, type ColumnCollection, type RowOfColumns, type SelectLike } from "./from-clause.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFrom = FromClause<any, string>;

/** What `select()` accepts: column expressions, FROM elements (all their columns) and integer literals (`select(1)`). */
export type SelectItem = AnyColumn | AnyFrom | number;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The value type of one selected column, made nullable when its table is on the nullable side of an outer join. */
type ColumnValue<E, Nl extends string> = E extends { readonly _table: infer TB; readonly _type: infer T }
  ? [TB] extends [never]
    ? T
    : TB extends Nl
      ? T | null
      : T
  : E extends { readonly _type: infer T }
    ? T
    : never;

type FromRow<F, Nl extends string> = F extends FromClause<infer C, infer TB>
  ? TB extends Nl
    ? { [K in keyof C]: C[K]["_type"] | null }
    : RowOfColumns<C>
  : never;

/** The row type of a select list `Items`, with the FROM elements named in `Nl` made nullable. */
export type SelectRow<Items extends readonly unknown[], Nl extends string = never> = Simplify<
  { [E in Extract<Items[number], AnyColumn> as E["_name"]]: ColumnValue<E, Nl> } & (Extract<Items[number], AnyFrom> extends never
    ? unknown
    : UnionToIntersection<FromRow<Extract<Items[number], AnyFrom>, Nl>>)
>;

/** The type of the first selected column (what `scalar()` returns). */
export type SelectScalar<Items extends readonly unknown[], Nl extends string = never> = Items extends readonly [infer First, ...unknown[]]
  ? First extends AnyFrom
    ? unknown
    : First extends number
      ? number
      : ColumnValue<First, Nl>
  : unknown;

/** `FOR UPDATE` options. */
export interface ForUpdateOptions {
  /** `FOR SHARE` instead of `FOR UPDATE`. */
  read?: boolean;
  nowait?: boolean;
  skipLocked?: boolean;
  /** `FOR UPDATE OF table, ...` (PostgreSQL). */
  of?: AnyFrom | readonly AnyFrom[];
}

interface SelectState {
  readonly items: readonly ClauseElement[];
  readonly froms: readonly AnyFrom[];
  readonly where: readonly ColumnElement<boolean, string>[];
  readonly groupBy: readonly ClauseElement[];
  readonly having: readonly ColumnElement<boolean, string>[];
  readonly orderBy: readonly ClauseElement[];
  /** LIMIT and OFFSET, bound parameters so that a new count reuses the compiled statement. */
  readonly limit: BindParameter<number> | undefined;
  readonly offset: BindParameter<number> | undefined;
  readonly distinct: boolean;
  readonly distinctOn: readonly ClauseElement[];
  readonly forUpdate: ForUpdateOptions | undefined;
  /** Tables from an enclosing query that this one may refer to without listing them in FROM. */
  readonly correlate: readonly AnyFrom[] | undefined;
}

const EMPTY_STATE: SelectState = {
  items: [],
  froms: [],
  where: [],
  groupBy: [],
  having: [],
  orderBy: [],
  limit: undefined,
  offset: undefined,
  distinct: false,
  distinctOn: [],
  forUpdate: undefined,
  correlate: undefined,
};

function checkCount(what: string, value: number): BindParameter<number> {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ArgumentError(`${what} must be a non-negative integer, got ${JSON.stringify(value)}.`);
  }
  return new BindParameter(value, COUNT_TYPE);
}

const COUNT_TYPE = new Integer();

/** Something usable in ORDER BY / GROUP BY: an expression, or the name of a selected column or label. */
export type OrderItem = AnyColumn | OrderByExpression | string;

/**
 * A SELECT statement whose rows are `SelectRow<Items, Nl>`.
 *
 * @example
 * ```ts
 * const stmt = select(users.c.id, users.c.name).where(users.c.name.like("a%")).orderBy(users.c.id.desc()).limit(10);
 * const rows = (await conn.execute(stmt)).all(); // { id: number; name: string | null }[]
 * ```
 */
export class Select<Items extends readonly SelectItem[] = readonly SelectItem[], Nl extends string = never> extends ClauseElement implements SelectLike {
  readonly kind = "select";
  /** Phantom: the row type. */
  declare readonly _row: SelectRow<Items, Nl>;
  /** Phantom: the type of the first column. */
  declare readonly _scalar: SelectScalar<Items, Nl>;
  readonly state: SelectState;
  /** @internal Values derived from this immutable statement (its cache key), filled on first use. */
  readonly _memo: { statementKey?: unknown } = {};

  constructor(state: SelectState) {
    super();
    this.state = state;
    Object.freeze(this);
  }

  /** The statement's shape key, for the compiled-statement cache. */
  get cacheKey(): string | undefined {
    return undefined;
  }

  private with(changes: Partial<SelectState>): this {
    return new Select({ ...this.state, ...changes }) as this;
  }

  /** Adds columns to the select list (SQLAlchemy's `add_columns`). */
  addColumns<const More extends readonly SelectItem[]>(...items: More): Select<[...Items, ...More], Nl> {
    if (items.length === 0) throw new ArgumentError("addColumns() needs at least one column, expression or table.");
    return new Select<[...Items, ...More], Nl>({ ...this.state, items: [...this.state.items, ...items.map(selectItem)] });
  }

  /** Adds WHERE conditions, joined with AND (several arguments, or several calls). */
  where(...conditions: ColumnElement<boolean, string>[]): this {
    return this.with({ where: [...this.state.where, ...conditions] });
  }

  /**
   * WHERE by column equality on the last joined element (or the first FROM):
   * `select(users).filterBy({ name: "ada" })`.
   */
  filterBy(values: Readonly<Record<string, unknown>>): this {
    const target = this.lastEntity();
    const conditions = Object.entries(values).map(([key, value]) => {
      const col = target.c[key];
      if (col === undefined) {
        throw new ArgumentError(`filterBy: ${describeFrom(target)} has no column "${key}". Columns: ${Object.keys(target.c).join(", ")}.`);
      }
      return col.eq(value);
    });
    return this.where(...conditions);
  }

  /** Adds FROM elements explicitly (`SELECT count(*) FROM users`). */
  selectFrom(...froms: AnyFrom[]): this {
    return this.with({ froms: [...this.state.froms, ...froms] });
  }

  /** `JOIN target ON onclause` from the leftmost FROM (the ON clause follows the single foreign key when omitted). */
  join<F extends AnyFrom>(target: F, onclause?: ColumnElement<boolean, string>): Select<Items, Nl> {
    return this.addJoin(target, onclause, "INNER") as unknown as Select<Items, Nl>;
  }

  /** `LEFT OUTER JOIN target`: its columns become nullable in the row type. */
  outerjoin<F extends AnyFrom>(target: F, onclause?: ColumnElement<boolean, string>): Select<Items, Nl | F["_fromName"]> {
    return this.addJoin(target, onclause, "LEFT") as unknown as Select<Items, Nl | F["_fromName"]>;
  }

  /** Same as {@link outerjoin}. */
  leftJoin<F extends AnyFrom>(target: F, onclause?: ColumnElement<boolean, string>): Select<Items, Nl | F["_fromName"]> {
    return this.outerjoin(target, onclause);
  }

  /**
   * `RIGHT OUTER JOIN target`: the rows of `target` are all kept, so the columns
   * of everything joined before may be null. The row type makes every column
   * nullable (the joined table's too: a safe over-approximation).
   */
  rightJoin<F extends AnyFrom>(target: F, onclause?: ColumnElement<boolean, string>): Select<Items, string> {
    return this.addJoin(target, onclause, "RIGHT") as unknown as Select<Items, string>;
  }

  /** `FULL OUTER JOIN target`: every column becomes nullable in the row type. */
  fullOuterJoin<F extends AnyFrom>(target: F, onclause?: ColumnElement<boolean, string>): Select<Items, string> {
    return this.addJoin(target, onclause, "FULL") as unknown as Select<Items, string>;
  }

  /** `JOIN` between two explicit elements: `selectFrom`-style control over the left side. */
  joinFrom<F extends AnyFrom>(left: AnyFrom, right: F, onclause?: ColumnElement<boolean, string>, options: { isOuter?: boolean } = {}): Select<Items, Nl> {
    const join = new Join(left, right, onclause, options.isOuter === true ? "LEFT" : "INNER");
    return this.with({ froms: [...this.state.froms.filter((f) => f !== left), join] }) as unknown as Select<Items, Nl>;
  }

  /** `GROUP BY ...`. */
  groupBy(...items: OrderItem[]): this {
    return this.with({ groupBy: [...this.state.groupBy, ...items.map((i) => this.orderItem(i))] });
  }

  /** `HAVING ...` conditions, joined with AND. */
  having(...conditions: ColumnElement<boolean, string>[]): this {
    return this.with({ having: [...this.state.having, ...conditions] });
  }

  /** `ORDER BY ...`; a string names a selected column or label. */
  orderBy(...items: OrderItem[]): this {
    return this.with({ orderBy: [...this.state.orderBy, ...items.map((i) => this.orderItem(i))] });
  }

  /** `LIMIT n` (a non-negative integer, bound as a parameter). */
  limit(count: number): this {
    return this.with({ limit: checkCount("limit", count) });
  }

  /** `OFFSET n` (a non-negative integer, bound as a parameter). */
  offset(count: number): this {
    return this.with({ offset: checkCount("offset", count) });
  }

  /** `SELECT DISTINCT`; with expressions, PostgreSQL's `DISTINCT ON (...)`. */
  distinct(...on: AnyColumn[]): this {
    return this.with({ distinct: true, distinctOn: on });
  }

  /** `FOR UPDATE [OF ...] [NOWAIT | SKIP LOCKED]`, or `FOR SHARE` with `read: true`. */
  forUpdate(options: ForUpdateOptions = {}): this {
    if (options.nowait === true && options.skipLocked === true) throw new ArgumentError("forUpdate: nowait and skipLocked exclude each other.");
    return this.with({ forUpdate: options });
  }

  /** Lets this select, used inside another, refer to `froms` of the enclosing one without listing them. */
  correlate(...froms: AnyFrom[]): this {
    return this.with({ correlate: froms });
  }

  /** This select as a FROM element: `(SELECT ...) AS name`, with typed `.c` columns. */
  subquery<A extends string = string>(name?: A): Subquery<SubqueryColumns<SelectRow<Items, Nl>, A>, A> {
    return new Subquery(this, name) as unknown as Subquery<SubqueryColumns<SelectRow<Items, Nl>, A>, A>;
  }

  /** This select as a LATERAL subquery (PostgreSQL, MySQL 8). */
  lateral<A extends string = string>(name?: A): Subquery<SubqueryColumns<SelectRow<Items, Nl>, A>, A> {
    return new Subquery(this, name, true) as unknown as Subquery<SubqueryColumns<SelectRow<Items, Nl>, A>, A>;
  }

  /** This select as a common table expression: `WITH name AS (SELECT ...)`. */
  cte<A extends string>(name: A, options: { recursive?: boolean } = {}): CTE<SubqueryColumns<SelectRow<Items, Nl>, A>, A> {
    return new CTE(this, name, options.recursive ?? false) as unknown as CTE<SubqueryColumns<SelectRow<Items, Nl>, A>, A>;
  }

  /** This select as a scalar value: `(SELECT max(x) FROM t)`, typed by its first column. */
  scalarSubquery(): ScalarSelect<SelectScalar<Items, Nl>> {
    return new ScalarSelect(this);
  }

  /** A labelled scalar subquery, for the select list. */
  label<L extends string>(name: L): ReturnType<ScalarSelect<SelectScalar<Items, Nl>>["label"]> & ColumnElement<SelectScalar<Items, Nl>, L> {
    return this.scalarSubquery().label(name);
  }

  /** `EXISTS (SELECT ...)`. */
  exists(): Exists {
    return new Exists(this);
  }

  union(...others: SelectLike[]): CompoundSelect<Items, Nl> {
    return new CompoundSelect("UNION", [this, ...others]);
  }
  unionAll(...others: SelectLike[]): CompoundSelect<Items, Nl> {
    return new CompoundSelect("UNION ALL", [this, ...others]);
  }
  intersect(...others: SelectLike[]): CompoundSelect<Items, Nl> {
    return new CompoundSelect("INTERSECT", [this, ...others]);
  }
  intersectAll(...others: SelectLike[]): CompoundSelect<Items, Nl> {
    return new CompoundSelect("INTERSECT ALL", [this, ...others]);
  }
  except(...others: SelectLike[]): CompoundSelect<Items, Nl> {
    return new CompoundSelect("EXCEPT", [this, ...others]);
  }
  exceptAll(...others: SelectLike[]): CompoundSelect<Items, Nl> {
    return new CompoundSelect("EXCEPT ALL", [this, ...others]);
  }

  /** The selected columns by result key, in order (tables expanded to their columns). */
  selectedColumns(): (readonly [string, AnyColumn])[] {
    const out: (readonly [string, AnyColumn])[] = [];
    let anon = 0;
    for (const item of this.state.items) {
      if (item instanceof FromClause) {
        for (const [key, col] of Object.entries(item.c as ColumnCollection)) out.push([key, col]);
      } else {
        const col = item as AnyColumn;
        out.push([col.key ?? `anon_${++anon}`, col]);
      }
    }
    return out;
  }

  /** @internal */
  _compound(operator: "UNION" | "UNION ALL", other: SelectLike): SelectLike {
    return new CompoundSelect(operator, [this, other]);
  }

  private addJoin(target: AnyFrom, onclause: ColumnElement<boolean, string> | undefined, joinType: "INNER" | "LEFT" | "RIGHT" | "FULL"): Select<Items, Nl> {
    const froms = [...this.state.froms];
    const leftIndex = froms.length > 0 ? 0 : -1;
    const left = leftIndex >= 0 ? (froms[leftIndex] as AnyFrom) : this.firstItemFrom();
    if (left === undefined) throw new ArgumentError("join(): there is no FROM element to join from; call selectFrom() first.");
    const join = new Join(left, target, onclause, joinType);
    if (leftIndex >= 0) froms[leftIndex] = join;
    else froms.unshift(join);
    return this.with({ froms }) as unknown as Select<Items, Nl>;
  }

  private firstItemFrom(): AnyFrom | undefined {
    for (const item of this.state.items) {
      if (item instanceof FromClause) return item;
      const table = findTable(item);
      if (table !== undefined) return table;
    }
    return undefined;
  }

  private lastEntity(): AnyFrom {
    const first = this.state.froms[0];
    if (first instanceof Join) return first.right as AnyFrom;
    const from = first ?? this.firstItemFrom();
    if (from === undefined) throw new ArgumentError("filterBy(): the statement has no FROM element.");
    return from;
  }

  private orderItem(item: OrderItem): ClauseElement {
    if (typeof item !== "string") return item;
    const found = this.selectedColumns().find(([key]) => key === item);
    if (found === undefined) throw new ArgumentError(`No selected column or label named "${item}" to order or group by.`);
    return new LabelReference(item);
  }
}

/** A reference to a label of the select list, rendered by name (`ORDER BY total DESC`). */
export class LabelReference extends ClauseElement {
  readonly kind = "label_reference";
  constructor(readonly name: string) {
    super();
    Object.freeze(this);
  }
  desc(): OrderByExpression {
    return new OrderByExpression(this, "DESC", undefined);
  }
  asc(): OrderByExpression {
    return new OrderByExpression(this, "ASC", undefined);
  }
}

function findTable(element: ClauseElement): AnyFrom | undefined {
  if (element instanceof ColumnClause) return element.table as AnyFrom | undefined;
  const inner = (element as { element?: ClauseElement }).element;
  return inner instanceof ClauseElement ? findTable(inner) : undefined;
}

function describeFrom(from: AnyFrom): string {
  const name = (from as { name?: string }).name;
  return name === undefined ? "the FROM element" : `"${name}"`;
}

/** The `.c` columns of a subquery or CTE built from rows of type `R`. */
export type SubqueryColumns<R, A extends string> = {
  readonly [K in keyof R & string]: ColumnClause<R[K], K, A>;
};

/** `SELECT ... UNION SELECT ...` and the other set operations. */
export class CompoundSelect<Items extends readonly SelectItem[] = readonly SelectItem[], Nl extends string = never> extends ClauseElement implements SelectLike {
  readonly kind = "compound_select";
  declare readonly _row: SelectRow<Items, Nl>;
  declare readonly _scalar: SelectScalar<Items, Nl>;
  /** @internal Values derived from this immutable statement (its cache key), filled on first use. */
  readonly _memo: { statementKey?: unknown } = {};

  constructor(
    readonly operator: "UNION" | "UNION ALL" | "INTERSECT" | "INTERSECT ALL" | "EXCEPT" | "EXCEPT ALL",
    readonly selects: readonly SelectLike[],
    readonly orderByItems: readonly ClauseElement[] = [],
    readonly limitCount: BindParameter<number> | undefined = undefined,
    readonly offsetCount: BindParameter<number> | undefined = undefined,
  ) {
    super();
    Object.freeze(this.selects);
    Object.freeze(this);
  }

  get cacheKey(): string | undefined {
    return undefined;
  }

  selectedColumns(): (readonly [string, AnyColumn])[] {
    return (this.selects[0] as SelectLike).selectedColumns();
  }

  /** ORDER BY for the whole compound; strings name result columns. */
  orderBy(...items: OrderItem[]): CompoundSelect<Items, Nl> {
    const rendered = items.map((i) => (typeof i === "string" ? new LabelReference(i) : i));
    return new CompoundSelect(this.operator, this.selects, [...this.orderByItems, ...rendered], this.limitCount, this.offsetCount);
  }
  limit(count: number): CompoundSelect<Items, Nl> {
    return new CompoundSelect(this.operator, this.selects, this.orderByItems, checkCount("limit", count), this.offsetCount);
  }
  offset(count: number): CompoundSelect<Items, Nl> {
    return new CompoundSelect(this.operator, this.selects, this.orderByItems, this.limitCount, checkCount("offset", count));
  }
  subquery<A extends string = string>(name?: A): Subquery<SubqueryColumns<SelectRow<Items, Nl>, A>, A> {
    return new Subquery(this, name) as unknown as Subquery<SubqueryColumns<SelectRow<Items, Nl>, A>, A>;
  }
  cte<A extends string>(name: A, options: { recursive?: boolean } = {}): CTE<SubqueryColumns<SelectRow<Items, Nl>, A>, A> {
    return new CTE(this, name, options.recursive ?? false) as unknown as CTE<SubqueryColumns<SelectRow<Items, Nl>, A>, A>;
  }

  /** @internal */
  _compound(operator: "UNION" | "UNION ALL", other: SelectLike): SelectLike {
    return new CompoundSelect(operator, [this, other]);
  }
}

/** `(SELECT ...)` used as a value. */
export class ScalarSelect<T = unknown> extends ColumnElement<T> {
  readonly kind = "scalar_select";
  readonly type: TypeEngine<T>;
  constructor(readonly element: SelectLike) {
    super();
    const first = element.selectedColumns()[0];
    if (first === undefined) throw new ArgumentError("A scalar subquery needs one selected column.");
    this.type = first[1].type as TypeEngine<T>;
    Object.freeze(this);
  }
}

/** `EXISTS (SELECT ...)`. */
export class Exists extends ColumnElement<boolean> {
  readonly kind = "exists";
  readonly type: TypeEngine<boolean>;
  constructor(readonly element: SelectLike) {
    super();
    this.type = new BooleanType();
    Object.freeze(this);
  }
}

/**
 * Starts a SELECT of columns, expressions and whole FROM elements.
 *
 * @example
 * ```ts
 * select(users.c.id, users.c.name)        // Select of { id: number; name: string | null }
 * select(users)                            // every column of users
 * select(func.count().label("n")).selectFrom(users)
 * ```
 */
export function select<const Items extends readonly SelectItem[]>(...items: Items): Select<Items, never> {
  if (items.length === 0) throw new ArgumentError("select() needs at least one column, expression or table.");
  return new Select<Items, never>({ ...EMPTY_STATE, items: items.map(selectItem) });
}

function selectItem(item: SelectItem): ClauseElement {
  if (item instanceof ClauseElement) return item;
  if (typeof item === "number" && Number.isSafeInteger(item)) return new LiteralColumn(String(item), new Integer());
  throw new ArgumentError(`select() takes columns, expressions, tables or integer literals; got ${JSON.stringify(item)}.`);
}

/** `EXISTS (subquery)`. */
export function exists(subquery: Select | CompoundSelect): Exists {
  return new Exists(subquery);
}

/** Joins conditions of a where list with AND (used by compilers). @internal */
export function whereClause(conditions: readonly ColumnElement<boolean, string>[]): ColumnElement<boolean> | undefined {
  return conditions.length === 0 ? undefined : and(...conditions);
}

/** The columns of a collection as a list (helper for compilers). @internal */
export function columnsOf(collection: ColumnCollection): AnyColumn[] {
  return Object.values(collection);
}
