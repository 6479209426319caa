/**
 * INSERT / UPDATE / DELETE (and upserts, RETURNING) executed on every backend,
 * checking the rows in the database afterwards. The SQL itself is checked in
 * test/unit/sql/dml.test.ts. Constructs a database lacks are asserted to fail
 * with a CompileError there instead of being skipped silently.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import {
  Boolean as Bool,
  CompileError,
  DataError,
  Float,
  Integer,
  IntegrityError,
  String as Str,
  delete_,
  func,
  insert,
  literalColumn,
  null_,
  select,
  table,
  text,
  update,
  type Executable,
} from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { ddl, describeEachBackend } from "../support/suite.js";

describeEachBackend("dml", (ctx) => {
  const itemsName = uniqueName("items");
  const archiveName = uniqueName("archive");
  const stockName = uniqueName("stock");
  const ownersName = uniqueName("owners");
  const petsName = uniqueName("pets");
  const defaultsName = uniqueName("defaults");

  const items = table(itemsName, { id: new Integer(), name: new Str(100), qty: new Integer(), price: new Float(), flag: new Bool() });
  const archive = table(archiveName, { id: new Integer(), name: new Str(100) });
  const stock = table(stockName, { sku: new Str(20), n: new Integer(), note: new Str(100) });
  const owners = table(ownersName, { id: new Integer(), name: new Str(50), active: new Bool() });
  const pets = table(petsName, { id: new Integer(), owner_id: new Integer(), name: new Str(50), owner_name: new Str(50) });
  const defaults = table(defaultsName, { id: new Integer(), n: new Integer() });

  const dialect = () => ctx.backend.dialect;
  const isMaria = () => ctx.backend.dialect === "mysql";
  const run = <S extends Executable>(stmt: S) => ctx.engine.begin((conn) => conn.execute(stmt));
  const rows = async (stmt: Executable) =>
    ctx.engine.connect(async (conn) => (await conn.execute(stmt)).all().map((r) => (r as unknown as { _asObject(): Record<string, unknown> })._asObject()));

  beforeAll(async () => {
    const d = dialect();
    await ctx.engine.begin(async (conn) => {
      await conn.execute(
        text(`create table ${itemsName} (${ddl.autoPk(d)}, name varchar(100) not null unique, qty integer, price double precision, flag ${ddl.boolean(d)})`),
      );
      await conn.execute(text(`create table ${archiveName} (id integer primary key, name varchar(100))`));
      await conn.execute(text(`create table ${stockName} (sku varchar(20) primary key, n integer not null, note varchar(100))`));
      await conn.execute(text(`create table ${ownersName} (id integer primary key, name varchar(50), active ${ddl.boolean(d)})`));
      await conn.execute(text(`create table ${petsName} (id integer primary key, owner_id integer, name varchar(50), owner_name varchar(50))`));
      await conn.execute(text(`create table ${defaultsName} (${ddl.autoPk(d)}, n integer default 7)`));
    });
  });
  afterAll(async () => {
    await ctx.engine.begin(async (conn) => {
      for (const name of [itemsName, archiveName, stockName, ownersName, petsName, defaultsName]) await conn.execute(text(`drop table ${name}`));
    });
  });
  beforeEach(async () => {
    await ctx.engine.begin(async (conn) => {
      for (const name of [itemsName, archiveName, stockName, ownersName, petsName]) await conn.execute(text(`delete from ${name}`));
    });
  });

  it("inserts one row: rowcount, lastInsertId (SQLite, MariaDB), the row in the database", async () => {
    const result = await run(insert(items).values({ name: "plain", qty: 3, price: 1.5, flag: true }));
    expect(result.rowcount).toBe(1);
    const [row] = await rows(select(items.c.id, items.c.name, items.c.qty, items.c.price, items.c.flag).where(items.c.name.eq("plain")));
    expect(row).toMatchObject({ name: "plain", qty: 3, price: 1.5, flag: true });
    if (dialect() === "postgresql") {
      expect(result.lastInsertId).toBeUndefined();
    } else {
      expect(Number(result.lastInsertId)).toBe(row?.id);
    }
  });

  it("inserts many rows with one VALUES list; quotes, backslashes and unicode round-trip", async () => {
    const names = ["O'Brien", 'say "hi"', "back\\slash", "😀 emoji 𝌆", "עברית", "%_; drop table x; --"];
    const result = await run(insert(items).values(names.map((name, i) => ({ name, qty: i }))));
    expect(result.rowcount).toBe(names.length);
    const back = await rows(select(items.c.name, items.c.qty).orderBy(items.c.qty));
    expect(back).toEqual(names.map((name, i) => ({ name, qty: i })));
  });

  it("inserts SQL expressions as values", async () => {
    await run(insert(items).values({ name: func.upper("shout"), qty: func.length("four") }));
    expect(await rows(select(items.c.name, items.c.qty))).toEqual([{ name: "SHOUT", qty: 4 }]);
  });

  it("inserts a row of defaults (DEFAULT VALUES, or () VALUES () on MariaDB)", async () => {
    const result = await run(insert(defaults));
    expect(result.rowcount).toBe(1);
    const [row] = await rows(select(defaults.c.n).orderBy(defaults.c.id.desc()).limit(1));
    expect(row).toEqual({ n: 7 });
  });

  it("inserts from a select", async () => {
    await run(insert(items).values([{ name: "a", qty: 1 }, { name: "b", qty: 0 }, { name: "c", qty: 5 }]));
    const result = await run(insert(archive).fromSelect(["id", "name"], select(items.c.qty, items.c.name).where(items.c.qty.gt(0))));
    expect(result.rowcount).toBe(2);
    expect(await rows(select(archive).orderBy(archive.c.id))).toEqual([{ id: 1, name: "a" }, { id: 5, name: "c" }]);
  });

  it("INSERT ... RETURNING gives typed, converted rows (MySQL proper lacks it; MariaDB has it)", async () => {
    const stmt = insert(items)
      .values([{ name: "r1", qty: 1, flag: true }, { name: "r2", qty: 2, flag: false }])
      .returning(items.c.id, items.c.name, items.c.flag, items.c.qty.mul(10).label("tenfold"));
    const result = await run(stmt);
    const got = result.all().map((r) => ({ id: r.id, name: r.name, flag: r.flag, tenfold: r.tenfold }));
    expect(got.map((r) => r.name)).toEqual(["r1", "r2"]);
    expect(got.map((r) => r.flag)).toEqual([true, false]);
    expect(got.map((r) => r.tenfold)).toEqual([10, 20]);
    for (const r of got) expect(typeof r.id).toBe("number");
    const ids = (await rows(select(items.c.id).orderBy(items.c.id))).map((r) => r.id);
    expect(got.map((r) => r.id)).toEqual(ids);
  });

  it("upsert, conflict ignored: ON CONFLICT DO NOTHING (PostgreSQL, SQLite)", async () => {
    await run(insert(stock).values({ sku: "a", n: 1 }));
    const stmt = insert(stock).values({ sku: "a", n: 99 });
    if (isMaria()) {
      await expect(run(stmt.onConflictDoNothing())).rejects.toThrow(CompileError);
      return;
    }
    const result = await run(stmt.onConflictDoNothing({ target: stock.c.sku }));
    expect(result.rowcount).toBe(0);
    await run(insert(stock).values([{ sku: "a", n: 5 }, { sku: "b", n: 2 }]).onConflictDoNothing());
    expect(await rows(select(stock.c.sku, stock.c.n).orderBy(stock.c.sku))).toEqual([{ sku: "a", n: 1 }, { sku: "b", n: 2 }]);
    await expect(run(stmt)).rejects.toThrow(IntegrityError);
  });

  it("upsert, conflict updates: ON CONFLICT DO UPDATE with excluded values and a WHERE (PostgreSQL, SQLite)", async () => {
    await run(insert(stock).values([{ sku: "a", n: 1, note: "old" }, { sku: "b", n: 50, note: null_() }]));
    const stmt = insert(stock).values([{ sku: "a", n: 10, note: "new 'quoted'" }, { sku: "b", n: 5, note: "skipped" }, { sku: "c", n: 3, note: "fresh" }]);
    if (isMaria()) {
      await expect(run(stmt.onConflictDoUpdate({ target: "sku", set: { n: 0 } }))).rejects.toThrow(CompileError);
      return;
    }
    const upsert = stmt.onConflictDoUpdate({
      target: [stock.c.sku],
      set: { n: stock.c.n.add(stmt.excluded.c.n), note: stmt.excluded.c.note },
      where: stock.c.n.lt(20),
    });
    await run(upsert);
    expect(await rows(select(stock).orderBy(stock.c.sku))).toEqual([
      { sku: "a", n: 11, note: "new 'quoted'" },
      { sku: "b", n: 50, note: null },
      { sku: "c", n: 3, note: "fresh" },
    ]);
    const returned = (await run(insert(stock).values({ sku: "c", n: 1 }).onConflictDoUpdate({ target: "sku", set: { n: stock.c.n.add(1) } }).returning(stock.c.n))).all();
    expect(returned.map((r) => r.n)).toEqual([4]);
  });

  it("upsert on MariaDB: ON DUPLICATE KEY UPDATE with VALUES(col); PostgreSQL and SQLite refuse it", async () => {
    await run(insert(stock).values({ sku: "a", n: 1, note: "old" }));
    const stmt = insert(stock).values([{ sku: "a", n: 10, note: "new" }, { sku: "z", n: 2, note: "ünïcode" }]);
    const upsert = stmt.onDuplicateKeyUpdate({ set: { n: stock.c.n.add(stmt.inserted.c.n), note: stmt.inserted.c.note } });
    if (!isMaria()) {
      await expect(run(upsert)).rejects.toThrow(CompileError);
      return;
    }
    await run(upsert);
    expect(await rows(select(stock).orderBy(stock.c.sku))).toEqual([
      { sku: "a", n: 11, note: "new" },
      { sku: "z", n: 2, note: "ünïcode" },
    ]);
    const returned = (await run(insert(stock).values({ sku: "z", n: 1 }).onDuplicateKeyUpdate({ set: { n: 40 } }).returning(stock.c.sku))).all();
    expect(returned.map((r) => r.sku)).toEqual(["z"]);
    expect(await rows(select(stock.c.n).where(stock.c.sku.eq("z")))).toEqual([{ n: 40 }]);
  });

  it("updates with where and filterBy: rowcount and the rows afterwards", async () => {
    await run(insert(items).values([{ name: "u1", qty: 1 }, { name: "u2", qty: 2 }, { name: "u3", qty: 3 }]));
    const result = await run(update(items).values({ qty: items.c.qty.add(100), price: 2.25 }).where(items.c.qty.ge(2)));
    expect(result.rowcount).toBe(2);
    const byName = await run(update(items).values({ name: "renamed 'x' ✓" }).filterBy({ name: "u1" }));
    expect(byName.rowcount).toBe(1);
    expect(await rows(select(items.c.name, items.c.qty, items.c.price).orderBy(items.c.qty))).toEqual([
      { name: "renamed 'x' ✓", qty: 1, price: null },
      { name: "u2", qty: 102, price: 2.25 },
      { name: "u3", qty: 103, price: 2.25 },
    ]);
  });

  it("UPDATE ... RETURNING (PostgreSQL, SQLite); MariaDB refuses with a CompileError", async () => {
    await run(insert(items).values([{ name: "x", qty: 1, flag: false }, { name: "y", qty: 2, flag: false }]));
    const stmt = update(items).values({ flag: true }).where(items.c.qty.eq(2)).returning(items.c.name, items.c.flag);
    if (isMaria()) {
      await expect(run(stmt)).rejects.toThrow(CompileError);
      return;
    }
    const got = (await run(stmt)).all().map((r) => [r.name, r.flag]);
    expect(got).toEqual([["y", true]]);
  });

  it("UPDATE from another table (FROM on PostgreSQL/SQLite, multi-table on MariaDB)", async () => {
    await run(insert(owners).values([{ id: 1, name: "ann", active: true }, { id: 2, name: "ben", active: false }]));
    await run(insert(pets).values([{ id: 1, owner_id: 1, name: "rex" }, { id: 2, owner_id: 2, name: "tom" }, { id: 3, owner_id: 1, name: "kit" }]));
    const result = await run(update(pets).values({ owner_name: owners.c.name }).where(pets.c.owner_id.eq(owners.c.id), owners.c.active.eq(true)));
    expect(result.rowcount).toBe(2);
    expect(await rows(select(pets.c.id, pets.c.owner_name).orderBy(pets.c.id))).toEqual([
      { id: 1, owner_name: "ann" },
      { id: 2, owner_name: null },
      { id: 3, owner_name: "ann" },
    ]);
  });

  it("deletes with filterBy and where: rowcount and what is left", async () => {
    await run(insert(items).values([{ name: "d1", qty: 1 }, { name: "d2", qty: 2 }, { name: "d3", qty: 3 }]));
    expect((await run(delete_(items).filterBy({ name: "d1" }))).rowcount).toBe(1);
    expect((await run(delete_(items).where(items.c.qty.gt(2)))).rowcount).toBe(1);
    expect(await rows(select(items.c.name))).toEqual([{ name: "d2" }]);
  });

  it("DELETE ... RETURNING (PostgreSQL, SQLite, MariaDB)", async () => {
    await run(insert(items).values([{ name: "k1", qty: 1, flag: true }, { name: "k2", qty: 2, flag: false }]));
    const got = (await run(delete_(items).where(items.c.qty.lt(2)).returning(items.c.name, items.c.flag))).all().map((r) => [r.name, r.flag]);
    expect(got).toEqual([["k1", true]]);
    expect(await rows(select(items.c.name))).toEqual([{ name: "k2" }]);
  });

  it("DELETE using another table (USING on PostgreSQL, multi-table on MariaDB); SQLite refuses with a CompileError", async () => {
    await run(insert(owners).values([{ id: 1, name: "ann", active: true }, { id: 2, name: "ben", active: false }]));
    await run(insert(pets).values([{ id: 1, owner_id: 1, name: "rex" }, { id: 2, owner_id: 2, name: "tom" }]));
    const stmt = delete_(pets).where(pets.c.owner_id.eq(owners.c.id), owners.c.active.eq(false));
    if (dialect() === "sqlite") {
      await expect(run(stmt)).rejects.toThrow(CompileError);
      // The portable form: a subquery.
      await run(delete_(pets).where(pets.c.owner_id.in(select(owners.c.id).where(owners.c.active.eq(false)))));
    } else {
      expect((await run(stmt)).rowcount).toBe(1);
    }
    expect(await rows(select(pets.c.name))).toEqual([{ name: "rex" }]);
  });

  it("a statement of the same shape reuses the cached compilation with its own values", async () => {
    const make = (name: string, qty: number) => insert(items).values({ name, qty });
    await run(make("c1", 1));
    expect(ctx.engine.compileCached(make("c2", 2)).cached).toBe(true);
    await run(make("c2", 2));
    await run(update(items).values({ qty: 10 }).filterBy({ name: "c1" }));
    await run(update(items).values({ qty: 20 }).filterBy({ name: "c2" }));
    expect(await rows(select(items.c.name, items.c.qty).orderBy(items.c.name))).toEqual([{ name: "c1", qty: 10 }, { name: "c2", qty: 20 }]);
  });

  it("a multi-row insert keys by its shape (columns, row count), so another of the same shape is a cache hit with its own values", async () => {
    const make = (prefix: string) => insert(items).values([0, 1, 2].map((i) => ({ name: `${prefix}${i}`, qty: i })));
    await run(make("m"));
    expect(ctx.engine.compileCached(make("n")).cached).toBe(true);
    await run(make("n"));
    expect(ctx.engine.compileCached(insert(items).values([{ name: "x", qty: 1 }, { name: "y", qty: 2 }])).cached).toBe(false); // two rows: another shape
    // A SQL expression among the values keys the statement value by value (still correct, cached per distinct statement).
    await run(insert(items).values([{ name: "e0", qty: literalColumn("7", new Integer()) }, { name: "e1", qty: 8 }] as never));
    expect(await rows(select(items.c.name, items.c.qty).where(items.c.name.in(["m2", "n0", "n2", "e0", "e1"])).orderBy(items.c.name))).toEqual([
      { name: "e0", qty: 7 },
      { name: "e1", qty: 8 },
      { name: "m2", qty: 2 },
      { name: "n0", qty: 0 },
      { name: "n2", qty: 2 },
    ]);
  });

  it("NaN: rejected where the column cannot hold it (SQLite, MariaDB), stored by PostgreSQL", async () => {
    const stmt = insert(items).values({ name: "nan", price: Number.NaN });
    if (dialect() === "postgresql") {
      await run(stmt);
      const [row] = await rows(select(items.c.price).where(items.c.name.eq("nan")));
      expect(Number.isNaN(row?.price)).toBe(true);
      return;
    }
    await expect(run(stmt)).rejects.toThrow(DataError);
    await expect(run(stmt)).rejects.toThrow(/NaN/);
    expect(await rows(select(items.c.id))).toEqual([]);
  });
});
