import { CompileError, SQLCompiler, type ClauseElement, type CompileState, type FunctionCall, type Insert, type OnConflict, type Select, type Values } from "../../sql/index.js";
import { SQLITE_RESERVED } from "./reserved-words.js";

/**
 * SQLite's compiler: `?` placeholders, double-quoted identifiers, `LIMIT -1`
 * when only an offset is given, no row locks.
 */
export class SQLiteCompiler extends SQLCompiler {
  protected override readonly reservedWords: ReadonlySet<string> = SQLITE_RESERVED;

  override placeholder(_position: number): string {
    return "?";
  }

  override limitClause(limit: ClauseElement | undefined, offset: ClauseElement | undefined, state: CompileState): string {
    if (limit === undefined && offset !== undefined) return ` LIMIT -1 OFFSET ${this.process(offset, state)}`;
    return super.limitClause(limit, offset, state);
  }

  /** SQLite has no now(): its current time is CURRENT_TIMESTAMP (UTC, "YYYY-MM-DD HH:MM:SS"). */
  override visitFunction(node: FunctionCall, state: CompileState): string {
    if (node.name === "now" && node.args.length === 0) return "CURRENT_TIMESTAMP";
    return super.visitFunction(node, state);
  }

  /** SQLite locks the whole database for writes; there is no row-level FOR UPDATE, so it is left out (as SQLAlchemy does). */
  override forUpdateClause(_select: Select, _state: CompileState): string {
    return "";
  }

  override visitCompoundSelect(...args: Parameters<SQLCompiler["visitCompoundSelect"]>): string {
    const [compound] = args;
    for (const member of compound.selects) {
      const state = (member as Select).state as Select["state"] | undefined;
      if (state !== undefined && (state.orderBy.length > 0 || state.limit !== undefined)) {
        throw new CompileError("SQLite does not allow ORDER BY or LIMIT inside a member of UNION/INTERSECT/EXCEPT; order the compound instead, or wrap the member in a subquery.");
      }
    }
    return super.visitCompoundSelect(...args);
  }
  /** SQLite names no constraints in ON CONFLICT: only the columns of a unique index. */
  override onConflictClause(insert: Insert, onConflict: OnConflict, state: CompileState): string {
    if (onConflict.target !== undefined && "constraint" in onConflict.target) {
      throw new CompileError("SQLite has no ON CONFLICT ON CONSTRAINT; give the columns of the unique index as the target.");
    }
    return super.onConflictClause(insert, onConflict, state);
  }

  /**
   * `INSERT ... SELECT ... ON CONFLICT` is ambiguous to SQLite's parser (it reads
   * ON as a join constraint), so with an upsert the select is wrapped in a
   * subquery with a WHERE clause, as SQLite's manual advises.
   */
  override insertFromSelect(insert: Insert, selectSql: string): string {
    if (insert.state.onConflict === undefined) return selectSql;
    return `SELECT * FROM (${selectSql}) WHERE true`;
  }

  /**
   * SQLite names the columns of a VALUES list column1, column2...: a SELECT
   * renames them, since SQLite has no column list after the alias.
   */
  override visitValues(values: Values, name: string, state: CompileState): string {
    const rows = this.valuesRows(values, state).map((row) => `(${row.join(", ")})`);
    const columns = values.columnDefinitions.map((col, i) => `column${i + 1} AS ${this.quoteIdentifier(col.name)}`).join(", ");
    return `(SELECT ${columns} FROM (VALUES ${rows.join(", ")})) AS ${name}`;
  }
}
