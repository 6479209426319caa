/**
 * Writing PostgreSQL parameters: the values the engine passes are turned into
 * what every driver sends the same way, so `pg`, postgres.js and PGlite bind
 * identical text and the server decides the type from the statement.
 *
 * - `undefined` is refused ({@link InterfaceError}): SQL NULL is `null`.
 * - strings with a lone UTF-16 surrogate are refused ({@link DataError}):
 *   the UTF-8 encoders of the drivers would silently store U+FFFD.
 * - `bigint` -> its decimal text (exact; the server casts it to the column type).
 * - `Date` -> ISO 8601 text in UTC (`...Z`); a `timestamp` column keeps the UTC
 *   wall clock, a `timestamptz` column the instant. `Date(±8.64e15)` is `±infinity`.
 * - arrays -> an array literal (`{1,2,NULL}`), elements converted by the same rules.
 * - plain objects -> JSON text.
 * - numbers (NaN and ±Infinity included), booleans, Uint8Array/Buffer and
 *   `null` are left to the driver.
 *
 * @module
 */
import { DataError, InterfaceError } from "../../errors/index.js";
import { INFINITY_TIME } from "./values.js";

type WellFormed = { isWellFormed?: () => boolean };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string has no lone UTF-16 surrogate (Node 20 has String.prototype.isWellFormed). */
export function isWellFormed(value: string): boolean {
  const native = (value as unknown as WellFormed).isWellFormed;
  return native !== undefined ? native.call(value) : !LONE_SURROGATE.test(value);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/** An unambiguous UTC timestamp literal for a Date, including years PostgreSQL writes with BC or five digits. */
export function dateToText(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new TypeError("Invalid Date");
  if (time === INFINITY_TIME) return "infinity";
  if (time === -INFINITY_TIME) return "-infinity";
  const year = date.getUTCFullYear();
  if (year >= 1 && year <= 9999) return date.toISOString();
  const bc = year <= 0;
  const shown = bc ? 1 - year : year;
  return (
    `${pad(shown, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}` +
    `.${pad(date.getUTCMilliseconds(), 3)}Z${bc ? " BC" : ""}`
  );
}

function isPlainObject(value: object): boolean {
  return !(value instanceof Uint8Array) && !(value instanceof Date) && !Array.isArray(value);
}

/** Why a value cannot be sent: the error class to raise and the message. */
class Refusal {
  constructor(
    readonly kind: "interface" | "data",
    readonly message: string,
  ) {}
}

function elementText(value: unknown, where: string): string | Refusal {
  switch (typeof value) {
    case "string":
      return isWellFormed(value) ? value : loneSurrogate(where);
    case "number":
      // String(-0) is "0": keep the sign, which float8 stores.
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value instanceof Date) return dateText(value, where);
      if (value instanceof Uint8Array) return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
      return value === null ? "NULL" : jsonText(value, where);
    default:
      return new Refusal("interface", `${where} is ${String(value)}; use null for SQL NULL`);
  }
}

function loneSurrogate(where: string): Refusal {
  return new Refusal(
    "data",
    `${where} is a string with a lone UTF-16 surrogate, which PostgreSQL cannot store (the driver would replace it with U+FFFD)`,
  );
}

function jsonText(value: object, where: string): string | Refusal {
  try {
    return JSON.stringify(value);
  } catch (error) {
    return new Refusal("data", `${where} cannot be written as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function dateText(value: Date, where: string): string | Refusal {
  return Number.isNaN(value.getTime()) ? new Refusal("data", `${where} is an invalid Date`) : dateToText(value);
}

/** Whether an element's text holds a backslash or a double quote (escaped inside the quotes). */
function needsEscape(text: string): boolean {
  return text.includes("\\") || text.includes('"');
}

function arrayText(values: readonly unknown[], where: string): string | Refusal {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ",";
    const value = values[i];
    if (value === null) {
      out += "NULL";
      continue;
    }
    // A finite number's text needs no quotes (the common case of a key or price column).
    if (typeof value === "number" && Number.isFinite(value) && !Object.is(value, -0)) {
      out += String(value);
      continue;
    }
    const text = Array.isArray(value) ? arrayText(value, `${where}[${i}]`) : elementText(value, `element ${i} of ${where}`);
    if (text instanceof Refusal) return text;
    out += Array.isArray(value) ? text : `"${needsEscape(text) ? text.replace(/\\/g, "\\\\").replace(/"/g, '\\"') : text}"`;
  }
  return `${out}}`;
}

function convert(value: unknown, where: string): unknown {
  switch (typeof value) {
    case "string":
      return isWellFormed(value) ? value : loneSurrogate(where);
    case "number":
      return Object.is(value, -0) ? "-0" : value;
    case "bigint":
      return value.toString();
    case "undefined":
      return new Refusal("interface", `${where} is undefined; use null for SQL NULL`);
    case "object":
      if (value === null || value instanceof Uint8Array) return value;
      if (value instanceof Date) return dateText(value, where);
      if (Array.isArray(value)) return arrayText(value, where);
      if (isPlainObject(value)) return jsonText(value, where);
      return value;
    case "function":
    case "symbol":
      return new Refusal("interface", `${where} is a ${typeof value}, which cannot be sent to the database`);
    default:
      return value;
  }
}

/**
 * Converts the parameters of one statement. Returns the same array when
 * nothing needs converting (the common case: numbers and plain strings).
 * Throws {@link InterfaceError} or {@link DataError} carrying the SQL.
 */
export function prepareParams(sql: string, params: readonly unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    const type = typeof value;
    if (value === null || (type === "number" && !Object.is(value, -0)) || type === "boolean") continue;
    if (type === "string" && isWellFormed(value as string)) continue;
    const converted = convert(value, `parameter $${i + 1}`);
    if (converted instanceof Refusal) {
      const ErrorClass = converted.kind === "interface" ? InterfaceError : DataError;
      throw new ErrorClass(converted.message, { sql, params });
    }
    if (converted !== value) {
      out ??= params.slice();
      out[i] = converted;
    }
  }
  return out ?? (params as unknown[]);
}
