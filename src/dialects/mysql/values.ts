/**
 * Parameters at the MySQL boundary: what each value becomes before mysql2
 * sends it, and what is refused before anything is sent.
 *
 * @module
 */
import { describeUnwritableDate, utcTimestampText } from "../../util/index.js";
import { DataError, InterfaceError } from "../../errors/index.js";

/**
 * A Date as `YYYY-MM-DD HH:MM:SS.fff` in UTC, which MySQL reads unambiguously
 * because every Athanor session runs with `time_zone = '+00:00'`.
 */
export function formatDateTime(date: Date, index = 0, sql?: string, params?: readonly unknown[]): string {
  const text = utcTimestampText(date);
  if (text === undefined) {
    throw new DataError(`Parameter ${index + 1} is ${describeUnwritableDate(date)}: MySQL stores years 0000 to 9999 only.`, { sql, params });
  }
  return text;
}

function isJsonLike(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return true;
  return typeof (value as { toJSON?: unknown }).toJSON === "function";
}

function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function bindValue(value: unknown, index: number, sql: string, params: readonly unknown[]): unknown {
  switch (typeof value) {
    case "string":
      if (!isWellFormed(value)) {
        throw new DataError(
          `Parameter ${index + 1} is a string with a lone UTF-16 surrogate, which cannot be sent as valid UTF-8.`,
          { sql, params },
        );
      }
      return value;
    case "number":
      if (!Number.isFinite(value)) {
        throw new DataError(`Parameter ${index + 1} is ${value}: MySQL cannot store NaN or Infinity.`, { sql, params });
      }
      return value;
    case "bigint":
    case "boolean":
      // mysql2 sends a bigint as its exact decimal text and a boolean as TINYINT 1/0.
      return value;
    case "undefined":
      throw new InterfaceError(`Parameter ${index + 1} is undefined; use null for SQL NULL.`, { sql, params });
    case "object":
      if (value === null || Buffer.isBuffer(value)) return value;
      // A bare Uint8Array would be sent as text in the connection character set.
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (value instanceof Date) return formatDateTime(value, index, sql, params);
      // mysql2 would expand an object into `key = value` pairs (client-side) or
      // send a JSON type MariaDB rejects (prepared): always send JSON text.
      if (isJsonLike(value)) return JSON.stringify(value);
      throw new InterfaceError(
        `Parameter ${index + 1} is a ${value.constructor?.name ?? "object"}, which cannot be bound; pass a plain object or array (sent as JSON), a Date, a Buffer or a primitive.`,
        { sql, params },
      );
    default:
      throw new InterfaceError(`Parameter ${index + 1} is a ${typeof value}, which cannot be bound.`, { sql, params });
  }
}

/**
 * Converts the engine's parameters to values mysql2 sends, rejecting NaN,
 * ±Infinity, lone surrogates and undefined before anything reaches the
 * server. Returns a new array only when a value changed.
 */
export function bindParameters(sql: string, params: readonly unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    const converted = bindValue(value, i, sql, params);
    if (converted !== value) {
      out ??= params.slice();
      out[i] = converted;
    }
  }
  return out ?? (params as unknown[]);
}
