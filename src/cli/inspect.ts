/**
 * `athanor inspect --url URL [--schema S]`: a readable summary of a database:
 * tables with their columns and types, keys, indexes and row estimates.
 *
 * @module
 */
import { inspect, type Connection, type Engine } from "../engine/index.js";
import { text } from "../sql/index.js";
import { assertSchema } from "./codegen.js";

/** Options of {@link inspectCommand}. */
export interface InspectOptions {
  readonly schema?: string | undefined;
}

/** Cheap row estimates per table: the planner's statistics where the database keeps them, else a count. */
async function rowEstimates(conn: Connection, dialect: string, schema: string | undefined, tables: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (dialect === "postgresql") {
    const rows = (
      await conn.execute(
        text(
          "select c.relname as name, c.reltuples::bigint as n from pg_class c join pg_namespace ns on ns.oid = c.relnamespace " +
            "where c.relkind in ('r', 'p') and ns.nspname = coalesce(:schema, current_schema())",
        ),
        { schema: schema ?? null },
      )
    ).all();
    for (const row of rows) out.set(String(row.name), Number(row.n) < 0 ? "~?" : `~${String(row.n)}`);
  } else if (dialect === "mysql" || dialect === "mariadb") {
    const rows = (
      await conn.execute(text("select table_name as name, table_rows as n from information_schema.tables where table_schema = coalesce(:schema, database())"), {
        schema: schema ?? null,
      })
    ).all();
    for (const row of rows) out.set(String(row.name), `~${String(row.n ?? "?")}`);
  } else {
    const quote = conn.engine.dialect.createCompiler();
    for (const table of tables) {
      const n = (await conn.execute(text(`select count(*) as n from ${quote.forceQuote(table)}`))).scalar();
      out.set(table, String(n));
    }
  }
  return out;
}

/** Builds the summary text of a database. */
export async function inspectCommand(engine: Engine, options: InspectOptions = {}): Promise<string> {
  const insp = inspect(engine);
  const schema = options.schema;
  if (schema !== undefined) await assertSchema(insp, schema);
  const tables = (await insp.getTableNames(schema)).sort();
  const scope = { schema, tables };
  const [columns, pks, fks, indexes, uniques] = await Promise.all([
    insp.getMultiColumns(scope),
    insp.getMultiPkConstraint(scope),
    insp.getMultiForeignKeys(scope),
    insp.getMultiIndexes(scope),
    insp.getMultiUniqueConstraints(scope),
  ]);
  const rows = await engine.connect((conn) => rowEstimates(conn, engine.dialect.name, schema, tables));
  const lines: string[] = [`${engine.url.toString()}: ${tables.length} table${tables.length === 1 ? "" : "s"}${schema ? ` in schema ${schema}` : ""}`];
  for (const table of tables) {
    lines.push("", `${table} (${rows.get(table) ?? "?"} rows)`);
    const pk = new Set(pks.get(table)?.columns ?? []);
    for (const col of columns.get(table) ?? []) {
      const flags = [
        pk.has(col.name) ? "PK" : "",
        col.nullable ? "" : "NOT NULL",
        col.autoincrement ? "autoincrement" : "",
        col.default !== undefined && !col.autoincrement ? `default ${col.default}` : "",
      ].filter((f) => f !== "");
      lines.push(`  ${col.name.padEnd(24)} ${`${col.type.typeName} (${col.databaseType})`.padEnd(40)} ${flags.join(", ")}`.trimEnd());
    }
    for (const fk of fks.get(table) ?? []) {
      const actions = [fk.ondelete ? `on delete ${fk.ondelete}` : "", fk.onupdate ? `on update ${fk.onupdate}` : ""].filter(Boolean).join(", ");
      lines.push(`  FK (${fk.columns.join(", ")}) -> ${fk.referredSchema ? `${fk.referredSchema}.` : ""}${fk.referredTable} (${fk.referredColumns.join(", ")})${actions ? ` ${actions}` : ""}`);
    }
    for (const u of uniques.get(table) ?? []) lines.push(`  UNIQUE ${u.name ?? ""} (${u.columns.join(", ")})`.replace("  UNIQUE  (", "  UNIQUE ("));
    for (const ix of indexes.get(table) ?? []) {
      const parts = ix.columns.map((c, i) => c ?? ix.expressions[i] ?? "?");
      lines.push(`  ${ix.unique ? "UNIQUE INDEX" : "INDEX"} ${ix.name} (${parts.join(", ")})${ix.where ? ` WHERE ${ix.where}` : ""}`);
    }
  }
  return lines.join("\n");
}
