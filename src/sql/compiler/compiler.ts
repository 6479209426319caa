import { CompileError } from "../../errors/index.js";
import type {
  BooleanLiteral,
  Cast,
  ColumnElement,
  FunctionCall,
  Grouping,
  LiteralColumn,
  OrderByExpression,
  Over,
  Tuple,
  TypeCoerce,

  BinaryExpression,
  BooleanClauseList,
  Case,
  InExpression,
  LikeExpression,
  UnaryExpression} from "../elements/expressions.js";
import {
  BindParameter,
  Label,
  ClauseElement,
  ClauseList,
  type AnyColumn,
} from "../elements/expressions.js";
import { Alias, CTE, ColumnClause, FromClause, Join, Subquery, TableClause, type SelectLike } from "../elements/from-clause.js";
import type { LabelReference , Exists, ScalarSelect} from "../elements/select.js";
import { CompoundSelect, Select } from "../elements/select.js";
import { Values } from "../elements/values.js";
import type { Assignments, Delete, ExcludedColumn, Insert, OnConflict, Update } from "../elements/dml.js";
import type { Executable, TextClause } from "../elements/text.js";
import { BigInteger, Boolean as BooleanType, Date as DateType, DateTime, Float, Integer, JSON as JSONType, Numeric, SmallInteger, String as StringType, Text, Time, UUID } from "../types/sqltypes.js";
import type { TypeEngine, ValueProcessor } from "../types/type-api.js";
import { statementKey, type StatementKey } from "./cache-key.js";
import { scanText } from "./text-scanner.js";

/** A statement compiled for one dialect: SQL text plus how to build its positional parameters. */
export interface CompiledSQL {
  readonly sql: string;
  /** The bind parameter name behind each positional placeholder, in order. */
  readonly bindNames: readonly string[];
  /** Conversions to apply to each positional value before it is sent, by position. */
  readonly bindProcessors: readonly (ValueProcessor<unknown, unknown> | undefined)[];
  /** Values fixed when the statement was built, by parameter name (text() values, DDL). */
  readonly boundValues: Readonly<Record<string, unknown>>;
  /**
   * Values fixed when the statement was built, by placeholder position
   * (`undefined` where the value comes at execution). Kept by position, not
   * under their names: a statement of thousands of values (a multi-row INSERT)
   * spent most of its compile time adding their names to one object.
   */
  readonly boundByPosition?: readonly unknown[];
  /** Declared result column types by column name, when the statement knows them. */
  readonly resultTypes: Readonly<Record<string, TypeEngine>> | undefined;
  /**
   * Values computed at each execution, by parameter name: the client-side
   * defaults of columns an INSERT leaves out and the `onUpdate` values of columns
   * an UPDATE does not set (a function default runs once per row and execution).
   */
  readonly generated?: Readonly<Record<string, () => unknown>>;
  /** For a cached compilation: for each placeholder named `#position`, that position in the cache key's bind list. */
  readonly keyPositions?: readonly (number | undefined)[];
  /** For a cached compilation: this execution's values of the cache key's binds, by position. */
  readonly keyValues?: readonly unknown[];
  /**
   * For a cached compilation: for each placeholder named `@start:stride:count`
   * (an array parameter gathered from many of the cache key's binds, such as
   * a column of PostgreSQL's `unnest()` form of VALUES), where its items are.
   */
  readonly keyGathers?: readonly (KeyGather | undefined)[];
  /**
   * True for a SELECT (or compound SELECT) that cannot change anything: no
   * locking clause, no DML in a CTE, no literal SQL and no function outside
   * {@link READ_ONLY_FUNCTIONS}. Such a statement may run before its
   * transaction's BEGIN is sent (see the engine option `deferBegin`).
   */
  readonly readOnly?: boolean;
}

/** Where the items of one gathered array parameter sit in a cache key's bind list: `count` items, `stride` apart from `start`. */
export interface KeyGather {
  readonly start: number;
  readonly stride: number;
  readonly count: number;
}

/** The gather a placeholder name `@start:stride:count` stands for; undefined for any other name. */
export function keyGatherOf(name: string): KeyGather | undefined {
  if (!name.startsWith("@")) return undefined;
  const [start, stride, count] = name.slice(1).split(":").map(Number) as [number, number, number];
  return { start, stride, count };
}

/** The items of a gathered array parameter from one execution's key values. */
export function gatherKeyValues(values: readonly unknown[], gather: KeyGather): unknown[] {
  const out = new Array<unknown>(gather.count);
  for (let k = 0, at = gather.start; k < gather.count; k++, at += gather.stride) out[k] = values[at];
  return out;
}

/**
 * Functions known not to write or take locks that outlive the statement. Any
 * other function (`nextval`, `pg_advisory_xact_lock`, a user's function) makes
 * a SELECT count as a possible write, so its transaction begins first.
 */
const READ_ONLY_FUNCTIONS: ReadonlySet<string> = new Set([
  "count", "sum", "avg", "min", "max", "coalesce", "nullif", "greatest", "least",
  "lower", "upper", "length", "char_length", "substr", "substring", "trim", "ltrim", "rtrim", "replace", "concat",
  "abs", "round", "floor", "ceil", "ceiling", "mod", "power", "sqrt",
  "now", "current_timestamp", "current_date", "current_time", "localtimestamp", "date_trunc", "extract", "date", "datetime", "strftime",
  "array_agg", "string_agg", "group_concat", "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg", "json_build_object", "jsonb_build_object",
  "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value",
  "bool_and", "bool_or", "every", "unnest", "array_length", "cardinality", "to_char", "to_number", "random",
]);

/** Per-compilation state. */
export interface CompileState {
  /** Column defaults to compute at execution, by parameter name (see {@link CompiledSQL.generated}). */
  readonly generated: Record<string, () => unknown>;
  readonly bindNames: string[];
  readonly bindProcessors: (ValueProcessor<unknown, unknown> | undefined)[];
  readonly boundValues: Record<string, unknown>;
  readonly boundByPosition: unknown[];
  /** CTEs met anywhere in the statement, rendered in one WITH clause at the top. */
  readonly ctes: CTE[];
  /** Generated names for anonymous subqueries. */
  readonly anonymousNames: Map<ClauseElement, string>;
  /** FROM elements of the enclosing selects, which a subquery refers to without listing them (correlation). */
  readonly enclosing: Set<FromClause>[];
  /** Nesting depth of SELECTs; 0 is the top-level statement. */
  depth: number;
  /** Result column types of the top-level statement. */
  resultTypes: Record<string, TypeEngine> | undefined;
  /** Each value-carrying bind's position in the statement's cache key: its parameter is named `#position`. */
  readonly bindIndex: Map<BindParameter, number> | undefined;
  /** Set by any part that may write or lock (DML, FOR UPDATE, literal SQL, an unknown function): see {@link CompiledSQL.readOnly}. */
  mayWrite: boolean;
}

type Visitor = (compiler: SQLCompiler, node: ClauseElement, state: CompileState) => string;

/** The compiler's dispatch table: one entry per node kind. Other layers add theirs with {@link registerVisitor}. */
const visitors = new Map<string, Visitor>([
  ["text", (c, n, s) => c.visitText(n as unknown as TextClause, s)],
  ["select", (c, n, s) => c.visitSelect(n as Select, s)],
  ["compound_select", (c, n, s) => c.visitCompoundSelect(n as CompoundSelect, s)],
  ["column", (c, n, s) => c.visitColumn(n as ColumnClause, s)],
  ["table", (c, n, s) => c.visitTable(n as TableClause, s)],
  ["alias", (c, n, s) => c.visitAlias(n as Alias, s)],
  ["join", (c, n, s) => c.visitJoin(n as Join, s)],
  ["subquery", (c, n, s) => c.visitSubquery(n as Subquery, s)],
  ["cte", (c, n, s) => c.visitCTEReference(n as CTE, s)],
  ["values", (c, n, s) => c.visitValues(n as Values, c.fromName(n as Values, s), s)],
  ["bindparam", (c, n, s) => c.visitBindParameter(n as BindParameter, s)],
  ["literal_column", (c, n, s) => {
    s.mayWrite = true;
    return (n as LiteralColumn).text;
  }],
  ["null", () => "NULL"],
  ["boolean_literal", (c, n) => c.renderBoolean((n as BooleanLiteral).value)],
  ["binary", (c, n, s) => c.visitBinary(n as BinaryExpression, s)],
  ["like", (c, n, s) => c.visitLike(n as LikeExpression, s)],
  ["in", (c, n, s) => c.visitIn(n as InExpression, s)],
  ["unary", (c, n, s) => c.visitUnary(n as UnaryExpression, s)],
  ["order_by", (c, n, s) => c.visitOrderBy(n as OrderByExpression, s)],
  ["clause_list", (c, n, s) => (n as ClauseList).clauses.map((x) => c.process(x, s)).join((n as ClauseList).separator)],
  ["boolean_list", (c, n, s) => c.visitBooleanList(n as BooleanClauseList, s)],
  ["tuple", (c, n, s) => `(${(n as Tuple).elements.map((x) => c.process(x, s)).join(", ")})`],
  ["grouping", (c, n, s) => `(${c.process((n as Grouping).element, s)})`],
  ["label", (c, n, s) => c.process((n as Label).element, s)],
  ["label_reference", (c, n) => c.quoteIdentifier((n as LabelReference).name)],
  ["cast", (c, n, s) => c.visitCast(n as Cast, s)],
  ["type_coerce", (c, n, s) => c.process((n as TypeCoerce).element, s)],
  ["case", (c, n, s) => c.visitCase(n as Case, s)],
  ["function", (c, n, s) => c.visitFunction(n as FunctionCall, s)],
  ["over", (c, n, s) => c.visitOver(n as Over, s)],
  ["scalar_select", (c, n, s) => `(${c.processSubquery((n as ScalarSelect).element, s)})`],
  ["exists", (c, n, s) => `EXISTS (${c.processSubquery((n as Exists).element, s)})`],
  ["insert", (c, n, s) => c.visitInsert(n as Insert, s)],
  ["update", (c, n, s) => c.visitUpdate(n as Update, s)],
  ["delete", (c, n, s) => c.visitDelete(n as Delete, s)],
  ["excluded_column", (c, n, s) => c.visitExcludedColumn(n as ExcludedColumn, s)],
]);

/** Adds (or replaces) the rendering of a node kind: how layers above `sql/` (schema DDL, the ORM) extend the compiler. */
export function registerVisitor<N extends ClauseElement>(kind: string, visit: (compiler: SQLCompiler, node: N, state: CompileState) => string): void {
  visitors.set(kind, visit as Visitor);
}

/** Quoted identifiers per compiler class: the same names are quoted again and again. */
const quoteCaches = new WeakMap<object, Map<string, string>>();

/** Operator precedence, higher binds tighter; a child of lower or equal precedence is parenthesised. */
const PRECEDENCE: Record<string, number> = {
  OR: 2,
  AND: 3,
  NOT: 4,
  "=": 5, "<>": 5, "<": 5, "<=": 5, ">": 5, ">=": 5, IS: 5, "IS NOT": 5, "IS DISTINCT FROM": 5, "IS NOT DISTINCT FROM": 5,
  LIKE: 5, "NOT LIKE": 5, ILIKE: 5, "NOT ILIKE": 5, IN: 5, "NOT IN": 5, BETWEEN: 5,
  "||": 6,
  "+": 7, "-": 7,
  "*": 8, "/": 8, "%": 8,
};

/** Custom operators (`op()`) are always parenthesised when nested, and parenthesise their compound operands. */
const CUSTOM_AS_CHILD = 1;
const CUSTOM_AS_PARENT = 99;

function precedenceOf(node: ClauseElement): number {
  switch (node.kind) {
    case "binary":
      return PRECEDENCE[(node as BinaryExpression).operator] ?? CUSTOM_AS_CHILD;
    case "boolean_list":
      return PRECEDENCE[(node as BooleanClauseList).operator] ?? 2;
    case "like":
    case "in":
      return 5;
    case "unary":
      return (node as UnaryExpression).operator === "NOT" ? 4 : 100;
    default:
      return 100;
  }
}

/**
 * The base compiler: walks a statement tree and renders SQL. Dialects subclass
 * it and override small hooks (placeholders, quoting, LIMIT, booleans) and the
 * `visitX` methods whose SQL differs; nothing here branches on a dialect name.
 */
export class SQLCompiler {
  /** Words that must be quoted as identifiers. Dialects extend the set. */
  protected readonly reservedWords: ReadonlySet<string> = RESERVED;

  /**
   * True while values are written as SQL literals instead of bound (DDL: a
   * CHECK constraint, a partial index's WHERE). Dialect forms that exist only
   * for bound parameters, such as PostgreSQL's array parameters for IN lists
   * and VALUES, step aside then.
   */
  readonly literalValues: boolean = false;

  /**
   * Compiles a statement. Bound values are named by their position in the
   * statement's cache key (`#0`, `#1`, ...), so the compiled form can be reused
   * for any statement of the same shape with that statement's own values.
   */
  compile(statement: Executable | ClauseElement, key?: StatementKey): CompiledSQL {
    const text = statement.kind === "text" ? (statement as unknown as TextClause) : undefined;
    const shape = text === undefined ? (key ?? statementKey(statement as ClauseElement)) : undefined;
    const bindIndex = shape === undefined ? undefined : indexBinds(shape.binds);
    let state = newState(bindIndex);
    let sql = this.process(statement as ClauseElement, state);
    if (state.ctes.length > 0 && text === undefined) {
      // The WITH clause comes first in the text, so its parameters must come first too: render again,
      // WITH clause first, now that every CTE is known.
      const ctes = state.ctes;
      state = newState(bindIndex);
      const withClause = this.withClause(state, ctes);
      sql = withClause + this.process(statement as ClauseElement, state);
    }
    return {
      sql,
      bindNames: state.bindNames,
      bindProcessors: state.bindProcessors,
      boundValues: text?.boundValues ?? state.boundValues,
      boundByPosition: state.boundByPosition,
      resultTypes: text?.columnTypes ?? state.resultTypes,
      readOnly: !state.mayWrite && (statement.kind === "select" || statement.kind === "compound_select"),
      ...(Object.keys(state.generated).length > 0 ? { generated: state.generated } : {}),
    };
  }

  /** Renders one node through the dispatch table. */
  process(node: ClauseElement, state: CompileState): string {
    const visit = visitors.get(node.kind);
    if (visit === undefined) throw new CompileError(`The compiler has no rendering for a "${node.kind}" node.`);
    return visit(this, node, state);
  }

  // ---- hooks a dialect overrides ----

  /** The placeholder for the parameter at a 1-based position: `?` by default. */
  placeholder(_position: number): string {
    return "?";
  }

  /** Quotes an identifier when needed (reserved word, capitals, characters other than `[a-z0-9_]`). */
  quoteIdentifier(name: string): string {
    let cache = quoteCaches.get(this.constructor);
    if (cache === undefined) {
      cache = new Map();
      quoteCaches.set(this.constructor, cache);
    }
    let quoted = cache.get(name);
    if (quoted === undefined) {
      quoted = /^[a-z_][a-z0-9_$]*$/.test(name) && !this.reservedWords.has(name) ? name : this.forceQuote(name);
      if (cache.size < 10_000) cache.set(name, quoted);
    }
    return quoted;
  }

  /** Quotes an identifier unconditionally: double quotes, doubling any inside (the SQL standard). */
  forceQuote(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  /** `TRUE`/`FALSE`. */
  renderBoolean(value: boolean): string {
    return value ? "TRUE" : "FALSE";
  }

  /** LIMIT/OFFSET in the dialect's form (bound as parameters). */
  limitClause(limit: ClauseElement | undefined, offset: ClauseElement | undefined, state: CompileState): string {
    let sql = "";
    if (limit !== undefined) sql += ` LIMIT ${this.process(limit, state)}`;
    if (offset !== undefined) sql += ` OFFSET ${this.process(offset, state)}`;
    return sql;
  }

  /** The SQL type name used in CAST. */
  castTypeName(type: TypeEngine): string {
    if (type instanceof BigInteger) return "BIGINT";
    if (type instanceof SmallInteger) return "SMALLINT";
    if (type instanceof Integer) return "INTEGER";
    if (type instanceof Float) return "DOUBLE PRECISION";
    if (type instanceof Numeric) return type.precision === undefined ? "NUMERIC" : `NUMERIC(${type.precision}${type.scale === undefined ? "" : `, ${type.scale}`})`;
    if (type instanceof BooleanType) return "BOOLEAN";
    if (type instanceof Text) return "TEXT";
    if (type instanceof StringType) return type.length === undefined ? "VARCHAR" : `VARCHAR(${type.length})`;
    if (type instanceof DateTime) return type.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP";
    if (type instanceof DateType) return "DATE";
    if (type instanceof Time) return "TIME";
    if (type instanceof JSONType) return "JSON";
    if (type instanceof UUID) return "UUID";
    throw new CompileError(`Cannot CAST to ${type.typeName}: no SQL name for it in this dialect.`);
  }

  /** A bound value standing alone in a select list (some databases need its type spelled out). */
  selectListBind(bind: BindParameter, state: CompileState): string {
    return this.process(bind, state);
  }

  /** `FOR UPDATE ...` for a select. */
  forUpdateClause(select: Select, state: CompileState): string {
    const options = select.state.forUpdate;
    if (options === undefined) return "";
    let sql = options.read === true ? " FOR SHARE" : " FOR UPDATE";
    if (options.of !== undefined) {
      const of = Array.isArray(options.of) ? options.of : [options.of];
      sql += ` OF ${of.map((f: FromClause) => this.fromName(f, state)).join(", ")}`;
    }
    if (options.nowait === true) sql += " NOWAIT";
    if (options.skipLocked === true) sql += " SKIP LOCKED";
    return sql;
  }

  /** `DISTINCT ON (...)`: PostgreSQL only, so the base refuses it. */
  distinctOnClause(expressions: readonly ClauseElement[], _state: CompileState): string {
    if (expressions.length > 0) throw new CompileError("DISTINCT ON is PostgreSQL only; this dialect cannot render it.");
    return "DISTINCT ";
  }

  // ---- statements ----

  visitSelect(select: Select, state: CompileState): string {
    const s = select.state;
    const top = state.depth === 0;
    state.depth += 1;
    const froms = this.fromsOf(select, state);
    state.enclosing.push(new Set(froms.flatMap((f) => (f instanceof Join ? [f, ...f.froms] : [f]))));
    try {
      const columns = this.selectColumns(select, state, top);
      let sql = "SELECT ";
      if (s.distinct) sql += this.distinctOnClause(s.distinctOn, state);
      sql += columns;
      if (froms.length > 0) sql += ` FROM ${froms.map((f) => this.fromItem(f, state)).join(", ")}`;
      if (s.where.length > 0) sql += ` WHERE ${this.conjunction(s.where, state)}`;
      if (s.groupBy.length > 0) sql += ` GROUP BY ${s.groupBy.map((g) => this.process(g, state)).join(", ")}`;
      if (s.having.length > 0) sql += ` HAVING ${this.conjunction(s.having, state)}`;
      if (s.orderBy.length > 0) sql += ` ORDER BY ${s.orderBy.map((o) => this.process(o, state)).join(", ")}`;
      sql += this.limitClause(s.limit, s.offset, state);
      // A lock outlives the statement only inside a transaction, so a locking read begins it.
      if (s.forUpdate !== undefined) state.mayWrite = true;
      sql += this.forUpdateClause(select, state);
      return sql;
    } finally {
      state.enclosing.pop();
      state.depth -= 1;
    }
  }

  visitCompoundSelect(compound: CompoundSelect, state: CompileState): string {
    const top = state.depth === 0;
    if (top) state.resultTypes = resultTypesOf(compound);
    const parts = compound.selects.map((sel) => {
      state.depth += 1;
      try {
        const sql = this.process(sel, state);
        return sel instanceof CompoundSelect ? `(${sql})` : this.compoundMember(sql);
      } finally {
        state.depth -= 1;
      }
    });
    let sql = parts.join(` ${compound.operator} `);
    if (compound.orderByItems.length > 0) sql += ` ORDER BY ${compound.orderByItems.map((o) => this.process(o, state)).join(", ")}`;
    sql += this.limitClause(compound.limitCount, compound.offsetCount, state);
    return sql;
  }

  /** How one SELECT of a compound is written (SQLite forbids parentheses there). */
  compoundMember(sql: string): string {
    return sql;
  }

  /** The select list, with `AS` labels wherever the driver's column name would differ from the result key. */
  selectColumns(select: Select, state: CompileState, top: boolean): string {
    const used = new Set<string>();
    const parts: string[] = [];
    const types: Record<string, TypeEngine> = {};
    for (const [wanted, column] of select.selectedColumns()) {
      let key = wanted;
      for (let i = 1; used.has(key); i++) key = `${wanted}_${i}`;
      used.add(key);
      types[key] = column.type;
      const inner = column instanceof Label ? column.element : column;
      const sql = inner instanceof BindParameter ? this.selectListBind(inner, state) : this.process(inner, state);
      const plain = column instanceof ColumnClause && column.name === key;
      parts.push(plain ? sql : `${sql} AS ${this.quoteIdentifier(key)}`);
    }
    if (top) state.resultTypes = types;
    return parts.join(", ");
  }

  /** The FROM list: explicit elements, then the tables the statement's columns come from. */
  fromsOf(select: Select, state: CompileState): FromClause[] {
    const explicit = [...select.state.froms];
    const covered = new Set<FromClause>();
    for (const f of explicit) {
      covered.add(f);
      if (f instanceof Join) for (const inner of f.froms) covered.add(inner);
    }
    const enclosing = new Set<FromClause>(select.state.correlate ?? []);
    if (select.state.correlate === undefined) for (const level of state.enclosing) for (const f of level) enclosing.add(f);
    const implicit: FromClause[] = [];
    const visit = (node: unknown): void => {
      if (!(node instanceof ClauseElement)) return;
      if (node instanceof ColumnClause) {
        const table = node.table;
        if (table !== undefined && !covered.has(table) && !implicit.includes(table)) implicit.push(table);
        return;
      }
      if (node instanceof FromClause) {
        if (!covered.has(node) && !implicit.includes(node)) implicit.push(node);
        return;
      }
      forEachChild(node, visit);
    };
    for (const item of select.state.items) visit(item);
    for (const list of [select.state.where, select.state.groupBy, select.state.having, select.state.orderBy]) for (const x of list) visit(x);
    const correlated = implicit.filter((f) => !enclosing.has(f));
    // A subquery whose every table is correlated still needs a FROM: SQLAlchemy's rule is to keep them.
    const chosen = correlated.length === 0 && explicit.length === 0 ? implicit : correlated;
    return [...explicit, ...chosen];
  }

  /** A FROM list entry: a table, `(subquery) AS name`, `table AS alias`, a join. */
  fromItem(from: FromClause, state: CompileState): string {
    return this.process(from, state);
  }

  /** The name a FROM element is referred to by in column qualifiers. */
  fromName(from: FromClause, state: CompileState): string {
    if (from instanceof TableClause) {
      return from.schema === undefined ? this.quoteIdentifier(from.name) : `${this.quoteIdentifier(from.schema)}.${this.quoteIdentifier(from.name)}`;
    }
    if (from instanceof Alias) return this.quoteIdentifier(from.name);
    if (from instanceof CTE) return this.quoteIdentifier(from.name);
    if (from instanceof Subquery) return this.quoteIdentifier(from.name ?? this.anonymousName(from, state));
    if (from instanceof Values) return this.quoteIdentifier(this.anonymousName(from, state));
    throw new CompileError(`A ${from.kind} cannot qualify a column.`);
  }

  anonymousName(node: ClauseElement, state: CompileState): string {
    let name = state.anonymousNames.get(node);
    if (name === undefined) {
      name = `anon_${state.anonymousNames.size + 1}`;
      state.anonymousNames.set(node, name);
    }
    return name;
  }

  visitColumn(column: ColumnClause, state: CompileState): string {
    const name = this.quoteIdentifier(column.name);
    return column.table === undefined ? name : `${this.fromName(column.table, state)}.${name}`;
  }

  visitTable(table: TableClause, state: CompileState): string {
    return this.fromName(table, state);
  }

  visitAlias(alias: Alias, state: CompileState): string {
    // A VALUES list takes its alias inside its own rendering (column names follow it on PostgreSQL).
    if (alias.element instanceof Values) return this.visitValues(alias.element, this.quoteIdentifier(alias.name), state);
    return `${this.process(alias.element, state)} AS ${this.quoteIdentifier(alias.name)}`;
  }

  visitJoin(join: Join, state: CompileState): string {
    const kind = { INNER: "JOIN", LEFT: "LEFT OUTER JOIN", RIGHT: "RIGHT OUTER JOIN", FULL: "FULL OUTER JOIN" }[join.joinType];
    const right = join.right instanceof Join ? `(${this.process(join.right, state)})` : this.process(join.right, state);
    return `${this.process(join.left, state)} ${kind} ${right} ON ${this.process(join.onclause, state)}`;
  }

  visitSubquery(subquery: Subquery, state: CompileState): string {
    const body = this.processSubquery(subquery.element, state, !subquery.lateral);
    return `${subquery.lateral ? "LATERAL " : ""}(${body}) AS ${this.fromName(subquery, state)}`;
  }

  /** A VALUES list in FROM under a (quoted) name: `(VALUES (?, ?), (?, ?)) AS name (a, b)`, the SQL standard's form. */
  visitValues(values: Values, name: string, state: CompileState): string {
    const rows = this.valuesRows(values, state).map((row) => `(${row.join(", ")})`);
    const columns = values.columnDefinitions.map((col) => this.quoteIdentifier(col.name)).join(", ");
    return `(VALUES ${rows.join(", ")}) AS ${name} (${columns})`;
  }

  /** The placeholders of a VALUES list, row by row (an empty list cannot be written in SQL). */
  valuesRows(values: Values, state: CompileState): string[][] {
    if (values.rows.length === 0) throw new CompileError("values(): the VALUES list has no rows; add them with data([[...], ...]).");
    return values.rows.map((row, r) => row.map((bind, i) => this.valuesCell(bind, values.columnDefinitions[i] as ColumnClause, r, state)));
  }

  /** One value of a VALUES list: a bound parameter (PostgreSQL adds its type on the first row). */
  valuesCell(bind: BindParameter, _column: ColumnClause, _row: number, state: CompileState): string {
    return this.process(bind, state);
  }

  visitCTEReference(cte: CTE, state: CompileState): string {
    const index = state.ctes.findIndex((known) => known.root === cte.root);
    if (index < 0) state.ctes.push(cte);
    // A restatement (the recursive body after unionAll) replaces the CTE it extends.
    else if (isRestatementOf(cte, state.ctes[index] as CTE)) state.ctes[index] = cte;
    return this.quoteIdentifier(cte.name);
  }

  /** `WITH [RECURSIVE] a AS (...), b AS (...) `, each CTE after the ones its body refers to. */
  withClause(state: CompileState, ctes: readonly CTE[]): string {
    const rendered: string[] = [];
    const done = new Set<CTE>();
    const render = (cte: CTE): void => {
      if ([...done].some((d) => d.root === cte.root)) return;
      done.add(cte);
      state.ctes.push(cte);
      const before = state.ctes.length;
      const body = this.processSubquery(cte.element, state, true);
      for (const dependency of state.ctes.slice(before)) render(dependency);
      const columns = cte.recursive ? ` (${cte.element.selectedColumns().map(([key]) => this.quoteIdentifier(key)).join(", ")})` : "";
      rendered.push(`${this.quoteIdentifier(cte.name)}${columns} AS (${body})`);
    };
    for (const cte of ctes) render(cte);
    const recursive = ctes.some((c) => c.recursive) ? "RECURSIVE " : "";
    return `WITH ${recursive}${rendered.join(", ")} `;
  }

  /** Renders a nested SELECT; `isolated` hides the enclosing FROM elements (no correlation into FROM subqueries). */
  processSubquery(element: SelectLike, state: CompileState, isolated = false): string {
    const saved = isolated ? state.enclosing.splice(0) : undefined;
    state.depth += 1;
    try {
      return this.process(element, state);
    } finally {
      state.depth -= 1;
      if (saved !== undefined) state.enclosing.push(...saved);
    }
  }

  // ---- expressions ----

  visitBindParameter(bind: BindParameter, state: CompileState): string {
    if (bind.value === undefined && bind.name !== undefined) {
      state.bindNames.push(bind.name);
      state.bindProcessors.push(bind.type.bindProcessor() as ValueProcessor<unknown, unknown> | undefined);
      return this.placeholder(state.bindNames.length);
    }
    return this.bindValue(bind.value, bind.type, state, bind);
  }

  /** Binds a value under a generated name and returns its placeholder. */
  bindValue(value: unknown, type: TypeEngine | undefined, state: CompileState, bind?: BindParameter): string {
    const position = bind === undefined ? undefined : state.bindIndex?.get(bind);
    const name = position === undefined ? `param_${state.bindNames.length + 1}` : `#${position}`;
    state.boundByPosition[state.bindNames.length] = value;
    state.bindNames.push(name);
    state.bindProcessors.push(type?.bindProcessor() as ValueProcessor<unknown, unknown> | undefined);
    return this.placeholder(state.bindNames.length);
  }

  /**
   * Binds one array parameter made of many values (`items`, all of `type`).
   * When those values are binds of the cache key, `count` of them `stride`
   * apart from position `start`, the placeholder is named for them
   * (`@start:stride:count`), so a cached compilation gathers the array again
   * from another statement's values.
   */
  bindGathered(items: readonly unknown[], type: TypeEngine, gather: KeyGather | undefined, state: CompileState): string {
    const name = gather === undefined ? `param_${state.bindNames.length + 1}` : `@${gather.start}:${gather.stride}:${gather.count}`;
    state.boundByPosition[state.bindNames.length] = items;
    state.bindNames.push(name);
    state.bindProcessors.push(type.bindProcessor() as ValueProcessor<unknown, unknown> | undefined);
    return this.placeholder(state.bindNames.length);
  }

  visitBinary(node: BinaryExpression, state: CompileState): string {
    const precedence = PRECEDENCE[node.operator] ?? CUSTOM_AS_PARENT;
    return `${this.operand(node.left, precedence, state)} ${this.binaryOperator(node)} ${this.operand(node.right, precedence, state, true)}`;
  }

  /** The operator text of a binary expression (MySQL rewrites some). */
  binaryOperator(node: BinaryExpression): string {
    return node.operator;
  }

  /** Renders an operand, parenthesised when it binds looser than its parent. */
  operand(node: ClauseElement, parentPrecedence: number, state: CompileState, right = false): string {
    const sql = this.process(node, state);
    const own = precedenceOf(node);
    return own < parentPrecedence || (right && own === parentPrecedence && own >= 5) ? `(${sql})` : sql;
  }

  visitLike(node: LikeExpression, state: CompileState): string {
    const escape = node.escape === undefined ? "" : ` ESCAPE '${node.escape.replace(/'/g, "''")}'`;
    const left = this.operand(node.left, 5, state);
    const pattern = this.operand(node.pattern, 5, state);
    if (node.operator === "ILIKE" || node.operator === "NOT ILIKE") return this.ilike(left, pattern, node.operator === "NOT ILIKE", escape);
    return `${left} ${node.operator} ${pattern}${escape}`;
  }

  /** Case-insensitive LIKE where the dialect has no ILIKE. */
  ilike(left: string, pattern: string, negate: boolean, escape: string): string {
    return `lower(${left}) ${negate ? "NOT LIKE" : "LIKE"} lower(${pattern})${escape}`;
  }

  visitIn(node: InExpression, state: CompileState): string {
    const left = this.operand(node.left, 5, state);
    if (node.right instanceof ClauseList) {
      if (node.right.clauses.length === 0) return node.negate ? "1 = 1" : "1 != 1";
      return `${left} ${node.negate ? "NOT IN" : "IN"} (${this.process(node.right, state)})`;
    }
    return `${left} ${node.negate ? "NOT IN" : "IN"} (${this.processSubquery(node.right as unknown as SelectLike, state)})`;
  }

  visitUnary(node: UnaryExpression, state: CompileState): string {
    const operator = node.operator;
    if (operator === "NOT") return `NOT ${this.operand(node.element, 4, state)}`;
    if (operator === "-") return `-${this.operand(node.element, 9, state)}`;
    if (operator === "DISTINCT") return `DISTINCT ${this.process(node.element, state)}`;
    const inner = this.process(node.element, state);
    return `${operator === undefined ? "" : `${operator} `}${inner}${node.modifier === undefined ? "" : ` ${node.modifier}`}`;
  }

  visitOrderBy(node: OrderByExpression, state: CompileState): string {
    let sql = this.process(node.element, state);
    if (node.direction !== undefined) sql += ` ${node.direction}`;
    if (node.nulls !== undefined) sql = this.nullsOrder(sql, node, state);
    return sql;
  }

  /** `NULLS FIRST|LAST` (emulated by dialects without it). */
  nullsOrder(sql: string, node: OrderByExpression, _state: CompileState): string {
    return `${sql} NULLS ${node.nulls}`;
  }

  visitBooleanList(node: BooleanClauseList, state: CompileState): string {
    const precedence = PRECEDENCE[node.operator] ?? 2;
    return node.clauses.map((c) => this.operand(c, precedence, state)).join(` ${node.operator} `);
  }

  /** Conditions joined with AND. */
  conjunction(conditions: readonly ColumnElement<boolean, string>[], state: CompileState): string {
    if (conditions.length === 1) return this.process(conditions[0] as ClauseElement, state);
    return conditions.map((c) => this.operand(c, 3, state)).join(" AND ");
  }

  visitCast(node: Cast, state: CompileState): string {
    return `CAST(${this.process(node.element, state)} AS ${this.castTypeName(node.type)})`;
  }

  visitCase(node: Case, state: CompileState): string {
    let sql = "CASE";
    if (node.value !== undefined) sql += ` ${this.process(node.value, state)}`;
    for (const [when, then] of node.whens) sql += ` WHEN ${this.process(when, state)} THEN ${this.process(then, state)}`;
    if (node.otherwise !== undefined) sql += ` ELSE ${this.process(node.otherwise, state)}`;
    return `${sql} END`;
  }

  visitFunction(node: FunctionCall, state: CompileState): string {
    if (!READ_ONLY_FUNCTIONS.has(node.name.toLowerCase())) state.mayWrite = true;
    const args = node.args.length === 0 && node.name === "count" ? "*" : node.args.map((a) => this.process(a, state)).join(", ");
    let sql = `${this.functionName(node.name)}(${args})`;
    if (node.filterWhere !== undefined) sql += ` FILTER (WHERE ${this.process(node.filterWhere, state)})`;
    return sql;
  }

  /** The SQL name of a function (dialects rename a few). */
  functionName(name: string): string {
    return name
      .split(".")
      .map((part) => (/^[a-z_][a-z0-9_]*$/i.test(part) ? part : this.forceQuote(part)))
      .join(".");
  }

  visitOver(node: Over, state: CompileState): string {
    const parts: string[] = [];
    if (node.partitionBy.length > 0) parts.push(`PARTITION BY ${node.partitionBy.map((p) => this.process(p, state)).join(", ")}`);
    if (node.orderBy.length > 0) parts.push(`ORDER BY ${node.orderBy.map((o) => this.process(o, state)).join(", ")}`);
    const frame = node.rows ?? node.range;
    if (frame !== undefined) parts.push(`${node.rows !== undefined ? "ROWS" : "RANGE"} BETWEEN ${frameBound(frame[0], "PRECEDING")} AND ${frameBound(frame[1], "FOLLOWING")}`);
    return `${this.process(node.element, state)} OVER (${parts.join(" ")})`;
  }

  /** Renders literal SQL, turning each `:name` into a placeholder. */
  visitText(node: TextClause, state: CompileState): string {
    state.mayWrite = true;
    let sql = "";
    for (const part of scanText(node.text)) {
      if ("text" in part) sql += part.text;
      // Own properties only: a parameter named `toString` or `constructor` has no declared type.
      else sql += this.bindParameter(part.param, Object.hasOwn(node.bindTypes, part.param) ? node.bindTypes[part.param] : undefined, state);
    }
    return sql;
  }

  /** Records a named bind parameter and returns its placeholder. */
  bindParameter(name: string, type: TypeEngine | undefined, state: CompileState): string {
    state.bindNames.push(name);
    state.bindProcessors.push(type?.bindProcessor() as ValueProcessor<unknown, unknown> | undefined);
    return this.placeholder(state.bindNames.length);
  }

  // ---- DML: INSERT, UPDATE, DELETE ----

  visitInsert(insert: Insert, state: CompileState): string {
    state.mayWrite = true;
    const s = insert.state;
    const top = state.depth === 0;
    state.enclosing.push(new Set<FromClause>([s.table]));
    try {
      let sql = `INSERT INTO ${this.fromName(s.table, state)}`;
      if (s.fromSelect !== undefined) {
        const columns = s.fromSelect.columns.map((c) => this.quoteIdentifier(c.name)).join(", ");
        sql += ` (${columns}) ${this.insertFromSelect(insert, this.processSubquery(s.fromSelect.select, state, true))}`;
      } else {
        const rows = s.rows ?? [];
        const first = rows[0];
        if (first === undefined || first.length === 0) {
          sql += this.insertDefaultValues();
        } else {
          // Every row has the first row's columns, in its order (Insert.values checks and orders them).
          const given = new Set(first.map(([k]) => k));
          const defaulted = Object.entries(s.table.c).filter(([k, c]) => !given.has(k) && (c as ColumnClause).default !== undefined);
          const names = [...first.map(([k]) => k), ...defaulted.map(([k]) => k)].map((k) => this.quoteIdentifier((s.table.c[k] as ColumnClause).name)).join(", ");
          const tuples = rows.map((row, r) => {
            const values = row.map(([, value]) => this.process(value, state));
            for (const [k, c] of defaulted) values.push(this.columnDefault(c as ColumnClause, (c as ColumnClause).default, `default:${r}:${k}`, state));
            return `(${values.join(", ")})`;
          });
          sql += ` (${names}) VALUES ${tuples.join(", ")}`;
        }
      }
      if (s.onConflict !== undefined) sql += this.onConflictClause(insert, s.onConflict, state);
      if (s.onDuplicateKey !== undefined) sql += this.onDuplicateKeyClause(insert, s.onDuplicateKey, state);
      if (s.returning.length > 0) sql += this.returningClause("INSERT", insert.returningColumns(), state, top);
      return sql;
    } finally {
      state.enclosing.pop();
    }
  }

  /**
   * A column's client-side default (or onUpdate value) in an INSERT or UPDATE:
   * a SQL expression is written in place; a value or a function becomes a
   * parameter computed at each execution.
   */
  columnDefault(column: ColumnClause, value: unknown, name: string, state: CompileState): string {
    if (value instanceof ClauseElement) return this.process(value, state);
    state.generated[name] = typeof value === "function" ? (value as () => unknown) : () => value;
    state.bindNames.push(name);
    state.bindProcessors.push(column.type.bindProcessor() as ValueProcessor<unknown, unknown> | undefined);
    return this.placeholder(state.bindNames.length);
  }

  /** The row source of `INSERT ... SELECT` (SQLite wraps it to keep an upsert parseable). */
  insertFromSelect(_insert: Insert, selectSql: string): string {
    return selectSql;
  }

  /** An INSERT of a row of defaults: ` DEFAULT VALUES` (MySQL: ` () VALUES ()`). */
  insertDefaultValues(): string {
    return " DEFAULT VALUES";
  }

  /** `ON CONFLICT ... DO NOTHING | DO UPDATE SET ...` (PostgreSQL and SQLite; others refuse). */
  onConflictClause(insert: Insert, onConflict: OnConflict, state: CompileState): string {
    let sql = " ON CONFLICT";
    const target = onConflict.target;
    if (target !== undefined) {
      if ("constraint" in target) {
        if (onConflict.targetWhere !== undefined) throw new CompileError("ON CONFLICT ON CONSTRAINT takes no index WHERE clause; give the index columns instead.");
        sql += ` ON CONSTRAINT ${this.quoteIdentifier(target.constraint)}`;
      } else {
        sql += ` (${target.columns.map((c) => this.quoteIdentifier(c.name)).join(", ")})`;
        if (onConflict.targetWhere !== undefined) sql += ` WHERE ${this.process(onConflict.targetWhere, state)}`;
      }
    }
    if (onConflict.action === "nothing") return `${sql} DO NOTHING`;
    sql += ` DO UPDATE SET ${this.setClause(insert.state.table, onConflict.set, state, false)}`;
    if (onConflict.where !== undefined) sql += ` WHERE ${this.process(onConflict.where, state)}`;
    return sql;
  }

  /** `ON DUPLICATE KEY UPDATE ...`: MySQL's upsert, which other databases lack. */
  onDuplicateKeyClause(_insert: Insert, _set: Assignments, _state: CompileState): string {
    throw new CompileError("ON DUPLICATE KEY UPDATE is MySQL/MariaDB syntax; on this database use onConflictDoUpdate({ target, set }).");
  }

  /** A column of the row proposed for insertion in an upsert: `excluded.col`. */
  visitExcludedColumn(column: ExcludedColumn, _state: CompileState): string {
    return `excluded.${this.quoteIdentifier(column.name)}`;
  }

  /** `a = v1, b = v2` for UPDATE and upserts; `qualify` writes `table.a` (MySQL multi-table UPDATE). */
  setClause(table: TableClause, values: Assignments, state: CompileState, qualify: boolean, withOnUpdate = false): string {
    const prefix = qualify ? `${this.fromName(table, state)}.` : "";
    const parts = values.map(([key, value]) => `${prefix}${this.quoteIdentifier((table.c[key] as ColumnClause).name)} = ${this.process(value, state)}`);
    if (withOnUpdate) {
      const set = new Set(values.map(([key]) => key));
      for (const [key, column] of Object.entries(table.c)) {
        const onUpdate = (column as ColumnClause).onUpdate;
        if (set.has(key) || onUpdate === undefined) continue;
        parts.push(`${prefix}${this.quoteIdentifier((column as ColumnClause).name)} = ${this.columnDefault(column as ColumnClause, onUpdate, `onupdate:${key}`, state)}`);
      }
    }
    return parts.join(", ");
  }

  /** ` RETURNING ...`, typed for the result when the statement is the top-level one. Dialects without it refuse. */
  returningClause(_statement: "INSERT" | "UPDATE" | "DELETE", columns: readonly (readonly [string, AnyColumn])[], state: CompileState, top: boolean): string {
    const used = new Set<string>();
    const parts: string[] = [];
    const types: Record<string, TypeEngine> = {};
    for (const [wanted, column] of columns) {
      let key = wanted;
      for (let i = 1; used.has(key); i++) key = `${wanted}_${i}`;
      used.add(key);
      types[key] = column.type;
      const sql = this.process(column, state);
      parts.push(column instanceof ColumnClause && column.name === key ? sql : `${sql} AS ${this.quoteIdentifier(key)}`);
    }
    if (top) state.resultTypes = types;
    return ` RETURNING ${parts.join(", ")}`;
  }

  visitUpdate(update: Update, state: CompileState): string {
    state.mayWrite = true;
    const s = update.state;
    if (s.values.length === 0) throw new CompileError(`update(${s.table.fullName}): nothing to SET; call values({ ... }) first.`);
    const top = state.depth === 0;
    const extra = update.extraFroms();
    state.enclosing.push(new Set<FromClause>([s.table, ...extra]));
    try {
      let sql = this.updateHead(update, extra, state);
      if (s.where.length > 0) sql += ` WHERE ${this.conjunction(s.where, state)}`;
      if (s.returning.length > 0) sql += this.returningClause("UPDATE", update.returningColumns(), state, top);
      return sql;
    } finally {
      state.enclosing.pop();
    }
  }

  /** `UPDATE t SET ... [FROM other, ...]` (PostgreSQL and SQLite 3.33+ form). */
  updateHead(update: Update, extra: readonly FromClause[], state: CompileState): string {
    let sql = `UPDATE ${this.fromName(update.state.table, state)} SET ${this.setClause(update.state.table, update.state.values, state, false, true)}`;
    if (extra.length > 0) sql += ` FROM ${extra.map((f) => this.fromItem(f, state)).join(", ")}`;
    return sql;
  }

  visitDelete(del: Delete, state: CompileState): string {
    state.mayWrite = true;
    const s = del.state;
    const top = state.depth === 0;
    const extra = del.extraFroms();
    state.enclosing.push(new Set<FromClause>([s.table, ...extra]));
    try {
      let sql = this.deleteHead(del, extra, state);
      if (s.where.length > 0) sql += ` WHERE ${this.conjunction(s.where, state)}`;
      if (s.returning.length > 0) sql += this.returningClause("DELETE", del.returningColumns(), state, top);
      return sql;
    } finally {
      state.enclosing.pop();
    }
  }

  /** `DELETE FROM t`; other tables in the WHERE clause need a dialect form (USING, multi-table DELETE). */
  deleteHead(del: Delete, extra: readonly FromClause[], state: CompileState): string {
    const table = this.fromName(del.state.table, state);
    if (extra.length > 0) {
      throw new CompileError(
        `DELETE FROM ${del.state.table.fullName}: the WHERE clause refers to other tables (${extra.map((f) => (f as { name?: string }).name ?? f.kind).join(", ")}), ` +
          "and this database has no DELETE ... USING. Use a subquery instead: where(col.in(select(...))) or exists().",
      );
    }
    return `DELETE FROM ${table}`;
  }
}

/**
 * Calls `visit` on each child expression of a node, for finding the tables a
 * statement refers to. Subqueries are not entered: they have their own FROM.
 */
function forEachChild(node: ClauseElement, visit: (child: unknown) => void): void {
  const n = node as unknown as Record<string, unknown>;
  switch (node.kind) {
    case "binary":
    case "in":
      visit(n.left);
      if (!isSelectLike(n.right)) visit(n.right);
      return;
    case "like":
      visit(n.left);
      visit(n.pattern);
      return;
    case "unary":
    case "label":
    case "grouping":
    case "cast":
    case "type_coerce":
    case "order_by":
      visit(n.element);
      return;
    case "function":
      for (const a of n.args as ClauseElement[]) visit(a);
      visit(n.filterWhere);
      return;
    case "over":
      visit(n.element);
      for (const p of n.partitionBy as ClauseElement[]) visit(p);
      for (const o of n.orderBy as ClauseElement[]) visit(o);
      return;
    case "boolean_list":
    case "clause_list":
      for (const c of n.clauses as ClauseElement[]) visit(c);
      return;
    case "tuple":
      for (const e of n.elements as ClauseElement[]) visit(e);
      return;
    case "case":
      for (const [w, t] of (node as Case).whens) {
        visit(w);
        visit(t);
      }
      visit(n.otherwise);
      visit(n.value);
      return;
    case "bindparam":
    case "literal_column":
    case "null":
    case "boolean_literal":
    case "label_reference":
    case "scalar_select":
    case "exists":
    case "select":
    case "compound_select":
      return;
    default:
      for (const value of Object.values(n)) {
        if (Array.isArray(value)) for (const v of value) visit(Array.isArray(v) ? undefined : v);
        else if (!isSelectLike(value)) visit(value);
      }
  }
}

function isSelectLike(value: unknown): boolean {
  return value instanceof Select || value instanceof CompoundSelect;
}

function isRestatementOf(candidate: CTE, known: CTE): boolean {
  for (let c = candidate.restates; c !== undefined; c = c.restates) if (c === known) return true;
  return false;
}

function indexBinds(binds: readonly BindParameter[]): Map<BindParameter, number> {
  const index = new Map<BindParameter, number>();
  binds.forEach((bind, position) => {
    if (!index.has(bind)) index.set(bind, position);
  });
  return index;
}

// In a module of its own so that ClauseElement.compile() can use it without an import cycle.
export { boundParams } from "./bound-params.js";

function newState(bindIndex?: Map<BindParameter, number>): CompileState {
  return {
    generated: {},
    bindIndex,
    bindNames: [],
    bindProcessors: [],
    boundValues: {},
    boundByPosition: [],
    ctes: [],
    anonymousNames: new Map(),
    enclosing: [],
    depth: 0,
    resultTypes: undefined,
    mayWrite: false,
  };
}

function frameBound(value: number | null, direction: "PRECEDING" | "FOLLOWING"): string {
  if (value === null) return `UNBOUNDED ${direction}`;
  if (value === 0) return "CURRENT ROW";
  if (!Number.isSafeInteger(value)) throw new CompileError(`A window frame bound must be an integer, got ${value}.`);
  return value < 0 ? `${-value} PRECEDING` : `${value} FOLLOWING`;
}

function resultTypesOf(statement: SelectLike): Record<string, TypeEngine> {
  const types: Record<string, TypeEngine> = {};
  for (const [key, col] of statement.selectedColumns()) if (!(key in types)) types[key] = (col as AnyColumn).type;
  return types;
}

/** SQL-standard reserved words (plus common ones) that are quoted when used as identifiers. */
const RESERVED = new Set(
  (
    "all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate column " +
    "constraint create cross current_date current_role current_time current_timestamp current_user default deferrable " +
    "desc distinct do else end except false fetch for foreign freeze from full grant group having ilike in initially " +
    "inner intersect into is isnull join lateral leading left like limit localtime localtimestamp natural not notnull " +
    "null offset on only or order outer overlaps placing primary references returning right select session_user similar " +
    "some symmetric table then to trailing true union unique user using variadic verbose when where window with " +
    "key index values exists between by delete update insert set values int integer"
  ).split(" "),
);
