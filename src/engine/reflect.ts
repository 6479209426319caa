/**
 * Reflection into schema objects: builds {@link Table}s from the Inspector's
 * batch reads. Registered with the schema layer's hook (`registerReflector`)
 * when the engine module is imported, so `MetaData.reflect` and
 * `Table.autoload` work without schema/ importing engine/.
 *
 * Cost: one query to list the tables (when `only` is not given), then one
 * query per kind of information (columns, primary keys, foreign keys,
 * indexes, unique constraints, check constraints, comments) for all tables at
 * once, repeated once for each further "ring" of tables pulled in by foreign keys.
 *
 * @module
 */
import { InvalidRequestError, NoSuchSchemaError, NoSuchTableError } from "../errors/index.js";
import {
  CheckConstraint,
  ForeignKeyConstraint,
  Index,
  PrimaryKeyConstraint,
  Table,
  UniqueConstraint,
  column,
  registerReflector,
  type AnyColumnDef,
  type AnyTable,
  type ColumnDefs,
  type ColumnOptions,
  type IndexElement,
  type MetaData,
  type ReflectOptions,
  type ReferentialAction,
} from "../schema/index.js";
import { BigInteger, Integer, literalColumn, text } from "../sql/index.js";
import { Connection } from "./connection.js";
import type { Engine } from "./engine.js";
import { Inspector } from "./inspector.js";
import type { ReflectedColumn } from "./reflection.js";

function isBind(bind: object): bind is Engine | Connection {
  return bind instanceof Connection || ("connect" in bind && typeof (bind as { connect: unknown }).connect === "function");
}

async function reflectInto(metadata: MetaData, bind: object, options: ReflectOptions): Promise<Map<string, AnyTable>> {
  if (!isBind(bind)) throw new InvalidRequestError("reflect() expects an Engine or a Connection.");
  if (bind instanceof Connection) return reflectOn(metadata, bind, options);
  return bind.connect((conn) => reflectOn(metadata, conn, options));
}

async function reflectOn(metadata: MetaData, conn: Connection, options: ReflectOptions): Promise<Map<string, AnyTable>> {
  const insp = new Inspector(conn, { onWarning: options.onWarning });
  const schema = options.schema ?? metadata.schema;
  const made = new Map<string, AnyTable>();
  const existing = (name: string): AnyTable | undefined => metadata.tables.get(schema === undefined ? name : `${schema}.${name}`);
  let wanted: string[];
  if (options.only !== undefined) {
    wanted = [...options.only];
  } else {
    wanted = await insp.getTableNames(schema);
    if (options.views === true) wanted.push(...(await insp.getViewNames(schema)));
  }
  const seen = new Set<string>();
  while (wanted.length > 0) {
    // A table named twice (two foreign keys to it, or twice in `only`) is read once.
    const batch = [...new Set(wanted)].filter((t) => !seen.has(t));
    for (const t of batch) seen.add(t);
    const todo = batch.filter((t) => {
      const table = existing(t);
      if (table !== undefined) made.set(t, table);
      return table === undefined;
    });
    if (todo.length === 0) break;
    const scope = { schema, tables: todo };
    const columns = await insp.getMultiColumns(scope);
    const missing = todo.filter((t) => (columns.get(t) ?? []).length === 0);
    if (missing.length > 0) {
      if (schema !== undefined) {
        const schemas = await insp.getSchemaNames();
        if (!schemas.includes(schema)) {
          throw new NoSuchSchemaError(`No schema named "${schema}"; the database has: ${schemas.join(", ") || "(none)"}.`);
        }
      }
      throw new NoSuchTableError(`No table named ${missing.map((t) => `"${t}"`).join(", ")}${schema === undefined ? "" : ` in schema "${schema}"`}.`);
    }
    const [pks, fks, indexes, uniques, checks, comments] = await Promise.all([
      insp.getMultiPkConstraint(scope),
      insp.getMultiForeignKeys(scope),
      insp.getMultiIndexes(scope),
      insp.getMultiUniqueConstraints(scope),
      insp.getMultiCheckConstraints(scope),
      insp.getMultiTableComment(scope),
    ]);
    const next: string[] = [];
    for (const name of todo) {
      const pk = pks.get(name);
      const defs: Record<string, AnyColumnDef> = {};
      for (const col of columns.get(name) ?? []) defs[col.name] = column(col.type, columnOptions(col, pk?.columns ?? []));
      const items: (object | undefined)[] = [];
      if (pk !== undefined && pk.columns.length > 0) items.push(new PrimaryKeyConstraint([...pk.columns], nameOpt(pk.name)));
      for (const fk of fks.get(name) ?? []) {
        const refSchema = fk.referredSchema ?? schema;
        const prefix = refSchema === undefined ? `${fk.referredTable}.` : `${refSchema}.${fk.referredTable}.`;
        items.push(
          new ForeignKeyConstraint(
            [...fk.columns],
            fk.referredColumns.map((c) => prefix + c),
            {
              ...nameOpt(fk.name),
              ...(fk.ondelete === undefined ? {} : { ondelete: fk.ondelete as ReferentialAction }),
              ...(fk.onupdate === undefined ? {} : { onupdate: fk.onupdate as ReferentialAction }),
            },
          ),
        );
        if (fk.referredSchema === undefined && !seen.has(fk.referredTable)) next.push(fk.referredTable);
      }
      for (const u of uniques.get(name) ?? []) items.push(new UniqueConstraint([...u.columns], nameOpt(u.name)));
      for (const c of checks.get(name) ?? []) items.push(new CheckConstraint(text(c.sqltext), nameOpt(c.name)));
      const tableUniques = uniques.get(name) ?? [];
      for (const ix of indexes.get(name) ?? []) {
        // MySQL reports a UNIQUE constraint's index as an index too: the constraint makes it.
        if (ix.unique && tableUniques.some((u) => u.name === ix.name && sameList(u.columns, ix.columns))) continue;
        const elements: IndexElement[] = ix.columns.map((c, i) => c ?? literalColumn(ix.expressions[i] ?? ""));
        items.push(
          new Index(ix.name, elements, {
            unique: ix.unique,
            ...(ix.where === undefined ? {} : { where: text(ix.where) }),
          }),
        );
      }
      const comment = comments.get(name);
      items.push({ ...(schema === undefined ? {} : { schema }), ...(comment === undefined ? {} : { comment }) });
      const table = new Table(name, metadata, defs as ColumnDefs, ...(items as never[]));
      made.set(name, table as AnyTable);
    }
    wanted = next;
  }
  return made;
}

function sameList(a: readonly (string | undefined)[], b: readonly (string | undefined)[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function nameOpt(name: string | undefined): { name?: string } {
  return name === undefined ? {} : { name };
}

/**
 * `autoincrement`: true for SERIAL and identity columns; for other columns the
 * database numbers (MySQL AUTO_INCREMENT, SQLite's rowid) left to the schema's
 * "auto" rule when the column is the whole primary key, so that createAll
 * writes the dialect's usual key (AUTO_INCREMENT, `INTEGER PRIMARY KEY`), true
 * otherwise; false for a column the database does not number.
 */
function autoincrementOption(col: ReflectedColumn, serial: boolean, pk: readonly string[]): { autoincrement?: boolean } {
  if (serial || col.identity !== undefined) return { autoincrement: true };
  if (!col.autoincrement) return { autoincrement: false };
  return pk.length === 1 && pk[0] === col.name ? {} : { autoincrement: true };
}

function columnOptions(col: ReflectedColumn, pk: readonly string[]): ColumnOptions {
  const isInteger = col.type instanceof Integer || col.type instanceof BigInteger;
  const serial = col.identity === undefined && col.default !== undefined && /^nextval\(/i.test(col.default) && isInteger;
  return {
    nullable: col.nullable,
    ...autoincrementOption(col, serial, pk),
    ...(col.default === undefined || serial ? {} : { serverDefault: text(col.default) }),
    ...(col.identity === undefined
      ? {}
      : {
          identity: {
            always: col.identity.always,
            ...(col.identity.start === undefined ? {} : { start: col.identity.start }),
            ...(col.identity.increment === undefined ? {} : { increment: col.identity.increment }),
          },
        }),
    ...(col.comment === undefined ? {} : { comment: col.comment }),
  };
}

registerReflector(reflectInto);
