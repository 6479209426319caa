/** The SQLite dialect: capabilities, transaction statements, isolation query, compiler hooks. */
import { describe, expect, it } from "vitest";
import { SQLiteCompiler, SQLiteDialect, parseBeginMode, sqliteDialect } from "../../../src/dialects/sqlite/index.js";
import { URL } from "../../../src/engine/url.js";
import { ArgumentError } from "../../../src/errors/index.js";
import { text } from "../../../src/sql/index.js";
import { connectSqlite, sqliteAdapter, sqliteTargets } from "./helpers.js";

async function dialectFor(url: string): Promise<SQLiteDialect> {
  return sqliteDialect.createDialect(await sqliteAdapter(), URL.parse(url)) as SQLiteDialect;
}

describe("SQLiteDialect", () => {
  it("declares its capabilities", async () => {
    const dialect = await dialectFor("sqlite://");
    expect(dialect).toBeInstanceOf(SQLiteDialect);
    expect(dialect.name).toBe("sqlite");
    expect(dialect.capabilities).toEqual({
      returning: true,
      savepoints: true,
      transactionalDdl: true,
      serverSideCursors: true,
      insertManyValues: false,
      isolationLevels: ["SERIALIZABLE", "READ UNCOMMITTED", "AUTOCOMMIT"],
    });
  });

  it("begins with BEGIN, setting read_uncommitted when a level is named", async () => {
    const dialect = await dialectFor("sqlite://");
    expect(dialect.beginStatements()).toEqual(["BEGIN"]);
    expect(dialect.beginStatements("READ UNCOMMITTED")).toEqual(["PRAGMA read_uncommitted = 1", "BEGIN"]);
    expect(dialect.beginStatements("SERIALIZABLE")).toEqual(["PRAGMA read_uncommitted = 0", "BEGIN"]);
    expect(dialect.beginStatements("AUTOCOMMIT")).toEqual([]);
    expect(() => dialect.beginStatements("READ COMMITTED")).toThrow(ArgumentError);
  });

  it("begin=immediate in the URL makes every transaction BEGIN IMMEDIATE", async () => {
    const dialect = await dialectFor("sqlite:///app.db?begin=immediate");
    expect(dialect.beginMode).toBe("immediate");
    expect(dialect.beginStatements()).toEqual(["BEGIN IMMEDIATE"]);
    expect(dialect.beginStatements("SERIALIZABLE")).toEqual(["PRAGMA read_uncommitted = 0", "BEGIN IMMEDIATE"]);
    expect((await dialectFor("sqlite://?begin=EXCLUSIVE")).beginStatements()).toEqual(["BEGIN EXCLUSIVE"]);
    expect(parseBeginMode(undefined)).toBe("deferred");
    expect(() => parseBeginMode("later")).toThrow(ArgumentError);
  });

  it("quotes identifiers with double quotes and uses ? placeholders", async () => {
    const dialect = await dialectFor("sqlite://");
    expect(dialect.quoteIdentifier('we"ird')).toBe('"we""ird"');
    expect(dialect.savepointStatement("sp 1")).toBe('SAVEPOINT "sp 1"');
    expect(dialect.releaseSavepointStatement("sp")).toBe('RELEASE SAVEPOINT "sp"');
    expect(dialect.rollbackToSavepointStatement("sp")).toBe('ROLLBACK TO SAVEPOINT "sp"');
    const compiled = new SQLiteCompiler().compile(text("select :a, :b, :a"));
    expect(compiled.sql).toBe("select ?, ?, ?");
    expect(compiled.bindNames).toEqual(["a", "b", "a"]);
  });

  for (const target of sqliteTargets()) {
    it(`runs its transaction and isolation statements [${target.id}]`, async () => {
      const dialect = await dialectFor(target.url());
      const conn = await connectSqlite(target.url());
      try {
        expect((await conn.execute(dialect.isolationLevelQuery, [])).rows).toEqual([["SERIALIZABLE"]]);
        for (const sql of dialect.beginStatements("READ UNCOMMITTED")) await conn.execute(sql, []);
        expect((await conn.execute(dialect.isolationLevelQuery, [])).rows).toEqual([["READ UNCOMMITTED"]]);
        await conn.execute("create table t (v integer)", []);
        await conn.execute(dialect.savepointStatement("s1"), []);
        await conn.execute("insert into t values (1)", []);
        await conn.execute(dialect.rollbackToSavepointStatement("s1"), []);
        await conn.execute(dialect.releaseSavepointStatement("s1"), []);
        await conn.execute("insert into t values (2)", []);
        await conn.execute(dialect.commitStatement, []);
        for (const sql of dialect.beginStatements("SERIALIZABLE")) await conn.execute(sql, []);
        expect((await conn.execute(dialect.isolationLevelQuery, [])).rows).toEqual([["SERIALIZABLE"]]);
        // DDL is transactional: the rollback takes the table away.
        await conn.execute("create table gone (v integer)", []);
        await conn.execute(dialect.rollbackStatement, []);
        expect((await conn.execute("select v from t", [])).rows).toEqual([[2]]);
        expect((await conn.execute("select count(*) from sqlite_master where name = 'gone'", [])).rows).toEqual([[0]]);
      } finally {
        await conn.close();
      }
    });
  }
});
