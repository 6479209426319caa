/**
 * The value table at the SQLite boundary: each documented type written as a
 * parameter and read back in Athanor's representation, in two process time
 * zones, on memory and file databases.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatSQLiteTimestamp, parseSQLiteTimestamp } from "../../../src/dialects/sqlite/index.js";
import type { DriverConnection } from "../../../src/engine/interfaces.js";
import { connectSqlite, sqliteTargets } from "./helpers.js";

const ZONES = ["UTC", "America/Los_Angeles"];
const originalTz = process.env.TZ;
afterAll(() => {
  process.env.TZ = originalTz;
});

/** One row of the value table: the declared column type, the value sent, the value expected back. */
interface Case {
  readonly label: string;
  readonly declared: string;
  readonly input: unknown;
  readonly expected: unknown;
}

const ONE_MB = "é".repeat(512 * 1024) + "end";

const CASES: readonly Case[] = [
  { label: "integer", declared: "INTEGER", input: -2147483648, expected: -2147483648 },
  { label: "smallint", declared: "SMALLINT", input: 32767, expected: 32767 },
  { label: "bigint 2^53+1", declared: "BIGINT", input: 9007199254740993n, expected: 9007199254740993n },
  { label: "bigint min", declared: "BIGINT", input: -(2n ** 63n), expected: -(2n ** 63n) },
  { label: "bigint from a number", declared: "BIGINT", input: 7, expected: 7n },
  { label: "int8", declared: "INT8", input: 2n ** 62n, expected: 2n ** 62n },
  { label: "decimal with an integer value stays exact", declared: "DECIMAL(38, 9)", input: "9007199254740993", expected: "9007199254740993" },
  { label: "decimal reads as text", declared: "NUMERIC(10, 2)", input: "12.25", expected: "12.25" },
  { label: "decimal(38,9) in a TEXT column is exact", declared: "TEXT", input: "12345678901234567890123456789.123456789", expected: "12345678901234567890123456789.123456789" },
  { label: "real", declared: "REAL", input: 0.1 + 0.2, expected: 0.1 + 0.2 },
  { label: "double", declared: "DOUBLE PRECISION", input: -1.5e300, expected: -1.5e300 },
  { label: "boolean true", declared: "BOOLEAN", input: true, expected: true },
  { label: "boolean false", declared: "BOOLEAN", input: false, expected: false },
  { label: "bool", declared: "BOOL", input: true, expected: true },
  { label: "text with quotes and backslashes", declared: "TEXT", input: "it's \\ \"quoted\"; --", expected: "it's \\ \"quoted\"; --" },
  { label: "astral unicode and emoji", declared: "VARCHAR(20)", input: "𝌆 😀 👩‍👩‍👧 עברית", expected: "𝌆 😀 👩‍👩‍👧 עברית" },
  { label: "NUL inside text", declared: "TEXT", input: "a\u0000b", expected: "a\u0000b" },
  { label: "empty string", declared: "TEXT", input: "", expected: "" },
  { label: "1 MB string", declared: "TEXT", input: ONE_MB, expected: ONE_MB },
  { label: "blob", declared: "BLOB", input: Buffer.from([0, 1, 2, 254, 255]), expected: Buffer.from([0, 1, 2, 254, 255]) },
  { label: "blob from a Uint8Array", declared: "BLOB", input: new Uint8Array([9, 8, 7]), expected: Buffer.from([9, 8, 7]) },
  { label: "date text", declared: "DATE", input: "2024-02-29", expected: "2024-02-29" },
  { label: "time text", declared: "TIME", input: "23:59:58", expected: "23:59:58" },
  {
    label: "datetime from a Date",
    declared: "DATETIME",
    input: new Date("2024-03-10T10:30:00.123Z"),
    expected: new Date("2024-03-10T10:30:00.123Z"),
  },
  {
    label: "timestamp before 1970",
    declared: "TIMESTAMP",
    input: new Date("1969-12-31T23:59:59.999Z"),
    expected: new Date("1969-12-31T23:59:59.999Z"),
  },
  { label: "timestamp year 1", declared: "TIMESTAMP", input: new Date("0001-01-01T00:00:00.000Z"), expected: new Date("0001-01-01T00:00:00.000Z") },
  {
    label: "datetime from wall-clock text",
    declared: "DATETIME",
    input: "2024-03-31 02:30:00",
    expected: new Date("2024-03-31T02:30:00.000Z"),
  },
  { label: "json object as text", declared: "JSON", input: { a: [1, "two", null] }, expected: '{"a":[1,"two",null]}' },
  { label: "json array as text", declared: "TEXT", input: [1, 2], expected: "[1,2]" },
  { label: "null", declared: "TEXT", input: null, expected: null },
  { label: "null boolean", declared: "BOOLEAN", input: null, expected: null },
  { label: "null bigint", declared: "BIGINT", input: null, expected: null },
];

for (const target of sqliteTargets()) {
  describe(`SQLite values [${target.id}]`, () => {
    let conn: DriverConnection;
    beforeEach(async () => {
      conn = await connectSqlite(target.url());
    });
    afterEach(async () => {
      await conn.close();
    });

    for (const zone of ZONES) {
      it(`round-trips every row of the value table with TZ=${zone}`, async () => {
        process.env.TZ = zone;
        expect(new Date(2024, 6, 1).getTimezoneOffset()).toBe(zone === "UTC" ? 0 : 420);
        const columns = CASES.map((c, i) => `c${i} ${c.declared}`).join(", ");
        await conn.execute(`create table vals (${columns})`, []);
        const placeholders = CASES.map(() => "?").join(", ");
        await conn.execute(`insert into vals values (${placeholders})`, CASES.map((c) => c.input));
        const { rows, columns: described } = await conn.execute("select * from vals", []);
        expect(described.map((c) => c.type)).toEqual(CASES.map((c) => c.declared.toLowerCase()));
        const row = rows[0]!;
        CASES.forEach((c, i) => {
          expect(row[i], c.label).toEqual(c.expected);
          if (typeof c.expected === "bigint") expect(typeof row[i], c.label).toBe("bigint");
          if (c.expected instanceof Date) expect(row[i], c.label).toBeInstanceOf(Date);
        });
      });
    }

    it("a Date parameter is stored as UTC text YYYY-MM-DD HH:MM:SS.fff", async () => {
      process.env.TZ = "America/Los_Angeles";
      const { rows } = await conn.execute("select ?, typeof(?)", [new Date("2024-07-01T00:00:00.5Z"), new Date(0)]);
      expect(rows).toEqual([["2024-07-01 00:00:00.500", "text"]]);
    });

    it("booleans are stored as 1 and 0", async () => {
      expect((await conn.execute("select ?, ?, typeof(?)", [true, false, true])).rows).toEqual([[1, 0, "integer"]]);
    });

    it("whole numbers are bound as INTEGER, fractions as REAL", async () => {
      expect((await conn.execute("select typeof(?), ? || '', typeof(?), ? || ''", [3, 3, 2.5, 2.5])).rows).toEqual([
        ["integer", "3", "real", "2.5"],
      ]);
      await conn.execute("create table txt (t TEXT)", []);
      await conn.execute("insert into txt values (?)", [5]);
      expect((await conn.execute("select t from txt", [])).rows).toEqual([["5"]]);
    });

    it("an integer beyond 2^53 in an untyped expression is a bigint only where a BIGINT column is read", async () => {
      await conn.execute("create table big (v BIGINT, w INTEGER)", []);
      await conn.execute("insert into big values (?, ?)", [2n ** 60n, 12]);
      // The statement reads a BIGINT column: every integer is read exactly, small ones as numbers.
      expect((await conn.execute("select v, w, v + 1, w + 1 from big", [])).rows).toEqual([[2n ** 60n, 12, 2n ** 60n + 1n, 13]]);
    });

    it("a DECIMAL column holds a REAL: its text is the double's (SQLite's NUMERIC affinity)", async () => {
      await conn.execute("create table dec (n DECIMAL(38, 9))", []);
      await conn.execute("insert into dec values (?)", ["12345678901234567890123456789.123456789"]);
      expect((await conn.execute("select n, typeof(n) from dec", [])).rows).toEqual([["1.2345678901234568e+28", "real"]]);
    });

    it("text in a DATETIME column that is not a timestamp stays text", async () => {
      await conn.execute("create table odd (t DATETIME)", []);
      await conn.execute("insert into odd values ('yesterday'), ('2024-02-30 00:00:00'), (1700000000)", []);
      expect((await conn.execute("select t from odd", [])).rows).toEqual([["yesterday"], ["2024-02-30 00:00:00"], [1700000000]]);
    });

    it("refuses values that have no SQLite form", async () => {
      await expect(conn.execute("select ?", [new Map()])).rejects.toThrow(/cannot be bound/);
      await expect(conn.execute("select ?", [Symbol("s")])).rejects.toThrow(/cannot be bound/);
      await expect(conn.execute("select ?", [new Date(Number.NaN)])).rejects.toThrow(/invalid Date/);
    });
  });
}

describe("SQLite timestamp text", () => {
  it("formats in UTC with milliseconds whatever the process zone", () => {
    process.env.TZ = "America/Los_Angeles";
    expect(formatSQLiteTimestamp(new Date("2024-01-02T03:04:05.006Z"))).toBe("2024-01-02 03:04:05.006");
    expect(formatSQLiteTimestamp(new Date("0001-01-01T00:00:00Z"))).toBe("0001-01-01 00:00:00.000");
  });

  it("parses the forms SQLite's date functions produce", () => {
    expect(parseSQLiteTimestamp("2024-01-02")).toEqual(new Date("2024-01-02T00:00:00Z"));
    expect(parseSQLiteTimestamp("2024-01-02 03:04")).toEqual(new Date("2024-01-02T03:04:00Z"));
    expect(parseSQLiteTimestamp("2024-01-02 03:04:05")).toEqual(new Date("2024-01-02T03:04:05Z"));
    expect(parseSQLiteTimestamp("2024-01-02T03:04:05.1")).toEqual(new Date("2024-01-02T03:04:05.100Z"));
    expect(parseSQLiteTimestamp("2024-01-02 03:04:05.123456")).toEqual(new Date("2024-01-02T03:04:05.123Z"));
    expect(parseSQLiteTimestamp("2024-01-02 03:04:05Z")).toEqual(new Date("2024-01-02T03:04:05Z"));
    expect(parseSQLiteTimestamp("2024-01-02 03:04:05+05:45")).toEqual(new Date("2024-01-01T21:19:05Z"));
    expect(parseSQLiteTimestamp("2024-01-02 03:04:05-08")).toEqual(new Date("2024-01-02T11:04:05Z"));
    expect(parseSQLiteTimestamp("0099-01-01 00:00:00")).toEqual(new Date("0099-01-01T00:00:00Z"));
  });

  it("returns undefined for anything else", () => {
    for (const text of ["", "now", "2024-13-01", "2024-02-30", "2024-01-02 25:00:00", "2024-01-02 03:04:05 junk", "2024/01/02"]) {
      expect(parseSQLiteTimestamp(text), text).toBeUndefined();
    }
  });
});
