/**
 * PostgreSQL reflection: pg_catalog queries, one per kind of information for
 * every table of a scope (the tables are passed as one `text[]` parameter).
 * Works on PostgreSQL 12+ and on PGlite.
 *
 * @module
 */
import type { Connection } from "../../engine/connection.js";
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
} from "../../engine/reflection.js";
import { defaultReflectionWarning } from "../../engine/index.js";
import {
  ARRAY,
  BigInteger,
  Boolean as BooleanType,
  Date as DateType,
  DateTime,
  Enum,
  Float,
  Integer,
  Interval,
  JSON as JSONType,
  JSONB,
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

/** `$1`: the schema name or NULL for the current schema. */
const SCHEMA_MATCH = "n.nspname = COALESCE($1::text, pg_catalog.current_schema())";
/** `$2`: the table names or NULL for all. */
const TABLE_MATCH = "($2::text[] IS NULL OR c.relname = ANY($2::text[]))";
const TABLE_KINDS = "c.relkind IN ('r', 'p', 'f')";

const FK_ACTIONS: Readonly<Record<string, string | undefined>> = {
  a: undefined,
  r: "RESTRICT",
  c: "CASCADE",
  n: "SET NULL",
  d: "SET DEFAULT",
};

async function rows(conn: Connection, sql: string, params: readonly unknown[]): Promise<Row[]> {
  const result = await conn.execDriverSql(sql, params);
  return result.mappings();
}

function scopeParams(scope: ReflectionScope): unknown[] {
  return [scope.schema ?? null, scope.tables === undefined ? null : [...scope.tables]];
}

/** The contract: every table named in the scope gets an entry, empty when it has nothing. */
function fill<V>(map: Map<string, V>, scope: ReflectionScope, empty: () => V): Map<string, V> {
  for (const table of scope.tables ?? []) if (!map.has(table)) map.set(table, empty());
  return map;
}

function str(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function typeArgs(formatted: string): number[] {
  const match = /\(([\d,\s]+)\)/.exec(formatted);
  if (match === null) return [];
  return (match[1] as string).split(",").map((s) => Number(s.trim()));
}

/** The Athanor type of a catalog type; `undefined` when there is no mapping. */
function mapScalarType(typname: string, formatted: string): TypeEngine | undefined {
  const args = typeArgs(formatted);
  switch (typname) {
    case "int4":
      return new Integer();
    case "int8":
      return new BigInteger();
    case "int2":
      return new SmallInteger();
    case "numeric":
      return new Numeric(args[0], args[1]);
    case "varchar":
    case "bpchar":
      return new StringType(args[0]);
    case "text":
    case "name":
    case "citext":
      return new Text();
    case "bool":
      return new BooleanType();
    case "date":
      return new DateType();
    case "time":
      return new Time();
    case "timestamp":
      return new DateTime();
    case "timestamptz":
      return new DateTime({ timezone: true });
    case "bytea":
      return new LargeBinary();
    case "json":
      return new JSONType();
    case "jsonb":
      return new JSONB();
    case "uuid":
      return new UUID();
    case "interval":
      return new Interval();
    case "float4":
    case "float8":
      return new Float();
    default:
      return undefined;
  }
}

/**
 * PostgreSQL's {@link DialectReflection}. Indexes that back a primary key or a
 * unique constraint are not reported as indexes (they are reported as the
 * constraint), so that `createAll` of a reflected table does not create them twice.
 */
export class PostgresReflection implements DialectReflection {
  async schemaNames(conn: Connection): Promise<string[]> {
    const r = await rows(
      conn,
      "SELECT n.nspname AS name FROM pg_catalog.pg_namespace n " +
        "WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY n.nspname",
      [],
    );
    return r.map((row) => String(row.name));
  }

  async defaultSchema(conn: Connection): Promise<string> {
    const r = await rows(conn, "SELECT pg_catalog.current_schema() AS name", []);
    return String(r[0]?.name);
  }

  async #relations(conn: Connection, schema: string | undefined, kinds: string): Promise<string[]> {
    const r = await rows(
      conn,
      "SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        `WHERE ${SCHEMA_MATCH} AND c.relkind IN (${kinds}) AND NOT c.relispartition ORDER BY c.relname`,
      [schema ?? null],
    );
    return r.map((row) => String(row.name));
  }

  tableNames(conn: Connection, schema: string | undefined): Promise<string[]> {
    return this.#relations(conn, schema, "'r', 'p', 'f'");
  }

  viewNames(conn: Connection, schema: string | undefined): Promise<string[]> {
    return this.#relations(conn, schema, "'v', 'm'");
  }

  async viewDefinition(conn: Connection, view: string, schema: string | undefined): Promise<string | undefined> {
    const r = await rows(
      conn,
      "SELECT pg_catalog.pg_get_viewdef(c.oid, true) AS def FROM pg_catalog.pg_class c " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        `WHERE ${SCHEMA_MATCH} AND c.relname = $2 AND c.relkind IN ('v', 'm')`,
      [schema ?? null, view],
    );
    return str(r[0]?.def);
  }

  async columns(conn: Connection, scope: ReflectionScope, warn?: ReflectionWarningHandler): Promise<Map<string, ReflectedColumn[]>> {
    const onWarning = warn ?? defaultReflectionWarning(conn);
    const r = await rows(
      conn,
      "SELECT c.relname AS tbl, a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS fmt, " +
        "a.attnotnull AS notnull, a.attidentity AS ident, a.attgenerated AS gen, " +
        "pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS dflt, pg_catalog.col_description(c.oid, a.attnum) AS comment, " +
        "t.typname AS typname, t.typtype AS typtype, tn.nspname AS typschema, " +
        "et.typname AS elemname, et.typtype AS elemtype, etn.nspname AS elemschema, bt.typname AS basename, " +
        "pg_catalog.format_type(t.typbasetype, t.typtypmod) AS basefmt, " +
        "(SELECT pg_catalog.array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e " +
        "  WHERE e.enumtypid = CASE WHEN et.oid IS NULL THEN t.oid ELSE et.oid END) AS labels, " +
        "s.seqstart::text AS seqstart, s.seqincrement::text AS seqincrement " +
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped " +
        "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace " +
        "LEFT JOIN pg_catalog.pg_type et ON t.typcategory = 'A' AND et.oid = t.typelem " +
        "LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype " +
        "LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace " +
        "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum " +
        "LEFT JOIN pg_catalog.pg_depend dep ON a.attidentity <> '' AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum " +
        "  AND dep.classid = 'pg_catalog.pg_class'::regclass AND dep.deptype = 'i' " +
        "LEFT JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid " +
        `WHERE ${SCHEMA_MATCH} AND c.relkind IN ('r', 'p', 'f', 'v', 'm') AND ${TABLE_MATCH} ORDER BY c.relname, a.attnum`,
      scopeParams(scope),
    );
    const out = new Map<string, ReflectedColumn[]>();
    for (const row of r) {
      const table = String(row.tbl);
      const name = String(row.name);
      const formatted = String(row.fmt);
      const ident = str(row.ident) ?? "";
      const generated = (str(row.gen) ?? "") !== "";
      const dflt = generated ? undefined : str(row.dflt);
      const type = this.#mapType(row, table, name, formatted, onWarning);
      const list = out.get(table) ?? [];
      out.set(table, list);
      list.push({
        name,
        type,
        databaseType: formatted,
        nullable: row.notnull !== true,
        default: dflt,
        autoincrement: ident !== "" || (dflt !== undefined && /^nextval\(/i.test(dflt)),
        identity:
          ident === ""
            ? undefined
            : {
                always: ident === "a",
                ...(row.seqstart === null ? {} : { start: Number(row.seqstart) }),
                ...(row.seqincrement === null ? {} : { increment: Number(row.seqincrement) }),
              },
        comment: str(row.comment),
      });
    }
    return fill(out, scope, () => []);
  }

  #mapType(row: Row, table: string, column: string, formatted: string, warn: ReflectionWarningHandler): TypeEngine {
    const labels = Array.isArray(row.labels) ? (row.labels as string[]) : undefined;
    const isArray = row.elemname !== null && row.elemname !== undefined;
    const base = isArray ? String(row.elemname) : String(row.typname);
    const typtype = String(isArray ? row.elemtype : row.typtype);
    const typschema = String(isArray ? row.elemschema : row.typschema);
    let item: TypeEngine | undefined;
    if (typtype === "d" && !isArray && row.basename !== null && row.basename !== undefined) {
      // a domain: its base type
      item = mapScalarType(String(row.basename), String(row.basefmt));
    } else if (typtype === "e" && labels !== undefined && labels.length > 0) {
      item = new Enum(labels, { name: base, ...(typschema === "public" ? {} : { schema: typschema }) });
    } else {
      item = mapScalarType(base, formatted);
    }
    if (item === undefined) {
      warn(`no type mapping for column "${table}"."${column}" of type ${formatted}; reflected as NullType.`);
      return new NullType();
    }
    return isArray ? new ARRAY(item) : item;
  }

  async primaryKeys(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedPrimaryKey>> {
    const r = await this.#constraintColumns(conn, scope, "p");
    const out = new Map<string, ReflectedPrimaryKey>();
    for (const [table, list] of r) {
      const first = list[0];
      if (first !== undefined) out.set(table, { name: first.name, columns: first.columns });
    }
    return fill(out, scope, () => ({ name: undefined, columns: [] }));
  }

  async uniqueConstraints(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedUniqueConstraint[]>> {
    return fill(await this.#constraintColumns(conn, scope, "u"), scope, () => []);
  }

  /** Constraints of one kind with their column lists, in key order. */
  async #constraintColumns(
    conn: Connection,
    scope: ReflectionScope,
    kind: "p" | "u",
  ): Promise<Map<string, { name: string; columns: string[] }[]>> {
    const r = await rows(
      conn,
      "SELECT c.relname AS tbl, con.conname AS name, a.attname AS col " +
        "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) " +
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum " +
        `WHERE con.contype = '${kind}' AND ${SCHEMA_MATCH} AND ${TABLE_KINDS} AND ${TABLE_MATCH} ` +
        "ORDER BY c.relname, con.conname, k.ord",
      scopeParams(scope),
    );
    const out = new Map<string, { name: string; columns: string[] }[]>();
    for (const row of r) {
      const table = String(row.tbl);
      const list = out.get(table) ?? [];
      out.set(table, list);
      const name = String(row.name);
      let entry = list.find((e) => e.name === name);
      if (entry === undefined) {
        entry = { name, columns: [] };
        list.push(entry);
      }
      entry.columns.push(String(row.col));
    }
    return out;
  }

  async foreignKeys(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedForeignKey[]>> {
    const r = await rows(
      conn,
      "SELECT c.relname AS tbl, con.conname AS name, a.attname AS col, rc.relname AS reftbl, rn.nspname AS refschema, " +
        "n.nspname AS schema, ra.attname AS refcol, con.confdeltype::text AS ondelete, con.confupdtype::text AS onupdate " +
        "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        "JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace " +
        "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(src, dst, ord) " +
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.src " +
        "JOIN pg_catalog.pg_attribute ra ON ra.attrelid = rc.oid AND ra.attnum = k.dst " +
        `WHERE con.contype = 'f' AND ${SCHEMA_MATCH} AND ${TABLE_KINDS} AND ${TABLE_MATCH} ` +
        "ORDER BY c.relname, con.conname, k.ord",
      scopeParams(scope),
    );
    const out = new Map<string, ReflectedForeignKey[]>();
    const building = new Map<string, { columns: string[]; referredColumns: string[] }>();
    for (const row of r) {
      const table = String(row.tbl);
      const name = String(row.name);
      const key = `${table}\u0000${name}`;
      let cols = building.get(key);
      if (cols === undefined) {
        cols = { columns: [], referredColumns: [] };
        building.set(key, cols);
        const list = out.get(table) ?? [];
        out.set(table, list);
        list.push({
          name,
          columns: cols.columns,
          referredSchema: row.refschema === row.schema ? undefined : String(row.refschema),
          referredTable: String(row.reftbl),
          referredColumns: cols.referredColumns,
          ondelete: FK_ACTIONS[String(row.ondelete)],
          onupdate: FK_ACTIONS[String(row.onupdate)],
        });
      }
      cols.columns.push(String(row.col));
      cols.referredColumns.push(String(row.refcol));
    }
    return fill(out, scope, () => []);
  }

  async indexes(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedIndex[]>> {
    const r = await rows(
      conn,
      "SELECT c.relname AS tbl, ic.relname AS name, i.indisunique AS uniq, " +
        "pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS pred, k.ord::int AS ord, " +
        "a.attname AS col, pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) AS def " +
        "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid " +
        "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) " +
        "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum AND k.attnum <> 0 " +
        `WHERE ${SCHEMA_MATCH} AND ${TABLE_KINDS} AND ${TABLE_MATCH} AND k.ord <= i.indnkeyatts ` +
        "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = i.indexrelid " +
        "  AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')) " +
        "ORDER BY c.relname, ic.relname, k.ord",
      scopeParams(scope),
    );
    const out = new Map<string, ReflectedIndex[]>();
    const building = new Map<string, { columns: (string | undefined)[]; expressions: (string | undefined)[] }>();
    for (const row of r) {
      const table = String(row.tbl);
      const name = String(row.name);
      const key = `${table}\u0000${name}`;
      let parts = building.get(key);
      if (parts === undefined) {
        parts = { columns: [], expressions: [] };
        building.set(key, parts);
        const list = out.get(table) ?? [];
        out.set(table, list);
        list.push({
          name,
          columns: parts.columns,
          expressions: parts.expressions,
          unique: row.uniq === true,
          where: str(row.pred),
        });
      }
      const col = str(row.col);
      parts.columns.push(col);
      parts.expressions.push(col === undefined ? str(row.def) : undefined);
    }
    return fill(out, scope, () => []);
  }

  async checkConstraints(conn: Connection, scope: ReflectionScope): Promise<Map<string, ReflectedCheckConstraint[]>> {
    const r = await rows(
      conn,
      "SELECT c.relname AS tbl, con.conname AS name, pg_catalog.pg_get_constraintdef(con.oid, true) AS def " +
        "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        `WHERE con.contype = 'c' AND ${SCHEMA_MATCH} AND ${TABLE_KINDS} AND ${TABLE_MATCH} ` +
        "ORDER BY c.relname, con.conname",
      scopeParams(scope),
    );
    const out = new Map<string, ReflectedCheckConstraint[]>();
    for (const row of r) {
      const table = String(row.tbl);
      const list = out.get(table) ?? [];
      out.set(table, list);
      list.push({ name: String(row.name), sqltext: checkBody(String(row.def)) });
    }
    return fill(out, scope, () => []);
  }

  async tableComments(conn: Connection, scope: ReflectionScope): Promise<Map<string, string | undefined>> {
    const r = await rows(
      conn,
      "SELECT c.relname AS tbl, pg_catalog.obj_description(c.oid, 'pg_class') AS comment " +
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        `WHERE ${SCHEMA_MATCH} AND ${TABLE_KINDS} AND ${TABLE_MATCH} ORDER BY c.relname`,
      scopeParams(scope),
    );
    return fill(new Map(r.map((row) => [String(row.tbl), str(row.comment)])), scope, () => undefined);
  }

  sequenceNames(conn: Connection, schema: string | undefined): Promise<string[]> {
    return this.#relations(conn, schema, "'S'");
  }

  async enums(conn: Connection, schema: string | undefined): Promise<ReflectedEnum[]> {
    const r = await rows(
      conn,
      "SELECT t.typname AS name, n.nspname AS schema, " +
        "pg_catalog.array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels " +
        "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace " +
        "JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid " +
        `WHERE ${SCHEMA_MATCH} GROUP BY t.typname, n.nspname ORDER BY t.typname`,
      [schema ?? null],
    );
    return r.map((row) => ({ name: String(row.name), schema: String(row.schema), labels: row.labels as string[] }));
  }
}

/** `CHECK ((price > 0)) NOT VALID` -> `price > 0`. */
function checkBody(def: string): string {
  let body = def.replace(/^CHECK\s*/i, "").replace(/\s+NOT VALID$/i, "").trim();
  while (body.startsWith("(") && body.endsWith(")") && balanced(body.slice(1, -1))) body = body.slice(1, -1).trim();
  return body;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}
