/**
 * MySQL and MariaDB reflection through information_schema: one query per kind
 * of information for all the tables of a scope. The schema is the database;
 * `undefined` means the connection's current database (`DATABASE()`).
 *
 * @module
 */
import { groupBy } from "../../util/index.js";
import { defaultReflectionWarning, referentialAction } from "../../engine/index.js";
import type { Connection } from "../../engine/connection.js";
import type {
  DialectReflection,
  ReflectedCheckConstraint,
  ReflectedColumn,
  ReflectedForeignKey,
  ReflectedIndex,
  ReflectedPrimaryKey,
  ReflectedUniqueConstraint,
  ReflectionScope,
  ReflectionWarningHandler,
} from "../../engine/reflection.js";
import {
  BigInteger,
  Boolean as BooleanType,
  Date as DateType,
  DateTime,
  Enum,
  Float,
  Integer,
  JSON as JSONType,
  LargeBinary,
  NullType,
  Numeric,
  SmallInteger,
  String as StringType,
  Text,
  Time,
  UUID,
  type TypeEngine,
} from "../../sql/index.js";

type Row = Record<string, unknown>;

const SYSTEM_SCHEMAS = new Set(["information_schema", "performance_schema", "mysql", "sys"]);

/** The labels of an `enum('a','b')` / `set(...)` column type, with '' and \\ escapes undone. */
export function parseMySQLEnumLabels(columnType: string): string[] {
  const open = columnType.indexOf("(");
  const labels: string[] = [];
  let i = open + 1;
  while (i > 0 && i < columnType.length) {
    if (columnType[i] !== "'") {
      i++;
      continue;
    }
    let label = "";
    i++;
    while (i < columnType.length) {
      const c = columnType[i]!;
      if (c === "'" && columnType[i + 1] === "'") {
        label += "'";
        i += 2;
      } else if (c === "\\" && i + 1 < columnType.length) {
        label += columnType[i + 1];
        i += 2;
      } else if (c === "'") {
        i++;
        break;
      } else {
        label += c;
        i++;
      }
    }
    labels.push(label);
  }
  return labels;
}

/**
 * The Athanor type of a MySQL column from its `DATA_TYPE` and `COLUMN_TYPE`;
 * `json` is true for MariaDB's JSON (a LONGTEXT with a `json_valid` check).
 * A type without a mapping (`point`, `set(...)`, `bit(8)`, ...) is a
 * {@link NullType}; `columns()` reports it as a warning.
 */
export function mysqlTypeFromColumn(dataType: string, columnType: string, json = false): TypeEngine {
  const name = dataType.toLowerCase();
  const args = /\(([^)]*)\)/.exec(columnType)?.[1];
  const numbers = (args ?? "")
    .split(",")
    .map((a) => Number.parseInt(a.trim(), 10))
    .filter((n) => Number.isInteger(n));
  if (json) return new JSONType();
  switch (name) {
    case "tinyint":
      return numbers[0] === 1 ? new BooleanType() : new SmallInteger();
    case "bool":
    case "boolean":
      return new BooleanType();
    case "smallint":
      return new SmallInteger();
    case "mediumint":
    case "int":
    case "integer":
    case "year":
      return new Integer();
    case "bigint":
      return new BigInteger();
    case "decimal":
    case "numeric":
    case "fixed":
      return new Numeric(numbers[0], numbers[1]);
    case "float":
    case "double":
    case "real":
    case "double precision":
      return new Float();
    case "varchar":
    case "char":
    case "nvarchar":
    case "nchar":
      return new StringType(numbers[0]);
    // A length that createAll writes back as the same TEXT type (see MySQLTypeCompiler.visitText).
    case "tinytext":
    case "text":
      return new Text(16_383);
    case "mediumtext":
      return new Text(4_194_303);
    case "longtext":
      return new Text();
    case "json":
      return new JSONType();
    case "datetime":
      return new DateTime({ precision: numbers[0] ?? 0 });
    case "timestamp":
      return new DateTime({ timezone: true, precision: numbers[0] ?? 0 });
    case "date":
      return new DateType();
    case "time":
      return new Time();
    case "binary":
    case "varbinary":
    case "tinyblob":
    case "blob":
    case "mediumblob":
    case "longblob":
      return new LargeBinary();
    case "uuid":
      return new UUID();
    case "enum": {
      const labels = parseMySQLEnumLabels(columnType);
      if (labels.length > 0 && new Set(labels).size === labels.length) return new Enum(labels);
      break;
    }
  }
  return new NullType();
}

/** MySQL 8 shows a string default unquoted and flags expressions DEFAULT_GENERATED; MariaDB quotes literals and writes NULL. */
function normaliseDefault(value: unknown, extra: string, dataType: string, mariadb: boolean): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value);
  if (mariadb) return text === "NULL" ? undefined : text;
  if (extra.toUpperCase().includes("DEFAULT_GENERATED")) return text;
  if (/char|text|enum|set|binary|blob|date|time|json/i.test(dataType)) return `'${text.replaceAll("'", "''")}'`;
  return text;
}

/** The MariaDB JSON check constraint of a column: `json_valid(`col`)`, named after the column. */
function isJsonCheck(name: unknown, clause: unknown): boolean {
  return typeof name === "string" && typeof clause === "string" && clause.replaceAll(" ", "").toLowerCase() === `json_valid(\`${name.toLowerCase()}\`)`;
}

/** Normalises a referential action: NO ACTION (the default) is `undefined`. */
/** Options of {@link MySQLReflection}. */
export interface MySQLReflectionOptions {
  /** MariaDB: quoted literal defaults, per-table CHECK constraint names, JSON as LONGTEXT with a json_valid check. */
  readonly mariadb?: boolean;
}

/** The information_schema catalog queries of MySQL and MariaDB. */
export class MySQLReflection implements DialectReflection {
  readonly mariadb: boolean;

  constructor(options: MySQLReflectionOptions = {}) {
    this.mariadb = options.mariadb ?? false;
  }

  async schemaNames(conn: Connection): Promise<string[]> {
    const rows = await this.#rows(conn, "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME", []);
    return rows.map((r) => String(r.name)).filter((name) => !SYSTEM_SCHEMAS.has(name.toLowerCase()));
  }

  async defaultSchema(conn: Connection): Promise<string> {
    const value = (await conn.execDriverSql("SELECT DATABASE()")).scalar();
    return value === null || value === undefined ? "" : String(value);
  }

  async tableNames(conn: Connection, schema: string | undefined): Promise<string[]> {
    return this.#names(conn, schema, "BASE TABLE");
  }

  async viewNames(conn: Connection, schema: string | undefined): Promise<string[]> {
    return this.#names(conn, schema, "VIEW");
  }

  async viewDefinition(conn: Connection, view: string, schema: string | undefined): Promise<string | undefined> {
    const rows = await this.#rows(
      conn,
      "SELECT VIEW_DEFINITION AS def FROM information_schema.VIEWS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?",
      [schema ?? null, view],
    );
    const value = rows[0]?.def;
    return typeof value === "string" ? value : undefined;
  }

  async columns(conn: Connection, scope: ReflectionScope, warn?: ReflectionWarningHandler): Promise<Map<string, ReflectedColumn[]>> {
    const onWarning = warn ?? defaultReflectionWarning(conn);
    // MariaDB's JSON is a LONGTEXT with a CHECK (json_valid(`col`)) constraint named after the column.
    const jsonCheck = this.mariadb
      ? `EXISTS (SELECT 1 FROM information_schema.CHECK_CONSTRAINTS cc WHERE cc.CONSTRAINT_SCHEMA = c.TABLE_SCHEMA ` +
        `AND cc.TABLE_NAME = c.TABLE_NAME AND cc.CONSTRAINT_NAME = c.COLUMN_NAME ` +
        `AND REPLACE(LOWER(cc.CHECK_CLAUSE), ' ', '') = CONCAT('json_valid(\`', LOWER(c.COLUMN_NAME), '\`)'))`
      : "0";
    const rows = await this.#query(
      conn,
      scope,
      `c.COLUMN_NAME AS name, c.DATA_TYPE AS data_type, c.COLUMN_TYPE AS column_type, c.IS_NULLABLE AS nullable, ` +
        `c.COLUMN_DEFAULT AS dflt, c.EXTRA AS extra, c.COLUMN_COMMENT AS comment, ${jsonCheck} AS is_json`,
      "information_schema.COLUMNS c",
      "c",
      "",
      "c.ORDINAL_POSITION",
    );
    const result = new Map<string, ReflectedColumn[]>();
    for (const r of rows) {
      const list = entry(result, String(r.tbl), () => []);
      if (r.name === null || r.name === undefined) continue;
      const extra = String(r.extra ?? "");
      const dataType = String(r.data_type);
      const columnType = String(r.column_type);
      const isJson = Number(r.is_json) === 1 && dataType.toLowerCase() === "longtext";
      const type = mysqlTypeFromColumn(dataType, columnType, isJson);
      if (type instanceof NullType) {
        onWarning(`no type mapping for column "${String(r.tbl)}"."${String(r.name)}" of type ${columnType}; reflected as NullType.`);
      }
      list.push({
        name: String(r.name),
        type,
        databaseType: isJson ? "json" : columnType,
        nullable: String(r.nullable).toUpperCase() === "YES",
        default: normaliseDefault(r.dflt, extra, dataType, this.mariadb),
        autoincrement: extra.toLowerCase().includes("auto_increment"),
        identity: undefined,
        comment: r.comment === null || r.comment === undefined || r.comment === "" ? undefined : String(r.comment),
      });
    }
    return result;
  }

  async primaryKeys(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedPrimaryKey>> {
    const rows = await this.#query(
      conn,
      scope,
      "k.COLUMN_NAME AS col",
      "information_schema.KEY_COLUMN_USAGE k",
      "k",
      " AND k.CONSTRAINT_NAME = 'PRIMARY'",
      "k.ORDINAL_POSITION",
    );
    const result = new Map<string, ReflectedPrimaryKey>();
    for (const [table, cols] of groupBy(rows, (r) => String(r.tbl))) {
      // MySQL names every primary key PRIMARY, whatever the DDL said: the name carries no information.
      result.set(table, { name: undefined, columns: cols.filter((c) => isSet(c.col)).map((c) => String(c.col)) });
    }
    return result;
  }

  async foreignKeys(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedForeignKey[]>> {
    const rows = await this.#query(
      conn,
      scope,
      `k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col, k.REFERENCED_TABLE_SCHEMA AS rschema, ` +
        `k.REFERENCED_TABLE_NAME AS rtable, k.REFERENCED_COLUMN_NAME AS rcol, r.DELETE_RULE AS on_delete, r.UPDATE_RULE AS on_update`,
      `(information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r ` +
        `ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME)`,
      "k",
      " AND k.REFERENCED_TABLE_NAME IS NOT NULL",
      "k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    );
    const result = new Map<string, ReflectedForeignKey[]>();
    for (const [table, tableRows] of groupBy(rows, (r) => String(r.tbl))) {
      const list = entry(result, table, () => []);
      for (const [name, keyRows] of groupBy(tableRows.filter((r) => isSet(r.name)), (r) => String(r.name))) {
        const first = keyRows[0]!;
        list.push({
          name,
          columns: keyRows.map((r) => String(r.col)),
          referredSchema: first.rschema === first.sch ? undefined : String(first.rschema),
          referredTable: String(first.rtable),
          referredColumns: keyRows.map((r) => String(r.rcol)),
          ondelete: innodbAction(first.on_delete),
          onupdate: innodbAction(first.on_update),
        });
      }
    }
    return result;
  }

  /**
   * Every index but the primary key and the index MySQL makes by itself for a
   * foreign key without a usable one (non-unique, named after the constraint,
   * on its columns: creating the foreign key makes it again). MySQL has no
   * UNIQUE constraint apart from its unique index: such an index is listed
   * here (unique) and by {@link uniqueConstraints} too; `metadata.reflect`
   * keeps it as the constraint only.
   */
  async indexes(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedIndex[]>> {
    const rows = await this.#query(
      conn,
      scope,
      "s.INDEX_NAME AS name, s.NON_UNIQUE AS non_unique, s.COLUMN_NAME AS col",
      "information_schema.STATISTICS s",
      "s",
      " AND s.INDEX_NAME <> 'PRIMARY' AND NOT (s.NON_UNIQUE = 1 AND s.INDEX_NAME IN (" +
        "SELECT fk.CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS fk WHERE fk.CONSTRAINT_SCHEMA = tb.TABLE_SCHEMA " +
        "AND fk.TABLE_NAME = tb.TABLE_NAME AND fk.CONSTRAINT_TYPE = 'FOREIGN KEY'))",
      "s.INDEX_NAME, s.SEQ_IN_INDEX",
    );
    const result = new Map<string, ReflectedIndex[]>();
    for (const [table, tableRows] of groupBy(rows, (r) => String(r.tbl))) {
      const list = entry(result, table, () => []);
      for (const [name, idx] of groupBy(tableRows.filter((r) => isSet(r.name)), (r) => String(r.name))) {
        list.push({
          name,
          columns: idx.map((r) => (r.col === null || r.col === undefined ? undefined : String(r.col))),
          expressions: idx.map(() => undefined),
          unique: Number(idx[0]!.non_unique) === 0,
          where: undefined,
        });
      }
    }
    return result;
  }

  async uniqueConstraints(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedUniqueConstraint[]>> {
    const rows = await this.#query(
      conn,
      scope,
      "k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col",
      `(information_schema.KEY_COLUMN_USAGE k JOIN information_schema.TABLE_CONSTRAINTS t ` +
        `ON t.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND t.TABLE_NAME = k.TABLE_NAME AND t.CONSTRAINT_NAME = k.CONSTRAINT_NAME ` +
        `AND t.CONSTRAINT_TYPE = 'UNIQUE')`,
      "k",
      "",
      "k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    );
    const result = new Map<string, ReflectedUniqueConstraint[]>();
    for (const [table, tableRows] of groupBy(rows, (r) => String(r.tbl))) {
      const list = entry(result, table, () => []);
      for (const [name, cols] of groupBy(tableRows.filter((r) => isSet(r.name)), (r) => String(r.name))) {
        list.push({ name, columns: cols.map((c) => String(c.col)) });
      }
    }
    return result;
  }

  /** CHECK constraints; on MariaDB without the `json_valid` checks that make a column JSON. */
  async checkConstraints(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedCheckConstraint[]>> {
    const sameTable = this.mariadb ? " AND cc.TABLE_NAME = t.TABLE_NAME" : "";
    const rows = await this.#query(
      conn,
      scope,
      "t.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause",
      `(information_schema.TABLE_CONSTRAINTS t JOIN information_schema.CHECK_CONSTRAINTS cc ` +
        `ON cc.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = t.CONSTRAINT_NAME${sameTable} ` +
        `AND t.CONSTRAINT_TYPE = 'CHECK')`,
      "t",
      "",
      "t.CONSTRAINT_NAME",
    );
    const result = new Map<string, ReflectedCheckConstraint[]>();
    for (const r of rows) {
      const list = entry(result, String(r.tbl), () => []);
      if (r.name === null || r.name === undefined) continue;
      if (this.mariadb && isJsonCheck(r.name, r.clause)) continue;
      list.push({ name: String(r.name), sqltext: String(r.clause) });
    }
    return result;
  }

  async tableComments(conn: Connection, scope: ReflectionScope): Promise<Map<string, string | undefined>> {
    const { where, params } = this.#where(scope);
    const rows = await this.#rows(
      conn,
      `SELECT tb.TABLE_NAME AS tbl, tb.TABLE_COMMENT AS comment FROM information_schema.TABLES tb WHERE ${where} ORDER BY tb.TABLE_NAME`,
      params,
    );
    const result = new Map<string, string | undefined>();
    for (const table of scope.tables ?? []) result.set(table, undefined);
    for (const r of rows) {
      result.set(String(r.tbl), r.comment === null || r.comment === undefined || r.comment === "" ? undefined : String(r.comment));
    }
    return result;
  }

  /**
   * One query for a whole scope: the scope's tables (`information_schema.TABLES tb`)
   * LEFT JOINed with `source` (alias `a`), so a table without any row of
   * that kind still comes back once, with NULLs.
   */
  async #query(
    conn: Connection,
    scope: ReflectionScope,
    select: string,
    source: string,
    a: string,
    on: string,
    order: string,
  ): Promise<Row[]> {
    const { where, params } = this.#where(scope);
    const rows = await this.#rows(
      conn,
      `SELECT tb.TABLE_NAME AS tbl, tb.TABLE_SCHEMA AS sch, ${select} FROM information_schema.TABLES tb ` +
        `LEFT JOIN ${source} ON ${a}.TABLE_SCHEMA = tb.TABLE_SCHEMA AND ${a}.TABLE_NAME = tb.TABLE_NAME${on} ` +
        `WHERE ${where} ORDER BY tb.TABLE_NAME, ${order}`,
      params,
    );
    if (scope.tables !== undefined) {
      // Named tables that do not exist still get their (empty) entry, first, in the order named.
      const found = new Set(rows.map((r) => String(r.tbl)));
      const missing = scope.tables.filter((t) => !found.has(t)).map((t) => ({ tbl: t }) as Row);
      return [...missing, ...rows];
    }
    return rows;
  }

  /** The scope's tables on `information_schema.TABLES tb`: the named ones (views too), or every base table of the schema. */
  #where(scope: ReflectionScope): { where: string; params: unknown[] } {
    const schemaCond = "tb.TABLE_SCHEMA = COALESCE(?, DATABASE())";
    const params: unknown[] = [scope.schema ?? null];
    if (scope.tables === undefined) return { where: `${schemaCond} AND tb.TABLE_TYPE = 'BASE TABLE'`, params };
    if (scope.tables.length === 0) return { where: "1 = 0", params: [] };
    return { where: `${schemaCond} AND tb.TABLE_NAME IN (${scope.tables.map(() => "?").join(", ")})`, params: [...params, ...scope.tables] };
  }

  async #names(conn: Connection, schema: string | undefined, type: string): Promise<string[]> {
    const rows = await this.#rows(
      conn,
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_TYPE = ? ORDER BY TABLE_NAME",
      [schema ?? null, type],
    );
    // Sorted here, by code point: the server would sort by its (often case-insensitive) collation.
    return rows.map((r) => String(r.name)).sort();
  }

  async #rows(conn: Connection, sql: string, params: readonly unknown[]): Promise<Row[]> {
    return (await conn.execDriverSql(sql, params)).mappings() as Row[];
  }
}

/**
 * A referential action of InnoDB: RESTRICT and NO ACTION are the same thing
 * there, and the default (MariaDB reports an omitted action as RESTRICT, MySQL
 * as NO ACTION), so both are `undefined`.
 */
function innodbAction(value: unknown): string | undefined {
  const action = referentialAction(value);
  return action === "RESTRICT" ? undefined : action;
}

/** True when a catalog value is present (neither SQL NULL nor absent). */
function isSet(value: unknown): boolean {
  return value !== null && value !== undefined;
}

/** The value of `key`, created by `make` when absent. */
function entry<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

