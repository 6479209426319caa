import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { IntegrityError, Integer, InvalidRequestError, text, type Connection } from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend("transactions", (ctx) => {
  const table = uniqueName("tx");
  const count = async (conn: Connection): Promise<number> =>
    (await conn.execute(text(`select count(*) as n from ${table}`).columns({ n: new Integer() }))).scalarOne();
  const countFresh = async (): Promise<number> => ctx.engine.connect((conn) => count(conn));
  const insert = (conn: Connection, id: number) => conn.execute(text(`insert into ${table} (id) values (:id)`), { id });

  beforeAll(async () => {
    await ctx.engine.begin((conn) => conn.execute(text(`create table ${table} (id integer primary key)`)));
  });
  beforeEach(async () => {
    await ctx.engine.begin((conn) => conn.execute(text(`delete from ${table}`)));
  });
  afterAll(async () => {
    await ctx.engine.begin((conn) => conn.execute(text(`drop table ${table}`)));
  });

  it("commit as you go: work is kept only after commit()", async () => {
    const conn = await ctx.engine.connect();
    await insert(conn, 1);
    expect(conn.inTransaction()).toBe(true);
    await conn.commit();
    expect(conn.inTransaction()).toBe(false);
    await insert(conn, 2);
    await conn.close(); // not committed: rolled back
    expect(await countFresh()).toBe(1);
  });

  it("explicit rollback discards the work", async () => {
    await using conn = await ctx.engine.connect();
    await insert(conn, 1);
    await conn.rollback();
    expect(await count(conn)).toBe(0);
  });

  it("engine.begin(fn) commits on success", async () => {
    const value = await ctx.engine.begin(async (conn) => {
      await insert(conn, 1);
      return "done";
    });
    expect(value).toBe("done");
    expect(await countFresh()).toBe(1);
  });

  it("engine.begin(fn) rolls back when a statement fails, and nothing of it is visible", async () => {
    const error = await ctx.engine
      .begin(async (conn) => {
        await insert(conn, 1);
        await insert(conn, 2);
        await insert(conn, 1); // duplicate key
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(await countFresh()).toBe(0);
  });

  it("engine.begin(fn) rolls back when the function throws", async () => {
    await expect(
      ctx.engine.begin(async (conn) => {
        await insert(conn, 1);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await countFresh()).toBe(0);
  });

  it("await using with engine.begin(): committed explicitly, or rolled back at the end of the block", async () => {
    {
      await using conn = await ctx.engine.begin();
      await insert(conn, 1);
      await conn.commit();
    }
    {
      await using conn = await ctx.engine.begin();
      await insert(conn, 2);
    }
    expect(await countFresh()).toBe(1);
  });

  it("conn.begin() returns a transaction; a second begin() is refused", async () => {
    await using conn = await ctx.engine.connect();
    const tx = await conn.begin();
    await expect(conn.begin()).rejects.toThrow(InvalidRequestError);
    await insert(conn, 1);
    await tx.commit();
    expect(tx.isActive).toBe(false);
    await expect(tx.commit()).rejects.toThrow(/no longer active/);
    {
      await using tx2 = await conn.begin();
      await insert(conn, 2);
      expect(tx2.isActive).toBe(true);
    }
    expect(await count(conn)).toBe(1);
  });

  it("savepoints: release keeps, rollback-to discards, the outer transaction goes on", async () => {
    await using conn = await ctx.engine.connect();
    await insert(conn, 1);
    const sp1 = await conn.beginNested();
    await insert(conn, 2);
    await sp1.commit();
    const sp2 = await conn.beginNested();
    await insert(conn, 3);
    const sp3 = await conn.beginNested();
    await insert(conn, 4);
    await sp3.commit();
    await sp2.rollback(); // discards 3 and 4
    expect(conn.inNestedTransaction()).toBe(false);
    await conn.commit();
    const ids = (await conn.execute(text(`select id from ${table} order by id`))).scalars().all();
    expect(ids.map(Number)).toEqual([1, 2]);
  });

  it("rolling back an outer savepoint deactivates the inner ones", async () => {
    await using conn = await ctx.engine.connect();
    const outer = await conn.beginNested();
    const inner = await conn.beginNested();
    await insert(conn, 1);
    await outer.rollback();
    expect(inner.isActive).toBe(false);
    await expect(inner.commit()).rejects.toThrow(/no longer active/);
    expect(await count(conn)).toBe(0);
  });

  it("beginNested(fn) contains an expected failure without losing the outer transaction", async () => {
    await using conn = await ctx.engine.connect();
    await insert(conn, 1);
    const error = await conn
      .beginNested(async () => {
        await insert(conn, 1);
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    await insert(conn, 2);
    await conn.commit();
    expect(await count(conn)).toBe(2);
  });

  it("isolation level per engine and per connection", async () => {
    const levels = ctx.engine.dialect.capabilities.isolationLevels;
    const level = levels.includes("REPEATABLE READ") ? "REPEATABLE READ" : "SERIALIZABLE";
    const engine = ctx.newEngine({ isolationLevel: level });
    await engine.connect(async (conn) => {
      await conn.begin();
      expect(await conn.getIsolationLevel()).toBe(level);
    });
    await using conn = await ctx.engine.connect({ isolationLevel: "SERIALIZABLE" });
    await conn.begin();
    expect(await conn.getIsolationLevel()).toBe("SERIALIZABLE");
    await conn.rollback();
    expect(() => conn.setIsolationLevel("NOPE" as never)).toThrow(/Unknown isolation level/);
  });

  it("the isolation level really applies: REPEATABLE READ keeps its snapshot, READ COMMITTED sees new commits", async () => {
    const levels = ctx.engine.dialect.capabilities.isolationLevels;
    if (!levels.includes("READ COMMITTED") || ctx.backend.id === "pglite") return; // PGlite has one connection
    for (const [level, seen] of [["REPEATABLE READ", 0], ["READ COMMITTED", 1]] as const) {
      await ctx.engine.begin((c) => c.execute(text(`delete from ${table}`)));
      const reader = await ctx.engine.connect({ isolationLevel: level });
      await reader.begin();
      expect(await count(reader)).toBe(0);
      await ctx.engine.begin((writer) => insert(writer, 1));
      expect(await count(reader)).toBe(seen);
      await reader.close();
    }
  });

  it("the database's own level is reported outside an explicit one", async () => {
    await using conn = await ctx.engine.connect();
    const expected = { postgresql: "READ COMMITTED", mysql: "REPEATABLE READ", sqlite: "SERIALIZABLE" }[ctx.backend.dialect];
    expect(await conn.getIsolationLevel()).toBe(expected);
  });

  it("AUTOCOMMIT keeps each statement without commit()", async () => {
    const conn = await ctx.engine.connect({ isolationLevel: "AUTOCOMMIT" });
    await insert(conn, 7);
    await conn.close();
    expect(await countFresh()).toBe(1);
  });

  it("transaction events fire", async () => {
    const seen: string[] = [];
    const offs = (["begin", "commit", "rollback"] as const).map((e) => ctx.engine.events.on(e, () => seen.push(e)));
    await ctx.engine.begin((conn) => insert(conn, 1));
    await ctx.engine.connect(async (conn) => {
      await insert(conn, 2);
      await conn.rollback();
    });
    for (const off of offs) off();
    expect(seen).toEqual(["begin", "commit", "begin", "rollback"]);
  });
});
