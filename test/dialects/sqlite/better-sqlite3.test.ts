/**
 * The better-sqlite3 adapter at the DriverConnection level, on an in-memory
 * database and on a temporary file: execute, rowcount, lastInsertId, columns,
 * executeMany, cursors, ping, close, error translation.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqliteDialect } from "../../../src/dialects/sqlite/index.js";
import { isMemoryUrl, sqliteFilename } from "../../../src/dialects/sqlite/drivers/better-sqlite3.js";
import type { DriverConnection } from "../../../src/engine/interfaces.js";
import { URL } from "../../../src/engine/url.js";
import {
  ArgumentError,
  DataError,
  IntegrityError,
  InterfaceError,
  OperationalError,
  ProgrammingError,
} from "../../../src/errors/index.js";
import { sqliteFilePath } from "../../support/backends.js";
import { connectSqlite, sqliteAdapter, sqliteTargets, translatedFailure } from "./helpers.js";

describe("SQLite URLs", () => {
  it("treats sqlite:// and sqlite:///:memory: as memory, the database part as the file path", () => {
    expect(isMemoryUrl(URL.parse("sqlite://"))).toBe(true);
    expect(isMemoryUrl(URL.parse("sqlite+better-sqlite3://"))).toBe(true);
    expect(isMemoryUrl(URL.parse("sqlite:///:memory:"))).toBe(true);
    expect(sqliteFilename(URL.parse("sqlite://"))).toBe(":memory:");
    expect(sqliteFilename(URL.parse("sqlite:///relative.db"))).toBe("relative.db");
    expect(sqliteFilename(URL.parse("sqlite:///sub/dir/app.db"))).toBe("sub/dir/app.db");
    expect(sqliteFilename(URL.parse("sqlite:////abs/path.db"))).toBe("/abs/path.db");
    expect(sqliteFilename(URL.parse("sqlite:////abs/path.db?timeout=2"))).toBe("/abs/path.db");
  });

  it("refuses a host in a SQLite URL", () => {
    expect(() => sqliteFilename(URL.parse("sqlite://somehost/app.db"))).toThrow(ArgumentError);
  });

  it("uses a static pool for memory and a queue pool for files", async () => {
    const adapter = await sqliteAdapter();
    expect(adapter.defaultPool(URL.parse("sqlite://"))).toBe("static");
    expect(adapter.defaultPool(URL.parse("sqlite:///:memory:"))).toBe("static");
    expect(adapter.defaultPool(URL.parse("sqlite:///app.db"))).toBe("queue");
  });

  it("validates the URL options before opening anything", async () => {
    await expect(connectSqlite("sqlite://?journal_mode=wal;drop")).rejects.toThrow(ArgumentError);
    await expect(connectSqlite("sqlite://?timeout=soon")).rejects.toThrow(ArgumentError);
    await expect(connectSqlite("sqlite://?foreign_keys=maybe")).rejects.toThrow(ArgumentError);
  });

  it("the module names its driver and builds its dialect", async () => {
    expect(sqliteDialect.name).toBe("sqlite");
    expect(sqliteDialect.defaultDriver).toBe("better-sqlite3");
    const adapter = await sqliteAdapter();
    expect(adapter.name).toBe("better-sqlite3");
    expect(adapter.packageName).toBe("better-sqlite3");
    expect(sqliteDialect.createDialect(adapter, URL.parse("sqlite://")).name).toBe("sqlite");
  });
});

for (const target of sqliteTargets()) {
  describe(`better-sqlite3 adapter [${target.id}]`, () => {
    let conn: DriverConnection;

    beforeEach(async () => {
      conn = await connectSqlite(target.url());
      await conn.execute(
        'create table item (id integer primary key, name text not null unique, qty integer check (qty >= 0), "weird ""name""" text)',
        [],
      );
    });
    afterEach(async () => {
      await conn.close();
    });

    it("executes DDL and DML with rowcount and lastInsertId", async () => {
      const first = await conn.execute("insert into item (name, qty) values (?, ?)", ["apple", 3]);
      expect(first.rowcount).toBe(1);
      expect(first.lastInsertId).toBe(1);
      expect(first.columns).toEqual([]);
      expect(first.rows).toEqual([]);
      const second = await conn.execute("insert into item (name, qty) values (?, ?), (?, ?)", ["pear", 1, "plum", 0]);
      expect(second.rowcount).toBe(2);
      expect(second.lastInsertId).toBe(3);
      const update = await conn.execute("update item set qty = qty + 1 where qty < ?", [2]);
      expect(update.rowcount).toBe(2);
      const none = await conn.execute("delete from item where name = ?", ["nothing"]);
      expect(none.rowcount).toBe(0);
      const ddl = await conn.execute("create index item_qty on item (qty)", []);
      expect(ddl.rowcount).toBe(0);
    });

    it("returns rows as arrays, with column names and declared types, and rowcount = rows for SELECT", async () => {
      await conn.execute("insert into item (name, qty) values ('a', 1), ('b', 2)", []);
      const result = await conn.execute('select id, name, qty * 2 as double_qty, "weird ""name""" from item order by id', []);
      expect(result.columns.map((c) => c.name)).toEqual(["id", "name", "double_qty", 'weird "name"']);
      expect(result.columns.map((c) => c.type)).toEqual(["integer", "text", undefined, "text"]);
      expect(result.rows).toEqual([
        [1, "a", 2, null],
        [2, "b", 4, null],
      ]);
      expect(result.rowcount).toBe(2);
      const empty = await conn.execute("select * from item where id < 0", []);
      expect(empty.rows).toEqual([]);
      expect(empty.rowcount).toBe(0);
      expect(empty.columns.length).toBe(4);
    });

    it("supports RETURNING", async () => {
      const result = await conn.execute("insert into item (name, qty) values (?, ?) returning id, name", ["kiwi", 5]);
      expect(result.rows).toEqual([[1, "kiwi"]]);
      expect(result.rowcount).toBe(1);
    });

    it("sees a table recreated with other columns (cached statements are dropped after DDL)", async () => {
      await conn.execute("create table shape (a integer)", []);
      await conn.execute("insert into shape values (1)", []);
      expect((await conn.execute("select * from shape", [])).columns.map((c) => c.name)).toEqual(["a"]);
      await conn.execute("drop table shape", []);
      await conn.execute("create table shape (b BOOLEAN, c text)", []);
      await conn.execute("insert into shape values (1, 'x')", []);
      const again = await conn.execute("select * from shape", []);
      expect(again.columns.map((c) => c.name)).toEqual(["b", "c"]);
      expect(again.rows).toEqual([[true, "x"]]);
    });

    it("executeMany runs 1000 parameter sets and sums the rowcount", async () => {
      const sets = Array.from({ length: 1000 }, (_, i) => [`n${i}`, i]);
      const result = await conn.execute("begin", []).then(() => conn.executeMany("insert into item (name, qty) values (?, ?)", sets));
      await conn.execute("commit", []);
      expect(result.rowcount).toBe(1000);
      expect(result.lastInsertId).toBe(1000);
      const count = await conn.execute("select count(*), sum(qty) from item", []);
      expect(count.rows).toEqual([[1000, (999 * 1000) / 2]]);
      const updated = await conn.executeMany("update item set qty = qty + 1 where id <= ?", [[10], [20]]);
      expect(updated.rowcount).toBe(30);
    });

    it("executeMany with RETURNING collects the rows", async () => {
      const result = await conn.executeMany("insert into item (name) values (?) returning id", [["x"], ["y"], ["z"]]);
      expect(result.rows).toEqual([[1], [2], [3]]);
      expect(result.rowcount).toBe(3);
    });

    it("streams 100,000 rows from a recursive CTE in batches", async () => {
      const sql =
        "with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ?) select n, 'row ' || n from seq";
      const cursor = await conn.openCursor(sql, [100_000], 1000);
      expect(cursor.columns.map((c) => c.name)).toEqual(["n", "'row ' || n"]);
      let count = 0;
      let sum = 0;
      let batches = 0;
      for (let batch = await cursor.next(); batch !== null; batch = await cursor.next()) {
        expect(batch.length).toBeLessThanOrEqual(1000);
        batches += 1;
        count += batch.length;
        for (const row of batch) sum += row[0] as number;
      }
      expect(count).toBe(100_000);
      expect(batches).toBe(100);
      expect(sum).toBe((100_000 * 100_001) / 2);
      expect(await cursor.next()).toBeNull();
      await cursor.close();
      await cursor.close();
    });

    it("closes a cursor early, after which the connection can write again", async () => {
      const sql = "with recursive seq(n) as (select 1 union all select n + 1 from seq where n < 100000) select n from seq";
      const cursor = await conn.openCursor(sql, [], 500);
      const first = await cursor.next();
      expect(first?.[0]).toEqual([1]);
      expect((await cursor.next())?.[0]).toEqual([501]);
      // A write while the statement is stepping is refused by better-sqlite3...
      const busy = await translatedFailure(conn.execute("insert into item (name) values ('w')", []));
      expect(busy.translated.errorClass).toBe(InterfaceError);
      await cursor.close();
      expect(await cursor.next()).toBeNull();
      await cursor.close();
      // ...and accepted once the cursor is closed.
      expect((await conn.execute("insert into item (name) values ('w')", [])).rowcount).toBe(1);
      expect((await conn.execute("select count(*) from item", [])).rows).toEqual([[1]]);
    });

    it("a cursor over a statement without rows runs it and yields nothing", async () => {
      const cursor = await conn.openCursor("insert into item (name) values (?)", ["c"], 10);
      expect(cursor.columns).toEqual([]);
      expect(await cursor.next()).toBeNull();
      await cursor.close();
      expect((await conn.execute("select name from item", [])).rows).toEqual([["c"]]);
    });

    it("a cursor applies the column conversions", async () => {
      await conn.execute("create table conv (b BOOLEAN, big BIGINT, ts DATETIME)", []);
      await conn.execute("insert into conv values (1, 9007199254740993, '2024-01-02 03:04:05.006')", []);
      const cursor = await conn.openCursor("select * from conv", [], 10);
      expect(await cursor.next()).toEqual([[true, 9007199254740993n, new Date("2024-01-02T03:04:05.006Z")]]);
      await cursor.close();
    });

    it("ping answers, and fails once the connection is closed", async () => {
      await conn.ping();
      const other = await connectSqlite(target.url());
      await other.close();
      await other.close();
      const failed = await translatedFailure(other.ping());
      expect(failed.translated.errorClass).toBe(OperationalError);
      expect(failed.translated.isDisconnect).toBe(true);
    });

    it("has no brokenReason and exposes the raw database", () => {
      expect(conn.brokenReason).toBeUndefined();
      expect((conn.raw as { open: boolean }).open).toBe(true);
    });

    it("every error is a rejected promise, never a synchronous throw", async () => {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = conn.execute("select from nowhere", []);
      }).not.toThrow();
      await expect(promise).rejects.toBeDefined();
    });

    describe("error translation", () => {
      it("duplicate key -> IntegrityError with the constraint", async () => {
        await conn.execute("insert into item (name) values ('dup')", []);
        const { translated } = await translatedFailure(conn.execute("insert into item (name) values ('dup')", []));
        expect(translated.errorClass).toBe(IntegrityError);
        expect(translated.errno).toBe("SQLITE_CONSTRAINT_UNIQUE");
        expect(translated.constraint).toBe("item.name");
        expect(translated.message).toBe("UNIQUE constraint failed: item.name");
        expect(translated.isDisconnect).toBe(false);
      });

      it("NOT NULL, CHECK and FOREIGN KEY -> IntegrityError (foreign keys are enforced by default)", async () => {
        const notNull = await translatedFailure(conn.execute("insert into item (name) values (null)", []));
        expect(notNull.translated.errorClass).toBe(IntegrityError);
        expect(notNull.translated.errno).toBe("SQLITE_CONSTRAINT_NOTNULL");
        expect(notNull.translated.constraint).toBe("item.name");
        const check = await translatedFailure(conn.execute("insert into item (name, qty) values ('neg', -1)", []));
        expect(check.translated.errorClass).toBe(IntegrityError);
        expect(check.translated.errno).toBe("SQLITE_CONSTRAINT_CHECK");
        await conn.execute("create table child (id integer primary key, item_id integer references item(id))", []);
        const fk = await translatedFailure(conn.execute("insert into child (item_id) values (999)", []));
        expect(fk.translated.errorClass).toBe(IntegrityError);
        expect(fk.translated.errno).toBe("SQLITE_CONSTRAINT_FOREIGNKEY");
      });

      it("a named CHECK constraint is reported by name", async () => {
        await conn.execute("create table named (v integer, constraint v_positive check (v > 0))", []);
        const { translated } = await translatedFailure(conn.execute("insert into named values (0)", []));
        expect(translated.constraint).toBe("v_positive");
      });

      it("syntax errors, unknown tables and columns -> ProgrammingError", async () => {
        for (const sql of ["selec 1", "select * from nowhere", "select nope from item", "insert into item (nope) values (1)"]) {
          const { translated } = await translatedFailure(conn.execute(sql, []));
          expect(translated.errorClass, sql).toBe(ProgrammingError);
          expect(translated.errno).toBe("SQLITE_ERROR");
        }
      });

      it("a wrong number of parameters -> ProgrammingError", async () => {
        const { translated } = await translatedFailure(conn.execute("select ?, ?", [1]));
        expect(translated.errorClass).toBe(ProgrammingError);
      });

      it("NaN and Infinity are refused with DataError before SQLite sees them", async () => {
        for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const { error } = await translatedFailure(conn.execute("insert into item (name, qty) values ('x', ?)", [value]));
          expect(error).toBeInstanceOf(DataError);
          expect((error as DataError).message).toMatch(/NaN or Infinity/);
        }
        expect((await conn.execute("select count(*) from item", [])).rows).toEqual([[0]]);
      });

      it("undefined is refused with InterfaceError naming the parameter", async () => {
        const { error } = await translatedFailure(conn.execute("select ?, ?", [1, undefined]));
        expect(error).toBeInstanceOf(InterfaceError);
        expect((error as Error).message).toMatch(/Parameter 2 is undefined; use null/);
      });

      it("a lone surrogate is refused with DataError", async () => {
        const { error } = await translatedFailure(conn.execute("select ?", ["a\uD800b"]));
        expect(error).toBeInstanceOf(DataError);
      });

      it("a bigint beyond 64 bits -> DataError", async () => {
        const { translated } = await translatedFailure(conn.execute("select ?", [2n ** 64n]));
        expect(translated.errorClass).toBe(DataError);
      });
    });
  });
}

describe("better-sqlite3 statement cache and another connection's DDL", () => {
  it("a cached statement is described again when another connection changes its table", async () => {
    const url = `sqlite+better-sqlite3:///${sqliteFilePath("ddl")}`;
    const a = await connectSqlite(url);
    const b = await connectSqlite(url);
    try {
      await a.execute("create table shape (x integer)", []);
      await a.execute("insert into shape values (1)", []);
      expect((await a.execute("select * from shape", [])).columns.map((c) => c.name)).toEqual(["x"]);
      await b.execute("alter table shape add column flag BOOLEAN default 1", []);
      const again = await a.execute("select * from shape", []);
      expect(again.columns.map((c) => c.name)).toEqual(["x", "flag"]);
      expect(again.rows).toEqual([[1, true]]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("better-sqlite3 connect failures", () => {
  it("a file in a missing directory fails with a disconnect-classified OperationalError", async () => {
    const { translated } = await translatedFailure(connectSqlite("sqlite:////nonexistent-dir-athanor/sub/app.db"));
    expect(translated.errorClass).toBe(OperationalError);
    expect(translated.isDisconnect).toBe(true);
  });

  it("foreign_keys=off in the URL disables enforcement", async () => {
    const conn = await connectSqlite("sqlite://?foreign_keys=off");
    try {
      expect((await conn.execute("pragma foreign_keys", [])).rows).toEqual([[0]]);
      await conn.execute("create table p (id integer primary key)", []);
      await conn.execute("create table c (p integer references p(id))", []);
      expect((await conn.execute("insert into c values (42)", [])).rowcount).toBe(1);
    } finally {
      await conn.close();
    }
  });
});
