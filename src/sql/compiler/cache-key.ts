/**
 * Cache keys: a string that identifies a statement's shape (everything but
 * its bound values), and the statement's bound values in a fixed order. Two
 * statements with the same key compile to the same SQL, so a compiled statement
 * is reused with the new values picked out of the new tree by position.
 *
 * Nodes are immutable, so each node's key is computed once and remembered;
 * tables and columns, shared by every statement, cost nothing after the first.
 *
 * @module
 */
import {
  BindParameter,
  ClauseElement,
  type BinaryExpression,
  type BooleanClauseList,
  type BooleanLiteral,
  type Cast,
  type ClauseList,
  type FunctionCall,
  type Grouping,
  type InExpression,
  type Label,
  type LikeExpression,
  type LiteralColumn,
  type OrderByExpression,
  type TypeCoerce,
  type UnaryExpression,
} from "../elements/expressions.js";
import type { Assignments, Insert } from "../elements/dml.js";
import { Alias, ColumnClause, Subquery, TableClause, type FromClause, type Join } from "../elements/from-clause.js";
import type { LabelReference, Select } from "../elements/select.js";
import { Values } from "../elements/values.js";
import { TypeEngine } from "../types/type-api.js";

/** A statement's cache key and its bound values in key order. */
export interface StatementKey {
  readonly key: string;
  /** The value-carrying bind parameters, in the order the key met them. */
  readonly binds: readonly BindParameter[];
}

interface NodeKey {
  readonly key: string;
  readonly binds: readonly BindParameter[];
}

const typeKeys = new WeakMap<TypeEngine, string>();
/** The keys of table columns: shared by every statement that names them, and immutable. */
const tableColumnKeys = new WeakMap<ColumnClause, string>();
/** A statement that keeps its own key once computed (Select, CompoundSelect: a mutable holder set before freezing). */
interface MemoHolder {
  readonly _memo: { statementKey?: StatementKey | null };
}
/** Properties that are derived from others, back-references that would loop, or scratch space. */
const SKIPPED = new Set(["kind", "c", "_values", "tableId", "_memo"]);

/** The cache key of a statement, or `undefined` when it cannot be cached (an anonymous subquery). */
export function statementKey(statement: ClauseElement): StatementKey | undefined {
  const memo = (statement as Partial<MemoHolder>)._memo;
  let found = memo?.statementKey;
  if (found === undefined) {
    found = nodeKey(statement);
    if (memo !== undefined) memo.statementKey = found;
  }
  return found === null ? undefined : found;
}

// Inner nodes are not remembered one by one: most are built for one statement, and tables and columns key in O(1).
function nodeKey(node: ClauseElement): NodeKey | null {
  const binds: BindParameter[] = [];
  const key = keyOf(node, binds);
  return key === null ? null : { key, binds };
}

type KeyFn = (node: never, binds: BindParameter[]) => string | null;

function list(items: readonly ClauseElement[], binds: BindParameter[]): string | null {
  let out = "[";
  for (const item of items) {
    const part = keyOf(item, binds);
    if (part === null) return null;
    out += part + ",";
  }
  return out + "]";
}

function opt(item: ClauseElement | undefined, binds: BindParameter[]): string | null {
  return item === undefined ? "_" : keyOf(item, binds);
}

/** Joins the parts of a node key; a null part (uncacheable) makes the whole key null. */
function parts(tag: string, a: string | null, b: string, c: string | null, d: string): string | null {
  if (a === null || c === null) return null;
  return `${tag}(${a}|${b}|${c}|${d})`;
}

/**
 * Hand-written keys for the node kinds statements are mostly made of, so the
 * hot path stays monomorphic; any other kind (DML, DDL, kinds from other
 * layers) is keyed by walking its properties.
 */
const KEYS: Record<string, KeyFn> = {
  bindparam: (n: BindParameter, binds) => {
    if (n.value === undefined && n.name !== undefined) return `:${n.name}:${typeKey(n.type)}`;
    binds.push(n);
    return `?${typeKey(n.type)}`;
  },
  column: (n: ColumnClause, binds) => {
    const table = n.table;
    if (table instanceof Subquery && table.name === undefined) return null;
    // An unaliased VALUES list gets a generated name: like an anonymous subquery, it is not cached.
    if (table instanceof Values) return null;
    // A column names its FROM element only by kind and alias name, and an UPDATE ... FROM (VALUES ...) lists no FROM
    // but through its columns: the list's shape goes into the key here, or two lists aliased alike would share SQL.
    if (table instanceof Alias && table.element instanceof Values) {
      return `c(alias:${table.name}<${valuesKey(table.element, binds)}>.${n.name}:${typeKey(n.type)})`;
    }
    if (table instanceof TableClause) {
      let key = tableColumnKeys.get(n);
      if (key === undefined) {
        key = `c(table#${table.tableId}.${n.name}:${typeKey(n.type)})`;
        tableColumnKeys.set(n, key);
      }
      return key;
    }
    const from = fromReference(table);
    return from === null ? null : `c(${from}.${n.name}:${typeKey(n.type)})`;
  },
  table: (n: TableClause) => `table#${n.tableId}`,
  binary: (n: BinaryExpression, binds) => parts("b", keyOf(n.left, binds), n.operator, keyOf(n.right, binds), typeKey(n.type)),
  like: (n: LikeExpression, binds) => parts("like", keyOf(n.left, binds), n.operator + (n.escape ?? ""), keyOf(n.pattern, binds), ""),
  in: (n: InExpression, binds) => parts("in", keyOf(n.left, binds), n.negate ? "not" : "", keyOf(n.right, binds), ""),
  unary: (n: UnaryExpression, binds) => parts("u", keyOf(n.element, binds), `${n.operator ?? ""}|${n.modifier ?? ""}`, "", typeKey(n.type)),
  label: (n: Label, binds) => parts("l", keyOf(n.element, binds), n.name, "", ""),
  function: (n: FunctionCall, binds) => parts("f", list(n.args, binds), n.name, opt(n.filterWhere, binds), typeKey(n.type)),
  boolean_list: (n: BooleanClauseList, binds) => parts("bl", list(n.clauses, binds), n.operator, "", ""),
  clause_list: (n: ClauseList, binds) => parts("cl", list(n.clauses, binds), n.separator, "", ""),
  order_by: (n: OrderByExpression, binds) => parts("o", keyOf(n.element, binds), `${n.direction ?? ""}|${n.nulls ?? ""}`, "", ""),
  alias: (n: Alias, binds) => parts("a", keyOf(n.element, binds), n.name, "", ""),
  join: (n: Join, binds) => {
    const on = keyOf(n.onclause, binds);
    return on === null ? null : parts("j", keyOf(n.left, binds), n.joinType, keyOf(n.right, binds), on);
  },
  grouping: (n: Grouping, binds) => parts("g", keyOf(n.element, binds), "", "", ""),
  cast: (n: Cast, binds) => parts("cast", keyOf(n.element, binds), "", "", typeKey(n.type)),
  type_coerce: (n: TypeCoerce, binds) => parts("tc", keyOf(n.element, binds), "", "", typeKey(n.type)),
  literal_column: (n: LiteralColumn) => `lit(${JSON.stringify(n.text)}:${typeKey(n.type)})`,
  null: () => "NULL",
  boolean_literal: (n: BooleanLiteral) => (n.value ? "TRUE" : "FALSE"),
  label_reference: (n: LabelReference) => `lr(${n.name})`,
  select: (n: Select, binds) => selectKey(n, binds),
  insert: (n: Insert, binds) => insertKey(n, binds),
  values: (n: Values, binds) => valuesKey(n, binds),
};

/**
 * A VALUES list keys by its shape (column names and types, row count, and the
 * names of any bindparam() given at execution), its values bound by position:
 * the same statement with other data reuses the compiled SQL.
 */
function valuesKey(n: Values, binds: BindParameter[]): string {
  // Met once per column referring to it: its values go into the bind list the first time only.
  const first = firstValueBind(n);
  const listed = first !== undefined && binds.includes(first);
  let named = "";
  for (let r = 0; r < n.rows.length; r++) {
    const row = n.rows[r] as readonly BindParameter[];
    for (let i = 0; i < row.length; i++) {
      const bind = row[i] as BindParameter;
      if (bind.value === undefined && bind.name !== undefined) named += `${r}.${i}=${bind.name};`;
      else if (!listed) binds.push(bind);
    }
  }
  const columns = n.columnDefinitions.map((col) => `${col.name}:${typeKey(col.type)}`).join(",");
  return `values(${columns}|rows=${n.rows.length}|${named})`;
}

/** The first bind of a VALUES list that carries a value (not a named bindparam() given at execution). */
function firstValueBind(n: Values): BindParameter | undefined {
  for (const row of n.rows) {
    const found = row.find((bind) => bind.value !== undefined || bind.name === undefined);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A multi-row INSERT of plain values keys by its shape (columns, their types,
 * row count) with the values bound by position, not value by value: keyed
 * reflectively, a 1,000-row statement made a key as long as its values, and
 * building and hashing it cost more than compiling.
 */
function insertKey(n: Insert, binds: BindParameter[]): string | null {
  const rows = n.state.rows;
  if (rows === undefined || rows.length < 2) return reflectiveKey(n, binds);
  const first = rows[0] as Assignments;
  const types: TypeEngine[] = [];
  for (const [, value] of first) {
    if (!(value instanceof BindParameter) || value.value === undefined || value.name !== undefined) return reflectiveKey(n, binds);
    types.push(value.type);
  }
  const start = binds.length;
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const value = (row[i] as readonly [string, ClauseElement])[1];
      if (!(value instanceof BindParameter) || value.type !== types[i] || value.value === undefined || value.name !== undefined) {
        binds.length = start;
        return reflectiveKey(n, binds);
      }
      binds.push(value);
    }
  }
  const rest = valueKey({ ...n.state, rows: undefined }, binds);
  if (rest === null) return null;
  return `insert(${first.map(([key], i) => `${key}:${typeKey(types[i] as TypeEngine)}`).join(",")}|rows=${rows.length}|${rest})`;
}

function selectKey(n: Select, binds: BindParameter[]): string | null {
  const s = n.state;
  // Part by part in a fixed order (the binds are listed in that order), stopping at the first uncacheable one.
  let key = "select(";
  for (const part of [s.items, s.froms, s.where, s.groupBy, s.having, s.orderBy]) {
    const k = part.length === 0 ? "[]" : list(part, binds);
    if (k === null) return null;
    key += k + "|";
  }
  const limit = opt(s.limit, binds);
  if (limit === null) return null;
  const offset = opt(s.offset, binds);
  if (offset === null) return null;
  const distinctOn = s.distinctOn.length === 0 ? "[]" : list(s.distinctOn, binds);
  if (distinctOn === null) return null;
  const correlate = s.correlate === undefined ? "_" : list(s.correlate, binds);
  if (correlate === null) return null;
  let forUpdate = "_";
  if (s.forUpdate !== undefined) {
    const f = s.forUpdate;
    const of = f.of === undefined ? "_" : list((Array.isArray(f.of) ? f.of : [f.of]) as readonly ClauseElement[], binds);
    if (of === null) return null;
    forUpdate = `${f.read === true}|${f.nowait === true}|${f.skipLocked === true}|${of}`;
  }
  return `${key}${limit}|${offset}|${distinctOn}|${correlate}|${s.distinct}|${forUpdate})`;
}

function keyOf(node: ClauseElement, binds: BindParameter[]): string | null {
  const fn = KEYS[node.kind];
  return fn === undefined ? reflectiveKey(node, binds) : fn(node as never, binds);
}

/** Keys any other node by its kind and properties (slower, but complete). */
function reflectiveKey(node: ClauseElement, binds: BindParameter[]): string | null {
  if (node instanceof BindParameter) return (KEYS.bindparam as KeyFn)(node as never, binds);
  if (node instanceof ColumnClause) return (KEYS.column as KeyFn)(node as never, binds);
  if (node instanceof TableClause) return `table#${node.tableId}`;
  if (node instanceof Subquery && node.name === undefined) return null;
  let key = `${node.kind}(`;
  const record = node as unknown as Record<string, unknown>;
  for (const property of Object.keys(record)) {
    if (SKIPPED.has(property)) continue;
    const part = valueKey(record[property], binds);
    if (part === null) return null;
    key += `${property}=${part};`;
  }
  return `${key})`;
}

/** How a column names its FROM element: a table by identity, anything else by kind and name. */
function fromReference(from: FromClause | undefined): string | null {
  if (from === undefined) return "";
  if (from instanceof TableClause) return `table#${from.tableId}`;
  let found = fromShapes.get(from);
  if (found === undefined) {
    // A recursive CTE's own columns refer back to it: inside, it is known by kind and name.
    fromShapes.set(from, `${from.kind}:${(from as { name?: string }).name ?? ""}`);
    found = fromShape(from);
    fromShapes.set(from, found);
  }
  return found;
}

/** The shapes of aliases, subqueries and CTEs that columns refer to, by node (nodes are immutable). */
const fromShapes = new WeakMap<FromClause, string | null>();

/**
 * A column names its FROM element, and the FROM list of a SELECT is often
 * found through its columns only: so a column's key must tell what it is
 * selected from, not only under which name (`users AS x` and `orders AS x`
 * compile differently). The element's own binds are left out of the bind list
 * here: if no other part of the statement lists them, the compiler names them
 * `param_N` and the statement is not cached, which is safe.
 */
function fromShape(from: FromClause): string | null {
  const name = (from as { name?: string }).name ?? "";
  const element = (from as { element?: ClauseElement }).element;
  if (element === undefined) return `${from.kind}:${name}`;
  const inner = element instanceof TableClause ? `table#${element.tableId}` : keyOf(element, []);
  const flags = `${(from as { lateral?: boolean }).lateral === true ? "L" : ""}${(from as { recursive?: boolean }).recursive === true ? "R" : ""}`;
  return inner === null ? null : `${from.kind}:${name}${flags}<${inner}>`;
}

function valueKey(value: unknown, binds: BindParameter[]): string | null {
  if (value === undefined) return "_";
  if (value === null) return "null";
  if (value instanceof ClauseElement) return keyOf(value, binds);
  if (value instanceof TypeEngine) return typeKey(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (const item of value) {
      const part = valueKey(item, binds);
      if (part === null) return null;
      out += `${part},`;
    }
    return `${out}]`;
  }
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "function":
      return null;
    case "object": {
      // Only plain objects are keyed by their entries: a Map or a class instance would key as "{}" and collide.
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return null;
      let out = "{";
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const part = valueKey(v, binds);
        if (part === null) return null;
        out += `${k}=${part};`;
      }
      return `${out}}`;
    }
    default:
      return null;
  }
}

/** A type's key: its class and its name, which carries its parameters (`Numeric(10, 2)`). */
function typeKey(type: TypeEngine): string {
  let key = typeKeys.get(type);
  if (key === undefined) {
    key = `${type.constructor.name}:${type.typeName}`;
    typeKeys.set(type, key);
  }
  return key;
}
