import { CompileError, type TypeCompiler } from "../../sql/index.js";
import { DDLCompiler, type AnySchemaColumn, type AnyTable, type DDLState, type HasTable, type Index } from "../../schema/index.js";
import { SQLiteCompiler } from "./compiler.js";
import { SQLiteTypeCompiler } from "./type-compiler.js";

/**
 * SQLite DDL. The autoincrement key is an `INTEGER` primary key (an alias of
 * the rowid; `autoincrement: true` adds `AUTOINCREMENT`, so ids are never
 * reused), enums are VARCHAR with a CHECK, and every foreign key is written in
 * CREATE TABLE: SQLite cannot add a constraint to an existing table, and it
 * checks foreign keys when rows change, not when tables are created, so a
 * cycle of tables needs no special order.
 */
export class SQLiteDDLCompiler extends DDLCompiler {
  override readonly dialectName: string = "sqlite";
  override readonly supportsAlterConstraints: boolean = false;
  override readonly defersForeignKeys: boolean = true;

  constructor(sql: SQLiteCompiler = new SQLiteCompiler()) {
    super(sql);
  }

  protected override createTypeCompiler(): TypeCompiler {
    return new SQLiteTypeCompiler(this);
  }

  /** Whether the key is written inline as `PRIMARY KEY AUTOINCREMENT`. */
  #inlineKey(column: AnySchemaColumn): boolean {
    if (column.autoincrement !== true || !column.isAutoincrement) return false;
    if (column.table.primaryKey.columns.length !== 1 || !column.primaryKey) {
      throw new CompileError(`SQLite's AUTOINCREMENT needs ${column} to be the table's only primary key column.`);
    }
    return true;
  }

  /** The autoincrement key must be exactly `INTEGER` to be the rowid (a BIGINT key would not number itself). */
  override columnType(column: AnySchemaColumn): string {
    if (column.isAutoincrement && column.primaryKey) return "INTEGER";
    return super.columnType(column);
  }

  override columnSuffix(column: AnySchemaColumn): string {
    return this.#inlineKey(column) ? " PRIMARY KEY AUTOINCREMENT" : "";
  }

  override primaryKeyClause(table: AnyTable): string | undefined {
    const key = table.primaryKey.columns;
    if (key.length === 1 && this.#inlineKey(key[0] as AnySchemaColumn)) return undefined;
    return super.primaryKeyClause(table);
  }

  /** SQLite puts the schema on the index name and never on the table name of CREATE INDEX. */
  override indexName(index: Index, _forDrop: boolean): string {
    return this.qualifiedName(this.objectName(index.resolvedName()) as string, index.table.schema);
  }

  override indexTableName(index: Index): string {
    return this.quoteIdentifier(index.table.name);
  }

  override indexMethod(index: Index, _position: "before" | "after"): string {
    if (index.using !== undefined) throw new CompileError(`SQLite has no index methods (USING ${index.using}).`);
    return "";
  }

  /** Lasts until the transaction ends. */
  override visitDeferForeignKeys(): string {
    return "PRAGMA defer_foreign_keys = ON";
  }

  override visitHasTable(element: HasTable, state: DDLState): string {
    const schema = element.table.schema;
    const name = this.bind(state, element.table.name);
    if (schema !== undefined) {
      return `SELECT name FROM ${this.quoteIdentifier(schema)}.sqlite_master WHERE type IN ('table', 'view') AND name = ${name}`;
    }
    return (
      `SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ${name} ` +
      `UNION ALL SELECT name FROM sqlite_temp_master WHERE type IN ('table', 'view') AND name = ${this.bind(state, element.table.name)}`
    );
  }
}
