/**
 * Column expressions: the immutable nodes that make up WHERE clauses, select
 * lists and values. Every node is frozen once built; methods return new nodes.
 *
 * The operator methods live on {@link ColumnElement} so that any expression can
 * be compared, combined, ordered, labelled or cast.
 *
 * @module
 */
import { ArgumentError } from "../../errors/index.js";
import { Boolean as BooleanType, Integer, String as StringType } from "../types/sqltypes.js";
import type { TypeEngine } from "../types/type-api.js";
import { NullType } from "../types/type-api.js";
import type { CompiledSQL } from "../compiler/compiler.js";
import { boundParams } from "../compiler/bound-params.js";
import { compilerFor } from "../compiler/registry.js";

/** The base of every node of a statement tree. */
/** Options of {@link ClauseElement.compile}. */
export interface CompileOptions {
  /** A dialect name (`postgresql`, `sqlite`, `mysql`, `mariadb`) or anything with `createCompiler()` (a Dialect, an Engine's dialect). */
  dialect: string | { createCompiler(): { compile(statement: never): CompiledSQL } };
}

/** A statement compiled without a database: the SQL and its positional parameters. */
export interface CompiledStatement {
  readonly sql: string;
  /** The values in placeholder order; `undefined` for a named `bindparam()` whose value comes at execution. */
  readonly params: unknown[];
  /** The compiled form, with the parameter names behind each placeholder. */
  readonly compiled: CompiledSQL;
}

export abstract class ClauseElement {
  /** The node kind, used by the compiler's dispatch table and the cache key. */
  abstract readonly kind: string;

  /**
   * Compiles this statement or expression for a dialect, without a database.
   *
   * @example
   * ```ts
   * select(users.c.id).where(users.c.name.eq("ada")).compile({ dialect: "postgresql" });
   * // { sql: "SELECT users.id FROM users WHERE users.name = $1", params: ["ada"], ... }
   * ```
   */
  compile(options: CompileOptions): CompiledStatement {
    const compiler = typeof options.dialect === "string" ? compilerFor(options.dialect) : options.dialect.createCompiler();
    const compiled = compiler.compile(this as never);
    return { sql: compiled.sql, params: boundParams(compiled), compiled };
  }
}

/** A value or an expression of the same value type. */
export type ExpressionOrValue<T> = ColumnElement<T, string> | T | null;

/** Any column expression, whatever its type and name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyColumn = ColumnElement<any, string>;

/** Something that can stand on the right of `IN`: values, expressions, or a subquery. */
export interface InSource {
  readonly kind: string;
}

/**
 * An expression whose values are `T`. `N` is the key it gets in a result row
 * (a column's name or a label); anonymous expressions have `never`, so they
 * add no named property to the row type.
 */
export abstract class ColumnElement<T = unknown, N extends string = never> extends ClauseElement {
  /** Phantom: the value type. */
  declare readonly _type: T;
  /** Phantom: the row key. */
  declare readonly _name: N;
  /** The SQL type, which converts values on their way in and out. */
  abstract readonly type: TypeEngine<T>;

  /** The key of this expression in a result row, when it has one. */
  get key(): string | undefined {
    return undefined;
  }

  /** `this = other` (`IS NULL` when other is `null`). */
  eq(other: ExpressionOrValue<T>): BinaryExpression<boolean> {
    if (other === null) return new BinaryExpression(this, "IS", NULL, BOOLEAN);
    return new BinaryExpression(this, "=", coerce(other, this.type), BOOLEAN);
  }
  /** `this <> other` (`IS NOT NULL` when other is `null`). */
  ne(other: ExpressionOrValue<T>): BinaryExpression<boolean> {
    if (other === null) return new BinaryExpression(this, "IS NOT", NULL, BOOLEAN);
    return new BinaryExpression(this, "<>", coerce(other, this.type), BOOLEAN);
  }
  lt(other: ExpressionOrValue<T>): BinaryExpression<boolean> {
    return new BinaryExpression(this, "<", coerce(other, this.type), BOOLEAN);
  }
  le(other: ExpressionOrValue<T>): BinaryExpression<boolean> {
    return new BinaryExpression(this, "<=", coerce(other, this.type), BOOLEAN);
  }
  gt(other: ExpressionOrValue<T>): BinaryExpression<boolean> {
    return new BinaryExpression(this, ">", coerce(other, this.type), BOOLEAN);
  }
  ge(other: ExpressionOrValue<T>): BinaryExpression<boolean> {
    return new BinaryExpression(this, ">=", coerce(other, this.type), BOOLEAN);
  }
  /** `this IS DISTINCT FROM other` (null-safe inequality). */
  isDistinctFrom(other: ExpressionOrValue<T>): BinaryExpression<boolean> {
    return new BinaryExpression(this, "IS DISTINCT FROM", coerce(other, this.type), BOOLEAN);
  }
  /** `this IS NOT DISTINCT FROM other` (null-safe equality). */
  isNotDistinctFrom(other: ExpressionOrValue<T>): BinaryExpression<boolean> {
    return new BinaryExpression(this, "IS NOT DISTINCT FROM", coerce(other, this.type), BOOLEAN);
  }

  /** `this IN (...)`: a list of values or expressions, or a subquery. An empty list is never true. */
  in(values: readonly ExpressionOrValue<T>[] | InSource): ColumnElement<boolean> {
    return inExpression(this, values, false);
  }
  /** `this NOT IN (...)`. An empty list is always true. */
  notIn(values: readonly ExpressionOrValue<T>[] | InSource): ColumnElement<boolean> {
    return inExpression(this, values, true);
  }
  /** `this BETWEEN low AND high`. */
  between(low: ExpressionOrValue<T>, high: ExpressionOrValue<T>): BinaryExpression<boolean> {
    const range = new ClauseList([coerce(low, this.type), coerce(high, this.type)], " AND ");
    return new BinaryExpression(this, "BETWEEN", range, BOOLEAN);
  }
  /** `this LIKE pattern` (with an optional escape character). */
  like(pattern: ExpressionOrValue<string>, escape?: string): ColumnElement<boolean> {
    return likeExpression(this, "LIKE", coerce(pattern, STRING), escape);
  }
  /** `this NOT LIKE pattern`. */
  notLike(pattern: ExpressionOrValue<string>, escape?: string): ColumnElement<boolean> {
    return likeExpression(this, "NOT LIKE", coerce(pattern, STRING), escape);
  }
  /** Case-insensitive LIKE: `ILIKE` on PostgreSQL, `lower(x) LIKE lower(y)` elsewhere. */
  ilike(pattern: ExpressionOrValue<string>, escape?: string): ColumnElement<boolean> {
    return likeExpression(this, "ILIKE", coerce(pattern, STRING), escape);
  }
  notIlike(pattern: ExpressionOrValue<string>, escape?: string): ColumnElement<boolean> {
    return likeExpression(this, "NOT ILIKE", coerce(pattern, STRING), escape);
  }
  /** The value contains `text` (LIKE with `%`, `_` and the escape character escaped). */
  contains(text: string): ColumnElement<boolean> {
    return likeExpression(this, "LIKE", new BindParameter(`%${escapeLike(text)}%`, STRING), "/");
  }
  /** The value starts with `text` (special LIKE characters escaped). */
  startsWith(text: string): ColumnElement<boolean> {
    return likeExpression(this, "LIKE", new BindParameter(`${escapeLike(text)}%`, STRING), "/");
  }
  /** The value ends with `text` (special LIKE characters escaped). */
  endsWith(text: string): ColumnElement<boolean> {
    return likeExpression(this, "LIKE", new BindParameter(`%${escapeLike(text)}`, STRING), "/");
  }
  /** `this IS NULL`. */
  isNull(): BinaryExpression<boolean> {
    return new BinaryExpression(this, "IS", NULL, BOOLEAN);
  }
  /** `this IS NOT NULL`. */
  isNotNull(): BinaryExpression<boolean> {
    return new BinaryExpression(this, "IS NOT", NULL, BOOLEAN);
  }

  /** `this + other`. */
  add(other: ExpressionOrValue<T>): BinaryExpression<T> {
    return new BinaryExpression(this, "+", coerce(other, this.type), this.type);
  }
  /** `this - other`. */
  sub(other: ExpressionOrValue<T>): BinaryExpression<T> {
    return new BinaryExpression(this, "-", coerce(other, this.type), this.type);
  }
  /** `this * other`. */
  mul(other: ExpressionOrValue<T>): BinaryExpression<T> {
    return new BinaryExpression(this, "*", coerce(other, this.type), this.type);
  }
  /** `this / other` (integer division on integer columns, as the database does it). */
  div(other: ExpressionOrValue<T>): BinaryExpression<T> {
    return new BinaryExpression(this, "/", coerce(other, this.type), this.type);
  }
  /** `this % other`. */
  mod(other: ExpressionOrValue<T>): BinaryExpression<T> {
    return new BinaryExpression(this, "%", coerce(other, this.type), this.type);
  }
  /** `-this`. */
  neg(): UnaryExpression<T> {
    return new UnaryExpression(this, "-", undefined, this.type);
  }
  /** String concatenation: `||`, or `concat()` on MySQL. */
  concat(other: ExpressionOrValue<string>): BinaryExpression<string> {
    return new BinaryExpression(this, "||", coerce(other, STRING), STRING);
  }
  /** A custom binary operator, e.g. `col.op("@>")(value)` or `col.op("&", Integer)(mask)`. */
  op<R = boolean>(operator: string, returnType?: TypeEngine<R>): (other: unknown) => BinaryExpression<R> {
    if (!/^[^\s;'"]+( [^\s;'"]+)*$/.test(operator)) {
      throw new ArgumentError(`Invalid operator ${JSON.stringify(operator)}: operators may not contain quotes, semicolons or runs of spaces.`);
    }
    return (other) =>
      new BinaryExpression(this, operator, coerce(other as ExpressionOrValue<T>, this.type), (returnType ?? BOOLEAN) as TypeEngine<R>);
  }

  /** `this ASC` for ORDER BY. */
  asc(): OrderByExpression {
    return new OrderByExpression(this, "ASC", undefined);
  }
  /** `this DESC` for ORDER BY. */
  desc(): OrderByExpression {
    return new OrderByExpression(this, "DESC", undefined);
  }
  /** `this NULLS FIRST` (emulated where the database lacks it). */
  nullsFirst(): OrderByExpression {
    return new OrderByExpression(this, undefined, "FIRST");
  }
  /** `this NULLS LAST` (emulated where the database lacks it). */
  nullsLast(): OrderByExpression {
    return new OrderByExpression(this, undefined, "LAST");
  }
  /** `DISTINCT this`, inside an aggregate: `func.count(col.distinct())`. */
  distinct(): UnaryExpression<T> {
    return new UnaryExpression(this, "DISTINCT", undefined, this.type);
  }
  /** Names the expression in the select list: `AS name`, and the row key. */
  label<L extends string>(name: L): Label<T, L> {
    return new Label(name, this);
  }
  /** `CAST(this AS type)`. */
  cast<R>(type: TypeEngine<R> | (new () => TypeEngine<R>)): Cast<R> {
    return new Cast(this, toType(type));
  }
  /** `NOT this`. */
  not(): ColumnElement<boolean> {
    return not(this as unknown as ColumnElement<boolean>);
  }
}

/** Accepts a type instance or a type class with no required arguments. */
export function toType<R>(type: TypeEngine<R> | (new () => TypeEngine<R>)): TypeEngine<R> {
  return typeof type === "function" ? new type() : type;
}

/** Turns a value into a bound parameter of the given type; expressions pass through. */
export function coerce<T>(value: ExpressionOrValue<T> | unknown, type: TypeEngine<T>): ColumnElement<T, string> {
  if (value instanceof ColumnElement) return value as ColumnElement<T, string>;
  if (value === null) return NULL as unknown as ColumnElement<T, string>;
  if (value === undefined) throw new ArgumentError("undefined is not a SQL value; use null for SQL NULL.");
  if (value instanceof ClauseElement) return value as unknown as ColumnElement<T, string>;
  return new BindParameter(value as T, type);
}

function escapeLike(text: string): string {
  return text.replace(/[/%_]/g, (c) => `/${c}`);
}

function likeExpression(
  left: AnyColumn,
  operator: "LIKE" | "NOT LIKE" | "ILIKE" | "NOT ILIKE",
  pattern: AnyColumn,
  escape: string | undefined,
): ColumnElement<boolean> {
  if (escape !== undefined && escape.length !== 1) throw new ArgumentError(`A LIKE escape must be one character, got ${JSON.stringify(escape)}.`);
  return new LikeExpression(left, operator, pattern, escape);
}

function inExpression<T>(left: ColumnElement<T, string>, values: readonly ExpressionOrValue<T>[] | InSource, negate: boolean): ColumnElement<boolean> {
  if (Array.isArray(values)) {
    const list = (values as readonly ExpressionOrValue<T>[]).map((v) => coerce(v, left.type));
    return new InExpression(left, new ClauseList(list, ", "), negate);
  }
  return new InExpression(left, values as ClauseElement, negate);
}

/** A value sent as a bound parameter. A named one without a value takes it from the execution parameters. */
export class BindParameter<T = unknown> extends ColumnElement<T> {
  readonly kind = "bindparam";
  constructor(
    /** The value, or `undefined` when it is given at execution time by name. */
    readonly value: T | undefined,
    readonly type: TypeEngine<T>,
    /** A name, for values given at execution time (`bindparam("id")`). */
    readonly name?: string,
  ) {
    super();
    if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ArgumentError(`Invalid bind parameter name ${JSON.stringify(name)}.`);
    }
    Object.freeze(this);
  }
}

/** SQL written as is, used as a column expression (`literalColumn("now()")`). Never put user input in it. */
export class LiteralColumn<T = unknown, N extends string = never> extends ColumnElement<T, N> {
  readonly kind = "literal_column";
  constructor(
    readonly text: string,
    readonly type: TypeEngine<T>,
  ) {
    super();
    Object.freeze(this);
  }
}

/** SQL `NULL`. */
export class NullElement extends ColumnElement<null> {
  readonly kind = "null";
  readonly type = new NullType() as TypeEngine<null>;
  constructor() {
    super();
    Object.freeze(this);
  }
}

/** SQL `TRUE` or `FALSE` (1/0 where the database has no boolean literals). */
export class BooleanLiteral extends ColumnElement<boolean> {
  readonly kind = "boolean_literal";
  readonly type: TypeEngine<boolean> = BOOLEAN;
  constructor(readonly value: boolean) {
    super();
    Object.freeze(this);
  }
}

/** `left operator right`. */
export class BinaryExpression<T = boolean> extends ColumnElement<T> {
  readonly kind = "binary";
  constructor(
    readonly left: ClauseElement,
    readonly operator: string,
    readonly right: ClauseElement,
    readonly type: TypeEngine<T>,
  ) {
    super();
    Object.freeze(this);
  }
}

/** `left [NOT] LIKE pattern [ESCAPE 'c']` and the ILIKE forms. */
export class LikeExpression extends ColumnElement<boolean> {
  readonly kind = "like";
  readonly type: TypeEngine<boolean> = BOOLEAN;
  constructor(
    readonly left: ClauseElement,
    readonly operator: "LIKE" | "NOT LIKE" | "ILIKE" | "NOT ILIKE",
    readonly pattern: ClauseElement,
    readonly escape: string | undefined,
  ) {
    super();
    Object.freeze(this);
  }
}

/** `left [NOT] IN (list or subquery)`. */
export class InExpression extends ColumnElement<boolean> {
  readonly kind = "in";
  readonly type: TypeEngine<boolean> = BOOLEAN;
  constructor(
    readonly left: ClauseElement,
    readonly right: ClauseElement,
    readonly negate: boolean,
  ) {
    super();
    Object.freeze(this);
  }
}

/** A prefix (`NOT x`, `-x`, `DISTINCT x`, `EXISTS (...)`) or postfix operator. */
export class UnaryExpression<T = unknown> extends ColumnElement<T> {
  readonly kind = "unary";
  constructor(
    readonly element: ClauseElement,
    readonly operator: string | undefined,
    readonly modifier: string | undefined,
    readonly type: TypeEngine<T>,
  ) {
    super();
    Object.freeze(this);
  }
}

/** An ORDER BY item: `expr [ASC|DESC] [NULLS FIRST|LAST]`. */
export class OrderByExpression extends ClauseElement {
  readonly kind = "order_by";
  constructor(
    readonly element: ClauseElement,
    readonly direction: "ASC" | "DESC" | undefined,
    readonly nulls: "FIRST" | "LAST" | undefined,
  ) {
    super();
    Object.freeze(this);
  }
  nullsFirst(): OrderByExpression {
    return new OrderByExpression(this.element, this.direction, "FIRST");
  }
  nullsLast(): OrderByExpression {
    return new OrderByExpression(this.element, this.direction, "LAST");
  }
}

/** Elements joined by a separator: an argument list, `a AND b`, a tuple. */
export class ClauseList extends ClauseElement {
  readonly kind = "clause_list";
  constructor(
    readonly clauses: readonly ClauseElement[],
    readonly separator: string,
  ) {
    super();
    Object.freeze(this.clauses);
    Object.freeze(this);
  }
}

/** `a AND b AND ...` or `a OR b OR ...`, parenthesised when nested in another operator. */
export class BooleanClauseList extends ColumnElement<boolean> {
  readonly kind = "boolean_list";
  readonly type: TypeEngine<boolean> = BOOLEAN;
  constructor(
    readonly operator: "AND" | "OR",
    readonly clauses: readonly ColumnElement<boolean, string>[],
  ) {
    super();
    Object.freeze(this.clauses);
    Object.freeze(this);
  }
}

/** `(a, b, ...)`: a row value, for `tuple(a, b).in([[1, 2], [3, 4]])`. */
export class Tuple extends ColumnElement<readonly unknown[]> {
  readonly kind = "tuple";
  readonly type = new NullType() as TypeEngine<readonly unknown[]>;
  constructor(readonly elements: readonly AnyColumn[]) {
    super();
    Object.freeze(this.elements);
    Object.freeze(this);
  }
}

/** Parentheses around an expression. */
export class Grouping<T = unknown> extends ColumnElement<T> {
  readonly kind = "grouping";
  readonly type: TypeEngine<T>;
  constructor(readonly element: ColumnElement<T, string>) {
    super();
    this.type = element.type;
    Object.freeze(this);
  }
}

/** `expr AS name`. */
export class Label<T = unknown, N extends string = string> extends ColumnElement<T, N> {
  readonly kind = "label";
  readonly type: TypeEngine<T>;
  constructor(
    readonly name: N,
    readonly element: ColumnElement<T, string>,
  ) {
    super();
    this.type = element.type;
    Object.freeze(this);
  }
  override get key(): string {
    return this.name;
  }
}

/** `CAST(expr AS type)`. */
export class Cast<T = unknown> extends ColumnElement<T> {
  readonly kind = "cast";
  constructor(
    readonly element: ClauseElement,
    readonly type: TypeEngine<T>,
  ) {
    super();
    Object.freeze(this);
  }
}

/** The expression unchanged in SQL, but read and bound as another type (`typeCoerce`). */
export class TypeCoerce<T = unknown> extends ColumnElement<T> {
  readonly kind = "type_coerce";
  constructor(
    readonly element: ClauseElement,
    readonly type: TypeEngine<T>,
  ) {
    super();
    Object.freeze(this);
  }
}

/** `CASE WHEN ... THEN ... [ELSE ...] END`. */
export class Case<T = unknown> extends ColumnElement<T> {
  readonly kind = "case";
  constructor(
    readonly whens: readonly (readonly [ClauseElement, ClauseElement])[],
    readonly otherwise: ClauseElement | undefined,
    readonly value: ClauseElement | undefined,
    readonly type: TypeEngine<T>,
  ) {
    super();
    Object.freeze(this.whens);
    Object.freeze(this);
  }
}

/** Window specification of {@link FunctionCall.over}. */
export interface WindowSpec {
  partitionBy?: AnyColumn | readonly AnyColumn[];
  orderBy?: AnyColumn | OrderByExpression | readonly (AnyColumn | OrderByExpression)[];
  /** ROWS frame: `[start, end]` offsets, negative = PRECEDING, positive = FOLLOWING, `null` = UNBOUNDED, 0 = CURRENT ROW. */
  rows?: readonly [number | null, number | null];
  /** RANGE frame, same convention as `rows`. */
  range?: readonly [number | null, number | null];
}

/** A SQL function call: `name(args)`. `func.lower(x)`, `func.count()`. */
export class FunctionCall<T = unknown> extends ColumnElement<T> {
  readonly kind = "function";
  constructor(
    /** The function name, possibly dotted (`pg_catalog.now`). */
    readonly name: string,
    readonly args: readonly ClauseElement[],
    readonly type: TypeEngine<T>,
    /** `FILTER (WHERE ...)` for aggregates. */
    readonly filterWhere: ClauseElement | undefined = undefined,
  ) {
    super();
    Object.freeze(this.args);
    Object.freeze(this);
  }
  /** The function's anonymous result key: its last name part (`count`). */
  override get key(): string {
    return this.name.split(".").pop() as string;
  }
  /** A window function call: `name(args) OVER (PARTITION BY ... ORDER BY ... ROWS ...)`. */
  over(spec: WindowSpec = {}): Over<T> {
    return new Over(this, spec);
  }
  /** `FILTER (WHERE condition)` for aggregates (emulated with CASE where the database lacks it). */
  filter(condition: ColumnElement<boolean, string>): FunctionCall<T> {
    return new FunctionCall(this.name, this.args, this.type, condition);
  }
}

/** `fn(...) OVER (...)`. */
export class Over<T = unknown> extends ColumnElement<T> {
  readonly kind = "over";
  readonly type: TypeEngine<T>;
  readonly partitionBy: readonly AnyColumn[];
  readonly orderBy: readonly (AnyColumn | OrderByExpression)[];
  readonly rows: readonly [number | null, number | null] | undefined;
  readonly range: readonly [number | null, number | null] | undefined;
  constructor(
    readonly element: FunctionCall<T>,
    spec: WindowSpec,
  ) {
    super();
    if (spec.rows !== undefined && spec.range !== undefined) throw new ArgumentError("A window frame is either rows or range, not both.");
    this.type = element.type;
    this.partitionBy = Object.freeze(toList(spec.partitionBy));
    this.orderBy = Object.freeze(toList(spec.orderBy));
    this.rows = spec.rows;
    this.range = spec.range;
    Object.freeze(this);
  }
}

function toList<X>(value: X | readonly X[] | undefined): X[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly X[])] : [value as X];
}

const BOOLEAN = new BooleanType();
const STRING = new StringType();
/** The shared `NULL` node. */
export const NULL = new NullElement();

/** `a AND b AND ...`; `undefined` arguments are skipped, so conditions can be optional. */
export function and(...clauses: (ColumnElement<boolean, string> | undefined)[]): ColumnElement<boolean> {
  return booleanList("AND", clauses);
}

/** `a OR b OR ...`; `undefined` arguments are skipped. */
export function or(...clauses: (ColumnElement<boolean, string> | undefined)[]): ColumnElement<boolean> {
  return booleanList("OR", clauses);
}

function booleanList(operator: "AND" | "OR", clauses: (ColumnElement<boolean, string> | undefined)[]): ColumnElement<boolean> {
  const present = clauses.filter((c): c is ColumnElement<boolean, string> => c !== undefined);
  if (present.length === 0) {
    throw new ArgumentError(`${operator.toLowerCase()}() needs at least one condition.`);
  }
  if (present.length === 1) return present[0] as ColumnElement<boolean>;
  // Flatten a AND (b AND c) so the SQL has no needless parentheses.
  const flat = present.flatMap((c) => (c instanceof BooleanClauseList && c.operator === operator ? c.clauses : [c]));
  return new BooleanClauseList(operator, flat);
}

/** `NOT clause`. */
export function not(clause: ColumnElement<boolean, string>): ColumnElement<boolean> {
  return new UnaryExpression(clause, "NOT", undefined, BOOLEAN);
}

/** A value as a bound parameter of a type (the type is guessed from the value when omitted). */
export function literal<T>(value: T, type?: TypeEngine<T>): BindParameter<T> {
  return new BindParameter(value, type ?? (guessType(value) as TypeEngine<T>));
}

/**
 * A named parameter whose value is given at execution:
 * `select(users).where(users.c.id.eq(bindparam("id", Integer)))` then `execute(stmt, { id: 5 })`.
 */
export function bindparam<T = unknown>(name: string, type?: TypeEngine<T> | (new () => TypeEngine<T>), value?: T): BindParameter<T> {
  return new BindParameter<T>(value, type === undefined ? (new NullType() as TypeEngine<T>) : toType(type), name);
}

/** SQL text used as a column expression. Never put user input in it. */
export function literalColumn<T = unknown>(text: string, type?: TypeEngine<T>): LiteralColumn<T> {
  return new LiteralColumn(text, type ?? (new NullType() as TypeEngine<T>));
}

/** SQL `NULL`. */
export function null_(): NullElement {
  return NULL;
}

/** SQL `TRUE`. */
export function true_(): BooleanLiteral {
  return new BooleanLiteral(true);
}

/** SQL `FALSE`. */
export function false_(): BooleanLiteral {
  return new BooleanLiteral(false);
}

/** `CAST(expr AS type)`. */
export function cast<R>(expression: ExpressionOrValue<unknown>, type: TypeEngine<R> | (new () => TypeEngine<R>)): Cast<R> {
  const target = toType(type);
  return new Cast(coerce(expression, target as TypeEngine<unknown>), target);
}

/** Reads and binds `expression` as `type` without changing the SQL. */
export function typeCoerce<R>(expression: ExpressionOrValue<unknown>, type: TypeEngine<R> | (new () => TypeEngine<R>)): TypeCoerce<R> {
  const target = toType(type);
  return new TypeCoerce(coerce(expression, target as TypeEngine<unknown>), target);
}

/** `(a, b, ...)`. */
export function tuple(...elements: ExpressionOrValue<unknown>[]): Tuple {
  return new Tuple(elements.map((e) => coerce(e, new NullType())));
}

/** `DISTINCT expr`. */
export function distinct<T>(expression: ColumnElement<T, string>): UnaryExpression<T> {
  return expression.distinct();
}

/** Parenthesises an expression. */
export function grouping<T>(expression: ColumnElement<T, string>): Grouping<T> {
  return new Grouping(expression);
}

/** Options of {@link case_}. */
export interface CaseOptions<T> {
  /** The ELSE value. */
  else?: ExpressionOrValue<T>;
  /** Compare this expression to each WHEN value (the "simple" CASE form). */
  value?: AnyColumn;
  /** The result type, when the THEN values do not tell. */
  type?: TypeEngine<T>;
}

/**
 * `CASE WHEN cond THEN result ... ELSE other END`.
 *
 * @example
 * ```ts
 * case_([[users.c.age.lt(18), "minor"]], { else: "adult" })
 * ```
 */
export function case_<T>(
  whens: readonly (readonly [ColumnElement<boolean, string> | unknown, ExpressionOrValue<T>])[],
  options: CaseOptions<T> = {},
): Case<T> {
  if (whens.length === 0) throw new ArgumentError("case_() needs at least one WHEN.");
  const first = whens[0]?.[1];
  const type = options.type ?? (first instanceof ColumnElement ? (first.type as TypeEngine<T>) : (guessType(first) as TypeEngine<T>));
  const pairs = whens.map(([when, then]) => {
    const condition = options.value === undefined ? coerce(when, BOOLEAN as TypeEngine<unknown>) : coerce(when, options.value.type);
    return [condition, coerce(then, type)] as const;
  });
  const otherwise = options.else === undefined ? undefined : coerce(options.else, type);
  return new Case(pairs, otherwise, options.value, type);
}

/** The type a plain value suggests: used for literals without a declared type. */
export function guessType(value: unknown): TypeEngine {
  if (typeof value === "number") return Number.isInteger(value) ? new Integer() : new NullType();
  if (typeof value === "string") return STRING;
  if (typeof value === "boolean") return BOOLEAN;
  return new NullType();
}
