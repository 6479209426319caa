/**
 * Values at the SQLite boundary: what a parameter becomes before better-sqlite3
 * binds it, and how text timestamps are read back.
 *
 * SQLite has no date type: Athanor stores a `Date` as UTC text
 * `YYYY-MM-DD HH:MM:SS.fff`, which sorts correctly and is what SQLite's own
 * date functions read.
 *
 * @module
 */
import { describeUnwritableDate, utcTimestampText } from "../../util/index.js";
import { DataError, InterfaceError } from "../../errors/index.js";

/**
 * Converts the engine's parameters to values better-sqlite3 binds, rejecting
 * what SQLite could not store faithfully. Returns the input array when no
 * value needs converting (the common case allocates nothing).
 */
export function bindParameters(sql: string, params: readonly unknown[]): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    const converted = bindValue(value, i, sql, params);
    if (converted !== value) {
      out ??= params.slice();
      out[i] = converted;
    }
  }
  return out ?? params;
}

function bindValue(value: unknown, index: number, sql: string, params: readonly unknown[]): unknown {
  switch (typeof value) {
    case "string":
      if (!isWellFormed(value)) {
        throw new DataError(
          `Parameter ${index + 1} is a string with a lone UTF-16 surrogate, which SQLite cannot store as valid text.`,
          { sql, params },
        );
      }
      return value;
    case "number":
      if (!Number.isFinite(value)) {
        // SQLite would store NaN as NULL and ±Infinity as an out-of-range REAL.
        throw new DataError(`Parameter ${index + 1} is ${value}: SQLite cannot store NaN or Infinity.`, { sql, params });
      }
      // better-sqlite3 binds every number as a REAL: 5 would be stored as '5.0'
      // in a TEXT column and typeof(?) would say real. Whole numbers go as
      // 64-bit integers instead (a bigint binds with sqlite3_bind_int64).
      return Number.isSafeInteger(value) ? BigInt(value) : value;
    case "bigint":
      return value;
    case "boolean":
      return value ? 1n : 0n;
    case "undefined":
      throw new InterfaceError(`Parameter ${index + 1} is undefined; use null for SQL NULL.`, { sql, params });
    case "object":
      if (value === null || value instanceof Uint8Array) return value;
      if (value instanceof Date) return formatTimestamp(value, index, sql, params);
      if (isJsonLike(value)) return JSON.stringify(value);
      throw new InterfaceError(
        `Parameter ${index + 1} is a ${value.constructor?.name ?? "object"}, which cannot be bound; pass a plain object or array (stored as JSON), a Date, a Buffer or a primitive.`,
        { sql, params },
      );
    default:
      throw new InterfaceError(`Parameter ${index + 1} is a ${typeof value}, which cannot be bound.`, { sql, params });
  }
}

/** Plain objects, arrays and objects that define `toJSON` become JSON text. */
function isJsonLike(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return true;
  return typeof (value as { toJSON?: unknown }).toJSON === "function";
}

/** `String.prototype.isWellFormed` (Node 20+), typed here because the ES2023 lib lacks it. */
export function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** `YYYY-MM-DD HH:MM:SS.fff` in UTC. */
export function formatTimestamp(date: Date, index = 0, sql?: string, params?: readonly unknown[]): string {
  const text = utcTimestampText(date);
  if (text === undefined) {
    throw new DataError(`Parameter ${index + 1} is ${describeUnwritableDate(date)}: only years 0000 to 9999 can be stored as SQLite timestamp text.`, { sql, params });
  }
  return text;
}

/** Reads `count` decimal digits at `at`, or -1 when one is not a digit. */
function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Parses the text SQLite holds for a timestamp: `YYYY-MM-DD`, optionally
 * followed by ` HH:MM[:SS[.fff...]]` (or `T`), optionally followed by `Z` or
 * `±HH[:MM]`. Text without a zone is a UTC wall-clock time. Returns `undefined`
 * for anything else, so the caller keeps the raw value.
 */
export function parseTimestamp(text: string): Date | undefined {
  const len = text.length;
  if (len < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let pos = 10;
  if (pos < len && (text[pos] === " " || text[pos] === "T")) {
    hour = digits(text, pos + 1, 2);
    minute = text.charCodeAt(pos + 3) === 58 ? digits(text, pos + 4, 2) : -1;
    if (hour < 0 || minute < 0) return undefined;
    pos += 6;
    if (text.charCodeAt(pos) === 58) {
      second = digits(text, pos + 1, 2);
      if (second < 0) return undefined;
      pos += 3;
      if (text.charCodeAt(pos) === 46) {
        pos++;
        const start = pos;
        while (pos < len && text.charCodeAt(pos) >= 48 && text.charCodeAt(pos) <= 57) pos++;
        if (pos === start) return undefined;
        // Milliseconds from the first three digits; finer digits cannot live in a Date.
        const frac = text.slice(start, Math.min(pos, start + 3)).padEnd(3, "0");
        ms = Number(frac);
      }
    }
  }
  let offsetMinutes = 0;
  if (pos < len) {
    const sign = text[pos];
    if (sign === "Z" && pos + 1 === len) {
      pos++;
    } else if (sign === "+" || sign === "-") {
      const oh = digits(text, pos + 1, 2);
      let om = 0;
      let end = pos + 3;
      if (text.charCodeAt(end) === 58) end++;
      if (end < len) {
        om = digits(text, end, 2);
        end += 2;
      }
      if (oh < 0 || om < 0 || end !== len) return undefined;
      offsetMinutes = (sign === "+" ? 1 : -1) * (oh * 60 + om);
      pos = len;
    } else {
      return undefined;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, ms);
  // A day that does not exist (2024-02-30) rolls over in Date; refuse it.
  if (utc.getUTCDate() !== day) return undefined;
  return offsetMinutes === 0 ? utc : new Date(utc.getTime() - offsetMinutes * 60_000);
}
