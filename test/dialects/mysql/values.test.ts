/**
 * The value table at the MySQL boundary, against a real MariaDB: each
 * documented type written as a parameter and read back in Athanor's
 * representation, through the text protocol (no parameters) and the binary
 * protocol (with parameters), in two process time zones.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DriverConnection } from "../../../src/engine/interfaces.js";
import { DataError, InterfaceError } from "../../../src/errors/index.js";
import { uniqueName } from "../../support/backends.js";
import { MARIADB_URL, SKIP_REASON, connectMaria, scalar, translatedFailure } from "./helpers.js";

const ZONES = ["UTC", "America/Los_Angeles"];

interface Case {
  readonly label: string;
  readonly declared: string;
  readonly input: unknown;
  readonly expected: unknown;
  readonly type: string;
}

const ONE_MB = "é".repeat(512 * 1024) + "end";
const JSON_VALUE = { a: [1, "two", null], nested: { ok: true }, quote: "it's" };

const CASES: readonly Case[] = [
  { label: "int", declared: "int", input: -2147483648, expected: -2147483648, type: "int" },
  { label: "smallint", declared: "smallint", input: 32767, expected: 32767, type: "smallint" },
  { label: "mediumint", declared: "mediumint", input: -8388608, expected: -8388608, type: "mediumint" },
  { label: "bigint 2^53+1", declared: "bigint", input: 9007199254740993n, expected: 9007199254740993n, type: "bigint" },
  { label: "bigint min", declared: "bigint", input: -(2n ** 63n), expected: -(2n ** 63n), type: "bigint" },
  { label: "bigint from a number", declared: "bigint", input: 7, expected: 7n, type: "bigint" },
  { label: "bigint unsigned max", declared: "bigint unsigned", input: 2n ** 64n - 1n, expected: 2n ** 64n - 1n, type: "bigint" },
  {
    label: "decimal(38,9)",
    declared: "decimal(38,9)",
    input: "12345678901234567890123456789.123456789",
    expected: "12345678901234567890123456789.123456789",
    type: "decimal",
  },
  { label: "decimal keeps its scale", declared: "decimal(10,2)", input: "12.5", expected: "12.50", type: "decimal" },
  { label: "float", declared: "float", input: 1.1, expected: 1.1, type: "float" },
  { label: "double", declared: "double", input: 0.1 + 0.2, expected: 0.1 + 0.2, type: "double" },
  { label: "boolean true", declared: "boolean", input: true, expected: true, type: "tinyint(1)" },
  { label: "boolean false", declared: "boolean", input: false, expected: false, type: "tinyint(1)" },
  { label: "tinyint is a number", declared: "tinyint", input: 5, expected: 5, type: "tinyint" },
  {
    label: "quotes and backslashes",
    declared: "varchar(100)",
    input: "it's \\' OR 1=1 -- \"x\"",
    expected: "it's \\' OR 1=1 -- \"x\"",
    type: "varchar",
  },
  { label: "astral unicode and emoji", declared: "varchar(40)", input: "𝌆 😀 👩‍👩‍👧 עברית", expected: "𝌆 😀 👩‍👩‍👧 עברית", type: "varchar" },
  { label: "NUL inside text", declared: "text", input: "a\u0000b", expected: "a\u0000b", type: "text" },
  { label: "1 MB string", declared: "longtext", input: ONE_MB, expected: ONE_MB, type: "text" },
  { label: "blob", declared: "blob", input: Buffer.from([0, 1, 2, 254, 255]), expected: Buffer.from([0, 1, 2, 254, 255]), type: "blob" },
  { label: "varbinary from a Uint8Array", declared: "varbinary(10)", input: new Uint8Array([0, 9, 255]), expected: Buffer.from([0, 9, 255]), type: "varbinary" },
  { label: "date", declared: "date", input: "2024-02-29", expected: "2024-02-29", type: "date" },
  { label: "time", declared: "time", input: "23:59:58", expected: "23:59:58", type: "time" },
  { label: "negative time", declared: "time", input: "-838:59:59", expected: "-838:59:59", type: "time" },
  { label: "time(6)", declared: "time(6)", input: "12:34:56.123456", expected: "12:34:56.123456", type: "time" },
  {
    label: "datetime from a Date (UTC wall clock)",
    declared: "datetime(3)",
    input: new Date("1969-12-31T23:59:59.123Z"),
    expected: new Date("1969-12-31T23:59:59.123Z"),
    type: "datetime",
  },
  {
    label: "datetime from text",
    declared: "datetime(3)",
    input: "2024-03-31 02:30:00",
    expected: new Date("2024-03-31T02:30:00.000Z"),
    type: "datetime",
  },
  {
    label: "timestamp (an instant)",
    declared: "timestamp(3) null",
    input: new Date("2024-03-10T10:30:00.456Z"),
    expected: new Date("2024-03-10T10:30:00.456Z"),
    type: "timestamp",
  },
  { label: "json object", declared: "json", input: JSON_VALUE, expected: JSON_VALUE, type: "json" },
  { label: "json array", declared: "json", input: [1, 2, "three"], expected: [1, 2, "three"], type: "json" },
  { label: "null", declared: "varchar(10)", input: null, expected: null, type: "varchar" },
  { label: "null bigint", declared: "bigint", input: null, expected: null, type: "bigint" },
  { label: "null boolean", declared: "boolean", input: null, expected: null, type: "tinyint(1)" },
];

describe.skipIf(MARIADB_URL === undefined)(`MySQL values [mariadb]${MARIADB_URL === undefined ? ` (${SKIP_REASON})` : ""}`, () => {
  let conn: DriverConnection;
  const originalTz = process.env.TZ;
  const tables: string[] = [];

  beforeAll(async () => {
    conn = await connectMaria();
  });
  afterEach(() => {
    process.env.TZ = originalTz;
  });
  afterAll(async () => {
    for (const table of tables) await conn.execute(`drop table if exists ${table}`, []);
    await conn?.close();
  });

  function newTable(): string {
    const table = uniqueName("vals");
    tables.push(table);
    return table;
  }

  for (const zone of ZONES) {
    it(`round-trips every row of the value table with TZ=${zone}, in both protocols`, async () => {
      process.env.TZ = zone;
      expect(new Date(2024, 6, 1).getTimezoneOffset()).toBe(zone === "UTC" ? 0 : 420);
      const table = newTable();
      const columns = CASES.map((c, i) => `c${i} ${c.declared}`).join(", ");
      await conn.execute(`create table ${table} (id int primary key, ${columns}) character set utf8mb4`, []);
      const placeholders = CASES.map(() => "?").join(", ");
      await conn.execute(`insert into ${table} values (1, ${placeholders})`, CASES.map((c) => c.input));
      // Without parameters and not starting with SELECT: text protocol. SELECT: prepared, binary protocol.
      const viaText = await conn.execute(`/* text */ select * from ${table}`, []);
      const viaBinary = await conn.execute(`select * from ${table}`, []);
      for (const [protocol, result] of [
        ["text", viaText],
        ["binary", viaBinary],
      ] as const) {
        expect(result.columns.slice(1).map((c) => c.type), protocol).toEqual(CASES.map((c) => c.type));
        const row = result.rows[0]!;
        CASES.forEach((c, i) => {
          const value = row[i + 1];
          expect(value, `${c.label} (${protocol})`).toEqual(c.expected);
          if (typeof c.expected === "bigint") expect(typeof value, c.label).toBe("bigint");
          if (typeof c.expected === "boolean") expect(typeof value, c.label).toBe("boolean");
          if (c.expected instanceof Date) expect(value, c.label).toBeInstanceOf(Date);
        });
      }
    });
  }

  it("a TIMESTAMP holds the instant and a DATETIME the UTC wall clock (session time_zone +00:00)", async () => {
    process.env.TZ = "America/Los_Angeles";
    expect(await scalar(conn, "select @@session.time_zone")).toBe("+00:00");
    const instant = new Date("2024-07-01T12:00:00.250Z");
    expect(await scalar(conn, "select cast(? as char)", [instant])).toBe("2024-07-01 12:00:00.250");
    expect(await scalar(conn, "select unix_timestamp(cast(? as datetime(3)))", [instant])).toBe("1719835200.250");
  });

  it("an emoji into a utf8mb3 column is a DataError (1366), not a silent '?'", async () => {
    const table = newTable();
    await conn.execute(`create table ${table} (s varchar(20)) character set utf8mb3`, []);
    const { translated } = await translatedFailure(conn.execute(`insert into ${table} values (?)`, ["smile 😀"]));
    expect(translated.errorClass).toBe(DataError);
    expect(translated.errno).toBe(1366);
    expect(translated.sqlstate).toBe("22007");
    expect((await conn.execute(`select count(*) from ${table}`, [])).rows).toEqual([[0n]]);
  });

  it("NaN and ±Infinity are refused with DataError before anything is sent", async () => {
    const table = newTable();
    await conn.execute(`create table ${table} (f double)`, []);
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const { error, translated } = await translatedFailure(conn.execute(`insert into ${table} values (?)`, [value]));
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toMatch(/MySQL cannot store NaN or Infinity/);
      expect((error as Error).message).not.toMatch(/Unknown column/);
      expect(translated.errorClass).toBe(DataError);
    }
    expect((await conn.execute(`select count(*) from ${table}`, [])).rows).toEqual([[0n]]);
  });

  it("a plain object or an array is sent as JSON text, never expanded into SQL", async () => {
    const hostile = { "a` = 1; drop table x; --": "'; drop table y; --", n: 1 };
    expect(await scalar(conn, "select ?", [hostile])).toBe(JSON.stringify(hostile));
    expect(await scalar(conn, "select ?", [[1, "two"]])).toBe('[1,"two"]');
    expect(await scalar(conn, "select json_value(?, '$.n')", [hostile])).toBe("1");
  });

  it("booleans are sent as 1 and 0, bigints exactly", async () => {
    expect((await conn.execute("select ? + 0, ? + 0", [true, false])).rows).toEqual([[1, 0]]);
    expect(await scalar(conn, "select cast(? as signed)", [9007199254740993n])).toBe(9007199254740993n);
  });

  it("undefined, lone surrogates and unbindable objects are refused before sending", async () => {
    await expect(conn.execute("select ?", [undefined])).rejects.toThrow(InterfaceError);
    await expect(conn.execute("select ?", ["a\uD800"])).rejects.toThrow(DataError);
    await expect(conn.execute("select ?", [new Map()])).rejects.toThrow(InterfaceError);
    await expect(conn.execute("select ?", [new Date(Number.NaN)])).rejects.toThrow(DataError);
    expect(await scalar(conn, "select 1")).toBe(1);
  });
});
