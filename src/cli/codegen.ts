/**
 * `athanor codegen --url URL [--schema S] [--tables a,b] [--out FILE]`: a
 * TypeScript module with typed {@link Table} definitions for a live database.
 *
 * Two parts: {@link readCodegenSource} reads what the Inspector knows about a
 * schema (plus, on PostgreSQL, which sequences are owned by which columns),
 * and {@link generateModule} is a pure function from that description to the
 * source text. See docs/codegen.md for what is emitted and its limits.
 *
 * @module
 */
import {
  inspect,
  type Connection,
  type Inspector,
  type Engine,
  type ReflectedCheckConstraint,
  type ReflectedColumn,
  type ReflectedForeignKey,
  type ReflectedIndex,
  type ReflectedPrimaryKey,
  type ReflectedUniqueConstraint,
} from "../engine/index.js";
import { NoSuchSchemaError, NoSuchTableError } from "../errors/index.js";
import { text, type ARRAY, type DateTime, type Enum, type Numeric, type String as StringType, type TypeEngine } from "../sql/index.js";
import { topologicalSort, type Edge } from "../util/index.js";
import { MetaData } from "../schema/index.js";
import { modelSpecs, modelsBlock, type ModelSpec } from "./codegen-models.js";

/** One table as the catalog describes it. */
export interface CodegenTable {
  readonly name: string;
  readonly columns: readonly ReflectedColumn[];
  readonly primaryKey: ReflectedPrimaryKey;
  readonly foreignKeys: readonly ReflectedForeignKey[];
  readonly indexes: readonly ReflectedIndex[];
  readonly uniqueConstraints: readonly ReflectedUniqueConstraint[];
  readonly checkConstraints: readonly ReflectedCheckConstraint[];
  readonly comment: string | undefined;
}

/** What {@link generateModule} writes a module from. */
export interface CodegenSource {
  /** The dialect name: `postgresql`, `sqlite`, `mysql` or `mariadb`. */
  readonly dialect: string;
  /** The schema the tables are in, when it is not the database's default schema (written into the MetaData). */
  readonly schema: string | undefined;
  /** Where the tables come from, for the header comment (a URL, shown without its password). */
  readonly origin?: string | undefined;
  /** The tables, in any order. */
  readonly tables: readonly CodegenTable[];
  /**
   * PostgreSQL: the sequence owned by a column (`ALTER SEQUENCE ... OWNED BY`, what SERIAL makes),
   * by `table.column`. A `nextval` default on a sequence the column owns becomes an autoincrement
   * (SERIAL) column; any other `nextval` default becomes a {@link Sequence}.
   */
  readonly ownedSequences?: ReadonlyMap<string, string> | undefined;
  /** SQLite: the tables whose integer key is declared `AUTOINCREMENT` (ids never reused), which the catalog's columns do not tell. */
  readonly sqliteAutoincrement?: ReadonlySet<string> | undefined;
  /** PostgreSQL: the numbering of the schema's sequences, by name (only what differs from the defaults is written). */
  readonly sequenceOptions?: ReadonlyMap<string, SequenceFacts> | undefined;
  /** Model classes to write after the tables (`--models`). */
  readonly models?: readonly ModelSpec[] | undefined;
}

/** A sequence's numbering as the catalog gives it (integers as decimal text). */
export interface SequenceFacts {
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
}

/** The options of `new Sequence(...)` that differ from CREATE SEQUENCE's defaults. */
function sequenceNumbering(facts: SequenceFacts | undefined): string[] {
  if (facts === undefined) return [];
  const int = (v: string): string => (Number.isSafeInteger(Number(v)) ? String(Number(v)) : `${v}n`);
  const ascending = !facts.increment.startsWith("-");
  const out: string[] = [];
  if (facts.start !== (ascending ? facts.min : facts.max)) out.push(`start: ${int(facts.start)}`);
  if (facts.increment !== "1") out.push(`increment: ${int(facts.increment)}`);
  if (facts.min !== (ascending ? "1" : "-9223372036854775808")) out.push(`minValue: ${int(facts.min)}`);
  if (facts.max !== (ascending ? "9223372036854775807" : "-1")) out.push(`maxValue: ${int(facts.max)}`);
  if (facts.cache !== "1") out.push(`cache: ${int(facts.cache)}`);
  if (facts.cycle) out.push("cycle: true");
  return out;
}

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await arguments eval undefined NaN Infinity"
  ).split(" "),
);

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

/** A safe camelCase identifier for a table name (`invoice_line` and `InvoiceLine` give `invoiceLine`). */
export function tableIdentifier(name: string): string {
  const words = name.split(/[^\p{L}\p{N}_$]+|_+/u).filter((w) => w.length > 0);
  if (words.length === 0) return "table";
  let id = words
    .map((word, i) => {
      if (i === 0) return word === word.toUpperCase() ? word.toLowerCase() : word.charAt(0).toLowerCase() + word.slice(1);
      return word.charAt(0).toUpperCase() + word.slice(1);
    })
    .join("");
  if (!IDENTIFIER.test(id)) id = `t${id}`;
  if (!IDENTIFIER.test(id)) id = `t${[...id].filter((ch) => /[\p{ID_Continue}$]/u.test(ch)).join("")}`;
  return id;
}

/** A property key: bare when it is a valid identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  if (name === "__proto__") return '["__proto__"]'; // a quoted "__proto__" key would set the prototype
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

const str = (value: string): string => JSON.stringify(value);

/** Parses `nextval('schema.seq'::regclass)` into the sequence's schema and name. */
export function nextvalSequence(defaultSql: string | undefined): { schema: string | undefined; name: string } | undefined {
  if (defaultSql === undefined) return undefined;
  const m = /^nextval\('((?:[^']|'')+)'(?:::regclass)?\)$/i.exec(defaultSql.trim());
  if (m === null) return undefined;
  const parts: string[] = [];
  const literal = (m[1] as string).replace(/''/g, "'");
  const re = /"((?:[^"]|"")*)"|([^."]+)/g;
  for (let match = re.exec(literal); match !== null; match = re.exec(literal)) {
    parts.push(match[1] !== undefined ? match[1].replace(/""/g, '"') : (match[2] as string).toLowerCase());
  }
  if (parts.length === 1) return { schema: undefined, name: parts[0] as string };
  if (parts.length === 2) return { schema: parts[0], name: parts[1] as string };
  return undefined;
}

const INTEGER_KINDS = new Set(["integer", "small_integer", "big_integer"]);

/** Writes the TypeScript expressions of types, collecting the names to import. */
class Emitter {
  readonly imports = new Set<string>(["MetaData"]);
  /** Named enums, shared by every column that uses them: identifier by `schema.name`. */
  readonly enums = new Map<string, { id: string; code: string }>();
  /** Sequences behind `nextval` defaults that are not SERIAL's: identifier by `schema.name`. */
  readonly sequences = new Map<string, { id: string; code: string }>();
  readonly taken: Set<string>;

  constructor(
    readonly dialect: string,
    readonly schema: string | undefined,
    taken: Set<string>,
    readonly sequenceOptions: ReadonlyMap<string, SequenceFacts> | undefined,
  ) {
    this.taken = taken;
  }

  use(name: string): string {
    this.imports.add(name);
    return name;
  }

  unique(base: string): string {
    const first = RESERVED.has(base) || IMPORTABLE.has(base) ? `${base}Table` : base;
    let id = first;
    for (let n = 2; this.taken.has(id); n++) id = `${first}${n}`;
    this.taken.add(id);
    return id;
  }

  /** The type as a `column()` argument: a class when it needs no argument, else an instance. */
  type(type: TypeEngine, databaseType: string | undefined): { code: string; note: string | undefined } {
    switch (type.visitName) {
      case "integer":
        return this.plain("Integer");
      case "small_integer":
        return this.plain("SmallInteger");
      case "big_integer":
        return this.plain("BigInteger");
      case "float":
        return this.plain("Float");
      case "boolean":
        return this.plain("Boolean");
      case "large_binary":
        return this.plain("LargeBinary");
      case "date":
        return this.plain("Date");
      case "time":
        return this.plain("Time");
      case "json":
        return this.plain("JSON");
      case "jsonb":
        return this.plain("JSONB");
      case "interval":
        return this.plain("Interval");
      case "uuid":
        return this.plain("UUID");
      case "numeric": {
        const { precision, scale } = type as Numeric;
        if (precision === undefined) return this.plain("Numeric");
        return { code: `new ${this.use("Numeric")}(${precision}${scale === undefined ? "" : `, ${scale}`})`, note: undefined };
      }
      case "string":
      case "text": {
        const name = type.visitName === "text" ? "Text" : "String";
        const length = (type as StringType).length;
        return length === undefined ? this.plain(name) : { code: `new ${this.use(name)}(${length})`, note: undefined };
      }
      case "datetime": {
        const options: string[] = [];
        if ((type as DateTime).timezone) options.push("timezone: true");
        // fractional-second digits, on types that carry them
        const precision = (type as { precision?: unknown }).precision;
        if (typeof precision === "number") options.push(`precision: ${precision}`);
        return options.length === 0 ? this.plain("DateTime") : { code: `new ${this.use("DateTime")}(${objectLiteral(options)})`, note: undefined };
      }
      case "enum":
        return { code: this.enumType(type as Enum), note: undefined };
      case "array": {
        const item = this.type((type as ARRAY<unknown>).itemType, databaseType?.replace(/\[\]$/, ""));
        return { code: `new ${this.use("ARRAY")}(${item.code})`, note: item.note };
      }
      default:
        return {
          code: `new ${this.use("NullType")}()`,
          note:
            `${databaseType === undefined || databaseType === "" ? "a column without a declared type" : `database type ${databaseType}`} has no Athanor type: ` +
            "NullType passes values through, but createAll cannot create it; give it a UserDefinedType (see docs/codegen.md).",
        };
    }
  }

  /** A sequence, shared by every column that takes its values from it. */
  sequence(seq: { schema: string | undefined; name: string }): string {
    const other = seq.schema !== undefined && seq.schema !== (this.schema ?? "public");
    const key = `${other ? (seq.schema as string) : ""}.${seq.name}`;
    let known = this.sequences.get(key);
    if (known === undefined) {
      // `metadata` gives it the MetaData's schema and registers it, so createAll creates it first.
      const numbering = other ? [] : sequenceNumbering(this.sequenceOptions?.get(seq.name));
      const code = `new ${this.use("Sequence")}(${str(seq.name)}, ${other ? `{ schema: ${str(seq.schema as string)} }` : objectLiteral(["metadata", ...numbering])})`;
      known = { id: this.unique(`${tableIdentifier(seq.name)}Sequence`), code };
      this.sequences.set(key, known);
    }
    return known.id;
  }

  plain(name: string): { code: string; note: undefined } {
    return { code: this.use(name), note: undefined };
  }

  enumType(type: Enum): string {
    const values = `[${type.values.map(str).join(", ")}]`;
    const options: string[] = [];
    if (type.name !== undefined) options.push(`name: ${str(type.name)}`);
    if (type.schema !== undefined && type.schema !== this.schema) options.push(`schema: ${str(type.schema)}`);
    if (!type.native) options.push("native: false");
    const code = `new ${this.use("Enum")}(${values}${options.length === 0 ? "" : `, { ${options.join(", ")} }`})`;
    if (type.name === undefined) return code;
    const key = `${type.schema ?? ""}.${type.name}`;
    let known = this.enums.get(key);
    if (known === undefined) {
      known = { id: this.unique(`${tableIdentifier(type.name)}Enum`), code };
      this.enums.set(key, known);
    }
    return known.id;
  }
}

/** Every name the module may import from "athanor": table identifiers must not take them. */
const IMPORTABLE = new Set([
  "MetaData", "Table", "column", "text", "literalColumn", "Sequence", "ForeignKey", "ForeignKeyConstraint", "PrimaryKeyConstraint",
  "UniqueConstraint", "CheckConstraint", "Index", "Integer", "SmallInteger", "BigInteger", "Float", "Numeric", "Boolean", "String",
  "Text", "LargeBinary", "Date", "Time", "DateTime", "JSON", "JSONB", "Interval", "UUID", "Enum", "ARRAY", "NullType", "metadata",
]);

/** The names PostgreSQL gives constraints by default; those are not written out. */
function isDefaultName(dialect: string, kind: "pkey" | "fkey" | "key", table: string, columns: readonly string[], name: string | undefined): boolean {
  if (name === undefined) return true;
  if (dialect !== "postgresql") return false;
  const expected = kind === "pkey" ? `${table}_pkey` : `${table}_${columns.join("_")}_${kind}`;
  return name === expected;
}

function fkOptions(fk: ReflectedForeignKey, dialect: string, table: string): string[] {
  const options: string[] = [];
  if (!isDefaultName(dialect, "fkey", table, fk.columns, fk.name)) options.push(`name: ${str(fk.name as string)}`);
  // The default (NO ACTION; on InnoDB also RESTRICT, the same thing there) is reported as none and written as none.
  if (fk.ondelete !== undefined) options.push(`ondelete: ${str(fk.ondelete)}`);
  if (fk.onupdate !== undefined) options.push(`onupdate: ${str(fk.onupdate)}`);
  return options;
}

function objectLiteral(entries: readonly string[]): string {
  return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
}

/** Sorts tables so that each comes after the tables its foreign keys refer to (cycles keep their order). */
function sortTables(tables: readonly CodegenTable[]): CodegenTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const edges: Edge<CodegenTable>[] = [];
  for (const table of tables) {
    for (const fk of table.foreignKeys) {
      const referred = fk.referredSchema === undefined ? byName.get(fk.referredTable) : undefined;
      if (referred !== undefined && referred !== table) edges.push([referred, table]);
    }
  }
  const order = topologicalSort(tables, edges);
  return [...order.sorted, ...order.cyclic];
}

/**
 * The TypeScript module for `source`: one `MetaData`, one exported `Table`
 * per table (in foreign key order), named enums as shared constants. Pure:
 * the same description always gives the same text.
 */
export function generateModule(source: CodegenSource): string {
  const tables = sortTables([...source.tables].sort((a, b) => a.name.localeCompare(b.name)));
  const taken = new Set<string>(["metadata"]);
  const emitter = new Emitter(source.dialect, source.schema, taken, source.sequenceOptions);
  const ids = new Map<string, string>();
  for (const table of tables) ids.set(table.name, emitter.unique(tableIdentifier(table.name)));
  const sequenceUses = new Map<string, number>();
  for (const col of tables.flatMap((t) => t.columns)) {
    const seq = nextvalSequence(col.default);
    if (seq !== undefined) sequenceUses.set(seq.name, (sequenceUses.get(seq.name) ?? 0) + 1);
  }
  const blocks = tables.map((table) => tableBlock(table, source, emitter, ids.get(table.name) as string, sequenceUses));

  const header = [
    `// Generated by \`athanor codegen\`${source.origin === undefined ? "" : ` from ${source.origin}`}${source.schema === undefined ? "" : `, schema ${source.schema}`}: ` +
      `${tables.length} table${tables.length === 1 ? "" : "s"}.`,
    "// Edit freely: nothing reads this file back. Views, triggers, functions and grants are not included.",
  ];
  const imports = `import { ${[...emitter.imports].sort((a, b) => a.localeCompare(b)).join(", ")} } from "athanor";`;
  const lines = [...header, imports];
  if (source.models !== undefined) lines.push(`import { declarativeBase, relationship } from "athanor/orm";`);
  lines.push("");
  lines.push(`export const metadata = new MetaData(${source.schema === undefined ? "" : `{ schema: ${str(source.schema)} }`});`, "");
  for (const { id, code } of [...emitter.enums.values(), ...emitter.sequences.values()]) lines.push(`export const ${id} = ${code};`, "");
  for (const block of blocks) lines.push(block, "");
  if (source.models !== undefined) lines.push(modelsBlock(source.models, (name) => ids.get(name) as string, propertyKey));
  return lines.join("\n");
}

function tableBlock(table: CodegenTable, source: CodegenSource, emitter: Emitter, id: string, sequenceUses: ReadonlyMap<string, number>): string {
  const dialect = source.dialect;
  const pkColumns = table.primaryKey.columns;
  const singleColumnFks = new Map<string, ReflectedForeignKey>();
  const compositeFks: ReflectedForeignKey[] = [];
  for (const fk of table.foreignKeys) {
    const col = fk.columns[0] as string;
    if (fk.columns.length === 1 && !singleColumnFks.has(col)) singleColumnFks.set(col, fk);
    else compositeFks.push(fk);
  }
  const fkColumns = new Set(table.foreignKeys.flatMap((fk) => fk.columns));

  // Which column the database numbers: identity, SERIAL (a nextval default on an owned sequence), AUTO_INCREMENT.
  const serial = new Map<string, "autoincrement" | "sequence">();
  let explicitAuto = table.columns.some((c) => c.identity !== undefined);
  const ordered = [...table.columns].sort((a, b) => Number(pkColumns.includes(b.name)) - Number(pkColumns.includes(a.name)));
  for (const col of ordered) {
    if (col.identity !== undefined) continue;
    const seq = nextvalSequence(col.default);
    if (seq !== undefined) {
      const owned = source.ownedSequences?.get(`${table.name}.${col.name}`);
      // SERIAL's own sequence: owned by the column, or (in dumps that leave OWNED BY out) named as SERIAL names it and used by no other column.
      const serialLike = owned === seq.name || (seq.name === `${table.name}_${col.name}_seq` && (sequenceUses.get(seq.name) ?? 0) === 1);
      if (serialLike && INTEGER_KINDS.has(col.type.visitName) && !explicitAuto) {
        serial.set(col.name, "autoincrement");
        explicitAuto = true;
      } else {
        serial.set(col.name, "sequence");
      }
    } else if (col.autoincrement && dialect !== "sqlite" && dialect !== "postgresql" && !explicitAuto) {
      serial.set(col.name, "autoincrement"); // MySQL AUTO_INCREMENT
      explicitAuto = true;
    } else if (col.autoincrement && dialect === "sqlite" && source.sqliteAutoincrement?.has(table.name) === true && pkColumns.length === 1 && pkColumns[0] === col.name) {
      serial.set(col.name, "autoincrement"); // INTEGER PRIMARY KEY AUTOINCREMENT; a plain rowid key is Athanor's default
      explicitAuto = true;
    }
  }
  // The column Athanor would number by itself (Table.autoincrementColumn): the single integer key column.
  const implicit =
    !explicitAuto && pkColumns.length === 1
      ? table.columns.find(
          (c) =>
            c.name === pkColumns[0] &&
            INTEGER_KINDS.has(c.type.visitName) &&
            !fkColumns.has(c.name) &&
            c.default === undefined,
        )
      : undefined;

  const columnLines: string[] = [];
  for (const col of table.columns) {
    const { code: typeCode, note } = emitter.type(col.type, col.databaseType);
    const options: string[] = [];
    const isPk = pkColumns.includes(col.name);
    if (isPk) options.push("primaryKey: true");
    else if (!col.nullable) options.push("nullable: false");
    const kind = serial.get(col.name);
    if (col.identity !== undefined) {
      const identity: string[] = [];
      if (col.identity.always) identity.push("always: true");
      if (col.identity.start !== undefined && col.identity.start !== 1) identity.push(`start: ${col.identity.start}`);
      if (col.identity.increment !== undefined && col.identity.increment !== 1) identity.push(`increment: ${col.identity.increment}`);
      options.push(`identity: ${identity.length === 0 ? "true" : objectLiteral(identity)}`);
    } else if (kind === "autoincrement") {
      options.push("autoincrement: true");
    } else if (kind === "sequence") {
      options.push(`sequence: ${emitter.sequence(nextvalSequence(col.default) as { schema: string | undefined; name: string })}`);
    } else {
      if (col.default !== undefined) options.push(`serverDefault: ${emitter.use("text")}(${str(col.default)})`);
      if (implicit === col && !col.autoincrement) options.push("autoincrement: false");
    }
    const fk = singleColumnFks.get(col.name);
    if (fk !== undefined) {
      const target = str(`${fk.referredSchema === undefined ? "" : `${fk.referredSchema}.`}${fk.referredTable}.${fk.referredColumns[0] as string}`);
      const fkOpts = fkOptions(fk, dialect, table.name);
      options.push(`foreignKey: ${fkOpts.length === 0 ? target : `new ${emitter.use("ForeignKey")}(${target}, ${objectLiteral(fkOpts)})`}`);
    }
    if (col.comment !== undefined) options.push(`comment: ${str(col.comment)}`);
    if (note !== undefined) columnLines.push(`    // ${note}`);
    columnLines.push(`    ${propertyKey(col.name)}: ${emitter.use("column")}(${typeCode}${options.length === 0 ? "" : `, ${objectLiteral(options)}`}),`);
  }

  const items: string[] = [];
  // The key columns are flagged `primaryKey: true`; a PrimaryKeyConstraint item keeps a name or an order that differs from the columns'.
  const columnOrder = table.columns.map((c) => c.name).filter((n) => pkColumns.includes(n));
  const named = !isDefaultName(dialect, "pkey", table.name, pkColumns, table.primaryKey.name);
  if (pkColumns.length > 0 && (named || columnOrder.join("\0") !== pkColumns.join("\0"))) {
    items.push(`new ${emitter.use("PrimaryKeyConstraint")}(${strList(pkColumns)}${named ? `, { name: ${str(table.primaryKey.name as string)} }` : ""})`);
  }
  for (const fk of compositeFks) {
    const prefix = fk.referredSchema === undefined ? `${fk.referredTable}.` : `${fk.referredSchema}.${fk.referredTable}.`;
    const opts = fkOptions(fk, dialect, table.name);
    items.push(
      `new ${emitter.use("ForeignKeyConstraint")}(${strList(fk.columns)}, ${strList(fk.referredColumns.map((c) => prefix + c))}` +
        `${opts.length === 0 ? "" : `, ${objectLiteral(opts)}`})`,
    );
  }
  for (const u of table.uniqueConstraints) {
    const named = !isDefaultName(dialect, "key", table.name, u.columns, u.name);
    items.push(`new ${emitter.use("UniqueConstraint")}(${strList(u.columns)}${named ? `, { name: ${str(u.name as string)} }` : ""})`);
  }
  for (const c of table.checkConstraints) {
    items.push(`new ${emitter.use("CheckConstraint")}(${emitter.use("text")}(${str(c.sqltext)})${c.name === undefined ? "" : `, { name: ${str(c.name)} }`})`);
  }
  for (const ix of table.indexes) {
    if (isConstraintIndex(ix, table, dialect)) continue;
    const elements = ix.columns.map((c, i) => (c !== undefined ? str(c) : `${emitter.use("literalColumn")}(${str(ix.expressions[i] ?? "")})`));
    const opts: string[] = [];
    if (ix.unique) opts.push("unique: true");
    if (ix.where !== undefined) opts.push(`where: ${emitter.use("text")}(${str(ix.where)})`);
    items.push(`new ${emitter.use("Index")}(${str(ix.name)}, [${elements.join(", ")}]${opts.length === 0 ? "" : `, ${objectLiteral(opts)}`})`);
  }
  if (table.comment !== undefined) items.push(`{ comment: ${str(table.comment)} }`);

  const out = [`export const ${id} = new ${emitter.use("Table")}(`, `  ${str(table.name)},`, "  metadata,", "  {", ...columnLines, "  },"];
  for (const item of items) out.push(`  ${item},`);
  out.push(");");
  return out.join("\n");
}

/**
 * Indexes that come with a constraint and are not written separately. MySQL and MariaDB index every foreign key, creating an index named after the constraint when
 * none fits: such an index comes back with the foreign key, and creating it as well would fail
 * ("Duplicate key name").
 */
function isConstraintIndex(ix: ReflectedIndex, table: CodegenTable, dialect: string): boolean {
  // A unique constraint is an index too on some databases (MySQL): it is written once, as the constraint.
  if (ix.unique && table.uniqueConstraints.some((u) => u.name === ix.name && u.columns.join("\0") === ix.columns.join("\0"))) return true;
  if (dialect !== "mysql" && dialect !== "mariadb") return false;
  return table.foreignKeys.some((fk) => fk.name === ix.name && !ix.unique && fk.columns.join("\0") === ix.columns.join("\0"));
}

function strList(values: readonly string[]): string {
  return `[${values.map(str).join(", ")}]`;
}

/** Options of {@link readCodegenSource}. */
export interface CodegenOptions {
  /** The schema (PostgreSQL schema, MySQL database); the default schema when omitted. */
  readonly schema?: string | undefined;
  /** Only these tables (plus the tables their foreign keys refer to, so that the module is complete). */
  readonly tables?: readonly string[] | undefined;
  /** Receives reflection warnings (a column type without an Athanor type); default: the engine's logger. */
  readonly onWarning?: ((message: string) => void) | undefined;
  /** Also write declarative model classes with the relationships the foreign keys imply. */
  readonly models?: boolean | undefined;
}

/** Raises NoSuchSchemaError, listing the schemas, when `schema` does not exist. */
export async function assertSchema(insp: Inspector, schema: string): Promise<void> {
  const schemas = await insp.getSchemaNames();
  if (!schemas.includes(schema)) throw new NoSuchSchemaError(`No schema named "${schema}"; the database has: ${schemas.join(", ") || "(none)"}.`);
}

/** PostgreSQL: the sequences owned by columns (what SERIAL makes), by `table.column`. */
async function ownedSequences(conn: Connection, schema: string | undefined): Promise<Map<string, string>> {
  const rows = (
    await conn.execute(
      text(
        "select t.relname as table_name, a.attname as column_name, s.relname as sequence_name " +
          "from pg_catalog.pg_depend d " +
          "join pg_catalog.pg_class s on s.oid = d.objid and s.relkind = 'S' " +
          "join pg_catalog.pg_class t on t.oid = d.refobjid " +
          "join pg_catalog.pg_namespace n on n.oid = t.relnamespace " +
          "join pg_catalog.pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid " +
          "where d.classid = 'pg_catalog.pg_class'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass and d.deptype = 'a' " +
          "and n.nspname = coalesce(:schema, current_schema())",
      ),
      { schema: schema ?? null },
    )
  ).all();
  return new Map(rows.map((r) => [`${String(r.table_name)}.${String(r.column_name)}`, String(r.sequence_name)]));
}

/** SQLite: the tables declared with AUTOINCREMENT (read from their CREATE TABLE text). */
async function sqliteAutoincrementTables(conn: Connection, schema: string | undefined): Promise<Set<string>> {
  const master = schema === undefined ? "sqlite_master" : `${conn.engine.dialect.createCompiler().forceQuote(schema)}.sqlite_master`;
  const rows = (await conn.execute(text(`select name, sql from ${master} where type = 'table'`))).all();
  return new Set(rows.filter((r) => /\bAUTOINCREMENT\b/i.test(String(r.sql ?? ""))).map((r) => String(r.name)));
}

/** PostgreSQL: the numbering of the sequences of a schema, by name. */
async function sequenceFacts(conn: Connection, schema: string | undefined): Promise<Map<string, SequenceFacts>> {
  const rows = (
    await conn.execute(
      text(
        "select s.relname as name, q.seqstart::text as start, q.seqincrement::text as increment, q.seqmin::text as min, " +
          "q.seqmax::text as max, q.seqcache::text as cache, q.seqcycle as cycle " +
          "from pg_catalog.pg_sequence q join pg_catalog.pg_class s on s.oid = q.seqrelid " +
          "join pg_catalog.pg_namespace n on n.oid = s.relnamespace where n.nspname = coalesce(:schema, current_schema())",
      ),
      { schema: schema ?? null },
    )
  ).all();
  return new Map(
    rows.map((r) => [
      String(r.name),
      { start: String(r.start), increment: String(r.increment), min: String(r.min), max: String(r.max), cache: String(r.cache), cycle: r.cycle === true },
    ]),
  );
}

/**
 * Reads the description {@link generateModule} needs, on one connection: the
 * tables of the schema (or the listed ones and the tables they refer to),
 * with one catalog query per kind of information.
 */
export async function readCodegenSource(engine: Engine, options: CodegenOptions = {}): Promise<CodegenSource> {
  return engine.connect(async (conn) => {
    const insp = inspect(conn, options.onWarning === undefined ? {} : { onWarning: options.onWarning });
    const defaultSchema = await insp.getDefaultSchemaName();
    const schema = options.schema === undefined || options.schema === defaultSchema ? undefined : options.schema;
    if (schema !== undefined) await assertSchema(insp, schema);
    const names = await insp.getTableNames(schema);
    const known = new Set(names);
    if (options.tables !== undefined) {
      const missing = options.tables.filter((t) => !known.has(t));
      if (missing.length > 0) {
        throw new NoSuchTableError(
          `No table named ${missing.map((t) => `"${t}"`).join(", ")}${schema === undefined ? "" : ` in schema "${schema}"`}; ` +
            `the tables are: ${names.join(", ") || "(none)"}.`,
        );
      }
    }
    const scope = { schema, tables: names };
    // One after the other: they share one connection.
    const columns = await insp.getMultiColumns(scope);
    const pks = await insp.getMultiPkConstraint(scope);
    const fks = await insp.getMultiForeignKeys(scope);
    const indexes = await insp.getMultiIndexes(scope);
    const uniques = await insp.getMultiUniqueConstraints(scope);
    const checks = await insp.getMultiCheckConstraints(scope);
    const comments = await insp.getMultiTableComment(scope);
    // The listed tables and, transitively, the tables of this schema their foreign keys refer to.
    const wanted = new Set(options.tables ?? names);
    const queue = [...wanted];
    while (queue.length > 0) {
      for (const fk of fks.get(queue.pop() as string) ?? []) {
        if (fk.referredSchema === undefined && known.has(fk.referredTable) && !wanted.has(fk.referredTable)) {
          wanted.add(fk.referredTable);
          queue.push(fk.referredTable);
        }
      }
    }
    const dialect = engine.dialect.name;
    const tables: CodegenTable[] = names
      .filter((name) => wanted.has(name))
      .map((name) => ({
        name,
        columns: columns.get(name) ?? [],
        primaryKey: pks.get(name) ?? { name: undefined, columns: [] },
        foreignKeys: fks.get(name) ?? [],
        indexes: indexes.get(name) ?? [],
        uniqueConstraints: uniques.get(name) ?? [],
        checkConstraints: checks.get(name) ?? [],
        comment: comments.get(name),
      }));
    return {
      dialect,
      schema,
      origin: engine.url.toString(),
      tables,
      ownedSequences: dialect === "postgresql" ? await ownedSequences(conn, schema) : undefined,
      sequenceOptions: dialect === "postgresql" ? await sequenceFacts(conn, schema) : undefined,
      sqliteAutoincrement: dialect === "sqlite" ? await sqliteAutoincrementTables(conn, schema) : undefined,
    };
  });
}

/** `athanor codegen`: the module text for a database. */
export async function codegenCommand(engine: Engine, options: CodegenOptions = {}): Promise<string> {
  const source = await readCodegenSource(engine, options);
  if (options.models !== true) return generateModule(source);
  // The same tables as schema objects, for automap's relationship inference.
  const metadata = new MetaData();
  const names = source.tables.map((t) => t.name);
  await metadata.reflect(engine, {
    only: names,
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    onWarning: () => undefined, // already reported by the first read
  });
  return generateModule({ ...source, models: modelSpecs(metadata) });
}
