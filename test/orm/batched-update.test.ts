/**
 * The flush's batched UPDATE on every backend: changed rows of one table with
 * the same changed columns go in one `UPDATE ... FROM (VALUES ...)` per chunk.
 * Checks the rows in the database afterwards, the statements sent, the
 * StaleDataError checks (deleted row, version conflict), NULLs, composite and
 * inherited keys, chunking, value types, and MariaDB's matched-row count.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import {
  ARRAY,
  Boolean as Bool,
  Date as DateType,
  DateTime,
  Integer,
  JSON as JSONType,
  Numeric,
  StaleDataError,
  String,
  TypeEngine,
  func,
  insert,
  text,
} from "athanor";
import { declarativeBase, mapped, select, sessionmaker } from "athanor/orm";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

/** Text stored in a column whose type Athanor cannot name: PostgreSQL's VALUES cast of it is a CompileError. */
class Unnamed extends TypeEngine<string> {
  readonly typeName = "Unnamed";
  readonly visitName = "unnamed";
}

function models(prefix: string, withArrays: boolean) {
  const Base = declarativeBase();
  class Book extends Base.model(`${prefix}_books`, {
    id: mapped(Integer, { primaryKey: true, autoincrement: false }),
    title: mapped(new String(100), { nullable: false }),
    price: mapped(new Numeric(10, 2)),
  }) {}
  class Ledger extends Base.model(`${prefix}_ledgers`, {
    id: mapped(Integer, { primaryKey: true, autoincrement: false }),
    balance: mapped(Integer, { nullable: false }),
    version: mapped(Integer, { nullable: false, version: true }),
  }) {}
  class Edition extends Base.model(`${prefix}_editions`, {
    isbn: mapped(new String(20), { primaryKey: true }),
    year: mapped(Integer, { primaryKey: true }),
    note: mapped(new String(100)),
  }) {}
  class Sample extends Base.model(`${prefix}_samples`, {
    id: mapped(Integer, { primaryKey: true, autoincrement: false }),
    amount: mapped(new Numeric(12, 3)),
    day: mapped(DateType),
    at: mapped(DateTime),
    flag: mapped(Bool),
    doc: mapped(JSONType),
    updatedAt: mapped(DateTime, { onUpdate: () => new Date("2030-01-02T03:04:05Z"), init: false }),
    touchedAt: mapped(DateTime, { onUpdate: func.now(), init: false }),
  }) {}
  // Twelve columns changed at once: 13 parameters a row, so 769 rows fill a 10,000-parameter chunk.
  const wideColumns = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`c${i}`, mapped(Integer)])) as Record<`c${number}`, ReturnType<typeof mapped<number>>>;
  class Wide extends Base.model(`${prefix}_wide`, { id: mapped(Integer, { primaryKey: true, autoincrement: false }), ...wideColumns }) {}
  class Staff extends Base.model(`${prefix}_staff`, {
    id: mapped(Integer, { primaryKey: true, autoincrement: false }),
    kind: mapped(new String(20), { nullable: false, init: false }),
    name: mapped(new String(50), { nullable: false }),
  }) {
    static {
      this.polymorphic({ on: "kind", identity: "staff" });
    }
  }
  class Boss extends Staff.joined(`${prefix}_bosses`, {
    id: mapped(Integer, { primaryKey: true, foreignKey: `${prefix}_staff.id` }),
    reports: mapped(Integer, { nullable: false }),
  }) {
    static {
      this.inherit({ identity: "boss" });
    }
  }
  // Created with SQL text (createAll cannot name the type either): see the fallback test.
  const LooseBase = declarativeBase();
  class Note extends LooseBase.model(`${prefix}_notes`, {
    id: mapped(Integer, { primaryKey: true, autoincrement: false }),
    body: mapped(new Unnamed()),
  }) {}
  const ArrayBase = declarativeBase();
  class Tagged extends ArrayBase.model(`${prefix}_tagged`, {
    id: mapped(Integer, { primaryKey: true, autoincrement: false }),
    tags: mapped(new ARRAY(new String(20))),
  }) {}
  return { Base, ArrayBase: withArrays ? ArrayBase : undefined, Note, Book, Ledger, Edition, Sample, Wide, Staff, Boss, Tagged };
}

describeEachBackend("batched UPDATE in the flush", (ctx) => {
  const prefix = uniqueName("bu").slice(0, 14);
  const m = models(prefix, ctx.backend.dialect === "postgresql");
  const { Book, Ledger, Edition, Sample, Wide, Boss, Tagged, Note } = m;
  let statements: string[] = [];
  const Session = () => sessionmaker(ctx.engine)();
  const updates = () => statements.filter((sql) => sql.trimStart().toUpperCase().startsWith("UPDATE"));
  // The drivers' executemany reports one statement for many rows too: the batched form is told by its VALUES list.
  const isBatched = (sql: string) => /\(VALUES \(|UNION ALL SELECT|FROM unnest\(/.test(sql);
  /** Asserts that the flush sent `n` UPDATE statements, all in the batched form. */
  const expectBatchedUpdates = (n: number) => {
    expect(updates()).toHaveLength(n);
    expect(updates().filter(isBatched)).toHaveLength(n);
  };
  const tableName = (name: string) => `${prefix}_${name}`;
  const query = async (sql: string) =>
    (await ctx.engine.connect((c) => c.execute(text(sql)))).all().map((r) => (r as unknown as { _asObject(): Record<string, unknown> })._asObject());

  beforeAll(async () => {
    await m.Base.metadata.createAll(ctx.engine);
    if (m.ArrayBase !== undefined) await m.ArrayBase.metadata.createAll(ctx.engine);
    await ctx.engine.begin((c) => c.execute(text(`CREATE TABLE ${tableName("notes")} (id integer primary key, body varchar(50))`)));
    ctx.engine.events.on("beforeExecute", (c) => void statements.push(c.sql));
  });
  afterAll(async () => {
    await m.Base.metadata.dropAll(ctx.engine);
    if (m.ArrayBase !== undefined) await m.ArrayBase.metadata.dropAll(ctx.engine);
    await ctx.engine.begin((c) => c.execute(text(`DROP TABLE ${tableName("notes")}`)));
  });
  beforeEach(async () => {
    await ctx.engine.begin(async (conn) => {
      for (const table of [...m.Base.metadata.sortedTables].reverse()) await conn.execute(text(`DELETE FROM ${table.name}`));
      await conn.execute(insert(Book.table).values(Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, title: `t${i + 1}`, price: "1.00" }))));
    });
    statements = [];
  });

  it("1,000 loaded books with a new price: one UPDATE, every row changed", async () => {
    await using session = Session();
    const books = (await session.scalars(select(Book).orderBy(Book.c.id))).all();
    expect(books).toHaveLength(1000);
    for (const book of books) book.price = (book.id % 100).toFixed(2);
    statements = [];
    await session.commit();
    expectBatchedUpdates(1);
    const rows = await query(`SELECT id, price FROM ${tableName("books")} ORDER BY id`);
    expect(rows.map((r) => Number(r.price))).toEqual(books.map((b) => b.id % 100));
  });

  it("rows changing different columns: one statement per group of same changed columns", async () => {
    await using session = Session();
    const books = (await session.scalars(select(Book).where(Book.c.id.le(6)).orderBy(Book.c.id))).all();
    books.slice(0, 3).forEach((b, i) => (b.price = `${i + 5}.50`));
    books.slice(3).forEach((b) => (b.title = `${b.title}!`));
    statements = [];
    await session.commit();
    expectBatchedUpdates(2);
    const rows = await query(`SELECT id, title, price FROM ${tableName("books")} WHERE id <= 6 ORDER BY id`);
    expect(rows.map((r) => [r.title, Number(r.price)])).toEqual([
      ["t1", 5.5], ["t2", 6.5], ["t3", 7.5], ["t4!", 1], ["t5!", 1], ["t6!", 1],
    ]);
  });

  it("writes NULLs through the VALUES list", async () => {
    await using session = Session();
    const books = (await session.scalars(select(Book).where(Book.c.id.le(3)).orderBy(Book.c.id))).all();
    books[0]!.price = null;
    books[1]!.price = null;
    books[2]!.price = "2.00";
    statements = [];
    await session.commit();
    expectBatchedUpdates(1);
    const rows = await query(`SELECT price FROM ${tableName("books")} WHERE id <= 3 ORDER BY id`);
    expect(rows.map((r) => (r.price === null ? null : Number(r.price)))).toEqual([null, null, 2]);
  });

  it("raises StaleDataError when another connection deleted one of the rows", async () => {
    await using session = Session();
    const books = (await session.scalars(select(Book).where(Book.c.id.le(3)).orderBy(Book.c.id))).all();
    await session.commit();
    await ctx.engine.begin((c) => c.execute(text(`DELETE FROM ${tableName("books")} WHERE id = 2`)));
    for (const book of books) book.price = "8.00";
    statements = [];
    await expect(session.commit()).rejects.toThrow(StaleDataError);
    expectBatchedUpdates(1);
    await session.rollback();
    // The failed flush rolled back: the other two rows keep their price.
    const rows = await query(`SELECT id, price FROM ${tableName("books")} WHERE id <= 3 ORDER BY id`);
    expect(rows.map((r) => [r.id, Number(r.price)])).toEqual([[1, 1], [3, 1]]);
  });

  it("checks the version of each row: a conflicting one fails the batch", async () => {
    await using session = Session();
    const ledgers = [1, 2, 3].map((id) => new Ledger({ id, balance: 10 }));
    session.addAll(ledgers);
    await session.commit();
    for (const ledger of ledgers) ledger.balance += 5;
    statements = [];
    await session.commit();
    expectBatchedUpdates(1);
    expect(ledgers.map((l) => l.version)).toEqual([2, 2, 2]);
    expect((await query(`SELECT balance, version FROM ${tableName("ledgers")} ORDER BY id`)).map((r) => [r.balance, r.version])).toEqual([[15, 2], [15, 2], [15, 2]]);

    await ctx.engine.begin((c) => c.execute(text(`UPDATE ${tableName("ledgers")} SET version = version + 1 WHERE id = 3`)));
    for (const ledger of ledgers) ledger.balance += 1;
    statements = [];
    await expect(session.commit()).rejects.toThrow(/version check/);
    expectBatchedUpdates(1);
    // The flush had counted each version up: the failure puts the counters back, the changes stay.
    expect(ledgers.map((l) => [l.balance, l.version])).toEqual([[16, 2], [16, 2], [16, 2]]);
    await session.rollback();
    expect((await query(`SELECT balance, version FROM ${tableName("ledgers")} ORDER BY id`)).map((r) => [r.balance, r.version])).toEqual([[15, 2], [15, 2], [15, 3]]);
  });

  it("a composite primary key", async () => {
    await using session = Session();
    const editions = [2001, 2002, 2003].map((year) => new Edition({ isbn: "978-0", year, note: "first" }));
    session.addAll([...editions, new Edition({ isbn: "978-1", year: 2001, note: "other" })]);
    await session.commit();
    for (const edition of editions) edition.note = `reprint ${edition.year}`;
    statements = [];
    await session.commit();
    expectBatchedUpdates(1);
    const rows = await query(`SELECT isbn, ${ctx.backend.dialect === "mysql" ? "`year`" : '"year"'} AS y, note FROM ${tableName("editions")} ORDER BY isbn, 2`);
    expect(rows.map((r) => [r.isbn, Number(r.y), r.note])).toEqual([
      ["978-0", 2001, "reprint 2001"], ["978-0", 2002, "reprint 2002"], ["978-0", 2003, "reprint 2003"], ["978-1", 2001, "other"],
    ]);
  });

  it("more rows than one statement takes: one statement per chunk", async () => {
    const rowCount = 1700; // 769 rows per chunk: 3 statements
    await ctx.engine.begin((c) => c.execute(insert(Wide.table).values(Array.from({ length: rowCount }, (_, i) => ({ id: i + 1 })))));
    await using session = Session();
    const rows = (await session.scalars(select(Wide).orderBy(Wide.c.id))).all();
    for (const row of rows) for (let c = 0; c < 12; c++) (row as unknown as Record<string, number>)[`c${c}`] = row.id * 100 + c;
    statements = [];
    await session.commit();
    expectBatchedUpdates(3);
    const back = await query(`SELECT id, c0, c11 FROM ${tableName("wide")} ORDER BY id`);
    expect(back).toHaveLength(rowCount);
    expect(back.every((r) => Number(r.c0) === Number(r.id) * 100 && Number(r.c11) === Number(r.id) * 100 + 11)).toBe(true);
  });

  it("numbers, dates, timestamps, booleans and JSON round-trip; onUpdate values are set or expired", async () => {
    await using session = Session();
    const samples = [1, 2].map((id) => new Sample({ id, amount: "0.000", day: "2000-01-01", at: new Date("2000-01-01T00:00:00Z"), flag: false, doc: null }));
    session.addAll(samples);
    await session.commit();
    samples[0]!.amount = "123456789.125";
    samples[1]!.amount = "-0.001";
    samples[0]!.day = "2024-02-29";
    samples[1]!.day = null;
    samples[0]!.at = new Date("2024-02-29T23:59:58Z");
    samples[1]!.at = new Date("1999-12-31T12:00:00Z");
    samples[0]!.flag = true;
    samples[1]!.flag = null;
    samples[0]!.doc = { a: [1, "two", null], b: { c: true } };
    samples[1]!.doc = [1, 2];
    statements = [];
    await session.commit();
    expectBatchedUpdates(1);
    expect(samples.map((s) => s.updatedAt)).toEqual([new Date("2030-01-02T03:04:05Z"), new Date("2030-01-02T03:04:05Z")]);
    await session.close();
    await using fresh = Session();
    const back = (await fresh.scalars(select(Sample).orderBy(Sample.c.id))).all();
    expect(back.map((s) => [s.amount, s.day, s.at, s.flag, s.doc, s.updatedAt])).toEqual([
      ["123456789.125", "2024-02-29", new Date("2024-02-29T23:59:58Z"), true, { a: [1, "two", null], b: { c: true } }, new Date("2030-01-02T03:04:05Z")],
      ["-0.001", null, new Date("1999-12-31T12:00:00Z"), null, [1, 2], new Date("2030-01-02T03:04:05Z")],
    ]);
    expect(back.every((s) => s.touchedAt instanceof Date)).toBe(true);
  });

  it("joined-table inheritance: one batched statement per table part", async () => {
    await using session = Session();
    const bosses = [1, 2, 3].map((id) => new Boss({ id, name: `b${id}`, reports: id }));
    session.addAll(bosses);
    await session.commit();
    for (const boss of bosses) {
      boss.name = `${boss.name}+`;
      boss.reports += 10;
    }
    statements = [];
    await session.commit();
    expectBatchedUpdates(2);
    const rows = await query(`SELECT s.name, b.reports FROM ${tableName("staff")} s JOIN ${tableName("bosses")} b ON b.id = s.id ORDER BY s.id`);
    expect(rows.map((r) => [r.name, Number(r.reports)])).toEqual([["b1+", 11], ["b2+", 12], ["b3+", 13]]);
  });

  it("a row set to the value it already has in the database still counts as matched (MariaDB's found rows)", async () => {
    await using session = Session();
    const books = (await session.scalars(select(Book).where(Book.c.id.le(2)).orderBy(Book.c.id))).all();
    await session.commit();
    // Row 2 already holds the new price when the flush runs: its UPDATE changes nothing but must match.
    await ctx.engine.begin((c) => c.execute(text(`UPDATE ${tableName("books")} SET price = 4.00 WHERE id = 2`)));
    for (const book of books) book.price = "4.00";
    statements = [];
    await session.commit();
    expectBatchedUpdates(1);
    const rows = await query(`SELECT price FROM ${tableName("books")} WHERE id <= 2 ORDER BY id`);
    expect(rows.map((r) => Number(r.price))).toEqual([4, 4]);
  });

  it("a single changed row keeps the plain UPDATE ... WHERE key", async () => {
    await using session = Session();
    const book = await session.getOne(Book, 7);
    book.price = "7.77";
    statements = [];
    await session.commit();
    expect(updates()).toHaveLength(1);
    expect(updates().filter(isBatched)).toHaveLength(0);
    expect((await query(`SELECT price FROM ${tableName("books")} WHERE id = 7`)).map((r) => Number(r.price))).toEqual([7.77]);
  });

  it("a type the VALUES list cannot name (PostgreSQL casts it) falls back to one UPDATE per row", async () => {
    await using session = Session();
    const notes = [1, 2, 3].map((id) => new Note({ id, body: "old" }));
    session.addAll(notes);
    await session.commit();
    notes.forEach((note, i) => (note.body = `new ${i}`));
    statements = [];
    await session.commit();
    expect(updates().filter(isBatched)).toHaveLength(ctx.backend.dialect === "postgresql" ? 0 : 1);
    expect((await query(`SELECT body FROM ${tableName("notes")} ORDER BY id`)).map((r) => r.body)).toEqual(["new 0", "new 1", "new 2"]);
  });

  it("ARRAY columns (PostgreSQL)", async () => {
    if (m.ArrayBase === undefined) return;
    await using session = Session();
    const tagged = [1, 2, 3].map((id) => new Tagged({ id, tags: [] }));
    session.addAll(tagged);
    await session.commit();
    tagged[0]!.tags = ["a", "b,c"];
    tagged[1]!.tags = ['q"uote', "{brace}"];
    tagged[2]!.tags = null;
    statements = [];
    await session.commit();
    expectBatchedUpdates(1);
    await session.close();
    await using fresh = Session();
    const back = (await fresh.scalars(select(Tagged).orderBy(Tagged.c.id))).all();
    expect(back.map((t) => t.tags)).toEqual([["a", "b,c"], ['q"uote', "{brace}"], null]);
  });
});
