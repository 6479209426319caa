import { DDLCompiler, type AnySchemaColumn, type CreateEnumType, type DDLState, type DropEnumType, type HasEnumType, type HasSequence, type HasTable, type Sequence } from "../../schema/index.js";
import type { DateTime, TypeCompiler, TypeEngine } from "../../sql/index.js";
import { PostgresCompiler } from "./compiler.js";
import { PostgresTypeCompiler } from "./type-compiler.js";

const SERIAL: Readonly<Record<string, string>> = { integer: "SERIAL", small_integer: "SMALLSERIAL", big_integer: "BIGSERIAL" };

/**
 * PostgreSQL DDL: SERIAL for autoincrement keys, identity columns, named enum
 * types, sequences, `COMMENT ON` statements, partial and expression indexes,
 * and catalog lookups in pg_catalog.
 */
export class PostgresDDLCompiler extends DDLCompiler {
  override readonly dialectName: string = "postgresql";
  override readonly namedEnumTypes: boolean = true;
  override readonly supportsSequences: boolean = true;
  override readonly comments: "statements" | "inline" | "none" = "statements";
  /** NAMEDATALEN - 1. */
  override readonly maxIdentifierLength: number = 63;

  constructor(sql: PostgresCompiler = new PostgresCompiler()) {
    super(sql);
  }

  protected override createTypeCompiler(): TypeCompiler {
    return new PostgresTypeCompiler(this);
  }

  /** An autoincrement key without identity, sequence or default is SERIAL (BIGSERIAL, SMALLSERIAL). */
  override columnType(column: AnySchemaColumn): string {
    if (column.isAutoincrement && column.identity === undefined && column.sequence === undefined) {
      const serial = SERIAL[this.storedType(column.type).visitName];
      if (serial !== undefined) return serial;
    }
    return super.columnType(column);
  }

  override identityClause(column: AnySchemaColumn): string | undefined {
    const identity = column.identity;
    if (identity === undefined) return undefined;
    const numbering = this.numbering(identity).trim();
    return `GENERATED ${identity.always === true ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY${numbering === "" ? "" : ` (${numbering})`}`;
  }

  override sequenceNextValue(sequence: Sequence): string {
    return `nextval(${this.quoteString(this.sequenceName(sequence))})`;
  }

  override cascadeClause(): string {
    return " CASCADE";
  }

  override binaryLiteral(value: Uint8Array): string {
    return `'\\x${Buffer.from(value).toString("hex")}'`;
  }

  /** A timestamp with time zone is written with its UTC offset, so the session's zone does not move it. */
  override timestampLiteral(value: Date, type?: TypeEngine): string {
    const text = super.timestampLiteral(value, type);
    return (type as DateTime | undefined)?.timezone === true ? `${text}+00` : text;
  }

  override visitCreateEnumType(element: CreateEnumType): string {
    const values = element.type.values.map((v) => this.quoteString(v)).join(", ");
    return `CREATE TYPE ${this.enumTypeName(element.type, element.schema)} AS ENUM (${values})`;
  }

  override visitDropEnumType(element: DropEnumType): string {
    return `DROP TYPE ${element.options.ifExists === true ? "IF EXISTS " : ""}${this.enumTypeName(element.type, element.schema)}`;
  }

  override visitHasTable(element: HasTable, state: DDLState): string {
    return (
      "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
      `WHERE c.relname = ${this.bind(state, element.table.name)} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ` +
      this.schemaCondition(element.table.schema, "pg_catalog.pg_table_is_visible(c.oid)", state)
    );
  }

  override visitHasEnumType(element: HasEnumType, state: DDLState): string {
    return (
      "SELECT t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace " +
      `WHERE t.typname = ${this.bind(state, element.type.name)} AND t.typtype = 'e' AND ` +
      this.schemaCondition(element.type.schema ?? element.schema, "pg_catalog.pg_type_is_visible(t.oid)", state)
    );
  }

  override visitHasSequence(element: HasSequence, state: DDLState): string {
    return (
      "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
      `WHERE c.relname = ${this.bind(state, element.sequence.name)} AND c.relkind = 'S' AND ` +
      this.schemaCondition(element.sequence.schema, "pg_catalog.pg_table_is_visible(c.oid)", state)
    );
  }

  /** The named schema, or whatever the search path makes visible. */
  schemaCondition(schema: string | undefined, visible: string, state: DDLState): string {
    return schema === undefined ? visible : `n.nspname = ${this.bind(state, schema)}`;
  }
}
