/**
 * SQLite reflection: table-valued PRAGMA functions (`pragma_table_xinfo`,
 * `pragma_index_list`, `pragma_index_xinfo`, `pragma_foreign_key_list`) joined
 * with `sqlite_master`, so each kind of information for a whole schema costs
 * one query. What the PRAGMAs do not tell (constraint names, CHECK
 * constraints, AUTOINCREMENT, index expressions and predicates) is read from
 * the stored CREATE statements with a small tokenizer.
 *
 * @module
 */
import { groupBy } from "../../util/index.js";
import { SQLiteCompiler } from "./compiler.js";
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

/**
 * Runs a catalog query. A schema (attached database) that does not exist
 * makes SQLite fail with "no such table: x.sqlite_master" or "unknown
 * database x": that reads as no rows, so the Inspector can raise
 * NoSuchSchemaError with the list of schemas.
 */
async function rowsOf(conn: Connection, sql: string, params: readonly unknown[] = []): Promise<Row[]> {
  try {
    return (await conn.execDriverSql(sql, params)).mappings() as Row[];
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    if (/no such table: [^\s]+\.sqlite_master|unknown database /i.test(message)) return [];
    throw error;
  }
}

/** A token of SQL text: its kind, its text as written and, for identifiers, the unquoted name. */
interface Token {
  readonly kind: "word" | "ident" | "string" | "punct" | "number";
  readonly text: string;
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** Splits SQL into tokens, skipping comments and whitespace; quoted identifiers and strings are kept whole. */
export function tokenizeSQLite(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "-" && sql[i + 1] === "-") {
      const eol = sql.indexOf("\n", i);
      i = eol === -1 ? n : eol + 1;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      i = close === -1 ? n : close + 2;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"' || c === "`" || c === "[") {
      const closer = c === "[" ? "]" : c;
      let value = "";
      i++;
      while (i < n) {
        if (sql[i] === closer) {
          if (closer !== "]" && sql[i + 1] === closer) {
            value += closer;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += sql[i];
        i++;
      }
      tokens.push({ kind: c === "'" ? "string" : "ident", text: sql.slice(start, i), value, start, end: i });
      continue;
    }
    if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      while (i < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[i]!)) i++;
      const text = sql.slice(start, i);
      tokens.push({ kind: "word", text, value: text, start, end: i });
      continue;
    }
    if (/[0-9.]/.test(c)) {
      while (i < n && /[0-9.eE]/.test(sql[i]!)) i++;
      const text = sql.slice(start, i);
      tokens.push({ kind: "number", text, value: text, start, end: i });
      continue;
    }
    i++;
    tokens.push({ kind: "punct", text: c, value: c, start, end: i });
  }
  return tokens;
}

function isWord(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === "word" && token.value.toUpperCase() === word;
}

/** The index of the token closing the parenthesis opened at `open`. */
function closingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.text === "(") depth++;
    else if (tokens[i]!.text === ")") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return tokens.length - 1;
}

/** Splits the tokens between `from` and `to` (exclusive) at top-level commas. */
function splitTopLevel(tokens: readonly Token[], from: number, to: number): Token[][] {
  const parts: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (t.text === "(") depth++;
    if (t.text === ")") depth--;
    if (t.text === "," && depth === 0) {
      parts.push(current);
      current = [];
    } else current.push(t);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** The identifiers of a parenthesised column list starting at `open`. */
function columnList(tokens: readonly Token[], open: number): string[] {
  const close = closingParen(tokens, open);
  return splitTopLevel(tokens, open + 1, close).map((part) => part[0]?.value ?? "");
}

/** What the CREATE TABLE text tells beyond the PRAGMAs. */
export interface ParsedSQLiteTable {
  readonly autoincrement: boolean;
  readonly primaryKeyName: string | undefined;
  /** Constraint names of foreign keys, keyed by their joined column list. */
  readonly foreignKeyNames: Map<string, string>;
  /** Constraint names of UNIQUE constraints, keyed by their joined column list. */
  readonly uniqueNames: Map<string, string>;
  readonly checks: ReflectedCheckConstraint[];
}

const KEY_SEPARATOR = "\u0000";

/** Reads constraint names, CHECK constraints and AUTOINCREMENT from a CREATE TABLE statement. */
export function parseSQLiteCreateTable(sql: string | null | undefined): ParsedSQLiteTable {
  const parsed: ParsedSQLiteTable = {
    autoincrement: false,
    primaryKeyName: undefined,
    foreignKeyNames: new Map(),
    uniqueNames: new Map(),
    checks: [],
  };
  if (sql === null || sql === undefined) return parsed;
  const tokens = tokenizeSQLite(sql);
  const open = tokens.findIndex((t) => t.text === "(");
  if (open === -1) return parsed;
  const close = closingParen(tokens, open);
  let primaryKeyName: string | undefined;
  let autoincrement = false;
  for (const element of splitTopLevel(tokens, open + 1, close)) {
    const first = element[0];
    if (first === undefined) continue;
    const tableConstraint =
      isWord(first, "CONSTRAINT") ||
      isWord(first, "CHECK") ||
      isWord(first, "UNIQUE") ||
      (isWord(first, "PRIMARY") && isWord(element[1], "KEY")) ||
      (isWord(first, "FOREIGN") && isWord(element[1], "KEY"));
    const columnName = tableConstraint ? undefined : first.value;
    let pending: string | undefined;
    for (let i = tableConstraint ? 0 : 1; i < element.length; i++) {
      const t = element[i]!;
      if (isWord(t, "AUTOINCREMENT")) autoincrement = true;
      if (isWord(t, "CONSTRAINT")) {
        pending = element[i + 1]?.value;
        i++;
        continue;
      }
      if (isWord(t, "CHECK") && element[i + 1]?.text === "(") {
        const end = closingParen(element, i + 1);
        const inner = sql.slice(element[i + 1]!.end, element[end]!.start).trim();
        parsed.checks.push({ name: pending, sqltext: inner });
        pending = undefined;
        i = end;
        continue;
      }
      if (isWord(t, "PRIMARY") && isWord(element[i + 1], "KEY")) {
        if (pending !== undefined) primaryKeyName = pending;
        pending = undefined;
        continue;
      }
      if (isWord(t, "UNIQUE")) {
        const cols = element[i + 1]?.text === "(" ? columnList(element, i + 1) : columnName === undefined ? [] : [columnName];
        if (pending !== undefined && cols.length > 0) parsed.uniqueNames.set(cols.join(KEY_SEPARATOR), pending);
        pending = undefined;
        continue;
      }
      if (isWord(t, "FOREIGN") && isWord(element[i + 1], "KEY") && element[i + 2]?.text === "(") {
        const cols = columnList(element, i + 2);
        if (pending !== undefined) parsed.foreignKeyNames.set(cols.join(KEY_SEPARATOR), pending);
        pending = undefined;
        i = closingParen(element, i + 2);
        continue;
      }
      if (isWord(t, "REFERENCES") && columnName !== undefined) {
        if (pending !== undefined) parsed.foreignKeyNames.set(columnName, pending);
        pending = undefined;
        continue;
      }
      if (isWord(t, "NOT") || isWord(t, "NULL") || isWord(t, "DEFAULT") || isWord(t, "COLLATE") || isWord(t, "GENERATED")) {
        pending = undefined;
      }
    }
  }
  return { ...parsed, primaryKeyName, autoincrement };
}

/** The expressions (by position) and the WHERE predicate of a CREATE INDEX statement. */
export function parseSQLiteCreateIndex(sql: string | null | undefined): { elements: string[]; where: string | undefined } {
  if (sql === null || sql === undefined) return { elements: [], where: undefined };
  const tokens = tokenizeSQLite(sql);
  const onAt = tokens.findIndex((t) => isWord(t, "ON"));
  const open = tokens.findIndex((t, i) => i > onAt && t.text === "(");
  if (onAt === -1 || open === -1) return { elements: [], where: undefined };
  const close = closingParen(tokens, open);
  const elements = splitTopLevel(tokens, open + 1, close).map((part) => {
    // Drop a trailing ASC/DESC and COLLATE clause: they are not part of the expression.
    let end = part.length;
    if (end > 0 && (isWord(part[end - 1], "ASC") || isWord(part[end - 1], "DESC"))) end--;
    if (end > 1 && isWord(part[end - 2], "COLLATE")) end -= 2;
    return end === 0 ? "" : sql.slice(part[0]!.start, part[end - 1]!.end);
  });
  const whereAt = tokens.findIndex((t, i) => i > close && isWord(t, "WHERE"));
  const where = whereAt === -1 ? undefined : sql.slice(tokens[whereAt]!.end).trim().replace(/;\s*$/, "");
  return { elements, where };
}

/**
 * The Athanor type of a declared SQLite type: the names Athanor and common
 * schemas write (BOOLEAN, DATETIME, NUMERIC(p, s), VARCHAR(n), JSON...), then
 * SQLite's affinity rules for any other name. A name that none of these
 * recognise (no INT, CHAR, CLOB, TEXT, BLOB, REAL, FLOA, DOUB in it) has
 * NUMERIC affinity and is a `Numeric`, as SQLite stores it; `onUnknown` is
 * told (the reflection reports it as a warning). An empty declared type is a `NullType`.
 */
export function sqliteTypeFromDeclared(declared: string, onUnknown?: (declared: string) => void): TypeEngine {
  const text = declared.trim();
  if (text === "") return new NullType();
  const match = /^([^(]*?)\s*(?:\(\s*([^)]*)\))?\s*$/.exec(text);
  const name = (match?.[1] ?? text).trim().toUpperCase().replace(/\s+/g, " ");
  const args = (match?.[2] ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "")
    .map(Number);
  const first = args[0] !== undefined && Number.isInteger(args[0]) ? args[0] : undefined;
  const second = args[1] !== undefined && Number.isInteger(args[1]) ? args[1] : undefined;
  switch (name) {
    case "BOOLEAN":
    case "BOOL":
      return new BooleanType();
    case "BIGINT":
    case "INT8":
    case "UNSIGNED BIG INT":
      return new BigInteger();
    case "SMALLINT":
    case "TINYINT":
    case "INT2":
      return new SmallInteger();
    case "INTEGER":
    case "INT":
    case "MEDIUMINT":
      return new Integer();
    case "DATE":
      return new DateType();
    case "DATETIME":
    case "TIMESTAMP":
      return new DateTime();
    case "TIME":
      return new Time();
    case "NUMERIC":
    case "DECIMAL":
      return new Numeric(first, second);
    case "REAL":
    case "FLOAT":
    case "DOUBLE":
    case "DOUBLE PRECISION":
      return new Float();
    case "VARCHAR":
    case "CHAR":
    case "NVARCHAR":
    case "NCHAR":
    case "CHARACTER":
    case "VARYING CHARACTER":
    case "NATIVE CHARACTER":
    case "CHARACTER VARYING":
      return new StringType(first);
    case "TEXT":
    case "CLOB":
      return new Text();
    case "BLOB":
      return new LargeBinary();
    case "JSON":
      return new JSONType();
    case "UUID":
      return new UUID();
  }
  // SQLite's affinity rules (section 3.1 of "Datatypes In SQLite"), in their order.
  if (name.includes("INT")) return new Integer();
  if (name.includes("CHAR") || name.includes("CLOB") || name.includes("TEXT")) return new Text();
  if (name.includes("BLOB")) return new LargeBinary();
  if (name.includes("REAL") || name.includes("FLOA") || name.includes("DOUB")) return new Float();
  onUnknown?.(text);
  return new Numeric(first, second);
}

/** Normalises a PRAGMA referential action: the default NO ACTION is `undefined`. */
/**
 * The catalog queries of SQLite. Schemas are attached databases (`main`,
 * `temp`, `ATTACH`ed names); the default is `main`.
 */
export class SQLiteReflection implements DialectReflection {
  async schemaNames(conn: Connection): Promise<string[]> {
    const rows = (await conn.execDriverSql("SELECT name FROM pragma_database_list ORDER BY seq")).mappings() as Row[];
    return rows.map((r) => String(r.name)).filter((name) => name !== "temp");
  }

  async defaultSchema(): Promise<string> {
    return "main";
  }

  async tableNames(conn: Connection, schema: string | undefined): Promise<string[]> {
    return this.#names(conn, schema, "table");
  }

  async viewNames(conn: Connection, schema: string | undefined): Promise<string[]> {
    return this.#names(conn, schema, "view");
  }

  async viewDefinition(conn: Connection, view: string, schema: string | undefined): Promise<string | undefined> {
    const master = this.#master(schema);
    const value = (await rowsOf(conn, `SELECT sql FROM ${master} WHERE type = 'view' AND name = ?`, [view]))[0]?.sql;
    return typeof value === "string" ? value : undefined;
  }

  async columns(conn: Connection, scope: ReflectionScope, warn?: ReflectionWarningHandler): Promise<Map<string, ReflectedColumn[]>> {
    const onWarning = warn ?? defaultReflectionWarning(conn);
    const { from, where, params, schemaArg } = this.#scope(scope, true);
    const rows = await rowsOf(
      conn,
      `SELECT m.name AS tbl, m.sql AS tsql, p.cid, p.name, p.type, p."notnull" AS nn, p.dflt_value AS dflt, p.pk, p.hidden ` +
        `${from} JOIN pragma_table_xinfo(m.name, ${schemaArg}) AS p ${where} ORDER BY m.name, p.cid`,
      params,
    );
    const result = this.#emptyMap<ReflectedColumn[]>(scope, rows, () => []);
    const byTable = groupBy(rows, (r) => String(r.tbl));
    for (const [table, cols] of byTable) {
      const parsed = parseSQLiteCreateTable(cols[0]!.tsql as string | null);
      const pkCols = cols.filter((c) => Number(c.pk) > 0);
      const rowidAlias =
        pkCols.length === 1 && String(pkCols[0]!.type).trim().toUpperCase() === "INTEGER" && !/\bWITHOUT\s+ROWID\b/i.test(String(cols[0]!.tsql ?? ""));
      const list: ReflectedColumn[] = [];
      for (const c of cols) {
        if (Number(c.hidden) === 1) continue; // hidden column of a virtual table
        const declared = String(c.type ?? "");
        const isPk = Number(c.pk) > 0;
        list.push({
          name: String(c.name),
          type: sqliteTypeFromDeclared(declared, () =>
            onWarning(
              `no type mapping for column "${table}"."${String(c.name)}" of declared type ${declared}; reflected as Numeric (SQLite's NUMERIC affinity).`,
            ),
          ),
          databaseType: declared,
          nullable: Number(c.nn) === 0 && !(isPk && rowidAlias),
          default: c.dflt === null || c.dflt === undefined ? undefined : String(c.dflt),
          autoincrement: isPk && (rowidAlias || (parsed.autoincrement && pkCols.length === 1)),
          identity: undefined,
          comment: undefined,
        });
      }
      result.set(table, list);
    }
    return result;
  }

  async primaryKeys(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedPrimaryKey>> {
    const { from, where, params, schemaArg } = this.#scope(scope, false);
    const rows = await rowsOf(
      conn,
      `SELECT m.name AS tbl, m.sql AS tsql, p.name, p.pk ${from} ` +
        `LEFT JOIN pragma_table_info(m.name, ${schemaArg}) AS p ON p.pk > 0 ${where} ORDER BY m.name, p.pk`,
      params,
    );
    const result = this.#emptyMap<ReflectedPrimaryKey>(scope, rows, () => ({ name: undefined, columns: [] }));
    for (const [table, cols] of groupBy(rows, (r) => String(r.tbl))) {
      const columns = cols.filter((c) => c.name !== null && c.name !== undefined).map((c) => String(c.name));
      const name = columns.length > 0 ? parseSQLiteCreateTable(cols[0]!.tsql as string | null).primaryKeyName : undefined;
      result.set(table, { name, columns });
    }
    return result;
  }

  async foreignKeys(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedForeignKey[]>> {
    const { from, where, params, schemaArg } = this.#scope(scope, false);
    // A foreign key written without referred columns refers to the primary key of the referred table.
    const rows = await rowsOf(
      conn,
      `SELECT m.name AS tbl, m.sql AS tsql, f.id, f.seq, f."table" AS rtable, f."from" AS col, ` +
        `COALESCE(f."to", r.name) AS rcol, f.on_update, f.on_delete ${from} ` +
        `LEFT JOIN pragma_foreign_key_list(m.name, ${schemaArg}) AS f ` +
        `LEFT JOIN pragma_table_info(f."table", ${schemaArg}) AS r ON f."to" IS NULL AND r.pk = f.seq + 1 ` +
        `${where} ORDER BY m.name, f.id, f.seq`,
      params,
    );
    const result = this.#emptyMap<ReflectedForeignKey[]>(scope, rows, () => []);
    for (const [table, allRows] of groupBy(rows, (r) => String(r.tbl))) {
      const fkRows = allRows.filter((r) => r.id !== null && r.id !== undefined);
      if (fkRows.length === 0) continue;
      const parsed = parseSQLiteCreateTable(fkRows[0]!.tsql as string | null);
      const list: ReflectedForeignKey[] = [];
      // PRAGMA foreign_key_list numbers the keys in reverse order of declaration.
      const byId = [...groupBy(fkRows, (r) => String(r.id))].sort((a, b) => Number(b[0]) - Number(a[0]));
      for (const [, keyRows] of byId) {
        const columns = keyRows.map((r) => String(r.col));
        const first = keyRows[0]!;
        list.push({
          name: parsed.foreignKeyNames.get(columns.join(KEY_SEPARATOR)),
          columns,
          referredSchema: undefined,
          referredTable: String(first.rtable),
          referredColumns: keyRows.map((r) => (r.rcol === null || r.rcol === undefined ? "" : String(r.rcol))),
          ondelete: referentialAction(first.on_delete),
          onupdate: referentialAction(first.on_update),
        });
      }
      result.set(table, list);
    }
    return result;
  }

  async indexes(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedIndex[]>> {
    const rows = await this.#indexRows(conn, scope, "c");
    const result = this.#emptyMap<ReflectedIndex[]>(scope, rows, () => []);
    for (const [table, tableRows] of groupBy(rows, (r) => String(r.tbl))) {
      const list: ReflectedIndex[] = [];
      for (const [name, idx] of groupBy(tableRows.filter((r) => r.idx !== null), (r) => String(r.idx))) {
        const parsed = parseSQLiteCreateIndex(idx[0]!.isql as string | null);
        const columns: (string | undefined)[] = [];
        const expressions: (string | undefined)[] = [];
        idx.forEach((r, position) => {
          const isExpression = Number(r.cid) === -2;
          columns.push(isExpression || r.col === null ? undefined : String(r.col));
          expressions.push(isExpression ? parsed.elements[position] : undefined);
        });
        list.push({ name, columns, expressions, unique: Number(idx[0]!.uniq) === 1, where: parsed.where });
      }
      result.set(table, list);
    }
    return result;
  }

  async uniqueConstraints(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedUniqueConstraint[]>> {
    const rows = await this.#indexRows(conn, scope, "u");
    const result = this.#emptyMap<ReflectedUniqueConstraint[]>(scope, rows, () => []);
    for (const [table, tableRows] of groupBy(rows, (r) => String(r.tbl))) {
      const parsed = parseSQLiteCreateTable(tableRows[0]!.tsql as string | null);
      const list: ReflectedUniqueConstraint[] = [];
      for (const [, idx] of groupBy(tableRows.filter((r) => r.idx !== null), (r) => String(r.idx))) {
        const columns = idx.map((r) => String(r.col));
        list.push({ name: parsed.uniqueNames.get(columns.join(KEY_SEPARATOR)), columns });
      }
      result.set(table, list);
    }
    return result;
  }

  async checkConstraints(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedCheckConstraint[]>> {
    const { from, where, params } = this.#scope(scope, false);
    const rows = await rowsOf(conn, `SELECT m.name AS tbl, m.sql AS tsql ${from} ${where} ORDER BY m.name`, params);
    const result = this.#emptyMap<ReflectedCheckConstraint[]>(scope, rows, () => []);
    for (const r of rows) result.set(String(r.tbl), parseSQLiteCreateTable(r.tsql as string | null).checks);
    return result;
  }

  /** SQLite has no table comments: every table of the scope maps to `undefined` (still one query, to list them). */
  async tableComments(conn: Connection, scope: ReflectionScope): Promise<Map<string, string | undefined>> {
    const { from, where, params } = this.#scope(scope, false);
    const rows = await rowsOf(conn, `SELECT m.name AS tbl ${from} ${where} ORDER BY m.name`, params);
    const result = new Map<string, string | undefined>();
    for (const table of scope.tables ?? []) result.set(table, undefined);
    for (const r of rows) result.set(String(r.tbl), undefined);
    return result;
  }

  /** Index rows of one origin (`c`: CREATE INDEX, `u`: UNIQUE constraint), key columns only, in index order. */
  async #indexRows(conn: Connection, scope: ReflectionScope, origin: "c" | "u"): Promise<Row[]> {
    const { from, where, params, schemaArg } = this.#scope(scope, false);
    const master = this.#master(scope.schema);
    // LEFT JOINs keep one row (with a NULL index) for a table without any, so it gets its empty entry.
    return await rowsOf(
      conn,
      `SELECT m.name AS tbl, m.sql AS tsql, il.name AS idx, il."unique" AS uniq, s.sql AS isql, ` +
        `ix.seqno, ix.cid, ix.name AS col ${from} ` +
        `LEFT JOIN pragma_index_list(m.name, ${schemaArg}) AS il ON il.origin = '${origin}' ` +
        `LEFT JOIN pragma_index_xinfo(il.name, ${schemaArg}) AS ix ON ix."key" = 1 ` +
        `LEFT JOIN ${master} AS s ON s.type = 'index' AND s.name = il.name ` +
        `${where} ORDER BY m.name, il.name, ix.seqno`,
      params,
    );
  }

  #master(schema: string | undefined): string {
    return `${new SQLiteCompiler().forceQuote(schema ?? "main")}.sqlite_master`;
  }

  /** `FROM <schema>.sqlite_master AS m`, `WHERE <tables of the scope>`, its parameters and the schema argument of the pragmas. */
  #scope(scope: ReflectionScope, withViews: boolean): { from: string; where: string; params: unknown[]; schemaArg: string } {
    const schema = scope.schema ?? "main";
    const schemaArg = `'${schema.replaceAll("'", "''")}'`;
    let where: string;
    let params: unknown[] = [];
    if (scope.tables === undefined) {
      where = "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
    } else {
      const types = withViews ? "('table', 'view')" : "('table')";
      where = scope.tables.length === 0 ? "0" : `m.type IN ${types} AND m.name IN (${scope.tables.map(() => "?").join(", ")})`;
      params = [...scope.tables];
    }
    return { from: `FROM ${this.#master(schema)} AS m`, where: `WHERE ${where}`, params, schemaArg };
  }

  async #names(conn: Connection, schema: string | undefined, type: "table" | "view"): Promise<string[]> {
    const rows = await rowsOf(
      conn,
      `SELECT name FROM ${this.#master(schema)} WHERE type = ? AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
      [type],
    );
    return rows.map((r) => String(r.name));
  }

  /** A map with an empty entry for every table of the scope (named or found). */
  #emptyMap<V>(scope: ReflectionScope, rows: readonly Row[], empty: () => V): Map<string, V> {
    const map = new Map<string, V>();
    for (const table of scope.tables ?? []) map.set(table, empty());
    for (const r of rows) if (!map.has(String(r.tbl))) map.set(String(r.tbl), empty());
    return map;
  }
}

