/**
 * Reading MySQL values in Athanor's representation. mysql2's own parsers do
 * most of it (configured once per connection: DECIMAL as text, DATE as text,
 * DATETIME/TIMESTAMP as UTC Dates, JSON parsed); this module finishes the
 * columns mysql2 cannot: BIGINT (read as exact text, returned as `bigint`),
 * TINYINT(1) (returned as `boolean`) and, in the binary protocol, FLOAT.
 * A result without such a column is returned with no per-row pass.
 *
 * @module
 */
import type { DriverColumn } from "../../engine/interfaces.js";

/** The parts of mysql2's field description used here. */
export interface MySQLField {
  readonly name: string;
  readonly columnType?: number | undefined;
  readonly columnLength?: number | undefined;
  readonly characterSet?: number | undefined;
  readonly flags: number | string[];
  readonly extendedFormat?: string | undefined;
  readonly extendedTypeName?: string | undefined;
}

/** MySQL protocol column types (include/mysql_com.h). */
const T = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  VECTOR: 242,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

/** The `binary` collation: a string type with it is a binary type. */
const BINARY_CHARSET = 63;

const TYPE_NAMES: Readonly<Record<number, string>> = {
  [T.DECIMAL]: "decimal",
  [T.NEWDECIMAL]: "decimal",
  [T.TINY]: "tinyint",
  [T.SHORT]: "smallint",
  [T.LONG]: "int",
  [T.FLOAT]: "float",
  [T.DOUBLE]: "double",
  [T.NULL]: "null",
  [T.TIMESTAMP]: "timestamp",
  [T.LONGLONG]: "bigint",
  [T.INT24]: "mediumint",
  [T.DATE]: "date",
  [T.NEWDATE]: "date",
  [T.TIME]: "time",
  [T.DATETIME]: "datetime",
  [T.YEAR]: "year",
  [T.BIT]: "bit",
  [T.VECTOR]: "vector",
  [T.JSON]: "json",
  [T.ENUM]: "enum",
  [T.SET]: "set",
  [T.GEOMETRY]: "geometry",
};

function isBoolean(field: MySQLField): boolean {
  return field.columnType === T.TINY && field.columnLength === 1;
}

/** The lower-case type name of a column (`bigint`, `tinyint(1)`, `varchar`, `blob`, `json` ...). */
export function typeName(field: MySQLField): string | undefined {
  if (field.extendedFormat === "json") return "json";
  const type = field.columnType;
  if (type === undefined) return undefined;
  if (isBoolean(field)) return "tinyint(1)";
  const binary = field.characterSet === BINARY_CHARSET;
  switch (type) {
    case T.VARCHAR:
    case T.VAR_STRING:
      return binary ? "varbinary" : "varchar";
    case T.STRING:
      return binary ? "binary" : "char";
    case T.TINY_BLOB:
    case T.MEDIUM_BLOB:
    case T.LONG_BLOB:
    case T.BLOB:
      return binary ? "blob" : "text";
    default:
      return TYPE_NAMES[type];
  }
}

/** The engine's view of the result columns. */
export function describeColumns(fields: readonly MySQLField[]): DriverColumn[] {
  return fields.map((f) => ({ name: f.name, type: typeName(f) }));
}

const KIND_BIGINT = 1;
const KIND_BOOLEAN = 2;
const KIND_FLOAT32 = 3;

/** Per column, what to do (0 = nothing); `undefined` when there is nothing to do at all. */
export type RowPlan = Uint8Array | undefined;

/**
 * The conversions for a result. `binary` is true for results of the
 * prepared-statement protocol, whose FLOAT values arrive as raw float32.
 */
export function planRows(fields: readonly MySQLField[], binary: boolean): RowPlan {
  let plan: Uint8Array | undefined;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    let kind = 0;
    if (field.columnType === T.LONGLONG) kind = KIND_BIGINT;
    else if (isBoolean(field)) kind = KIND_BOOLEAN;
    else if (binary && field.columnType === T.FLOAT) kind = KIND_FLOAT32;
    if (kind !== 0) {
      plan ??= new Uint8Array(fields.length);
      plan[i] = kind;
    }
  }
  return plan;
}

/**
 * The shortest decimal that reads back as the same float32: what the text
 * protocol prints (1.1, not 1.100000023841858).
 */
function shortestFloat32(value: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** Converts rows in place. */
export function convertRows(rows: unknown[][], plan: Uint8Array): void {
  const width = plan.length;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < width; c++) {
      const kind = plan[c];
      if (kind === 0) continue;
      const value = row[c];
      if (value === null) continue;
      if (kind === KIND_BIGINT) {
        // supportBigNumbers + bigNumberStrings: always the exact decimal text.
        if (typeof value === "string" || typeof value === "number") row[c] = BigInt(value);
      } else if (kind === KIND_BOOLEAN) {
        if (typeof value === "number") row[c] = value !== 0;
      } else if (typeof value === "number" && Number.isFinite(value)) {
        row[c] = shortestFloat32(value);
      }
    }
  }
}
