/**
 * Schema: MetaData, Table, columns, constraints, indexes, sequences, the DDL
 * elements and the DDL compiler, and `createAll`/`dropAll`.
 *
 * @module
 */
export { MetaData, type MetaDataOptions } from "./metadata.js";
export { registerReflector, type Reflector, type ReflectOptions } from "./reflect-hook.js";
export {
  Table,
  type AnyTable,
  type TableArg,
  type TableItem,
  type TableOptions,
  type TableColumns,
  type InsertRow,
  type RowOfTable,
} from "./table.js";
export {
  Column,
  ColumnDef,
  column,
  type AnyColumn as AnySchemaColumn,
  type AnyColumnDef,
  type ColumnDefs,
  type ColumnOptions,
  type ColumnValue,
  type InsertKind,
  type InsertKindOf,
  type NoOptions,
  type ServerDefault,
} from "./column.js";
export {
  Constraint,
  PrimaryKeyConstraint,
  UniqueConstraint,
  CheckConstraint,
  ForeignKey,
  ForeignKeyConstraint,
  type ColumnRef,
  type ConstraintOptions,
  type DDLExpression,
  type ForeignKeyOptions,
  type ForeignKeyTarget,
  type ReferentialAction,
  type ResolvedName,
} from "./constraints.js";
export { Index, type IndexElement, type IndexOptions } from "./table-index.js";
export { Sequence, type SequenceOptions, type SequenceNumbering, type IdentityOptions } from "./sequence.js";
export {
  DEFAULT_NAMING_CONVENTION,
  type ConventionKey,
  type NameTemplate,
  type NamingContext,
  type NamingConvention,
} from "./naming.js";
export { sortTablesAndConstraints, type TableOrder } from "./sorted-tables.js";
export {
  DDLElement,
  CreateTable,
  DropTable,
  CreateIndex,
  DropIndex,
  AddConstraint,
  DropConstraint,
  CreateEnumType,
  DropEnumType,
  CreateSequence,
  DropSequence,
  SetTableComment,
  SetColumnComment,
  DeferForeignKeys,
  HasTable,
  HasEnumType,
  HasSequence,
  isDDLElement,
  type DDLKind,
  type CreateTableOptions,
  type DropTableOptions,
} from "./ddl.js";
export { DDLCompiler, type DDLState } from "./ddl-compiler.js";
export { registerDDLCompiler, ddlCompilerFor } from "./ddl-registry.js";
export { createTables, dropTables, type CreateDropOptions, type DDLConnection, type DDLEngine, type DDLTarget } from "./create-drop.js";
