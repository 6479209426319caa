/**
 * A SQL expression assigned to a mapped attribute (`counter.n = Counter.c.n.add(1)`) is
 * rendered in the flush's UPDATE (or INSERT), as SQLAlchemy's "embedded SQL expression": the
 * database computes the value. After an UPDATE the object reads it back where the dialect has
 * RETURNING (PostgreSQL, SQLite) and has it expired elsewhere (MySQL, MariaDB); after an INSERT
 * it is read back on every dialect. Checked on every backend against the rows in the database.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { Integer, String, func, literal, text, type ColumnElement } from "athanor";
import { UnloadedAttributeError, declarativeBase, mapped, sessionmaker } from "athanor/orm";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

/** The attribute types are the column values: an expression goes in through a cast, as the docs show. */
const sql = <T>(expression: ColumnElement<unknown>): T => expression as unknown as T;

describeEachBackend("SQL expressions assigned to attributes", (ctx) => {
  const Base = declarativeBase();
  class Counter extends Base.model(uniqueName("counters"), {
    id: mapped(Integer, { primaryKey: true, autoincrement: false }),
    n: mapped(Integer, { nullable: false }),
    label: mapped(new String(40), { nullable: false }),
  }) {}
  const Session = () => sessionmaker(ctx.engine)();
  const returning = () => ctx.engine.dialect.capabilities.returning;
  const rows = async () =>
    (await ctx.engine.connect(async (conn) => (await conn.execute(text(`select id, n, label from ${Counter.table.name} order by id`))).mappings())).map((r) => ({
      id: Number(r.id),
      n: Number(r.n),
      label: r.label,
    }));

  beforeAll(async () => {
    await ctx.engine.begin((conn) => Base.metadata.createAll(conn));
  });
  afterAll(async () => {
    await ctx.engine.begin((conn) => Base.metadata.dropAll(conn));
  });
  beforeEach(async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text(`delete from ${Counter.table.name}`));
      await conn.execute(text(`insert into ${Counter.table.name} (id, n, label) values (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c')`));
    });
  });

  it("renders the expression in SET; the object reads the new value back (RETURNING) or has it expired", async () => {
    await using session = Session();
    const one = (await session.get(Counter, 1)) as Counter;
    one.n = sql<number>(Counter.c.n.add(5));
    one.label = "a2";
    await session.commit();
    expect(await rows()).toEqual([
      { id: 1, n: 15, label: "a2" },
      { id: 2, n: 20, label: "b" },
      { id: 3, n: 30, label: "c" },
    ]);
    if (returning()) {
      expect(one.n).toBe(15);
    } else {
      expect(() => one.n).toThrow(UnloadedAttributeError);
      await session.refresh(one);
      expect(one.n).toBe(15);
    }
    expect(one.label).toBe("a2");
  });

  it("rows with expressions and rows with plain values changed together: each gets its value", async () => {
    await using session = Session();
    const a = (await session.get(Counter, 1)) as Counter;
    const b = (await session.get(Counter, 2)) as Counter;
    const c = (await session.get(Counter, 3)) as Counter;
    a.n = sql<number>(Counter.c.n.mul(2));
    b.n = 21;
    c.n = sql<number>(func.abs(Counter.c.n.sub(100)));
    await session.commit();
    expect((await rows()).map((r) => r.n)).toEqual([20, 21, 70]);
  });

  it("a new object given an expression is inserted with it, between plain rows, and reads the computed value back", async () => {
    await using session = Session();
    const plainBefore = new Counter({ id: 4, n: 40, label: "d" });
    const computed = new Counter({ id: 5, n: sql<number>(func.abs(literal(-50, new Integer()))), label: "e" });
    const plainAfter = new Counter({ id: 6, n: 60, label: "f" });
    session.addAll([plainBefore, computed, plainAfter]);
    await session.commit();
    expect((await rows()).slice(3)).toEqual([
      { id: 4, n: 40, label: "d" },
      { id: 5, n: 50, label: "e" },
      { id: 6, n: 60, label: "f" },
    ]);
    expect(computed.n).toBe(50);
  });

  it("a failed flush leaves the expression on the object and nothing in the database", async () => {
    await using session = Session();
    const one = (await session.get(Counter, 1)) as Counter;
    const expression = Counter.c.n.add(1);
    one.n = sql<number>(expression);
    // label is NOT NULL: the row's UPDATE fails and the flush rolls back.
    one.label = null as unknown as string;
    await expect(session.flush()).rejects.toThrow();
    expect(one.n as unknown).toBe(expression);
    await session.rollback();
    await session.close();
    expect((await rows())[0]).toEqual({ id: 1, n: 10, label: "a" });
  });
});
