/**
 * The PostgreSQL dialect without a database: module shape, compiler hooks,
 * transaction statements, error classification of client-side failures,
 * and the value conversions the adapters share.
 */
import { describe, expect, it } from "vitest";
import {
  PostgresCompiler,
  PostgresDialect,
  postgresqlDialect,
  translatePostgresError,
} from "../../../src/dialects/postgresql/index.js";
import { prepareParams } from "../../../src/dialects/postgresql/params.js";
import { parseArray, parserFor, parseTimestamp } from "../../../src/dialects/postgresql/values.js";
import type { DriverAdapter } from "../../../src/engine/interfaces.js";
import { URL } from "../../../src/engine/url.js";
import {
  DataError,
  IntegrityError,
  InterfaceError,
  OperationalError,
  ProgrammingError,
} from "../../../src/errors/index.js";
import { text } from "../../../src/sql/index.js";
import { loadAdapter } from "./support.js";

describe("postgresqlDialect module", () => {
  it("names its drivers and loads each lazily", async () => {
    expect(postgresqlDialect.name).toBe("postgresql");
    expect(postgresqlDialect.defaultDriver).toBe("pg");
    expect(Object.keys(postgresqlDialect.drivers).sort()).toEqual(["pg", "pglite", "postgres"]);
    for (const name of ["pg", "postgres", "pglite"] as const) {
      const adapter = await loadAdapter(name);
      expect(adapter.name).toBe(name);
      const dialect = postgresqlDialect.createDialect(adapter, URL.parse(`postgresql+${name}://`));
      expect(dialect).toBeInstanceOf(PostgresDialect);
      expect(dialect.driver).toBe(adapter);
    }
  });
});

/** Only the name matters to the dialect; nothing here connects. */
function namedDriver(name: string): DriverAdapter {
  return {
    name,
    packageName: name,
    connect: () => Promise.reject(new Error("not used")),
    translateError: translatePostgresError,
    defaultPool: () => "queue",
  };
}

describe("PostgresDialect", () => {
  const fakeDriver = namedDriver;

  it("has the capabilities of PostgreSQL, streaming only on server drivers", () => {
    const pg = new PostgresDialect(fakeDriver("pg"));
    expect(pg.name).toBe("postgresql");
    expect(pg.capabilities).toEqual({
      returning: true,
      savepoints: true,
      transactionalDdl: true,
      serverSideCursors: true,
      insertManyValues: true,
      isolationLevels: ["SERIALIZABLE", "REPEATABLE READ", "READ COMMITTED", "READ UNCOMMITTED", "AUTOCOMMIT"],
    });
    expect(new PostgresDialect(fakeDriver("postgres")).capabilities.serverSideCursors).toBe(true);
    expect(new PostgresDialect(fakeDriver("pglite")).capabilities.serverSideCursors).toBe(false);
    expect(new PostgresDialect(fakeDriver("pglite")).capabilities.insertManyValues).toBe(true);
  });

  it("begins transactions at each isolation level", () => {
    const dialect = new PostgresDialect(fakeDriver("pg"));
    expect(dialect.beginStatements()).toEqual(["BEGIN"]);
    expect(dialect.beginStatements("SERIALIZABLE")).toEqual(["BEGIN ISOLATION LEVEL SERIALIZABLE"]);
    expect(dialect.beginStatements("REPEATABLE READ")).toEqual(["BEGIN ISOLATION LEVEL REPEATABLE READ"]);
    expect(dialect.beginStatements("READ COMMITTED")).toEqual(["BEGIN ISOLATION LEVEL READ COMMITTED"]);
    expect(dialect.beginStatements("READ UNCOMMITTED")).toEqual(["BEGIN ISOLATION LEVEL READ UNCOMMITTED"]);
    expect(dialect.beginStatements("AUTOCOMMIT")).toEqual([]);
    expect(dialect.isolationLevelQuery).toBe("SHOW TRANSACTION ISOLATION LEVEL");
    expect(dialect.commitStatement).toBe("COMMIT");
    expect(dialect.rollbackStatement).toBe("ROLLBACK");
    expect(dialect.savepointStatement('sp"1')).toBe('SAVEPOINT "sp""1"');
    expect(dialect.rollbackToSavepointStatement("a")).toBe('ROLLBACK TO SAVEPOINT "a"');
    expect(dialect.releaseSavepointStatement("a")).toBe('RELEASE SAVEPOINT "a"');
  });
});

describe("PostgresCompiler", () => {
  it("numbers placeholders and double-quotes identifiers", () => {
    const compiler = new PostgresCompiler();
    const compiled = compiler.compile(text("SELECT :a, :b::int, ':c', :a"));
    expect(compiled.sql).toBe("SELECT $1, $2::int, ':c', $3");
    expect(compiled.bindNames).toEqual(["a", "b", "a"]);
    expect(compiler.quoteIdentifier("user")).toBe('"user"');
    expect(compiler.quoteIdentifier('a"; drop table t; --')).toBe('"a""; drop table t; --"');
    expect(new PostgresDialect(namedDriver("pg")).createCompiler()).toBeInstanceOf(PostgresCompiler);
  });
});

describe("translatePostgresError", () => {
  it("classifies server errors by SQLSTATE class", () => {
    const server = (code: string, extra: Record<string, unknown> = {}) =>
      translatePostgresError(Object.assign(new Error(`server ${code}`), { code, severity: "ERROR", ...extra }));
    expect(server("23505", { constraint: "uq" })).toMatchObject({ errorClass: IntegrityError, constraint: "uq", sqlstate: "23505" });
    // postgres.js names the field constraint_name.
    expect(server("23503", { constraint_name: "fk" }).constraint).toBe("fk");
    expect(server("22003").errorClass).toBe(DataError);
    expect(server("42P01").errorClass).toBe(ProgrammingError);
    expect(server("40001")).toMatchObject({ errorClass: OperationalError, isRetryable: true, isDisconnect: false });
    expect(server("40P01")).toMatchObject({ isRetryable: true });
    expect(server("55P03")).toMatchObject({ errorClass: OperationalError, isTimeout: true });
    expect(server("57P01")).toMatchObject({ errorClass: OperationalError, isDisconnect: true });
    expect(server("08006")).toMatchObject({ isDisconnect: true });
    expect(server("53300").errorClass).toBe(OperationalError);
    expect(server("0A000").errorClass.name).toBe("NotSupportedError");
    expect(server("XX000").errorClass.name).toBe("InternalError");
    expect(server("P0001").errorClass.name).toBe("InternalError");
    expect(server("99999").errorClass.name).toBe("DatabaseError");
  });

  it("classifies client-side failures by code and message", () => {
    const socket = (code: string) => translatePostgresError(Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code }));
    for (const code of ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "CONNECTION_CLOSED", "CONNECT_TIMEOUT"]) {
      expect(socket(code), code).toMatchObject({ errorClass: OperationalError, isDisconnect: true });
    }
    // EPIPE looks like a SQLSTATE (five capitals) but no SQLSTATE class starts with E.
    expect(socket("EPIPE").sqlstate).toBeUndefined();
    expect(translatePostgresError(new Error("Connection terminated unexpectedly")).isDisconnect).toBe(true);
    expect(translatePostgresError(new Error("Client has encountered a connection error and is not queryable")).isDisconnect).toBe(true);
    expect(translatePostgresError(new Error("Query read timeout"))).toMatchObject({ isTimeout: true, isDisconnect: true });
    expect(translatePostgresError(new Error("PGlite is closed")).isDisconnect).toBe(true);
    expect(translatePostgresError(new TypeError("bad argument"))).toMatchObject({ errorClass: InterfaceError, isDisconnect: false });
    expect(translatePostgresError("a string").message).toBe("a string");
  });

  it("keeps the class of Athanor's own driver-level errors", () => {
    expect(translatePostgresError(new DataError("lone surrogate")).errorClass).toBe(DataError);
    expect(translatePostgresError(new InterfaceError("undefined")).errorClass).toBe(InterfaceError);
  });
});

describe("prepareParams", () => {
  it("leaves plain values alone and returns the same array", () => {
    const params = [1, "x", true, null, 1.5, NaN];
    expect(prepareParams("q", params)).toBe(params);
  });

  it("converts bigint, Date, arrays and objects to text", () => {
    const buffer = Buffer.from([1, 2]);
    const out = prepareParams("q", [
      9007199254740993n,
      new Date("2024-01-02T03:04:05.006Z"),
      [1, null, "a\"b\\c", [true]],
      { a: 1n === 1n },
      buffer,
      new Date(8.64e15),
      new Date(Date.UTC(-43, 2, 15)),
    ]);
    expect(out[0]).toBe("9007199254740993");
    expect(out[1]).toBe("2024-01-02T03:04:05.006Z");
    expect(out[2]).toBe('{1,NULL,"a\\"b\\\\c",{"true"}}');
    expect(out[3]).toBe('{"a":true}');
    expect(out[4]).toBe(buffer);
    expect(out[5]).toBe("infinity");
    expect(out[6]).toBe("0044-03-15T00:00:00.000Z BC");
  });

  it("writes finite numbers in arrays bare, and quotes -0, NaN and Infinity", () => {
    const out = prepareParams("q", [[12.5, -3, 0, -0, Number.NaN, Infinity, -Infinity, 1e21]]);
    expect(out[0]).toBe('{12.5,-3,0,"-0","NaN","Infinity","-Infinity",1e+21}');
  });

  it("refuses undefined, lone surrogates, invalid dates and unserialisable JSON", () => {
    expect(() => prepareParams("q", [1, undefined])).toThrow(InterfaceError);
    expect(() => prepareParams("q", [1, undefined])).toThrow(/parameter \$2 is undefined; use null for SQL NULL/);
    expect(() => prepareParams("q", ["\uD83D"])).toThrow(DataError);
    expect(() => prepareParams("q", ["ok \uDE00"])).toThrow(DataError);
    expect(() => prepareParams("q", [["x", "\uD800"]])).toThrow(DataError);
    expect(() => prepareParams("q", [new Date(NaN)])).toThrow(DataError);
    expect(() => prepareParams("q", [{ big: 1n }])).toThrow(DataError);
    expect(prepareParams("q", ["😀"])[0]).toBe("😀");
  });
});

describe("value parsers", () => {
  it("reads timestamps as UTC wall clock, with offsets, BC and infinity", () => {
    expect(parseTimestamp("2024-03-10 02:30:00", false)).toEqual(new Date("2024-03-10T02:30:00Z"));
    expect(parseTimestamp("2024-03-10 02:30:00.5", false)).toEqual(new Date("2024-03-10T02:30:00.500Z"));
    expect(parseTimestamp("2024-03-10 02:30:00.123999", false)).toEqual(new Date("2024-03-10T02:30:00.123Z"));
    expect(parseTimestamp("2024-01-02 03:04:05-08", true)).toEqual(new Date("2024-01-02T11:04:05Z"));
    expect(parseTimestamp("1850-01-01 05:41:16+05:41:16", true)).toEqual(new Date("1850-01-01T00:00:00Z"));
    expect(parseTimestamp("0001-01-01 00:00:00+00 BC", true).getUTCFullYear()).toBe(0);
    expect(parseTimestamp("0099-06-01 00:00:00", false).getUTCFullYear()).toBe(99);
    expect(parseTimestamp("infinity", true).getTime()).toBe(8.64e15);
    expect(parseTimestamp("-infinity", false).getTime()).toBe(-8.64e15);
    expect(Number.isNaN(parseTimestamp("garbage", false).getTime())).toBe(true);
  });

  it("reads array literals", () => {
    expect(parseArray("{}", undefined)).toEqual([]);
    expect(parseArray('{a,"b c",NULL,"NULL",null}', undefined)).toEqual(["a", "b c", null, "NULL", null]);
    expect(parseArray('{"a\\"b","c\\\\d"}', undefined)).toEqual(['a"b', "c\\d"]);
    expect(parseArray("{{1,2},{3,4}}", Number)).toEqual([[1, 2], [3, 4]]);
    expect(parseArray("[2:3]={5,6}", Number)).toEqual([5, 6]);
    expect(parserFor(1016)("{1,9007199254740993}")).toEqual([1n, 9007199254740993n]);
    expect(parserFor(17)("\\x00ff")).toEqual(Buffer.from([0, 255]));
    expect(parserFor(17)("a\\\\b\\001")).toEqual(Buffer.from([97, 92, 98, 1]));
    expect(parserFor(999_999)("kept")).toBe("kept");
  });
});
