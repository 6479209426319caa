/**
 * Reading PostgreSQL values: one parser per type OID, from the text format the
 * server sends, into Athanor's documented representation. All three drivers
 * install these same functions in their own per-connection parser tables, so
 * they return identical values for the same query.
 *
 * @module
 */
import type { DriverValueKind } from "../../sql/index.js";

/** A parser from the server's text output to the JavaScript value. */
export type TextParser = (text: string) => unknown;

/** OIDs of the built-in types this module knows. */
export const PgOid = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  point: 600,
  cidr: 650,
  float4: 700,
  float8: 701,
  money: 790,
  macaddr: 829,
  inet: 869,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  bit: 1560,
  varbit: 1562,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

/** Element type OID -> the OID of its one-dimensional array type (pg_type.typarray). */
const ARRAY_OF: ReadonlyMap<number, number> = new Map([
  [PgOid.bool, 1000],
  [PgOid.bytea, 1001],
  [PgOid.char, 1002],
  [PgOid.name, 1003],
  [PgOid.int8, 1016],
  [PgOid.int2, 1005],
  [PgOid.int4, 1007],
  [PgOid.text, 1009],
  [PgOid.oid, 1028],
  [PgOid.json, 199],
  [PgOid.xml, 143],
  [PgOid.point, 1017],
  [PgOid.cidr, 651],
  [PgOid.float4, 1021],
  [PgOid.float8, 1022],
  [PgOid.money, 791],
  [PgOid.macaddr, 1040],
  [PgOid.inet, 1041],
  [PgOid.bpchar, 1014],
  [PgOid.varchar, 1015],
  [PgOid.date, 1182],
  [PgOid.time, 1183],
  [PgOid.timestamp, 1115],
  [PgOid.timestamptz, 1185],
  [PgOid.interval, 1187],
  [PgOid.timetz, 1270],
  [PgOid.bit, 1561],
  [PgOid.varbit, 1563],
  [PgOid.numeric, 1231],
  [PgOid.uuid, 2951],
  [PgOid.jsonb, 3807],
]);

/** The largest and smallest instants a JavaScript Date can hold: PostgreSQL's ±infinity timestamps. */
export const INFINITY_TIME = 8.64e15;

const identity: TextParser = (text) => text;
const toNumber: TextParser = (text) => Number(text);
const toBigInt: TextParser = (text) => BigInt(text);
const toBoolean: TextParser = (text) => text === "t";
const toJson: TextParser = (text) => JSON.parse(text);
const toTimestamp: TextParser = (text) => parseTimestamp(text, false);
const toTimestamptz: TextParser = (text) => parseTimestamp(text, true);

/**
 * Parsers for scalar types whose text is not already the documented value.
 * Absent types (text, numeric, date, time, interval, uuid, ...) stay strings
 * exactly as the server prints them.
 */
const SCALAR_PARSERS: ReadonlyMap<number, TextParser> = new Map<number, TextParser>([
  [PgOid.bool, toBoolean],
  [PgOid.bytea, parseBytea],
  [PgOid.int8, toBigInt],
  [PgOid.int2, toNumber],
  [PgOid.int4, toNumber],
  [PgOid.oid, toNumber],
  [PgOid.float4, toNumber],
  [PgOid.float8, toNumber],
  [PgOid.json, toJson],
  [PgOid.jsonb, toJson],
  [PgOid.timestamp, toTimestamp],
  [PgOid.timestamptz, toTimestamptz],
]);

function arrayParser(element: TextParser | undefined): TextParser {
  return (text) => parseArray(text, element);
}

/**
 * Every parser by OID: the scalar ones above plus one for each known array
 * type (arrays of string-valued types become arrays of strings).
 */
export const PARSERS: ReadonlyMap<number, TextParser> = (() => {
  const all = new Map<number, TextParser>(SCALAR_PARSERS);
  for (const [element, array] of ARRAY_OF) all.set(array, arrayParser(SCALAR_PARSERS.get(element)));
  return all;
})();

/** The parser for one OID; unknown types are returned as the server's text. */
export function parserFor(oid: number): TextParser {
  return PARSERS.get(oid) ?? identity;
}

/** The OIDs whose value is an array, for drivers that need a serializer registered for them. */
export const ARRAY_OIDS: readonly number[] = [...ARRAY_OF.values()];

const TYPE_NAMES: ReadonlyMap<number, string> = (() => {
  const names = new Map<number, string>();
  for (const [name, oid] of Object.entries(PgOid)) names.set(oid, name);
  for (const [element, array] of ARRAY_OF) names.set(array, `${names.get(element) ?? element}[]`);
  return names;
})();

/**
 * The JavaScript kind of every value the parsers above return for an OID, where
 * it is one kind: text-like and numeric types stay strings (no parser), the
 * 16/32-bit integers and floats become numbers.
 */
const VALUE_KINDS: ReadonlyMap<number, DriverValueKind> = new Map<number, DriverValueKind>([
  ...[PgOid.text, PgOid.varchar, PgOid.bpchar, PgOid.name, PgOid.char, PgOid.numeric, PgOid.uuid, PgOid.date, PgOid.time, PgOid.timetz, PgOid.interval].map(
    (oid) => [oid, "string"] as const,
  ),
  ...[PgOid.int2, PgOid.int4, PgOid.oid, PgOid.float4, PgOid.float8].map((oid) => [oid, "number"] as const),
]);

/** What every non-null value of a column of this OID is in JavaScript, when the parsers make it one kind. */
export function valueKindOf(oid: number): DriverValueKind | undefined {
  return VALUE_KINDS.get(oid);
}

/** The lower-case type name of an OID when it is a built-in type this module knows. */
export function typeName(oid: number): string | undefined {
  return TYPE_NAMES.get(oid);
}

/** Reads `\x0a0b...` (hex output) or the older escape output into a Buffer. */
export function parseBytea(text: string): Buffer {
  if (text.startsWith("\\x")) return Buffer.from(text.slice(2), "hex");
  // bytea_output = 'escape': octal escapes `\ooo` and a doubled backslash; other bytes are literal.
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 92) {
      bytes.push(code);
    } else if (text.charCodeAt(i + 1) === 92) {
      bytes.push(92);
      i++;
    } else {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    }
  }
  return Buffer.from(bytes);
}

function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Reads a timestamp as printed with DateStyle ISO: `YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]][ BC]`
 * or `±infinity`. Without a zone the wall clock is read as UTC, so the process
 * time zone never matters. Microseconds beyond milliseconds are truncated.
 */
export function parseTimestamp(text: string, withZone: boolean): Date {
  if (text === "infinity") return new Date(INFINITY_TIME);
  if (text === "-infinity") return new Date(-INFINITY_TIME);
  let end = text.length;
  const bc = text.endsWith(" BC");
  if (bc) end -= 3;
  // Years can have more than four digits; everything after is fixed-width.
  const yearEnd = text.indexOf("-", 1);
  const p = yearEnd + 1;
  if (yearEnd < 4 || end < p + 14 || text.charCodeAt(p + 5) !== 32) return new Date(NaN);
  let year = digits(text, 0, yearEnd);
  const month = digits(text, p, p + 2);
  const day = digits(text, p + 3, p + 5);
  const hour = digits(text, p + 6, p + 8);
  const minute = digits(text, p + 9, p + 11);
  const second = digits(text, p + 12, p + 14);
  let i = p + 14;
  let millis = 0;
  if (text.charCodeAt(i) === 46 /* . */) {
    const start = ++i;
    while (i < end && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    const fraction = text.slice(start, Math.min(i, start + 3)).padEnd(3, "0");
    millis = digits(fraction, 0, 3);
  }
  let offsetSeconds = 0;
  if (withZone && i < end) {
    const sign = text.charCodeAt(i) === 45 /* - */ ? -1 : 1;
    const zone = text.slice(i + 1, end).split(":");
    const [h = "0", m = "0", s = "0"] = zone;
    offsetSeconds = sign * (Number(h) * 3600 + Number(m) * 60 + Number(s));
  }
  if (bc) year = 1 - year;
  let time: number;
  if (year >= 100) {
    time = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  } else {
    // Date.UTC maps years 0-99 to 1900-1999: set the full year explicitly.
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, millis);
    time = date.getTime();
  }
  return new Date(time - offsetSeconds * 1000);
}

/**
 * Reads an array literal (`{1,2,NULL}`, `{"a b","c\"d"}`, `{{1,2},{3,4}}`,
 * `[0:1]={1,2}`) into nested JavaScript arrays, parsing each element.
 * An unquoted NULL is SQL NULL; a quoted "NULL" is the string.
 */
export function parseArray(text: string, element: TextParser | undefined): unknown[] {
  let pos = 0;
  // Explicit bounds (`[0:1]={...}`) are dropped: JavaScript arrays start at 0.
  if (text.charCodeAt(0) === 91 /* [ */) pos = text.indexOf("=") + 1;
  const length = text.length;
  const stack: unknown[][] = [];
  let root: unknown[] | undefined;
  let current: unknown[] = [];
  while (pos < length) {
    const code = text.charCodeAt(pos);
    if (code === 123 /* { */) {
      const nested: unknown[] = [];
      if (root === undefined) root = nested;
      else {
        current.push(nested);
        stack.push(current);
      }
      current = nested;
      pos++;
    } else if (code === 125 /* } */) {
      current = stack.pop() ?? current;
      pos++;
    } else if (code === 44 /* , */) {
      pos++;
    } else if (code === 34 /* " */) {
      let value = "";
      let start = ++pos;
      for (;;) {
        const c = text.charCodeAt(pos);
        if (c === 92 /* \ */) {
          value += text.slice(start, pos) + text.charAt(pos + 1);
          pos += 2;
          start = pos;
        } else if (c === 34 || Number.isNaN(c)) {
          value += text.slice(start, pos);
          pos++;
          break;
        } else pos++;
      }
      current.push(element === undefined ? value : element(value));
    } else {
      let end = pos;
      while (end < length) {
        const c = text.charCodeAt(end);
        if (c === 44 || c === 125) break;
        end++;
      }
      const raw = text.slice(pos, end);
      pos = end;
      const isNull = raw.length === 4 && raw.toUpperCase() === "NULL";
      current.push(isNull ? null : element === undefined ? raw : element(raw));
    }
  }
  return root ?? [];
}
