/**
 * `createAll` and `dropAll`: the DDL statements for a set of tables, in
 * foreign key order, with what each dialect needs around them (PostgreSQL enum
 * types, sequences, comments, foreign keys added after a cycle of tables).
 *
 * They run on a `Connection` (anything with an `execute` method and an
 * engine whose dialect makes a DDL compiler), or on an `Engine`, in a
 * transaction of their own; this layer never imports the engine.
 *
 * @module
 */
import type { Enum } from "../sql/index.js";
import type { AnyColumn } from "./column.js";
import type { DDLCompiler } from "./ddl-compiler.js";
import {
  AddConstraint,
  CreateEnumType,
  CreateIndex,
  CreateSequence,
  CreateTable,
  DeferForeignKeys,
  DropConstraint,
  DropEnumType,
  DropSequence,
  DropTable,
  HasEnumType,
  HasSequence,
  HasTable,
  SetColumnComment,
  SetTableComment,
  type DDLElement,
} from "./ddl.js";
import type { MetaData } from "./metadata.js";
import type { Sequence } from "./sequence.js";
import { sortTablesAndConstraints } from "./sorted-tables.js";
import type { AnyTable } from "./table.js";

/** What `createAll`/`dropAll` need: a connection (`Connection` fits). */
export interface DDLConnection {
  execute(statement: DDLElement): PromiseLike<{ all(): readonly unknown[] }>;
  readonly engine: { readonly dialect: { createDDLCompiler(): DDLCompiler } };
}

/** Something that runs a function in a transaction on a connection: an `Engine`. */
export interface DDLEngine {
  begin<R>(fn: (connection: DDLConnection) => Promise<R>): Promise<R>;
}

/** Where DDL runs: a connection, or an engine (then in a transaction of its own, committed at the end). */
export type DDLTarget = DDLConnection | DDLEngine;

/** Runs `body` on the connection, or on a connection of the engine inside a transaction. */
async function onConnection(target: DDLTarget, body: (connection: DDLConnection) => Promise<void>): Promise<void> {
  if (typeof (target as Partial<DDLConnection>).execute === "function") return body(target as DDLConnection);
  return (target as DDLEngine).begin(body);
}

/** Options of `createAll`, `dropAll`, `table.create` and `table.drop`. */
export interface CreateDropOptions {
  /**
   * Look in the catalog first: create only the tables (types, sequences) that
   * do not exist, drop only those that do. Default `true`.
   */
  readonly checkFirst?: boolean;
  /** Only these tables (default: every table of the MetaData). */
  readonly tables?: readonly AnyTable[];
}

async function exists(connection: DDLConnection, probe: DDLElement): Promise<boolean> {
  return (await connection.execute(probe)).all().length > 0;
}

/** The named enum types the tables use on this dialect, once each, with the schema they go in. */
function enumTypesOf(ddl: DDLCompiler, tables: readonly AnyTable[]): [Enum, string | undefined][] {
  if (!ddl.namedEnumTypes) return [];
  const found = new Map<string, [Enum, string | undefined]>();
  for (const table of tables) {
    for (const column of table.columns as AnyColumn[]) {
      const type = ddl.storedType(column.type);
      if (type.visitName !== "enum" || !ddl.types.enumIsNative(type as Enum)) continue;
      const schema = (type as Enum).schema ?? table.schema;
      const key = ddl.enumTypeName(type as Enum, schema);
      if (!found.has(key)) found.set(key, [type as Enum, schema]);
    }
  }
  return [...found.values()];
}

/** The sequences the tables use, plus the MetaData's own when creating everything. */
function sequencesOf(ddl: DDLCompiler, metadata: MetaData, tables: readonly AnyTable[], everything: boolean): Sequence[] {
  if (!ddl.supportsSequences) return [];
  const found = new Set<Sequence>(everything ? metadata.sequences.values() : []);
  for (const table of tables) for (const column of table.columns as AnyColumn[]) if (column.sequence !== undefined) found.add(column.sequence);
  return [...found];
}

/** Creates tables with their types, sequences, indexes, comments and deferred foreign keys. */
export async function createTables(metadata: MetaData, target: DDLTarget, options: CreateDropOptions = {}): Promise<void> {
  await onConnection(target, (connection) => createOn(metadata, connection, options));
}

async function createOn(metadata: MetaData, connection: DDLConnection, options: CreateDropOptions): Promise<void> {
  const ddl = connection.engine.dialect.createDDLCompiler();
  const checkFirst = options.checkFirst ?? true;
  const { tables, deferred } = sortTablesAndConstraints(options.tables ?? [...metadata.tables.values()]);
  for (const sequence of sequencesOf(ddl, metadata, tables, options.tables === undefined)) {
    if (!checkFirst || !(await exists(connection, new HasSequence(sequence)))) await connection.execute(new CreateSequence(sequence));
  }
  for (const [type, schema] of enumTypesOf(ddl, tables)) {
    if (!checkFirst || !(await exists(connection, new HasEnumType(type, schema)))) await connection.execute(new CreateEnumType(type, schema));
  }
  const created = new Set<AnyTable>();
  for (const table of tables) {
    if (checkFirst && (await exists(connection, new HasTable(table)))) continue;
    const foreignKeys = table.foreignKeyConstraints.filter((fk) => !deferred.includes(fk));
    await connection.execute(new CreateTable(table, { foreignKeys }));
    created.add(table);
    for (const index of table.indexes) await connection.execute(new CreateIndex(index));
    if (ddl.comments === "statements") {
      if (table.comment !== undefined) await connection.execute(new SetTableComment(table));
      for (const column of table.columns as AnyColumn[]) if (column.comment !== undefined) await connection.execute(new SetColumnComment(column));
    }
  }
  if (ddl.supportsAlterConstraints) {
    for (const constraint of deferred) if (created.has(constraint.table)) await connection.execute(new AddConstraint(constraint));
  }
}

/** Drops tables in reverse dependency order, then the types and sequences only they used. */
export async function dropTables(metadata: MetaData, target: DDLTarget, options: CreateDropOptions = {}): Promise<void> {
  await onConnection(target, (connection) => dropOn(metadata, connection, options));
}

async function dropOn(metadata: MetaData, connection: DDLConnection, options: CreateDropOptions): Promise<void> {
  const ddl = connection.engine.dialect.createDDLCompiler();
  const checkFirst = options.checkFirst ?? true;
  const { tables, deferred } = sortTablesAndConstraints(options.tables ?? [...metadata.tables.values()]);
  const present = new Set<AnyTable>();
  for (const table of tables) if (!checkFirst || (await exists(connection, new HasTable(table)))) present.add(table);
  if (ddl.supportsAlterConstraints) {
    for (const constraint of deferred) {
      if (present.has(constraint.table)) await connection.execute(new DropConstraint(constraint, { ifExists: checkFirst }));
    }
  } else if (deferred.length > 0 && ddl.defersForeignKeys) {
    // SQLite: DROP TABLE deletes the rows first, which a cycle of references would refuse; check at commit instead.
    await connection.execute(new DeferForeignKeys());
  }
  for (const table of [...tables].reverse()) if (present.has(table)) await connection.execute(new DropTable(table));
  // Types and sequences still used by other tables are kept (with checkFirst: by other tables that exist).
  const remaining: AnyTable[] = [];
  for (const table of metadata.tables.values()) {
    if (tables.includes(table)) continue;
    const uses = enumTypesOf(ddl, [table]).length > 0 || sequencesOf(ddl, metadata, [table], false).length > 0;
    if (uses && (!checkFirst || (await exists(connection, new HasTable(table))))) remaining.push(table);
  }
  const keptTypes = new Set(enumTypesOf(ddl, remaining).map(([type, schema]) => ddl.enumTypeName(type, schema)));
  for (const [type, schema] of enumTypesOf(ddl, tables)) {
    if (keptTypes.has(ddl.enumTypeName(type, schema))) continue;
    if (!checkFirst || (await exists(connection, new HasEnumType(type, schema)))) await connection.execute(new DropEnumType(type, schema));
  }
  const keptSequences = new Set(sequencesOf(ddl, metadata, remaining, false));
  for (const sequence of sequencesOf(ddl, metadata, tables, options.tables === undefined)) {
    if (keptSequences.has(sequence)) continue;
    if (!checkFirst || (await exists(connection, new HasSequence(sequence)))) await connection.execute(new DropSequence(sequence));
  }
}
