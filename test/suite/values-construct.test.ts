/**
 * The values() FROM element executed on every backend: selected from, joined
 * to a table, and as the extra FROM of an UPDATE, with the rows checked in the
 * database afterwards. Its SQL per dialect is checked in test/unit/sql/values.test.ts.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import {
  ARRAY,
  Boolean as Bool,
  Date as DateType,
  Integer,
  JSON as JSONType,
  Numeric,
  String as Str,
  column,
  insert,
  select,
  table,
  text,
  update,
  values,
  type Executable,
} from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend("values construct", (ctx) => {
  const bookName = uniqueName("vbook");
  const book = table(bookName, { id: new Integer(), title: new Str(100), price: new Numeric(10, 2) });
  const priced = () => values(column("id", new Integer()), column("price", new Numeric(10, 2)));
  const run = <S extends Executable>(stmt: S) => ctx.engine.begin((conn) => conn.execute(stmt));
  const rows = async (stmt: Executable) =>
    ctx.engine.connect(async (conn) => (await conn.execute(stmt)).all().map((r) => (r as unknown as { _asObject(): Record<string, unknown> })._asObject()));
  const prices = async () => (await rows(select(book.c.id, book.c.price).orderBy(book.c.id))).map((r) => [r.id, Number(r.price)]);

  beforeAll(async () => {
    await ctx.engine.begin((conn) => conn.execute(text(`create table ${bookName} (id integer primary key, title varchar(100), price numeric(10, 2))`)));
  });
  afterAll(async () => {
    await ctx.engine.begin((conn) => conn.execute(text(`drop table ${bookName}`)));
  });
  beforeEach(async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text(`delete from ${bookName}`));
      await conn.execute(insert(book).values([1, 2, 3].map((id) => ({ id, title: `t${id}`, price: "1.00" }))));
    });
  });

  it("selects the rows of a VALUES list, typed by its columns", async () => {
    const v = priced().data([[1, "9.99"], [2, null]]).alias("v");
    const got = await rows(select(v.c.id, v.c.price).selectFrom(v).orderBy(v.c.id));
    expect(got.map((r) => [r.id, r.price === null ? null : Number(r.price)])).toEqual([[1, 9.99], [2, null]]);
  });

  it("joins a VALUES list to a table", async () => {
    const v = priced().data([[1, "9.99"], [3, "3.50"], [7, "7.00"]]).alias("v");
    const got = await rows(select(book.c.title, v.c.price).join(v, book.c.id.eq(v.c.id)).orderBy(book.c.id));
    expect(got.map((r) => [r.title, Number(r.price)])).toEqual([["t1", 9.99], ["t3", 3.5]]);
  });

  it("UPDATE ... FROM a VALUES list sets each row its own value; the cached statement takes new data", async () => {
    const bulk = (data: [number, string][]) => {
      const v = priced().data(data).alias("v");
      return update(book).values({ price: v.c.price }).where(book.c.id.eq(v.c.id));
    };
    const first = await run(bulk([[1, "9.99"], [2, "3.50"]]));
    expect(first.rowcount).toBe(2);
    expect(await prices()).toEqual([[1, 9.99], [2, 3.5], [3, 1]]);
    // Same shape, other values: the compiled SQL comes from the statement cache.
    const second = await run(bulk([[2, "4.25"], [3, "5.75"]]));
    expect(second.rowcount).toBe(2);
    expect(await prices()).toEqual([[1, 9.99], [2, 4.25], [3, 5.75]]);
  });

  it("booleans, dates, JSON and NULL round-trip through a VALUES list", async () => {
    const v = values(column("n", new Integer()), column("flag", new Bool()), column("day", new DateType()), column("doc", new JSONType()))
      .data([
        [1, true, "2024-02-29", { a: [1, "x"] }],
        [2, false, null, null],
      ])
      .alias("v");
    const got = await rows(select(v.c.n, v.c.flag, v.c.day, v.c.doc).selectFrom(v).orderBy(v.c.n));
    expect(got).toEqual([
      { n: 1, flag: true, day: "2024-02-29", doc: { a: [1, "x"] } },
      { n: 2, flag: false, day: null, doc: null },
    ]);
  });

  it("text with quotes, commas, braces, backslashes, NULL-like words and non-ASCII comes back as given", async () => {
    // On PostgreSQL each column travels as one array literal (unnest): every one of these must survive its quoting.
    const texts = ['say "hi"', "a,b", "{x}", "back\\slash", "NULL", "", " padded ", "ünï 😀", "it's"];
    const v = values(column("n", new Integer()), column("s", new Str(40)))
      .data(texts.map((s, i) => [i, s] as [number, string]))
      .alias("v");
    const got = await rows(select(v.c.n, v.c.s).selectFrom(v).orderBy(v.c.n));
    expect(got.map((r) => r.s)).toEqual(texts);
  });

  it("an ARRAY column of a VALUES list (PostgreSQL)", async () => {
    if (ctx.backend.dialect !== "postgresql") return;
    const v = values(column("n", new Integer()), column("tags", new ARRAY(new Str(20)))).data([[1, ["a", "b,c"]], [2, []]]).alias("v");
    const got = await rows(select(v.c.n, v.c.tags).selectFrom(v).orderBy(v.c.n));
    expect(got).toEqual([{ n: 1, tags: ["a", "b,c"] }, { n: 2, tags: [] }]);
  });
});
