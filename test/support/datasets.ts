/**
 * The sample databases of /work/shared/datasets (Chinook, Pagila) for the
 * reflection tests: where they are, how to split their scripts into
 * statements, and a loader for pg_dump data (`COPY ... FROM stdin` blocks
 * turned into batched multi-row INSERTs with bound parameters).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inspect, type Connection, type Engine } from "../../src/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A file of the shared datasets: `../shared/datasets` beside the repository, else `/work/shared/datasets`. */
export function datasetPath(...parts: string[]): string {
  const beside = path.resolve(repoRoot, "..", "shared", "datasets", ...parts);
  return existsSync(beside) ? beside : path.join("/work/shared/datasets", ...parts);
}

function readDataset(...parts: string[]): string {
  return readFileSync(datasetPath(...parts), "utf8").replace(/^\uFEFF/, "");
}

/** The Chinook table names of the SQLite and MySQL scripts (PascalCase). */
export const CHINOOK_TABLES = [
  "Album",
  "Artist",
  "Customer",
  "Employee",
  "Genre",
  "Invoice",
  "InvoiceLine",
  "MediaType",
  "Playlist",
  "PlaylistTrack",
  "Track",
] as const;

/** Row counts of Chinook's tables (the same in every script). */
export const CHINOOK_COUNTS: Readonly<Record<(typeof CHINOOK_TABLES)[number], number>> = {
  Album: 347,
  Artist: 275,
  Customer: 59,
  Employee: 8,
  Genre: 25,
  Invoice: 412,
  InvoiceLine: 2240,
  MediaType: 5,
  Playlist: 18,
  PlaylistTrack: 8715,
  Track: 3503,
};

/** The PostgreSQL Chinook script without its DROP/CREATE DATABASE and \c lines, split into statements. */
export function chinookPostgresStatements(): string[] {
  const script = readDataset("chinook", "Chinook_PostgreSql.sql")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .filter((line) => !/^\s*(\\c|DROP DATABASE|CREATE DATABASE)/i.test(line))
    .join("\n");
  return script
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The SQLite Chinook script, whole (better-sqlite3's `exec` runs it at once). */
export function chinookSQLiteScript(): string {
  return readDataset("chinook", "Chinook_Sqlite.sql");
}

/** Runs the SQLite Chinook script on the raw better-sqlite3 connection under `conn`, and commits. */
export async function loadChinookSQLite(conn: Connection): Promise<void> {
  await conn.execDriverSql("SELECT 1"); // begins the transaction, so the script runs inside it
  (conn.driverConnection as { exec(sql: string): void }).exec(chinookSQLiteScript());
  await conn.commit();
}

/** The MySQL Chinook statements, without its DROP/CREATE DATABASE and USE. */
export function chinookMySQLStatements(): string[] {
  return splitMySQLScript(readDataset("chinook", "Chinook_MySql.sql")).filter((s) => !/^(DROP|CREATE) DATABASE|^USE\s/i.test(s));
}

/** Runs the MySQL Chinook script on `conn` (whose current database receives it), and commits. */
export async function loadChinookMySQL(conn: Connection): Promise<void> {
  for (const statement of chinookMySQLStatements()) await conn.execDriverSql(statement);
  await conn.commit();
}

/** Splits a MySQL script into statements at semicolons outside strings, quoted names and comments. */
export function splitMySQLScript(script: string): string[] {
  const statements: string[] = [];
  let current = "";
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      while (j < script.length) {
        if (script[j] === "\\" && c !== "`") j += 2;
        else if (script[j] === c && script[j + 1] === c) j += 2;
        else if (script[j] === c) break;
        else j++;
      }
      current += script.slice(i, j + 1);
      i = j + 1;
    } else if ((c === "-" && script[i + 1] === "-") || c === "#") {
      const eol = script.indexOf("\n", i);
      i = eol === -1 ? script.length : eol + 1;
      current += "\n";
    } else if (c === "/" && script[i + 1] === "*") {
      const close = script.indexOf("*/", i + 2);
      i = close === -1 ? script.length : close + 2;
      current += " ";
    } else if (c === ";") {
      if (current.trim() !== "") statements.push(current.trim());
      current = "";
      i++;
    } else {
      current += c;
      i++;
    }
  }
  if (current.trim() !== "") statements.push(current.trim());
  return statements;
}

/**
 * Splits PostgreSQL SQL (a pg_dump script) into statements: dollar quotes and
 * string literals respected, `--` comments dropped, OWNER/GRANT/REVOKE left out.
 */
export function splitPostgresScript(src: string): string[] {
  const out: string[] = [];
  let cur = "";
  let dollar: string | undefined;
  let quote = false;
  let i = 0;
  while (i < src.length) {
    const ch = src.charAt(i);
    if (dollar !== undefined) {
      if (src.startsWith(dollar, i)) {
        cur += dollar;
        i += dollar.length;
        dollar = undefined;
      } else {
        cur += ch;
        i++;
      }
      continue;
    }
    if (quote) {
      if (ch === "'") quote = false;
      cur += ch;
      i++;
      continue;
    }
    if (ch === "'") quote = true;
    if (ch === "-" && src.charAt(i + 1) === "-") {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    if (ch === "$") {
      const tag = /^\$[A-Za-z_]*\$/.exec(src.slice(i, i + 40));
      if (tag !== null) {
        dollar = tag[0];
        cur += dollar;
        i += dollar.length;
        continue;
      }
    }
    if (ch === ";") {
      if (cur.trim() !== "") out.push(cur.trim());
      cur = "";
      i++;
      continue;
    }
    cur += ch;
    i++;
  }
  if (cur.trim() !== "") out.push(cur.trim());
  return out.filter((s) => !/OWNER TO|^GRANT|^REVOKE/i.test(s));
}

/** The statements of Pagila's schema dump. */
export function pagilaSchemaStatements(): string[] {
  return splitPostgresScript(readDataset("pagila", "pagila-schema.sql"));
}

// -- pg_dump data: COPY blocks ---------------------------------------------

/** One `COPY table (columns) FROM stdin` block: its rows, each field a string or null (`\N`). */
export interface CopyBlock {
  readonly kind: "copy";
  /** The table as written (`public.actor`). */
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: (string | null)[][];
}

/** Plain SQL between COPY blocks. */
export interface SqlStatement {
  readonly kind: "sql";
  readonly sql: string;
}

const COPY_ESCAPES: Readonly<Record<string, string>> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };

/**
 * One field of PostgreSQL's COPY text format: `\N` alone is NULL; backslash
 * escapes `\b \f \n \r \t \v \\`, octal `\123`, hex `\x4F`; any other escaped
 * character stands for itself.
 */
export function unescapeCopyField(field: string): string | null {
  if (field === "\\N") return null;
  if (!field.includes("\\")) return field;
  let out = "";
  for (let i = 0; i < field.length; i++) {
    const c = field[i]!;
    if (c !== "\\" || i + 1 >= field.length) {
      out += c;
      continue;
    }
    const next = field[i + 1]!;
    const octal = /^[0-7]{1,3}/.exec(field.slice(i + 1, i + 4));
    const hex = next === "x" ? /^[0-9A-Fa-f]{1,2}/.exec(field.slice(i + 2, i + 4)) : null;
    if (octal !== null) {
      out += String.fromCharCode(Number.parseInt(octal[0], 8));
      i += octal[0].length;
    } else if (hex !== null) {
      out += String.fromCharCode(Number.parseInt(hex[0], 16));
      i += 1 + hex[0].length;
    } else {
      out += COPY_ESCAPES[next] ?? next;
      i += 1;
    }
  }
  return out;
}

/** Splits a pg_dump script with COPY blocks into SQL statements and COPY blocks, in order. */
export function parsePgDump(script: string): (SqlStatement | CopyBlock)[] {
  const items: (SqlStatement | CopyBlock)[] = [];
  const lines = script.split("\n");
  let sql: string[] = [];
  const flush = (): void => {
    for (const statement of splitPostgresScript(sql.join("\n"))) items.push({ kind: "sql", sql: statement });
    sql = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const copy = /^COPY\s+(\S+)\s*\(([^)]*)\)\s+FROM\s+stdin;\s*$/i.exec(line);
    if (copy === null) {
      sql.push(line);
      continue;
    }
    flush();
    const columns = copy[2]!.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
    const rows: (string | null)[][] = [];
    for (i++; i < lines.length && lines[i] !== "\\."; i++) {
      const fields = lines[i]!.replace(/\r$/, "").split("\t").map(unescapeCopyField);
      if (fields.length !== columns.length) {
        throw new Error(`COPY ${copy[1]}: line ${i + 1} has ${fields.length} fields for ${columns.length} columns`);
      }
      rows.push(fields);
    }
    items.push({ kind: "copy", table: copy[1]!, columns, rows });
  }
  flush();
  return items;
}

/** What {@link loadPgDump} did: rows per COPY target (as written in the dump), statements run, time taken. */
export interface PgDumpLoad {
  readonly rows: Map<string, number>;
  readonly statements: number;
  readonly ms: number;
}

export interface PgDumpLoadOptions {
  /** Bound parameters per INSERT at most (PostgreSQL allows 65535); default 30000. */
  readonly maxParams?: number;
  /** Only the first N rows of each COPY block. */
  readonly rowLimit?: number;
}

function quoteQualified(name: string): string {
  return name
    .split(".")
    .map((part) => `"${part.replace(/^"(.*)"$/, "$1").replaceAll('"', '""')}"`)
    .join(".");
}

/**
 * Loads a pg_dump data script on `conn` in one transaction: SET/SELECT
 * statements as they are, each COPY block as multi-row INSERTs with bound
 * parameters (untyped, so the server reads each text value as its column's
 * type). Triggers and foreign-key checks are off during the load
 * (`session_replication_role = replica`, as `pg_restore --disable-triggers`),
 * since a data-only dump is ordered by table, not by dependency.
 * `search_path` is reset afterwards (the dump empties it).
 */
export async function loadPgDump(conn: Connection, script: string, options: PgDumpLoadOptions = {}): Promise<PgDumpLoad> {
  const started = performance.now();
  const maxParams = options.maxParams ?? 30_000;
  const rows = new Map<string, number>();
  let statements = 0;
  await conn.execDriverSql("SET session_replication_role = replica");
  for (const item of parsePgDump(script)) {
    if (item.kind === "sql") {
      await conn.execDriverSql(item.sql);
      statements++;
      continue;
    }
    const data = options.rowLimit === undefined ? item.rows : item.rows.slice(0, options.rowLimit);
    rows.set(item.table, (rows.get(item.table) ?? 0) + data.length);
    const width = item.columns.length;
    const perBatch = Math.max(1, Math.floor(maxParams / width));
    const head = `INSERT INTO ${quoteQualified(item.table)} (${item.columns.map((c) => quoteQualified(c)).join(", ")}) VALUES `;
    for (let start = 0; start < data.length; start += perBatch) {
      const batch = data.slice(start, start + perBatch);
      const params: (string | null)[] = [];
      const tuples: string[] = [];
      for (const row of batch) {
        const marks: string[] = [];
        for (const value of row) {
          params.push(value);
          marks.push(`$${params.length}`);
        }
        tuples.push(`(${marks.join(", ")})`);
      }
      await conn.execDriverSql(head + tuples.join(", "), params);
      statements++;
    }
  }
  await conn.execDriverSql("SET session_replication_role = DEFAULT");
  await conn.commit();
  await conn.execDriverSql("RESET search_path");
  await conn.commit();
  return { rows, statements, ms: performance.now() - started };
}

/** Pagila's data script (pg_dump with COPY blocks). */
export function pagilaDataScript(): string {
  return readDataset("pagila", "pagila-data.sql");
}

// -- comparing reflections --------------------------------------------------

export interface DescribeOptions {
  /** Keep each column's `databaseType` (the database's own type text); default true. */
  readonly databaseTypes?: boolean;
}

/**
 * Everything the Inspector says about the tables of a schema, as plain data
 * (types by their `typeName`), sorted by table: what a round trip must keep.
 */
export async function describeSchema(bind: Engine | Connection, schema?: string, options: DescribeOptions = {}): Promise<Record<string, unknown>> {
  const insp = inspect(bind, { onWarning: () => {} });
  const scope = { schema };
  const plain = <V>(m: Map<string, V>): Record<string, V> => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const columns = await insp.getMultiColumns(scope);
  return {
    tables: await insp.getTableNames(schema),
    columns: plain(
      new Map(
        [...columns].map(([t, cols]) => [
          t,
          cols.map((c) => {
            const { databaseType, ...rest } = c;
            return { ...rest, type: c.type.typeName, ...(options.databaseTypes === false ? {} : { databaseType }) };
          }),
        ]),
      ),
    ),
    pks: plain(await insp.getMultiPkConstraint(scope)),
    fks: plain(await insp.getMultiForeignKeys(scope)),
    indexes: plain(await insp.getMultiIndexes(scope)),
    uniques: plain(await insp.getMultiUniqueConstraints(scope)),
    checks: plain(await insp.getMultiCheckConstraints(scope)),
    comments: plain(await insp.getMultiTableComment(scope)),
  };
}
