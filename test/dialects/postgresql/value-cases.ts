/**
 * The value table of the brief, as data: what is bound, into which column
 * type, and the exact JavaScript value every driver must read back. One
 * function runs it against a backend, so the same expectations hold for pg,
 * postgres.js and PGlite and in every process time zone.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DriverConnection } from "../../../src/engine/interfaces.js";
import { DataError, InterfaceError } from "../../../src/errors/index.js";
import { uniqueName } from "../../support/backends.js";
import { connect, rejectionOf, type PgBackend } from "./support.js";

export interface ValueCase {
  readonly name: string;
  readonly type: string;
  readonly param: unknown;
  readonly expected: unknown;
}

const MEGABYTE_TEXT = "a€😀\u{10FFFF}".repeat(262_144); // 262144 × 4 code points, over 1 MB in UTF-16 and UTF-8
const INFINITE = new Date(8.64e15);
const MINUS_INFINITE = new Date(-8.64e15);

function utc(...parts: [number, number, number, number?, number?, number?, number?]): Date {
  const [y, mo, d, h = 0, mi = 0, s = 0, ms = 0] = parts;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date;
}

export const VALUE_CASES: readonly ValueCase[] = [
  { name: "int2", type: "int2", param: -32768, expected: -32768 },
  { name: "int4", type: "int4", param: 2147483647, expected: 2147483647 },
  { name: "int8 2^53+1", type: "int8", param: 9007199254740993n, expected: 9007199254740993n },
  { name: "int8 min", type: "int8", param: -9223372036854775808n, expected: -9223372036854775808n },
  { name: "int8 small", type: "int8", param: 42, expected: 42n },
  { name: "int8 from text", type: "int8", param: "9223372036854775807", expected: 9223372036854775807n },
  {
    name: "numeric(38,9)",
    type: "numeric(38,9)",
    param: "12345678901234567890123456789.123456789",
    expected: "12345678901234567890123456789.123456789",
  },
  { name: "numeric(10,2) keeps scale", type: "numeric(10,2)", param: "12.5", expected: "12.50" },
  { name: "numeric from bigint", type: "numeric", param: 9007199254740993n, expected: "9007199254740993" },
  { name: "numeric from number", type: "numeric", param: 0.1, expected: "0.1" },
  { name: "numeric NaN", type: "numeric", param: "NaN", expected: "NaN" },
  { name: "float4", type: "float4", param: 1.5, expected: 1.5 },
  { name: "float8", type: "float8", param: 0.1 + 0.2, expected: 0.1 + 0.2 },
  { name: "float8 NaN", type: "float8", param: NaN, expected: NaN },
  { name: "float8 Infinity", type: "float8", param: Infinity, expected: Infinity },
  { name: "float8 -Infinity", type: "float8", param: -Infinity, expected: -Infinity },
  { name: "bool true", type: "boolean", param: true, expected: true },
  { name: "bool false", type: "boolean", param: false, expected: false },
  { name: "text astral", type: "text", param: "𝄞 😀 \u{10FFFF} é ﷺ", expected: "𝄞 😀 \u{10FFFF} é ﷺ" },
  { name: "text 1 MB", type: "text", param: MEGABYTE_TEXT, expected: MEGABYTE_TEXT },
  { name: "text empty", type: "text", param: "", expected: "" },
  { name: "varchar", type: "varchar(10)", param: "héllo", expected: "héllo" },
  { name: "char pads", type: "char(4)", param: "ab", expected: "ab  " },
  { name: "bytea", type: "bytea", param: Buffer.from([0, 1, 2, 92, 254, 255]), expected: Buffer.from([0, 1, 2, 92, 254, 255]) },
  { name: "bytea from Uint8Array", type: "bytea", param: new Uint8Array([9, 8, 7]), expected: Buffer.from([9, 8, 7]) },
  { name: "bytea empty", type: "bytea", param: Buffer.alloc(0), expected: Buffer.alloc(0) },
  { name: "date", type: "date", param: "2024-02-29", expected: "2024-02-29" },
  { name: "date from Date", type: "date", param: new Date("2024-03-10T00:00:00Z"), expected: "2024-03-10" },
  { name: "date infinity", type: "date", param: "infinity", expected: "infinity" },
  { name: "date -infinity", type: "date", param: "-infinity", expected: "-infinity" },
  { name: "time", type: "time", param: "13:45:10.123456", expected: "13:45:10.123456" },
  { name: "time whole", type: "time", param: "07:00:00", expected: "07:00:00" },
  {
    name: "timestamp in the Los Angeles DST gap",
    type: "timestamp",
    param: "2024-03-10 02:30:00",
    expected: utc(2024, 3, 10, 2, 30),
  },
  { name: "timestamp from Date", type: "timestamp", param: new Date("2024-11-03T01:30:00.123Z"), expected: utc(2024, 11, 3, 1, 30, 0, 123) },
  { name: "timestamp microseconds", type: "timestamp", param: "2024-01-02 03:04:05.123456", expected: utc(2024, 1, 2, 3, 4, 5, 123) },
  { name: "timestamp before 1970", type: "timestamp", param: "1969-12-31 23:59:59.999", expected: utc(1969, 12, 31, 23, 59, 59, 999) },
  { name: "timestamp year 1", type: "timestamp", param: "0001-01-01 00:00:00", expected: utc(1, 1, 1) },
  { name: "timestamp BC", type: "timestamp", param: "0044-03-15 12:00:00 BC", expected: utc(-43, 3, 15, 12) },
  { name: "timestamp BC from Date", type: "timestamp", param: utc(-43, 3, 15, 12), expected: utc(-43, 3, 15, 12) },
  { name: "timestamp year 10000", type: "timestamp", param: "10000-01-01 00:00:00", expected: utc(10000, 1, 1) },
  { name: "timestamp infinity", type: "timestamp", param: "infinity", expected: INFINITE },
  { name: "timestamp -infinity", type: "timestamp", param: "-infinity", expected: MINUS_INFINITE },
  { name: "timestamp infinity from Date", type: "timestamp", param: INFINITE, expected: INFINITE },
  { name: "timestamptz instant", type: "timestamptz", param: new Date("2024-06-01T12:00:00.5Z"), expected: new Date("2024-06-01T12:00:00.5Z") },
  {
    name: "timestamptz with offset",
    type: "timestamptz",
    param: "2024-01-02 03:04:05+05:45",
    expected: new Date("2024-01-01T21:19:05Z"),
  },
  { name: "timestamptz -infinity", type: "timestamptz", param: "-infinity", expected: MINUS_INFINITE },
  { name: "timestamptz -infinity from Date", type: "timestamptz", param: MINUS_INFINITE, expected: MINUS_INFINITE },
  {
    name: "json",
    type: "json",
    param: { a: [1, "x", null], b: { c: true }, d: "😀" },
    expected: { a: [1, "x", null], b: { c: true }, d: "😀" },
  },
  { name: "jsonb", type: "jsonb", param: { z: 1.5, a: [] }, expected: { z: 1.5, a: [] } },
  { name: "jsonb scalar text", type: "jsonb", param: '"hello"', expected: "hello" },
  {
    name: "uuid",
    type: "uuid",
    param: "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
    expected: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
  },
  { name: "interval", type: "interval", param: "1 day 02:03:04.5", expected: "1 day 02:03:04.5" },
  { name: "int4[]", type: "int4[]", param: [1, null, 3], expected: [1, null, 3] },
  { name: "int4[][]", type: "int4[]", param: [[1, 2], [3, 4]], expected: [[1, 2], [3, 4]] },
  { name: "int8[]", type: "int8[]", param: [1n, 9007199254740993n], expected: [1n, 9007199254740993n] },
  {
    name: "text[]",
    type: "text[]",
    param: ["a b", 'q"uote', "back\\slash", null, "NULL", "", "{x,y}", "😀"],
    expected: ["a b", 'q"uote', "back\\slash", null, "NULL", "", "{x,y}", "😀"],
  },
  { name: "bool[]", type: "boolean[]", param: [true, false, null], expected: [true, false, null] },
  { name: "numeric[]", type: "numeric[]", param: ["1.10", "NaN"], expected: ["1.10", "NaN"] },
  { name: "float8[]", type: "float8[]", param: [0.5, NaN, -Infinity], expected: [0.5, NaN, -Infinity] },
  { name: "date[]", type: "date[]", param: ["2024-01-01", "infinity"], expected: ["2024-01-01", "infinity"] },
  {
    name: "timestamptz[]",
    type: "timestamptz[]",
    param: [new Date("2020-01-01T00:00:00Z"), null],
    expected: [new Date("2020-01-01T00:00:00Z"), null],
  },
  { name: "timestamp[]", type: "timestamp[]", param: ["2024-03-10 02:30:00"], expected: [utc(2024, 3, 10, 2, 30)] },
  { name: "bytea[]", type: "bytea[]", param: [Buffer.from([1, 2]), null], expected: [Buffer.from([1, 2]), null] },
  { name: "jsonb[]", type: "jsonb[]", param: [{ a: 1 }, { b: [2] }], expected: [{ a: 1 }, { b: [2] }] },
  { name: "uuid[]", type: "uuid[]", param: ["A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"], expected: ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"] },
  { name: "empty array", type: "int4[]", param: [], expected: [] },
];

/** Values read from SQL literals (no parameter involved): the parsers alone. */
export const LITERAL_CASES: readonly { readonly sql: string; readonly expected: unknown }[] = [
  { sql: "9007199254740993::int8", expected: 9007199254740993n },
  { sql: "'12.50'::numeric", expected: "12.50" },
  { sql: "'NaN'::float8", expected: NaN },
  { sql: "'-Infinity'::float4", expected: -Infinity },
  { sql: "'infinity'::timestamp", expected: INFINITE },
  { sql: "'-infinity'::timestamptz", expected: MINUS_INFINITE },
  { sql: "'infinity'::date", expected: "infinity" },
  { sql: "'2024-02-29'::date", expected: "2024-02-29" },
  { sql: "'0044-03-15'::date", expected: "0044-03-15" },
  { sql: "'2024-03-10 02:30:00'::timestamp", expected: utc(2024, 3, 10, 2, 30) },
  { sql: "'1900-01-01 00:00:00+05:30:17'::timestamptz", expected: new Date(Date.UTC(1899, 11, 31, 18, 29, 43)) },
  { sql: "'13:45:10'::time", expected: "13:45:10" },
  { sql: "'13:45:10+02'::timetz", expected: "13:45:10+02" },
  { sql: "'P1Y2M3DT4H5M6S'::interval", expected: "1 year 2 mons 3 days 04:05:06" },
  { sql: "'{\"a\": [1, 2]}'::json", expected: { a: [1, 2] } },
  { sql: "'\\x00ff'::bytea", expected: Buffer.from([0, 255]) },
  { sql: "true", expected: true },
  { sql: "ARRAY[1, NULL]::int2[]", expected: [1, null] },
  { sql: "'[0:1]={7,8}'::int4[]", expected: [7, 8] },
  { sql: "ARRAY['2024-03-10 02:30:00'::timestamp]", expected: [utc(2024, 3, 10, 2, 30)] },
  { sql: "'(1,2)'::point", expected: "(1,2)" },
  { sql: "'192.168.0.1/24'::inet", expected: "192.168.0.1/24" },
  { sql: "'$1.50'::money", expected: "$1.50" },
  { sql: "NULL::text", expected: null },
];

/**
 * Registers the value tests for one backend: bind every case, read it back,
 * compare exactly; NULL in every column; literals; lone surrogates refused.
 */
export function valueTests(backend: PgBackend): void {
  let conn: DriverConnection;
  const table = uniqueName("pg_values");

  beforeAll(async () => {
    ({ conn } = await connect(backend));
    const columns = VALUE_CASES.map((c, i) => `c${i} ${c.type}`).join(", ");
    await conn.execute(`CREATE TABLE ${table} (id int PRIMARY KEY, ${columns})`, []);
  });

  afterAll(async () => {
    await conn?.execute(`DROP TABLE IF EXISTS ${table}`, []);
    await conn?.close();
  });

  it("round-trips every value of the table through a parameterised INSERT", async () => {
    const names = VALUE_CASES.map((_, i) => `c${i}`).join(", ");
    const placeholders = VALUE_CASES.map((_, i) => `$${i + 2}`).join(", ");
    const inserted = await conn.execute(
      `INSERT INTO ${table} (id, ${names}) VALUES ($1, ${placeholders})`,
      [1, ...VALUE_CASES.map((c) => c.param)],
    );
    expect(inserted.rowcount).toBe(1);
    const result = await conn.execute(`SELECT ${names} FROM ${table} WHERE id = $1`, [1]);
    expect(result.rows).toHaveLength(1);
    const row = result.rows[0] as unknown[];
    VALUE_CASES.forEach((c, i) => {
      expect(row[i], c.name).toEqual(c.expected);
      if (typeof c.expected === "bigint") expect(typeof row[i], c.name).toBe("bigint");
      if (c.expected instanceof Date) expect(row[i], c.name).toBeInstanceOf(Date);
    });
  });

  it("reads SQL NULL as null in every column", async () => {
    await conn.execute(`INSERT INTO ${table} (id) VALUES ($1)`, [2]);
    const result = await conn.execute(`SELECT * FROM ${table} WHERE id = 2`, []);
    expect(result.rows[0]).toEqual([2, ...VALUE_CASES.map(() => null)]);
  });

  it("binds each value on its own with an explicit cast", async () => {
    for (const c of VALUE_CASES) {
      if (c.name === "text 1 MB") continue;
      const result = await conn.execute(`SELECT $1::${c.type}`, [c.param]);
      expect(result.rows[0]?.[0], c.name).toEqual(c.expected);
    }
  });

  it("parses literals the same way", async () => {
    const result = await conn.execute(`SELECT ${LITERAL_CASES.map((c) => c.sql).join(", ")}`, []);
    const row = result.rows[0] as unknown[];
    LITERAL_CASES.forEach((c, i) => expect(row[i], c.sql).toEqual(c.expected));
  });

  it("reads timestamptz as the same instant whatever the session time zone", async () => {
    await conn.execute("SET TIME ZONE 'Asia/Kathmandu'", []);
    try {
      const result = await conn.execute(
        // 1850 is before standard time: the zone prints a local mean time offset with seconds (+05:41:16).
        "SELECT '2024-06-01 12:00:00.25+00'::timestamptz, '2024-06-01 12:00:00'::timestamp, $1::timestamptz, " +
          "'1850-01-01 00:00:00+00'::timestamptz, ('1850-01-01 00:00:00+00'::timestamptz)::text",
        [new Date("2024-01-01T00:00:00Z")],
      );
      expect(result.rows[0]).toEqual([
        new Date("2024-06-01T12:00:00.250Z"),
        new Date("2024-06-01T12:00:00Z"),
        new Date("2024-01-01T00:00:00Z"),
        new Date("1850-01-01T00:00:00Z"),
        "1850-01-01 05:41:16+05:41:16",
      ]);
    } finally {
      await conn.execute("RESET TIME ZONE", []);
    }
  });

  it("reads an untyped parameter back as the same text on every driver", async () => {
    const result = await conn.execute("SELECT $1, $2, $3, $4", [true, 10n, 1.5, "x"]);
    expect(result.rows[0]).toEqual(["true", "10", "1.5", "x"]);
  });

  it("refuses a string with a lone surrogate with DataError before sending", async () => {
    const textColumn = `c${VALUE_CASES.findIndex((c) => c.name === "text astral")}`;
    const error = await rejectionOf(conn.execute(`INSERT INTO ${table} (id, ${textColumn}) VALUES ($1, $2)`, [3, "a\uD800b"]));
    expect(error).toBeInstanceOf(DataError);
    expect(String((error as Error).message)).toMatch(/lone UTF-16 surrogate/);
    expect((error as DataError).sql).toContain(table);
    const inArray = await rejectionOf(conn.execute("SELECT $1::text[]", [["ok", "\uDC00"]]));
    expect(inArray).toBeInstanceOf(DataError);
    const nothing = await conn.execute(`SELECT count(*) FROM ${table} WHERE id = 3`, []);
    expect(nothing.rows[0]).toEqual([0n]);
  });

  it("refuses undefined with InterfaceError", async () => {
    const error = await rejectionOf(conn.execute("SELECT $1::int", [undefined]));
    expect(error).toBeInstanceOf(InterfaceError);
    expect((error as Error).message).toMatch(/parameter \$1 is undefined; use null for SQL NULL/);
  });

  it("refuses an invalid Date with DataError", async () => {
    const error = await rejectionOf(conn.execute("SELECT $1::timestamptz", [new Date(Number.NaN)]));
    expect(error).toBeInstanceOf(DataError);
  });
}
