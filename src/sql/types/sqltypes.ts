/**
 * The generic SQL types. Each fixes the JavaScript representation of its
 * values whatever the driver returns, so a value reads back the same on every
 * database (see docs/values.md for the table).
 *
 * @module
 */
import { DataError } from "../../errors/index.js";
import { TypeEngine, passesKind, type ValueProcessor } from "./type-api.js";

// Shared by every instance: a driver column known to return strings (or numbers) skips them (see passesKind).
const readString = passesKind("string", (value: unknown): string => (typeof value === "string" ? value : globalThis.String(value)));
const readNumber = passesKind("number", (value: unknown): number => (typeof value === "number" ? value : Number(value)));

/** Throws the DataError of a value a type cannot hold. @internal */
export function reject(typeName: string, value: unknown, why: string): never {
  throw new DataError(`Cannot use ${describe(value)} as a ${typeName} value: ${why}.`);
}

function describe(value: unknown): string {
  if (typeof value === "string") return globalThis.JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === "bigint") return `${value}n`;
  return globalThis.String(value);
}

/** A 32-bit integer; values are `number`. */
export class Integer extends TypeEngine<number> {
  readonly typeName: string = "Integer";
  readonly visitName: string = "integer";
  override bindProcessor(): ValueProcessor<number, unknown> {
    return (value) => {
      if (typeof value === "bigint") return value;
      if (typeof value !== "number" || !Number.isSafeInteger(value)) reject(this.typeName, value, "expected a safe integer");
      return value;
    };
  }
  override resultProcessor(): ValueProcessor<unknown, number> {
    return readNumber;
  }
}

/** A 16-bit integer; values are `number`. */
export class SmallInteger extends Integer {
  override readonly typeName: string = "SmallInteger";
  override readonly visitName: string = "small_integer";
}

/**
 * A 64-bit integer; values are `bigint`, exact on every driver (a driver that
 * returns a number or a string is converted).
 */
export class BigInteger extends TypeEngine<bigint> {
  readonly typeName: string = "BigInteger";
  readonly visitName: string = "big_integer";
  override bindProcessor(): ValueProcessor<bigint, unknown> {
    return (value) => {
      if (typeof value === "bigint") return value;
      if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
      return reject(this.typeName, value, "expected a bigint or a safe integer");
    };
  }
  override resultProcessor(): ValueProcessor<unknown, bigint> {
    return (value) => (typeof value === "bigint" ? value : BigInt(value as string | number));
  }
}

/** A binary floating-point number; values are `number` (NaN and ±Infinity where the database stores them). */
export class Float extends TypeEngine<number> {
  readonly typeName: string = "Float";
  readonly visitName: string = "float";
  override resultProcessor(): ValueProcessor<unknown, number> {
    return readNumber;
  }
}

/**
 * An exact decimal number; values are decimal strings (`"12.50"`), never a
 * lossy JavaScript number. A `number` is accepted when binding.
 */
export class Numeric extends TypeEngine<string> {
  readonly typeName: string;
  readonly visitName: string = "numeric";
  constructor(
    readonly precision?: number,
    readonly scale?: number,
  ) {
    super();
    this.typeName = precision === undefined ? "Numeric" : `Numeric(${precision}${scale === undefined ? "" : `, ${scale}`})`;
  }
  override bindProcessor(): ValueProcessor<string, unknown> {
    return (value: unknown) => {
      if (typeof value === "number") {
        if (!Number.isFinite(value)) reject(this.typeName, value, "a decimal column cannot hold NaN or Infinity");
        return globalThis.String(value);
      }
      if (typeof value === "bigint") return value.toString();
      if (typeof value !== "string" || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim())) {
        reject(this.typeName, value, "expected a decimal string or a finite number");
      }
      return value;
    };
  }
  override resultProcessor(): ValueProcessor<unknown, string> {
    return readString;
  }
}

/** A boolean; SQLite's and MySQL's 0/1 are read back as `false`/`true`. */
export class Boolean extends TypeEngine<boolean> {
  readonly typeName: string = "Boolean";
  readonly visitName: string = "boolean";
  override bindProcessor(): ValueProcessor<boolean, unknown> {
    return (value: unknown) => {
      if (typeof value !== "boolean") reject(this.typeName, value, "expected true or false");
      return value;
    };
  }
  override resultProcessor(): ValueProcessor<unknown, boolean> {
    return (value) => {
      if (typeof value === "boolean") return value;
      if (typeof value === "number" || typeof value === "bigint") return value !== 0 && value !== 0n;
      if (typeof value === "string") return value === "1" || value === "t" || value === "true";
      return globalThis.Boolean(value);
    };
  }
}

/** A string, optionally with a maximum length. */
export class String extends TypeEngine<string> {
  readonly typeName: string;
  readonly visitName: string = "string";
  constructor(readonly length?: number) {
    super();
    this.typeName = length === undefined ? "String" : `String(${length})`;
  }
  override resultProcessor(): ValueProcessor<unknown, string> {
    return readString;
  }
}

/** An unbounded string. */
export class Text extends String {
  override readonly typeName: string = "Text";
  override readonly visitName: string = "text";
}

/** Bytes; values are `Uint8Array` (a Node `Buffer` is one). */
export class LargeBinary extends TypeEngine<Uint8Array> {
  readonly typeName: string = "LargeBinary";
  readonly visitName: string = "large_binary";
  override resultProcessor(): ValueProcessor<unknown, Uint8Array> {
    return (value) => (value instanceof Uint8Array ? value : new TextEncoder().encode(globalThis.String(value)));
  }
}

const DATE_PATTERN = /^\d{4,}-\d{2}-\d{2}$/;

/**
 * A calendar date; values are `"YYYY-MM-DD"` strings, so a date never shifts
 * with the process time zone. A `Date` is accepted when binding (its UTC day).
 */
export class Date extends TypeEngine<string> {
  readonly typeName: string = "Date";
  readonly visitName: string = "date";
  override bindProcessor(): ValueProcessor<string, unknown> {
    return (value: unknown) => {
      if (value instanceof globalThis.Date) {
        if (Number.isNaN(value.getTime())) reject(this.typeName, value, "the Date is invalid");
        return value.toISOString().slice(0, 10);
      }
      if (typeof value !== "string" || !DATE_PATTERN.test(value)) reject(this.typeName, value, 'expected "YYYY-MM-DD"');
      return value;
    };
  }
  override resultProcessor(): ValueProcessor<unknown, string> {
    return (value) => {
      if (typeof value === "string") return value.length > 10 && value[10] === " " ? value.slice(0, 10) : value;
      if (value instanceof globalThis.Date) return value.toISOString().slice(0, 10);
      return globalThis.String(value);
    };
  }
}

/** A time of day; values are `"HH:MM:SS[.ffffff]"` strings. */
export class Time extends TypeEngine<string> {
  readonly typeName: string = "Time";
  readonly visitName: string = "time";
  override resultProcessor(): ValueProcessor<unknown, string> {
    return (value) => globalThis.String(value);
  }
}

/** Options of {@link DateTime}. */
export interface DateTimeOptions {
  /** A column that stores the instant with its zone (`timestamptz` on PostgreSQL). */
  timezone?: boolean;
  /**
   * Digits of fractional seconds the column keeps, where the DDL says it:
   * MySQL/MariaDB write `DATETIME(p)` (default 6; 0 is a plain `DATETIME`).
   * Reflection sets it from the column. Values are still `Date` (milliseconds).
   */
  precision?: number;
}

/**
 * A timestamp; values are `Date`. With `timezone: true` it is an instant. Without,
 * the wall-clock time is read and written as if it were UTC, so it never moves
 * with the process time zone. Millisecond precision (JavaScript's `Date`).
 */
export class DateTime extends TypeEngine<globalThis.Date> {
  readonly typeName: string;
  readonly visitName: string = "datetime";
  readonly timezone: boolean;
  readonly precision: number | undefined;
  constructor(options: DateTimeOptions = {}) {
    super();
    this.timezone = options.timezone ?? false;
    this.precision = options.precision;
    this.typeName = this.timezone ? "DateTime(timezone)" : "DateTime";
  }
  override bindProcessor(): ValueProcessor<globalThis.Date, unknown> {
    return (value: unknown) => {
      if (!(value instanceof globalThis.Date)) reject(this.typeName, value, "expected a Date");
      if (Number.isNaN(value.getTime())) reject(this.typeName, value, "the Date is invalid");
      return value;
    };
  }
  override resultProcessor(): ValueProcessor<unknown, globalThis.Date> {
    return (value) => {
      if (value instanceof globalThis.Date) return value;
      if (typeof value === "string") return parseTimestamp(value);
      return new globalThis.Date(value as number);
    };
  }
}

/** Parses `YYYY-MM-DD[ T]HH:MM:SS[.fff][zone]`; no zone means UTC wall-clock. */
export function parseTimestamp(text: string): globalThis.Date {
  const iso = text.includes("T") ? text : text.replace(" ", "T");
  const hasZone = /(Z|[+-]\d{2}(:?\d{2})?)$/.test(iso);
  const normalised = hasZone ? iso.replace(/([+-]\d{2})$/, "$1:00") : `${iso}Z`;
  const date = new globalThis.Date(normalised);
  if (Number.isNaN(date.getTime())) throw new DataError(`Cannot read ${globalThis.JSON.stringify(text)} as a timestamp.`);
  return date;
}

const DRIVER_PARSED_JSON = new Set(["json", "jsonb"]);

/**
 * A JSON document; values are the parsed JavaScript value. Drivers parse
 * columns they know to be JSON (PostgreSQL json/jsonb, MySQL JSON); text that
 * holds JSON (SQLite, MariaDB's LONGTEXT) is parsed here.
 */
export class JSON<T = unknown> extends TypeEngine<T> {
  readonly typeName: string = "JSON";
  readonly visitName: string = "json";
  override bindProcessor(): ValueProcessor<T, unknown> {
    return (value) => globalThis.JSON.stringify(value);
  }
  override resultProcessor(driverType?: string): ValueProcessor<unknown, T> | undefined {
    // Parsing again what the driver parsed would turn the document "abc" into an error.
    if (driverType !== undefined && DRIVER_PARSED_JSON.has(driverType)) return undefined;
    return (value) => (typeof value === "string" ? (globalThis.JSON.parse(value) as T) : (value as T));
  }
}

/**
 * PostgreSQL's binary JSON (`JSONB`); values are the parsed JavaScript value,
 * as with {@link JSON}. Other databases store it as their JSON type.
 */
export class JSONB<T = unknown> extends JSON<T> {
  override readonly typeName: string = "JSONB";
  override readonly visitName: string = "jsonb";
}

/**
 * A PostgreSQL `INTERVAL`; values are strings as the database prints them
 * (`"1 day 02:00:00"`), and any text PostgreSQL reads as an interval is
 * accepted when binding (`"2 hours"`, `"P1D"`). Other databases have no
 * interval type: creating such a column there is a compile error.
 */
export class Interval extends TypeEngine<string> {
  readonly typeName: string = "Interval";
  readonly visitName: string = "interval";
  override bindProcessor(): ValueProcessor<string, unknown> {
    return (value: unknown) => {
      if (typeof value !== "string") reject(this.typeName, value, 'expected interval text such as "2 hours"');
      return value;
    };
  }
  override resultProcessor(): ValueProcessor<unknown, string> {
    return (value) => globalThis.String(value);
  }
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID; values are lower-case canonical strings. */
export class UUID extends TypeEngine<string> {
  readonly typeName: string = "UUID";
  readonly visitName: string = "uuid";
  override bindProcessor(): ValueProcessor<string, unknown> {
    return (value: unknown) => {
      if (typeof value !== "string" || !UUID_PATTERN.test(value)) reject(this.typeName, value, "expected a UUID string");
      return value.toLowerCase();
    };
  }
  override resultProcessor(): ValueProcessor<unknown, string> {
    return (value) => {
      if (value instanceof Uint8Array && value.byteLength === 16) {
        const hex = Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("");
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      }
      return globalThis.String(value).toLowerCase();
    };
  }
}
