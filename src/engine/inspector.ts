/**
 * The Inspector: the public front of reflection. It reads the database catalog
 * through the dialect's {@link DialectReflection}.
 *
 * Given an {@link Engine}, every call checks a connection out of the pool and
 * returns it when done; given a {@link Connection}, every call runs on it (and
 * in its transaction), and the caller closes it.
 *
 * @module
 */
import { InvalidRequestError, NoSuchSchemaError, NoSuchTableError, NotSupportedError } from "../errors/index.js";
import { Connection } from "./connection.js";
import type { Engine } from "./engine.js";
import type {
  DialectReflection,
  ReflectedCheckConstraint,
  ReflectedColumn,
  ReflectedEnum,
  ReflectedForeignKey,
  ReflectedIndex,
  ReflectedPrimaryKey,
  ReflectedUniqueConstraint,
  ReflectionScope,
  ReflectionWarningHandler,
} from "./reflection.js";
import { defaultReflectionWarning } from "./reflection.js";

/** Options of {@link inspect}. */
export interface InspectorOptions {
  /**
   * Receives warnings, such as a column type without an Athanor mapping (the
   * column is then a `NullType`). Default: the engine's logger (`logger.warn`;
   * standard error when the logger has no `warn`).
   */
  onWarning?: ReflectionWarningHandler | undefined;
}

/** The tables a batch call covers: all tables of `schema` (default schema when omitted) unless `tables` lists some. */
export interface MultiOptions {
  schema?: string | undefined;
  tables?: readonly string[] | undefined;
}

/**
 * Reads schema information from a live database. Every `getMulti*` call is one
 * catalog query for all the tables of its scope (plus one to list the tables
 * when `tables` is not given); every single-table call is one query, plus one
 * more only when it finds nothing (to tell "none" from "no such table").
 */
export class Inspector {
  readonly bind: Engine | Connection;
  readonly #onWarning: ReflectionWarningHandler | undefined;

  constructor(bind: Engine | Connection, options: InspectorOptions = {}) {
    if (!(bind instanceof Connection) && (typeof bind !== "object" || bind === null || !("connect" in bind))) {
      throw new InvalidRequestError("inspect() expects an Engine or a Connection.");
    }
    this.bind = bind;
    this.#onWarning = options.onWarning;
  }

  #warn(conn: Connection): ReflectionWarningHandler {
    return this.#onWarning ?? defaultReflectionWarning(conn);
  }

  /** Runs `fn` with a connection and the dialect's reflection. */
  async #run<R>(fn: (conn: Connection, reflection: DialectReflection) => Promise<R>): Promise<R> {
    if (this.bind instanceof Connection) return fn(this.bind, reflectionOf(this.bind));
    return this.bind.connect((conn) => fn(conn, reflectionOf(conn)));
  }

  getSchemaNames(): Promise<string[]> {
    return this.#run((conn, r) => r.schemaNames(conn));
  }

  getDefaultSchemaName(): Promise<string> {
    return this.#run((conn, r) => r.defaultSchema(conn));
  }

  getTableNames(schema?: string): Promise<string[]> {
    return this.#run(async (conn, r) => {
      const names = await r.tableNames(conn, schema);
      if (names.length === 0) await assertSchema(conn, r, schema);
      return names;
    });
  }

  getViewNames(schema?: string): Promise<string[]> {
    return this.#run(async (conn, r) => {
      const names = await r.viewNames(conn, schema);
      if (names.length === 0) await assertSchema(conn, r, schema);
      return names;
    });
  }

  getViewDefinition(view: string, schema?: string): Promise<string> {
    return this.#run(async (conn, r) => {
      const def = await r.viewDefinition(conn, view, schema);
      if (def === undefined) {
        await assertSchema(conn, r, schema);
        throw new NoSuchTableError(`No view named "${view}"${inSchema(schema)}.`);
      }
      return def;
    });
  }

  /** PostgreSQL only; elsewhere raises NotSupportedError. */
  getSequenceNames(schema?: string): Promise<string[]> {
    return this.#run(async (conn, r) => {
      if (r.sequenceNames === undefined) throw notSupported(conn, "sequences");
      return r.sequenceNames(conn, schema);
    });
  }

  /** PostgreSQL only; elsewhere raises NotSupportedError. */
  getEnums(schema?: string): Promise<ReflectedEnum[]> {
    return this.#run(async (conn, r) => {
      if (r.enums === undefined) throw notSupported(conn, "named enum types");
      return r.enums(conn, schema);
    });
  }

  // -- single table -------------------------------------------------------

  /** The columns of a table or view; raises NoSuchTableError when there is none. */
  getColumns(table: string, schema?: string): Promise<ReflectedColumn[]> {
    return this.#run(async (conn, r) => {
      const columns = (await r.columns(conn, scope(schema, [table]), this.#warn(conn))).get(table);
      if (columns === undefined || columns.length === 0) await assertTable(conn, r, table, schema, true);
      return columns ?? [];
    });
  }

  getPkConstraint(table: string, schema?: string): Promise<ReflectedPrimaryKey> {
    return this.#single(table, schema, (conn, r, s) => r.primaryKeys(conn, s), { name: undefined, columns: [] });
  }

  getForeignKeys(table: string, schema?: string): Promise<ReflectedForeignKey[]> {
    return this.#single(table, schema, (conn, r, s) => r.foreignKeys(conn, s), []);
  }

  getIndexes(table: string, schema?: string): Promise<ReflectedIndex[]> {
    return this.#single(table, schema, (conn, r, s) => r.indexes(conn, s), []);
  }

  getUniqueConstraints(table: string, schema?: string): Promise<ReflectedUniqueConstraint[]> {
    return this.#single(table, schema, (conn, r, s) => r.uniqueConstraints(conn, s), []);
  }

  getCheckConstraints(table: string, schema?: string): Promise<ReflectedCheckConstraint[]> {
    return this.#single(table, schema, (conn, r, s) => r.checkConstraints(conn, s), []);
  }

  async getTableComment(table: string, schema?: string): Promise<string | undefined> {
    return this.#run(async (conn, r) => {
      const comments = await r.tableComments(conn, scope(schema, [table]));
      if (comments.get(table) === undefined) await assertTable(conn, r, table, schema, false);
      return comments.get(table);
    });
  }

  async #single<V>(
    table: string,
    schema: string | undefined,
    read: (conn: Connection, r: DialectReflection, s: ReflectionScope) => Promise<Map<string, V>>,
    empty: V,
  ): Promise<V> {
    return this.#run(async (conn, r) => {
      const value = (await read(conn, r, scope(schema, [table]))).get(table);
      if (value === undefined || isEmpty(value)) {
        await assertTable(conn, r, table, schema, false);
      }
      return value ?? empty;
    });
  }

  // -- batch ----------------------------------------------------------------

  getMultiColumns(options: MultiOptions = {}): Promise<Map<string, ReflectedColumn[]>> {
    return this.#multi(options, (conn, r, s) => r.columns(conn, s, this.#warn(conn)), () => []);
  }

  getMultiPkConstraint(options: MultiOptions = {}): Promise<Map<string, ReflectedPrimaryKey>> {
    return this.#multi(options, (conn, r, s) => r.primaryKeys(conn, s), () => ({ name: undefined, columns: [] }));
  }

  getMultiForeignKeys(options: MultiOptions = {}): Promise<Map<string, ReflectedForeignKey[]>> {
    return this.#multi(options, (conn, r, s) => r.foreignKeys(conn, s), () => []);
  }

  getMultiIndexes(options: MultiOptions = {}): Promise<Map<string, ReflectedIndex[]>> {
    return this.#multi(options, (conn, r, s) => r.indexes(conn, s), () => []);
  }

  getMultiUniqueConstraints(options: MultiOptions = {}): Promise<Map<string, ReflectedUniqueConstraint[]>> {
    return this.#multi(options, (conn, r, s) => r.uniqueConstraints(conn, s), () => []);
  }

  getMultiCheckConstraints(options: MultiOptions = {}): Promise<Map<string, ReflectedCheckConstraint[]>> {
    return this.#multi(options, (conn, r, s) => r.checkConstraints(conn, s), () => []);
  }

  getMultiTableComment(options: MultiOptions = {}): Promise<Map<string, string | undefined>> {
    return this.#multi(options, (conn, r, s) => r.tableComments(conn, s), () => undefined);
  }

  /**
   * One batch read; every table of the scope gets an entry (`empty()` when it
   * has nothing), including listed tables that do not exist (use getTableNames to check).
   */
  async #multi<V>(
    options: MultiOptions,
    read: (conn: Connection, r: DialectReflection, s: ReflectionScope) => Promise<Map<string, V>>,
    empty: () => V,
  ): Promise<Map<string, V>> {
    return this.#run(async (conn, r) => {
      const names = options.tables ?? (await r.tableNames(conn, options.schema));
      if (names.length === 0) {
        await assertSchema(conn, r, options.schema);
        return new Map<string, V>();
      }
      const found = await read(conn, r, scope(options.schema, options.tables));
      const out = new Map<string, V>();
      for (const name of names) out.set(name, found.get(name) ?? empty());
      return out;
    });
  }
}

/** An {@link Inspector} over an engine (a connection per call) or a connection (every call on it). */
export function inspect(bind: Engine | Connection, options: InspectorOptions = {}): Inspector {
  return new Inspector(bind, options);
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  const columns = (value as { columns?: unknown } | null)?.columns;
  return Array.isArray(columns) && columns.length === 0;
}

function scope(schema: string | undefined, tables: readonly string[] | undefined): ReflectionScope {
  return { schema, tables };
}

function inSchema(schema: string | undefined): string {
  return schema === undefined ? " in the default schema" : ` in schema "${schema}"`;
}

function reflectionOf(conn: Connection): DialectReflection {
  const dialect = conn.engine.dialect;
  if (dialect.reflection === undefined) {
    throw new NotSupportedError(`The ${dialect.name} dialect does not support reflection.`);
  }
  return dialect.reflection;
}

function notSupported(conn: Connection, what: string): NotSupportedError {
  return new NotSupportedError(`The ${conn.engine.dialect.name} dialect has no ${what} to reflect.`);
}

async function assertSchema(conn: Connection, r: DialectReflection, schema: string | undefined): Promise<void> {
  if (schema === undefined) return;
  const schemas = await r.schemaNames(conn);
  if (!schemas.includes(schema)) {
    throw new NoSuchSchemaError(`No schema named "${schema}"; the database has: ${schemas.join(", ") || "(none)"}.`);
  }
}

async function assertTable(
  conn: Connection,
  r: DialectReflection,
  table: string,
  schema: string | undefined,
  views: boolean,
): Promise<void> {
  const tables = await r.tableNames(conn, schema);
  if (tables.includes(table)) return;
  if (views && (await r.viewNames(conn, schema)).includes(table)) return;
  await assertSchema(conn, r, schema);
  throw new NoSuchTableError(`No table named "${table}"${inSchema(schema)}.`);
}
