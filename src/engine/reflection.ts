/**
 * Reflection contracts: what a dialect reads from its catalog, in batch form
 * (one round trip per kind of information for many tables), and the
 * descriptions it returns. The {@link Inspector} (engine/inspector.ts) is the
 * public front; each dialect implements {@link DialectReflection} in
 * `dialects/<name>/reflection.ts` with catalog queries.
 *
 * @module
 */
import type { TypeEngine } from "../sql/index.js";
import type { Connection } from "./connection.js";
import { logWarning } from "./logger.js";

/**
 * Receives reflection's warnings (a column type without an Athanor mapping).
 * Default: the engine's logger (`logger.warn`, standard error without one).
 */
export type ReflectionWarningHandler = (message: string) => void;

/** The default warning handler of reflection on `conn`: its engine's logger. */
export function defaultReflectionWarning(conn: Connection): ReflectionWarningHandler {
  return (message) => logWarning(conn.engine.logger, message);
}

/** A column as the catalog describes it. */
export interface ReflectedColumn {
  readonly name: string;
  /** The Athanor type; a `NullType`, with a warning, when the database type has no mapping. */
  readonly type: TypeEngine;
  /** The database's own type text (`character varying(50)`, `int(11)`, `NVARCHAR(40)`). */
  readonly databaseType: string;
  readonly nullable: boolean;
  /** The server default as SQL text (`nextval('x_seq'::regclass)`, `'draft'::text`, `CURRENT_TIMESTAMP`), if any. */
  readonly default: string | undefined;
  /** True for SERIAL / AUTO_INCREMENT / INTEGER PRIMARY KEY rowid / identity columns. */
  readonly autoincrement: boolean;
  /** Identity details where the column is `GENERATED ... AS IDENTITY`. */
  readonly identity: { readonly always: boolean; readonly start?: number; readonly increment?: number } | undefined;
  readonly comment: string | undefined;
}

export interface ReflectedPrimaryKey {
  readonly name: string | undefined;
  readonly columns: readonly string[];
}

export interface ReflectedForeignKey {
  readonly name: string | undefined;
  readonly columns: readonly string[];
  /** `undefined` when the referred table is in the same schema as the referring one. */
  readonly referredSchema: string | undefined;
  readonly referredTable: string;
  readonly referredColumns: readonly string[];
  /** Upper case: `CASCADE`, `SET NULL`, `SET DEFAULT`, `RESTRICT`; `undefined` for the default NO ACTION. */
  readonly ondelete: string | undefined;
  readonly onupdate: string | undefined;
}

export interface ReflectedIndex {
  readonly name: string;
  /** Column names, with `undefined` where the index element is an expression. */
  readonly columns: readonly (string | undefined)[];
  /** The SQL of expression elements, by position (`lower(email)`). */
  readonly expressions: readonly (string | undefined)[];
  readonly unique: boolean;
  /** The partial-index predicate, where there is one. */
  readonly where: string | undefined;
}

export interface ReflectedUniqueConstraint {
  readonly name: string | undefined;
  readonly columns: readonly string[];
}

export interface ReflectedCheckConstraint {
  readonly name: string | undefined;
  readonly sqltext: string;
}

export interface ReflectedEnum {
  readonly name: string;
  readonly schema: string | undefined;
  readonly labels: readonly string[];
}

/** Which tables a batch call covers: all of the schema when `tables` is undefined. */
export interface ReflectionScope {
  readonly schema: string | undefined;
  readonly tables: readonly string[] | undefined;
}

/**
 * One dialect's catalog queries. Every "batch" method reads one kind of
 * information for all the tables of the scope in a single round trip and
 * returns it keyed by table name; tables without any get an empty entry.
 */
export interface DialectReflection {
  schemaNames(conn: Connection): Promise<string[]>;
  /** The default schema (`public`, the MySQL database, `main`). */
  defaultSchema(conn: Connection): Promise<string>;
  tableNames(conn: Connection, schema: string | undefined): Promise<string[]>;
  viewNames(conn: Connection, schema: string | undefined): Promise<string[]>;
  viewDefinition(conn: Connection, view: string, schema: string | undefined): Promise<string | undefined>;
  /**
   * Columns. A type without an Athanor mapping becomes a `NullType` and is
   * reported to `warn` (default: {@link defaultReflectionWarning}), naming the
   * table, the column and the database type; it never fails the call.
   */
  columns(conn: Connection, scope: ReflectionScope, warn?: ReflectionWarningHandler): Promise<Map<string, ReflectedColumn[]>>;
  primaryKeys(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedPrimaryKey>>;
  foreignKeys(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedForeignKey[]>>;
  indexes(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedIndex[]>>;
  uniqueConstraints(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedUniqueConstraint[]>>;
  checkConstraints(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedCheckConstraint[]>>;
  tableComments(conn: Connection, scope: ReflectionScope): Promise<Map<string, string | undefined>>;
  /** PostgreSQL only. */
  sequenceNames?(conn: Connection, schema: string | undefined): Promise<string[]>;
  /** PostgreSQL only. */
  enums?(conn: Connection, schema: string | undefined): Promise<ReflectedEnum[]>;
}

/**
 * A referential action as the contract reports it: upper case, with the
 * default NO ACTION (and an empty catalog value) as `undefined`.
 */
export function referentialAction(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const upper = value.toUpperCase();
  return upper === "NO ACTION" || upper === "" ? undefined : upper;
}
