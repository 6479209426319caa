/**
 * Reading SQLite values in Athanor's representation. SQLite values carry no
 * type, so the declared type of the result column decides: BOOLEAN reads back
 * as `boolean`, BIGINT as `bigint`, DATETIME/TIMESTAMP as `Date`,
 * DECIMAL/NUMERIC as a string. Everything else is better-sqlite3's own value
 * (numbers, strings, Buffers).
 *
 * DECIMAL and NUMERIC columns have NUMERIC affinity: SQLite turns numeric
 * text into an INTEGER or a REAL when it stores it, so such a column holds at
 * most ~16 significant digits and no trailing zeros ("12.50" reads back as
 * "12.5"). Exact decimals need a column with TEXT affinity.
 *
 * A statement is inspected once, when it is prepared; a statement with no
 * such column is read with no per-row pass at all.
 *
 * @module
 */
import type { DriverColumn } from "../../engine/interfaces.js";
import { parseTimestamp } from "./values.js";

/** What to do with the values of one column. */
const Kind = {
  None: 0,
  Boolean: 1,
  BigInt: 2,
  Timestamp: 3,
  /** Under safe integers: turn a bigint back into a number when it fits. */
  Number: 4,
  /** A number stored by NUMERIC affinity, returned as its decimal text. */
  Decimal: 5,
} as const;

/** A column conversion, one of {@link Kind}. */
export type ColumnKind = (typeof Kind)[keyof typeof Kind];

/** The conversions of one statement's columns. */
export interface ColumnPlan {
  /** Read with better-sqlite3's `safeIntegers` (the statement has a BIGINT, DECIMAL or NUMERIC column). */
  readonly safeIntegers: boolean;
  readonly kinds: readonly ColumnKind[];
}

/** The part of better-sqlite3's column description used here. */
export interface DeclaredColumn {
  readonly name: string;
  readonly type: string | null;
}

function kindOf(declared: string | null): ColumnKind {
  if (declared === null) return Kind.None;
  const base = declared.toUpperCase().replace(/\(.*$/s, "").trim();
  if (base === "BOOLEAN" || base === "BOOL") return Kind.Boolean;
  if (base === "BIGINT" || base === "INT8" || base === "UNSIGNED BIG INT") return Kind.BigInt;
  if (base.startsWith("DATETIME") || base.startsWith("TIMESTAMP")) return Kind.Timestamp;
  if (base === "DECIMAL" || base === "NUMERIC") return Kind.Decimal;
  return Kind.None;
}

/** The result columns as the engine sees them: name and declared type, lower case. */
export function describeColumns(columns: readonly DeclaredColumn[]): readonly DriverColumn[] {
  // Frozen: kept with the prepared statement and handed back on every run (see DriverResult.columns).
  return Object.freeze(columns.map((c) => ({ name: c.name, type: c.type === null ? undefined : c.type.toLowerCase() })));
}

/** The conversions a statement needs, or `undefined` when its rows are already right. */
export function planColumns(columns: readonly DeclaredColumn[]): ColumnPlan | undefined {
  const kinds: ColumnKind[] = columns.map((c) => kindOf(c.type));
  // An integer in a DECIMAL column must not be rounded before it becomes text either.
  const safeIntegers = kinds.includes(Kind.BigInt) || kinds.includes(Kind.Decimal);
  if (safeIntegers) {
    // Every integer now arrives as a bigint: the other columns get their numbers back.
    for (let i = 0; i < kinds.length; i++) if (kinds[i] === Kind.None) kinds[i] = Kind.Number;
  } else if (kinds.every((k) => k === Kind.None)) {
    return undefined;
  }
  return { safeIntegers, kinds };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** A bigint as a number when no precision is lost, else the bigint itself (never a rounded number). */
export function toNumberIfSafe(value: bigint): number | bigint {
  return value <= MAX_SAFE && value >= MIN_SAFE ? Number(value) : value;
}

/** Converts rows in place. */
export function convertRows(rows: unknown[][], plan: ColumnPlan): void {
  const kinds = plan.kinds;
  const width = kinds.length;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < width; c++) {
      const kind = kinds[c];
      if (kind === Kind.None) continue;
      const value = row[c];
      if (value === null) continue;
      switch (kind) {
        case Kind.Number:
          if (typeof value === "bigint") row[c] = toNumberIfSafe(value);
          break;
        case Kind.Boolean:
          if (typeof value === "number") row[c] = value !== 0;
          else if (typeof value === "bigint") row[c] = value !== 0n;
          break;
        case Kind.BigInt:
          // A REAL or TEXT stored in a BIGINT column (SQLite allows it) stays as it is.
          if (typeof value === "number" && Number.isInteger(value)) row[c] = BigInt(value);
          break;
        case Kind.Decimal:
          if (typeof value === "number" || typeof value === "bigint") row[c] = String(value);
          break;
        case Kind.Timestamp:
          if (typeof value === "string") {
            const date = parseTimestamp(value);
            if (date !== undefined) row[c] = date;
          }
          break;
      }
    }
  }
}
