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
import { BindParameter, ClauseElement } from "../elements/expressions.js";
import { ColumnClause, FromClause, Subquery } from "../elements/from-clause.js";
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

const memo = new WeakMap<object, NodeKey | null>();
const typeKeys = new WeakMap<TypeEngine, string>();
/** Properties that are derived from others, or back-references that would loop. */
const SKIPPED = new Set(["kind", "c", "_values"]);

/** The cache key of a statement, or `undefined` when it cannot be cached (an anonymous subquery). */
export function statementKey(statement: ClauseElement): StatementKey | undefined {
  const found = nodeKey(statement);
  return found === null ? undefined : found;
}

function nodeKey(node: ClauseElement): NodeKey | null {
  const known = memo.get(node);
  if (known !== undefined) return known;
  const computed = computeKey(node);
  memo.set(node, computed);
  return computed;
}

function computeKey(node: ClauseElement): NodeKey | null {
  if (node instanceof BindParameter) {
    if (node.value === undefined && node.name !== undefined) return { key: `:${node.name}:${typeKey(node.type)}`, binds: [] };
    return { key: `?${typeKey(node.type)}`, binds: [node] };
  }
  if (node instanceof ColumnClause) {
    const table = node.table;
    if (table instanceof Subquery && table.name === undefined) return null;
    const owner = table === undefined ? "" : `${table.kind}:${(table as { schema?: string }).schema ?? ""}.${(table as { name?: string }).name ?? ""}`;
    return { key: `col(${owner}.${node.name}:${typeKey(node.type)})`, binds: [] };
  }
  if (node instanceof Subquery && node.name === undefined) return null;
  const binds: BindParameter[] = [];
  let key = `${node.kind}(`;
  const record = node as unknown as Record<string, unknown>;
  for (const property of Object.keys(record)) {
    if (SKIPPED.has(property)) continue;
    const part = valueKey(record[property], binds);
    if (part === null) return null;
    key += `${property}=${part};`;
  }
  // A FROM element's columns come from its definition: key them once per element.
  if (node instanceof FromClause && !(node instanceof Subquery)) {
    for (const column of Object.values(node.c as Record<string, ColumnClause>)) key += `${column.name}:${typeKey(column.type)},`;
  }
  return { key: `${key})`, binds };
}

function valueKey(value: unknown, binds: BindParameter[]): string | null {
  if (value === undefined) return "_";
  if (value === null) return "null";
  if (value instanceof ClauseElement) {
    const inner = nodeKey(value);
    if (inner === null) return null;
    for (const bind of inner.binds) binds.push(bind);
    return inner.key;
  }
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
