import {
  BigInteger,
  Boolean as BooleanType,
  CompileError,
  DateTime,
  Float,
  Integer,
  Numeric,
  SQLCompiler,
  String as StringType,
  type AnyColumn,
  type Assignments,
  type BinaryExpression,
  type ClauseElement,
  type CompileState,
  type Delete,
  type ExcludedColumn,
  type FromClause,
  type Insert,
  type Join,
  type OnConflict,
  type Update,
  type OrderByExpression,
  type Select,
  type TypeEngine,
  type Values,
} from "../../sql/index.js";

/**
 * MySQL's compiler: `?` placeholders, backtick quoting, `concat()` for `||`,
 * `<=>` for IS [NOT] DISTINCT FROM, emulated NULLS FIRST/LAST, and MySQL CAST
 * type names.
 */
export class MySQLCompiler extends SQLCompiler {
  protected override readonly reservedWords: ReadonlySet<string> = MYSQL_RESERVED;

  override placeholder(_position: number): string {
    return "?";
  }

  override forceQuote(name: string): string {
    return `\`${name.replace(/`/g, "``")}\``;
  }

  override visitBinary(node: BinaryExpression, state: CompileState): string {
    if (node.operator === "||") return `concat(${this.process(node.left, state)}, ${this.process(node.right, state)})`;
    if (node.operator === "IS NOT DISTINCT FROM") return `${this.operand(node.left, 5, state)} <=> ${this.operand(node.right, 5, state, true)}`;
    if (node.operator === "IS DISTINCT FROM") return `NOT (${this.operand(node.left, 5, state)} <=> ${this.operand(node.right, 5, state, true)})`;
    return super.visitBinary(node, state);
  }

  /** MySQL has no NULLS FIRST/LAST: sort on `x IS NULL` first. */
  override nullsOrder(sql: string, node: OrderByExpression, state: CompileState): string {
    const isNull = `${this.process(node.element, state)} IS NULL`;
    return `${isNull} ${node.nulls === "FIRST" ? "DESC" : "ASC"}, ${sql}`;
  }

  override limitClause(limit: ClauseElement | undefined, offset: ClauseElement | undefined, state: CompileState): string {
    // MySQL has no OFFSET without LIMIT: its manual's answer is the largest possible LIMIT.
    if (limit === undefined && offset !== undefined) return ` LIMIT 18446744073709551615 OFFSET ${this.process(offset, state)}`;
    return super.limitClause(limit, offset, state);
  }

  override castTypeName(type: TypeEngine): string {
    if (type instanceof BigInteger || type instanceof Integer || type instanceof BooleanType) return "SIGNED";
    if (type instanceof Float) return "DOUBLE";
    if (type instanceof Numeric) return type.precision === undefined ? "DECIMAL(65, 30)" : `DECIMAL(${type.precision}${type.scale === undefined ? "" : `, ${type.scale}`})`;
    if (type instanceof StringType) return type.length === undefined ? "CHAR" : `CHAR(${type.length})`;
    if (type instanceof DateTime) return "DATETIME";
    return super.castTypeName(type);
  }

  override visitJoin(join: Join, state: CompileState): string {
    if (join.joinType === "FULL") throw new CompileError("MySQL and MariaDB have no FULL OUTER JOIN.");
    return super.visitJoin(join, state);
  }
  /** MySQL has no `DEFAULT VALUES`: an empty column list and an empty row mean the same. */
  override insertDefaultValues(): string {
    return " () VALUES ()";
  }

  override onConflictClause(_insert: Insert, onConflict: OnConflict, _state: CompileState): string {
    throw new CompileError(
      `MySQL and MariaDB have no ON CONFLICT (onConflictDo${onConflict.action === "nothing" ? "Nothing" : "Update"}); ` +
        "use onDuplicateKeyUpdate({ set }) with stmt.inserted.c.<col> for the proposed values.",
    );
  }

  /** `ON DUPLICATE KEY UPDATE a = VALUES(a)`; `VALUES(col)` works on MariaDB and on MySQL (deprecated there since 8.0.20, not removed). */
  override onDuplicateKeyClause(insert: Insert, set: Assignments, state: CompileState): string {
    return ` ON DUPLICATE KEY UPDATE ${this.setClause(insert.state.table, set, state, false)}`;
  }

  override visitExcludedColumn(column: ExcludedColumn, _state: CompileState): string {
    return `VALUES(${this.quoteIdentifier(column.name)})`;
  }

  override returningClause(statement: "INSERT" | "UPDATE" | "DELETE", _columns: readonly (readonly [string, AnyColumn])[], _state: CompileState, _top: boolean): string {
    throw new CompileError(`MySQL has no ${statement} ... RETURNING (MariaDB 10.5+ has it for INSERT and DELETE); select the rows afterwards, or use lastInsertId.`);
  }

  /** Multi-table `UPDATE t, other SET t.a = ? WHERE ...` when the statement refers to other tables. */
  override updateHead(update: Update, extra: readonly FromClause[], state: CompileState): string {
    if (extra.length === 0) return super.updateHead(update, extra, state);
    const tables = [update.state.table, ...extra].map((f) => this.fromItem(f, state)).join(", ");
    return `UPDATE ${tables} SET ${this.setClause(update.state.table, update.state.values, state, true, true)}`;
  }

  /**
   * A derived table of one SELECT per row joined by UNION ALL: MySQL's
   * `VALUES ROW(...)` and MariaDB's `VALUES (...)` differ and neither names its
   * columns, while this form works on both.
   */
  override visitValues(values: Values, name: string, state: CompileState): string {
    const rows = this.valuesRows(values, state);
    const first = (rows[0] as string[]).map((sql, i) => `${sql} AS ${this.quoteIdentifier((values.columnDefinitions[i] as { name: string }).name)}`);
    const selects = [`SELECT ${first.join(", ")}`, ...rows.slice(1).map((row) => `SELECT ${row.join(", ")}`)];
    return `(${selects.join(" UNION ALL ")}) AS ${name}`;
  }

  /** Multi-table `DELETE t FROM t, other WHERE ...` when the WHERE clause refers to other tables. */
  override deleteHead(del: Delete, extra: readonly FromClause[], state: CompileState): string {
    if (extra.length === 0) return super.deleteHead(del, extra, state);
    if (del.state.returning.length > 0) throw new CompileError("MySQL and MariaDB have no RETURNING on a multi-table DELETE.");
    const table = this.fromName(del.state.table, state);
    return `DELETE ${table} FROM ${[del.state.table, ...extra].map((f) => this.fromItem(f, state)).join(", ")}`;
  }
}

/** MariaDB: `LOCK IN SHARE MODE` for shared locks, and no `FOR UPDATE OF`. */
export class MariaDBCompiler extends MySQLCompiler {
  override forUpdateClause(select: Select, state: CompileState): string {
    const options = select.state.forUpdate;
    if (options === undefined) return "";
    if (options.of !== undefined) throw new CompileError("MariaDB has no FOR UPDATE OF.");
    if (options.read === true) return " LOCK IN SHARE MODE";
    return super.forUpdateClause(select, state);
  }
  /** MariaDB 10.5+ has RETURNING on INSERT and DELETE, not on UPDATE. */
  override returningClause(statement: "INSERT" | "UPDATE" | "DELETE", columns: readonly (readonly [string, AnyColumn])[], state: CompileState, top: boolean): string {
    if (statement === "UPDATE") throw new CompileError("MariaDB has no UPDATE ... RETURNING (only INSERT and DELETE); select the rows after the update.");
    return SQLCompiler.prototype.returningClause.call(this, statement, columns, state, top);
  }
}

/** MySQL and MariaDB reserved words (quoted when used as identifiers), on top of the standard ones. */
const MYSQL_RESERVED = new Set(
  (
    "accessible add all alter analyze and as asc asensitive before between bigint binary blob both by call cascade case " +
    "change char character check collate column condition constraint continue convert create cross current_date " +
    "current_time current_timestamp current_user cursor database databases day_hour day_microsecond day_minute " +
    "day_second dec decimal declare default delayed delete desc describe deterministic distinct distinctrow div double " +
    "drop dual each else elseif enclosed escaped except exists exit explain false fetch float float4 float8 for force " +
    "foreign from fulltext general generated get grant group having high_priority hour_microsecond hour_minute " +
    "hour_second if ignore in index infile inner inout insensitive insert int int1 int2 int3 int4 int8 integer " +
    "intersect interval into is iterate join key keys kill lateral leading leave left like limit linear lines load " +
    "localtime localtimestamp lock long longblob longtext loop low_priority master_bind match maxvalue mediumblob " +
    "mediumint mediumtext middleint minute_microsecond minute_second mod modifies natural not no_write_to_binlog null " +
    "numeric of offset on optimize option optionally or order out outer outfile over partition precision primary " +
    "procedure purge range read reads real recursive references regexp release rename repeat replace require resignal " +
    "restrict return returning revoke right rlike row rows schema schemas second_microsecond select sensitive separator " +
    "set show signal smallint spatial specific sql sqlexception sqlstate sqlwarning sql_big_result sql_calc_found_rows " +
    "sql_small_result ssl starting stored straight_join table terminated then tinyblob tinyint tinytext to trailing " +
    "trigger true undo union unique unlock unsigned update usage use using utc_date utc_time utc_timestamp values " +
    "varbinary varchar varcharacter varying virtual when where while window with write xor year_month zerofill " +
    "user"
  ).split(" "),
);
