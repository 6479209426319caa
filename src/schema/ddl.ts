/**
 * DDL statements as executable elements: `await conn.execute(new
 * CreateTable(users))`. The engine compiles them with its dialect's
 * {@link DDLCompiler}. They are never cached (the statement cache is for DML).
 *
 * The `Has...` elements are the catalog queries `checkFirst` runs: each
 * returns a row when the object exists.
 *
 * @module
 */
import type { CompiledSQL, Executable, Enum } from "../sql/index.js";
import type { DDLCompiler } from "./ddl-compiler.js";
import { ddlCompilerFor } from "./ddl-registry.js";
import type { AnyColumn } from "./column.js";
import type { Constraint, ForeignKeyConstraint } from "./constraints.js";
import type { Sequence } from "./sequence.js";
import type { AnyTable } from "./table.js";
import type { Index } from "./table-index.js";

/** The kinds of DDL element, one compiler method each. */
export type DDLKind =
  | "create_table"
  | "drop_table"
  | "create_index"
  | "drop_index"
  | "add_constraint"
  | "drop_constraint"
  | "create_enum_type"
  | "drop_enum_type"
  | "create_sequence"
  | "drop_sequence"
  | "set_table_comment"
  | "set_column_comment"
  | "defer_foreign_keys"
  | "has_table"
  | "has_enum_type"
  | "has_sequence";

const DDL_MARK = Symbol.for("athanor.ddl");

/** The base of DDL elements. */
export abstract class DDLElement implements Executable {
  abstract readonly kind: DDLKind;
  /** DDL is not cached. */
  readonly cacheKey: undefined = undefined;
  /** Marks DDL for the engine, which compiles it with the dialect's DDL compiler. */
  readonly [DDL_MARK] = true;

  /**
   * Compiles this element for a dialect (a name, or a dialect object), without a database.
   *
   * @example
   * ```ts
   * new CreateTable(users).compile({ dialect: "sqlite" }).sql;
   * ```
   */
  compile(options: { readonly dialect: string | { createDDLCompiler(): DDLCompiler } }): { readonly sql: string; readonly params: unknown[]; readonly compiled: CompiledSQL } {
    const compiler = typeof options.dialect === "string" ? ddlCompilerFor(options.dialect) : options.dialect.createDDLCompiler();
    const compiled = compiler.compile(this);
    return { sql: compiled.sql, params: compiled.bindNames.map((name) => compiled.boundValues[name]), compiled };
  }
}

/** True for a DDL element (works across duplicate copies of the package). */
export function isDDLElement(statement: unknown): statement is DDLElement {
  return typeof statement === "object" && statement !== null && (statement as Record<symbol, unknown>)[DDL_MARK] === true;
}

/** Options of {@link CreateTable}. */
export interface CreateTableOptions {
  /** `CREATE TABLE IF NOT EXISTS`. */
  readonly ifNotExists?: boolean;
  /**
   * The foreign keys written inside the statement. Default: all but those
   * marked `useAlter` (on SQLite, which cannot add constraints later, all).
   */
  readonly foreignKeys?: readonly ForeignKeyConstraint[];
}

/** `CREATE TABLE` with its columns and constraints (indexes are separate: {@link CreateIndex}). */
export class CreateTable extends DDLElement {
  readonly kind = "create_table" as const;
  constructor(
    readonly table: AnyTable,
    readonly options: CreateTableOptions = {},
  ) {
    super();
    Object.freeze(this);
  }
}

/** Options of {@link DropTable}. */
export interface DropTableOptions {
  readonly ifExists?: boolean;
  /** `CASCADE` (PostgreSQL): also drop what depends on the table. */
  readonly cascade?: boolean;
}

/** `DROP TABLE`. */
export class DropTable extends DDLElement {
  readonly kind = "drop_table" as const;
  constructor(
    readonly table: AnyTable,
    readonly options: DropTableOptions = {},
  ) {
    super();
    Object.freeze(this);
  }
}

/** `CREATE [UNIQUE] INDEX`. */
export class CreateIndex extends DDLElement {
  readonly kind = "create_index" as const;
  constructor(
    readonly index: Index,
    readonly options: { readonly ifNotExists?: boolean } = {},
  ) {
    super();
    Object.freeze(this);
  }
}

/** `DROP INDEX`. */
export class DropIndex extends DDLElement {
  readonly kind = "drop_index" as const;
  constructor(
    readonly index: Index,
    readonly options: { readonly ifExists?: boolean } = {},
  ) {
    super();
    Object.freeze(this);
  }
}

/** `ALTER TABLE ... ADD CONSTRAINT` (not on SQLite). */
export class AddConstraint extends DDLElement {
  readonly kind = "add_constraint" as const;
  constructor(readonly constraint: Constraint) {
    super();
    Object.freeze(this);
  }
}

/** `ALTER TABLE ... DROP CONSTRAINT` (`DROP FOREIGN KEY` on MySQL; not on SQLite). */
export class DropConstraint extends DDLElement {
  readonly kind = "drop_constraint" as const;
  constructor(
    readonly constraint: Constraint,
    readonly options: { readonly ifExists?: boolean } = {},
  ) {
    super();
    Object.freeze(this);
  }
}

/** `CREATE TYPE name AS ENUM (...)`: PostgreSQL's named enum type. */
export class CreateEnumType extends DDLElement {
  readonly kind = "create_enum_type" as const;
  /** `schema`: where the type goes when the Enum names none (the schema of the table using it). */
  constructor(
    readonly type: Enum,
    readonly schema: string | undefined = type.schema,
  ) {
    super();
    Object.freeze(this);
  }
}

/** `DROP TYPE name`: PostgreSQL's named enum type. */
export class DropEnumType extends DDLElement {
  readonly kind = "drop_enum_type" as const;
  constructor(
    readonly type: Enum,
    readonly schema: string | undefined = type.schema,
    readonly options: { readonly ifExists?: boolean } = {},
  ) {
    super();
    Object.freeze(this);
  }
}

/** `CREATE SEQUENCE` (PostgreSQL, MariaDB). */
export class CreateSequence extends DDLElement {
  readonly kind = "create_sequence" as const;
  constructor(
    readonly sequence: Sequence,
    readonly options: { readonly ifNotExists?: boolean } = {},
  ) {
    super();
    Object.freeze(this);
  }
}

/** `DROP SEQUENCE` (PostgreSQL, MariaDB). */
export class DropSequence extends DDLElement {
  readonly kind = "drop_sequence" as const;
  constructor(
    readonly sequence: Sequence,
    readonly options: { readonly ifExists?: boolean } = {},
  ) {
    super();
    Object.freeze(this);
  }
}

/** `COMMENT ON TABLE` (PostgreSQL) or `ALTER TABLE ... COMMENT` (MySQL). */
export class SetTableComment extends DDLElement {
  readonly kind = "set_table_comment" as const;
  constructor(readonly table: AnyTable) {
    super();
    Object.freeze(this);
  }
}

/** `COMMENT ON COLUMN` (PostgreSQL). */
export class SetColumnComment extends DDLElement {
  readonly kind = "set_column_comment" as const;
  constructor(readonly column: AnyColumn) {
    super();
    Object.freeze(this);
  }
}

/**
 * Defers foreign key checks to the end of the transaction (SQLite's
 * `PRAGMA defer_foreign_keys = ON`), so that a cycle of tables holding rows
 * can be dropped: each DROP TABLE empties its table first.
 */
export class DeferForeignKeys extends DDLElement {
  readonly kind = "defer_foreign_keys" as const;
  constructor() {
    super();
    Object.freeze(this);
  }
}

/** A catalog query returning a row when the table exists. */
export class HasTable extends DDLElement {
  readonly kind = "has_table" as const;
  constructor(readonly table: { readonly name: string; readonly schema?: string | undefined }) {
    super();
    Object.freeze(this);
  }
}

/** A catalog query returning a row when PostgreSQL's named enum type exists. */
export class HasEnumType extends DDLElement {
  readonly kind = "has_enum_type" as const;
  constructor(
    readonly type: Enum,
    readonly schema: string | undefined = type.schema,
  ) {
    super();
    Object.freeze(this);
  }
}

/** A catalog query returning a row when the sequence exists. */
export class HasSequence extends DDLElement {
  readonly kind = "has_sequence" as const;
  constructor(readonly sequence: Sequence) {
    super();
    Object.freeze(this);
  }
}
