/**
 * `conn.execute(insert(t), rows)`: SQLAlchemy's executemany form. The
 * parameters' keys are the inserted columns; on server databases the rows go
 * as multi-row INSERTs (insertmanyvalues), on SQLite as one prepared statement
 * per row. Checked by the rows in the database and the statements sent.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { ArgumentError, Integer, MetaData, String as Str, Table, column, func, insert, select, text, type Engine } from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend("executemany of insert(t)", (ctx) => {
  let counter = 0;
  const metadata = new MetaData();
  const items = new Table(uniqueName("many"), metadata, {
    id: column(Integer, { primaryKey: true }),
    name: column(new Str(40), { nullable: false }),
    qty: column(Integer),
    serial: column(Integer, { nullable: false, default: () => ++counter }),
  });
  const count = (engine: Engine) => engine.connect(async (conn) => Number((await conn.execute(select(func.count()).selectFrom(items))).scalar()));

  beforeAll(async () => {
    await metadata.createAll(ctx.engine);
  });
  beforeEach(async () => {
    await ctx.engine.begin((conn) => conn.execute(text(`delete from ${items.name}`)));
  });
  afterAll(async () => {
    await metadata.dropAll(ctx.engine);
  });

  it("inserts the columns the parameters name, every row, with client defaults per row", async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => ({ id: i + 1, name: `n${i + 1}`, qty: i % 7 }));
    const logs: string[] = [];
    const engine = ctx.newEngine({ echo: true, logger: { info: (m) => logs.push(m), debug: () => undefined } });
    if (ctx.backend.id === "sqlite-memory" || ctx.backend.id === "pglite") {
      // In-memory databases are one per engine: this one needs the table too.
      await metadata.createAll(engine);
      logs.length = 0;
    }
    const before = counter;
    const result = await engine.begin((conn) => conn.execute(insert(items), rows));
    expect(result.rowcount).toBe(2_500);
    expect(counter - before).toBe(2_500); // the function default ran once per row
    const stored = await engine.connect(async (conn) =>
      (await conn.execute(select(items.c.id, items.c.name, items.c.qty).orderBy(items.c.id))).all().map((r) => r._asObject()),
    );
    expect(stored).toEqual(rows);
    const inserts = logs.filter((line) => line.startsWith("INSERT"));
    if (ctx.backend.dialect === "sqlite") {
      // One prepared statement, run once per row.
      expect(inserts).toHaveLength(1);
      expect(inserts[0]).toContain("[2500 parameter sets");
      expect(inserts[0]).toMatch(/^INSERT INTO \S+ \(id, name, qty, serial\) VALUES \(\?, \?, \?, \?\)/);
    } else {
      // 10,000 parameters per statement at most, 1,000 rows at most: 1,000 + 1,000 + 500.
      expect(inserts).toHaveLength(3);
      expect(inserts.every((line) => /\) VALUES \(.*\), \(/.test(line))).toBe(true);
    }
  });

  it("a single parameter set inserts one row with its columns", async () => {
    await ctx.engine.begin((conn) => conn.execute(insert(items), { id: 7, name: "seven" }));
    const row = await ctx.engine.connect(async (conn) => (await conn.execute(select(items.c.name, items.c.qty).where(items.c.id.eq(7)))).one());
    expect(row._asObject()).toEqual({ name: "seven", qty: null });
  });

  it("a key that is not a column, or a row missing a key, is refused and nothing is inserted", async () => {
    const unknown = await ctx.engine.begin((conn) => conn.execute(insert(items), [{ id: 1, name: "a", colour: "red" }, { id: 2, name: "b", colour: "blue" }])).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ArgumentError);
    expect((unknown as Error).message).toMatch(/has no column "colour"/);
    const missing = await ctx.engine.begin((conn) => conn.execute(insert(items), [{ id: 1, name: "a" }, { id: 2 }])).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ArgumentError);
    expect(await count(ctx.engine)).toBe(0);
  });

  it("binds each row by name in an executemany of text(); a missing, undefined or inherited-only value is refused", async () => {
    await ctx.engine.begin((conn) =>
      conn.execute(insert(items), [
        { id: 1, name: "a" },
        { id: 2, name: "b" },
      ]),
    );
    const update = text(`UPDATE ${items.name} SET name = :toString, qty = :qty WHERE id = :id`);
    await ctx.engine.begin((conn) =>
      conn.execute(update, [
        { id: 1, toString: "one", qty: 10 },
        { id: 2, toString: "two", qty: null },
      ]),
    );
    const rows = await ctx.engine.connect(async (conn) =>
      (await conn.execute(select(items.c.id, items.c.name, items.c.qty).orderBy(items.c.id))).all().map((r) => r._tuple()),
    );
    expect(rows).toEqual([
      [1, "one", 10],
      [2, "two", null],
    ]);
    // A parameter named like an Object.prototype member must come from the row itself.
    const inherited = await ctx.engine.begin((conn) => conn.execute(update, [{ id: 1, qty: 1 }, { id: 2, qty: 2 }])).catch((e: unknown) => e);
    expect(inherited).toBeInstanceOf(ArgumentError);
    expect((inherited as Error).message).toMatch(/A value is required for bind parameter "toString"/);
    const undefinedValue = await ctx.engine
      .begin((conn) => conn.execute(update, [{ id: 1, toString: "x", qty: 1 }, { id: 2, toString: undefined, qty: 2 }]))
      .catch((e: unknown) => e);
    expect(undefinedValue).toBeInstanceOf(ArgumentError);
    expect((undefinedValue as Error).message).toMatch(/"toString" is undefined; use null/);
    const after = await ctx.engine.connect(async (conn) => (await conn.execute(select(items.c.name).orderBy(items.c.id))).scalars().all());
    expect(after).toEqual(["one", "two"]);
  });
});
