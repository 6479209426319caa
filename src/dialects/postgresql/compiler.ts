import {
  ARRAY,
  BindParameter,
  ClauseList,
  JSONB,
  NullType,
  TypeDecorator,
  type Values,
  SQLCompiler,
  type ClauseElement,
  type ColumnClause,
  type CompileState,
  type Delete,
  type FromClause,
  type InExpression,
  type KeyGather,
  type TypeEngine,
} from "../../sql/index.js";
import { PostgresTypeCompiler } from "./type-compiler.js";

/**
 * PostgreSQL's compiler: `$1` placeholders, double-quoted identifiers, native
 * ILIKE and DISTINCT ON. Everything else is standard SQL from the base.
 */
export class PostgresCompiler extends SQLCompiler {
  override placeholder(position: number): string {
    return `$${position}`;
  }

  override ilike(left: string, pattern: string, negate: boolean, escape: string): string {
    return `${left} ${negate ? "NOT ILIKE" : "ILIKE"} ${pattern}${escape}`;
  }

  /** PostgreSQL cannot infer the type of `SELECT $1`: it would read it as text. Spell the type out. */
  override selectListBind(bind: BindParameter, state: CompileState): string {
    const sql = this.process(bind, state);
    if (bind.type instanceof NullType) return sql;
    try {
      return `${sql}::${this.castTypeName(bind.type)}`;
    } catch {
      return sql;
    }
  }

  override castTypeName(type: TypeEngine): string {
    if (type instanceof JSONB) return "JSONB";
    return super.castTypeName(type);
  }

  /**
   * PostgreSQL resolves the type of each VALUES column from its rows, as for
   * UNION, and parameters of unknown type alone resolve to text. So the first
   * row's parameters carry their column's type (`$1::NUMERIC(10, 2)`), and the
   * other rows' parameters take it: the text stays short for long lists.
   */
  override valuesCell(bind: BindParameter, column: ColumnClause, row: number, state: CompileState): string {
    const sql = this.process(bind, state);
    if (row > 0 || column.type instanceof NullType) return sql;
    return `${sql}::${this.#typeCompiler.process(column.type)}`;
  }

  /**
   * A VALUES list goes as `unnest($1::INTEGER[], $2::NUMERIC(10, 2)[]) AS v (id, price)`:
   * one array parameter per column, whatever the row count, where the
   * standard form binds one parameter per value (a 1,000-row list bound 2,000
   * and the server parsed each). The rows come back in order, as VALUES gives
   * them. Columns whose own type is an array keep the standard form (unnest
   * would flatten them), as do lists holding bindparams given at execution.
   */
  override visitValues(values: Values, name: string, state: CompileState): string {
    if (this.literalValues || !unnestable(values)) return super.visitValues(values, name, state);
    const width = values.columnDefinitions.length;
    const count = values.rows.length;
    const first = state.bindIndex?.get(values.rows[0]?.[0] as BindParameter);
    const columns = values.columnDefinitions.map((col, i) => {
      const items = values.rows.map((row) => (row[i] as BindParameter).value);
      const gather = first === undefined ? undefined : { start: first + i, stride: width, count };
      return `${this.bindGathered(items, new ARRAY(col.type), gather, state)}::${this.#typeCompiler.process(col.type)}[]`;
    });
    const names = values.columnDefinitions.map((col) => this.quoteIdentifier(col.name)).join(", ");
    return `unnest(${columns.join(", ")}) AS ${name} (${names})`;
  }

  /**
   * A list of values after IN goes as one array parameter:
   * `id = ANY($1::INTEGER[])` (NOT IN: `id <> ALL(...)`, the same answer,
   * NULLs included). The text no longer depends on the list's length, so one
   * prepared statement serves every length, and a 500-key IN binds one
   * parameter, not 500. Lists holding expressions, tuples or bindparams given
   * at execution, and values of a type with no SQL name, keep `IN (...)`.
   */
  override visitIn(node: InExpression, state: CompileState): string {
    const list = node.right;
    if (this.literalValues || !(list instanceof ClauseList) || list.clauses.length === 0) return super.visitIn(node, state);
    const binds = list.clauses;
    const type = (binds[0] as BindParameter).type;
    for (const bind of binds) {
      if (!(bind instanceof BindParameter) || bind.value === undefined || bind.type !== type) return super.visitIn(node, state);
    }
    const cast = this.#arrayCastOf(type);
    if (cast === undefined) return super.visitIn(node, state);
    const left = this.operand(node.left, 5, state);
    const items = binds.map((bind) => (bind as BindParameter).value);
    const param = this.bindGathered(items, new ARRAY(type), this.#contiguous(binds as readonly BindParameter[], state), state);
    return `${left} ${node.negate ? "<> ALL" : "= ANY"}(${param}::${cast})`;
  }

  /** `INTEGER[]` for a type whose values can travel in an array parameter; undefined when they cannot. */
  #arrayCastOf(type: TypeEngine): string | undefined {
    if (!travelsInArray(type)) return undefined;
    try {
      return `${this.#typeCompiler.process(type)}[]`;
    } catch {
      return undefined;
    }
  }

  /** Where binds sit in the cache key, when they sit there one after another (see {@link SQLCompiler.bindGathered}). */
  #contiguous(binds: readonly BindParameter[], state: CompileState): KeyGather | undefined {
    const start = state.bindIndex?.get(binds[0] as BindParameter);
    if (start === undefined) return undefined;
    for (let i = 1; i < binds.length; i++) if (state.bindIndex?.get(binds[i] as BindParameter) !== start + i) return undefined;
    return { start, stride: 1, count: binds.length };
  }

  /** The DDL type names (arrays, JSONB, enums, decorated types), which CAST's short list does not cover. */
  readonly #typeCompiler = new PostgresTypeCompiler({
    quoteIdentifier: (name) => this.quoteIdentifier(name),
    quoteString: (value) => `'${value.replace(/'/g, "''")}'`,
  });

  override distinctOnClause(expressions: readonly ClauseElement[], state: CompileState): string {
    if (expressions.length === 0) return "DISTINCT ";
    return `DISTINCT ON (${expressions.map((e) => this.process(e, state)).join(", ")}) `;
  }
  /** `DELETE FROM t USING other, ... WHERE ...` when the WHERE clause refers to other tables. */
  override deleteHead(del: Delete, extra: readonly FromClause[], state: CompileState): string {
    if (extra.length === 0) return super.deleteHead(del, extra, state);
    return `DELETE FROM ${this.fromName(del.state.table, state)} USING ${extra.map((f) => this.fromItem(f, state)).join(", ")}`;
  }
}

/** Whether a VALUES list can go as unnest() of per-column arrays (see {@link PostgresCompiler.visitValues}). */
function unnestable(values: Values): boolean {
  if (values.rows.length === 0) return false;
  for (const col of values.columnDefinitions) if (!travelsInArray(col.type)) return false;
  for (const row of values.rows) {
    for (const bind of row) if (bind.value === undefined) return false;
  }
  return true;
}

/**
 * Whether values of `type` can go as the items of one array parameter: not
 * when the stored type is itself an array (unnest and ANY would flatten it)
 * or unknown (no array type to cast to).
 */
function travelsInArray(type: TypeEngine): boolean {
  const stored = type instanceof TypeDecorator ? type.implFor("postgresql") : type;
  return !(stored instanceof ARRAY || stored instanceof NullType);
}
