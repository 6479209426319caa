import { ColumnElement, CompileError, TextClause, type TypeCompiler, type TypeEngine } from "../../sql/index.js";
import {
  DDLCompiler,
  ForeignKeyConstraint,
  PrimaryKeyConstraint,
  UniqueConstraint,
  type AnySchemaColumn,
  type AnyTable,
  type DDLState,
  type DropConstraint,
  type DropIndex,
  type HasSequence,
  type HasTable,
  type Index,
  type Sequence,
  type ServerDefault,
  type SetColumnComment,
  type SetTableComment,
} from "../../schema/index.js";
import { MariaDBCompiler, MySQLCompiler } from "./compiler.js";
import { MariaDBTypeCompiler, MySQLTypeCompiler } from "./type-compiler.js";

/** `CURRENT_TIMESTAMP` or `now()`, however written. */
const CURRENT_TIMESTAMP = /^\(?\s*(current_timestamp|now)\s*(\(\s*\d*\s*\))?\s*\)?$/i;

/** Types whose literal defaults MySQL only accepts as parenthesised expressions. */
const EXPRESSION_DEFAULT_TYPES = new Set(["text", "large_binary", "json", "jsonb"]);

/**
 * MySQL DDL: AUTO_INCREMENT, inline comments, `ENGINE=InnoDB`, `ON UPDATE`
 * for server-side update values, backslash-escaped strings, no partial
 * indexes and no deferrable constraints.
 */
export class MySQLDDLCompiler extends DDLCompiler {
  override readonly dialectName: string = "mysql";
  override readonly comments: "statements" | "inline" | "none" = "inline";
  override readonly supportsPartialIndexes: boolean = false;
  override readonly maxIdentifierLength: number = 64;

  constructor(sql: MySQLCompiler = new MySQLCompiler()) {
    super(sql);
  }

  protected override createTypeCompiler(): TypeCompiler {
    return new MySQLTypeCompiler(this);
  }

  /** Backslashes are escapes in MySQL strings (unless NO_BACKSLASH_ESCAPES): they are doubled too. */
  override quoteString(value: string): string {
    return super.quoteString(value.replace(/\\/g, "\\\\"));
  }

  /** A column numbered by a sequence (MariaDB) is not AUTO_INCREMENT. */
  #autoIncrement(column: AnySchemaColumn): boolean {
    return column.isAutoincrement && !(column.sequence !== undefined && this.supportsSequences);
  }

  override renderDefault(value: ServerDefault, type: TypeEngine): string {
    const sql = super.renderDefault(value, type);
    const stored = this.storedType(type);
    // MySQL wants the column's own fractional precision in CURRENT_TIMESTAMP (DATETIME(6) needs CURRENT_TIMESTAMP(6)).
    if (stored.visitName === "datetime" && CURRENT_TIMESTAMP.test(sql)) {
      const precision = (stored as { precision?: number }).precision ?? 6;
      return precision === 0 ? "CURRENT_TIMESTAMP" : `CURRENT_TIMESTAMP(${precision})`;
    }
    const literal = !(value instanceof TextClause) && !(value instanceof ColumnElement);
    return literal && EXPRESSION_DEFAULT_TYPES.has(stored.visitName) ? `(${sql})` : sql;
  }

  /** A nullable TIMESTAMP says NULL: otherwise older servers make it NOT NULL with an automatic default. */
  override nullability(column: AnySchemaColumn): string {
    const type = this.storedType(column.type);
    if (column.nullable && type.visitName === "datetime" && (type as { timezone?: boolean }).timezone === true) return " NULL";
    return super.nullability(column);
  }

  override columnSuffix(column: AnySchemaColumn): string {
    let sql = this.#autoIncrement(column) ? " AUTO_INCREMENT" : "";
    const onUpdate = column.serverOnUpdate;
    if (onUpdate !== undefined) sql += ` ON UPDATE ${this.renderDefault(onUpdate, column.type)}`;
    if (column.comment !== undefined) sql += ` COMMENT ${this.quoteString(column.comment)}`;
    return sql;
  }

  override tableSuffix(table: AnyTable): string {
    return ` ENGINE=InnoDB${table.comment === undefined ? "" : ` COMMENT=${this.quoteString(table.comment)}`}`;
  }

  override deferrableClause(constraint: ForeignKeyConstraint): string {
    if (constraint.deferrable === true || constraint.initially === "DEFERRED") {
      throw new CompileError(`MySQL has no deferrable constraints (${constraint.table.name}).`);
    }
    return "";
  }

  override indexMethod(index: Index, position: "before" | "after"): string {
    return index.using !== undefined && position === "after" ? ` USING ${index.using.toUpperCase()}` : "";
  }

  override visitDropIndex(element: DropIndex): string {
    const index = element.index;
    return `DROP INDEX ${this.indexName(index, false)} ON ${this.tableName(index.table)}`;
  }

  override visitDropConstraint(element: DropConstraint): string {
    const constraint = element.constraint;
    const table = this.tableName(constraint.table);
    if (constraint instanceof PrimaryKeyConstraint) return `ALTER TABLE ${table} DROP PRIMARY KEY`;
    const name = this.quoteIdentifier(this.requireName(constraint));
    if (constraint instanceof ForeignKeyConstraint) return `ALTER TABLE ${table} DROP FOREIGN KEY ${this.ifExists(element)}${name}`;
    if (constraint instanceof UniqueConstraint) return `ALTER TABLE ${table} DROP INDEX ${this.ifExists(element)}${name}`;
    return `ALTER TABLE ${table} DROP CHECK ${name}`;
  }

  /** `IF EXISTS` in ALTER TABLE ... DROP: MariaDB has it, MySQL does not. */
  ifExists(_element: DropConstraint): string {
    return "";
  }

  override visitSetTableComment(element: SetTableComment): string {
    return `ALTER TABLE ${this.tableName(element.table)} COMMENT ${this.quoteString(element.table.comment ?? "")}`;
  }

  /** MySQL changes a column's comment by restating the whole column. */
  override visitSetColumnComment(element: SetColumnComment): string {
    return `ALTER TABLE ${this.tableName(element.column.table)} MODIFY COLUMN ${this.columnSpecification(element.column)}`;
  }

  override visitHasTable(element: HasTable, state: DDLState): string {
    return (
      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
      `${this.schemaValue(element.table.schema, state)} AND TABLE_NAME = ${this.bind(state, element.table.name)}`
    );
  }

  /** The named schema, or the connection's current database. */
  schemaValue(schema: string | undefined, state: DDLState): string {
    return schema === undefined ? "DATABASE()" : this.bind(state, schema);
  }
}

/**
 * MariaDB DDL: MySQL's, plus sequences (`CREATE SEQUENCE`, `NEXT VALUE FOR`)
 * and `IF EXISTS` when dropping constraints; no expression indexes (index a
 * virtual column instead).
 */
export class MariaDBDDLCompiler extends MySQLDDLCompiler {
  override readonly dialectName: string = "mariadb";
  override readonly supportsSequences: boolean = true;
  override readonly supportsExpressionIndexes: boolean = false;

  constructor(sql: MySQLCompiler = new MariaDBCompiler()) {
    super(sql);
  }

  protected override createTypeCompiler(): TypeCompiler {
    return new MariaDBTypeCompiler(this);
  }

  override sequenceNextValue(sequence: Sequence): string {
    return `(NEXT VALUE FOR ${this.sequenceName(sequence)})`;
  }

  override ifExists(element: DropConstraint): string {
    return element.options.ifExists === true ? "IF EXISTS " : "";
  }

  override visitDropConstraint(element: DropConstraint): string {
    const constraint = element.constraint;
    if (constraint.conventionKey === "ck") {
      return `ALTER TABLE ${this.tableName(constraint.table)} DROP CONSTRAINT ${this.ifExists(element)}${this.quoteIdentifier(this.requireName(constraint))}`;
    }
    return super.visitDropConstraint(element);
  }

  override visitHasSequence(element: HasSequence, state: DDLState): string {
    return (
      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'SEQUENCE' AND TABLE_SCHEMA = " +
      `${this.schemaValue(element.sequence.schema, state)} AND TABLE_NAME = ${this.bind(state, element.sequence.name)}`
    );
  }
}
