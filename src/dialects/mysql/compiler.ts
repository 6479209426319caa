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
  type BinaryExpression,
  type CompileState,
  type Join,
  type OrderByExpression,
  type Select,
  type TypeEngine,
} from "../../sql/index.js";

/**
 * MySQL's compiler: `?` placeholders, backtick quoting, `concat()` for `||`,
 * `<=>` for IS [NOT] DISTINCT FROM, emulated NULLS FIRST/LAST, and MySQL CAST
 * type names.
 */
export class MySQLCompiler extends SQLCompiler {
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

  override limitClause(limit: number | undefined, offset: number | undefined, state: CompileState): string {
    // MySQL has no OFFSET without LIMIT: its manual's answer is the largest possible LIMIT.
    if (limit === undefined && offset !== undefined) return ` LIMIT 18446744073709551615 OFFSET ${this.bindValue(offset, new Integer(), state)}`;
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
}
