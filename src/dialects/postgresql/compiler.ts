import { SQLCompiler, type CompileState } from "../../sql/index.js";
import type { ClauseElement } from "../../sql/index.js";

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

  override distinctOnClause(expressions: readonly ClauseElement[], state: CompileState): string {
    if (expressions.length === 0) return "DISTINCT ";
    return `DISTINCT ON (${expressions.map((e) => this.process(e, state)).join(", ")}) `;
  }
}
