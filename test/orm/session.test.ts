/**
 * The Session on every backend: identity map, flush ordering and batching,
 * server-generated values, change tracking, optimistic concurrency, failure
 * semantics, savepoints, expiry, merge and ORM-level bulk statements.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import {
  DateTime,
  IntegrityError,
  Integer,
  InvalidRequestError,
  NoResultFound,
  PendingRollbackError,
  StaleDataError,
  String,
  Text,
  func,
  text,
  type Engine,
} from "athanor";
import {
  Session,
  UnloadedAttributeError,
  declarativeBase,
  delete_,
  inspect,
  mapped,
  relationship,
  select,
  sessionmaker,
  update,
} from "athanor/orm";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

function models(prefix: string) {
  const Base = declarativeBase();
  class Author extends Base.model(`${prefix}_authors`, {
    id: mapped(Integer, { primaryKey: true }),
    name: mapped(new String(100), { nullable: false, unique: true }),
    bio: mapped(Text),
    createdAt: mapped(DateTime, { nullable: false, serverDefault: func.now(), init: false }),
  }) {
    declare books: Book[];
    static {
      this.relate({ books: relationship(() => Book, { backPopulates: "author" }) });
    }
  }
  class Book extends Base.model(`${prefix}_books`, {
    id: mapped(Integer, { primaryKey: true }),
    authorId: mapped(Integer, { foreignKey: `${prefix}_authors.id` }),
    title: mapped(new String(200), { nullable: false }),
    pages: mapped(Integer, { nullable: false, default: 100 }),
    version: mapped(Integer, { nullable: false, version: true }),
  }) {
    declare author: Author | null;
    static {
      this.relate({ author: relationship(() => Author, { backPopulates: "books" }) });
    }
  }
  class Category extends Base.model(`${prefix}_categories`, {
    id: mapped(Integer, { primaryKey: true }),
    parentId: mapped(Integer, { foreignKey: `${prefix}_categories.id` }),
    label: mapped(new String(50), { nullable: false }),
  }) {
    declare parent: Category | null;
    declare children: Category[];
    static {
      this.relate({
        parent: relationship(() => Category, { remoteSide: [Category.c.id], backPopulates: "children" }),
        children: relationship(() => Category, { backPopulates: "parent" }),
      });
    }
  }
  class Edition extends Base.model(`${prefix}_editions`, {
    isbn: mapped(new String(20), { primaryKey: true }),
    year: mapped(Integer, { primaryKey: true }),
    note: mapped(Text),
  }) {}
  return { Base, Author, Book, Category, Edition };
}

describeEachBackend("Session", (ctx) => {
  const prefix = uniqueName("s").slice(0, 14);
  const m = models(prefix);
  const { Author, Book, Category, Edition } = m;
  let engine: Engine;
  let statements: string[] = [];
  let SessionFactory: ReturnType<typeof sessionmaker>;

  beforeAll(async () => {
    engine = ctx.engine;
    await m.Base.metadata.createAll(engine);
    engine.events.on("beforeExecute", (c) => void statements.push(c.sql));
    SessionFactory = sessionmaker(engine);
  });
  afterAll(async () => {
    await m.Base.metadata.dropAll(engine);
  });
  beforeEach(async () => {
    await engine.begin(async (conn) => {
      for (const table of [...m.Base.metadata.sortedTables].reverse()) await conn.execute(text(`DELETE FROM ${engine.dialect.createCompiler().quoteIdentifier?.(table.name) ?? table.name}`));
    });
    statements = [];
  });

  const count = async (table: string) => Number((await engine.connect((c) => c.execute(text(`SELECT count(*) FROM ${prefix}_${table}`)))).scalar());
  const dml = (verb: string) => statements.filter((s) => s.trimStart().toUpperCase().startsWith(verb));

  it("adds, flushes with generated keys and server defaults, and keeps one object per row", async () => {
    await using session = SessionFactory();
    const ada = new Author({ name: "ada" });
    session.add(ada);
    expect(inspect(ada).pending).toBe(true);
    await session.flush();
    expect(typeof ada.id).toBe("number");
    expect(ada.createdAt).toBeInstanceOf(Date);
    expect(inspect(ada).persistent).toBe(true);
    await session.commit();
    expect(await session.get(Author, ada.id)).toBe(ada);
    expect(await session.get(Author, { id: ada.id })).toBe(ada);
    const [again] = (await session.scalars(select(Author).where(Author.c.name.eq("ada")))).all();
    expect(again).toBe(ada);
    await session.close(); // PGlite and in-memory SQLite have one connection: a second session waits for it
    await using other = SessionFactory();
    const fresh = await other.getOne(Author, ada.id);
    expect(fresh).not.toBe(ada);
    expect(fresh.name).toBe("ada");
    await expect(other.getOne(Author, -1)).rejects.toThrow(NoResultFound);
    expect(await other.get(Author, -1)).toBeNull();
  });

  it("inserts many new objects of one class in batched multi-row statements", async () => {
    await using session = SessionFactory();
    session.addAll(Array.from({ length: 50 }, (_, i) => new Author({ name: `a${i}` })));
    await session.flush();
    const inserts = dml("INSERT");
    if (ctx.backend.dialect === "mysql") expect(inserts).toHaveLength(50); // no RETURNING: one row each for its generated key
    else expect(inserts).toHaveLength(1);
    const ids = session.new.length === 0 ? (await session.scalars(select(Author))).all().map((a) => a.id) : [];
    expect(new Set(ids).size).toBe(50);
    await session.commit();
    expect(await count("authors")).toBe(50);
  });

  it("updates only changed columns, batching rows with the same changes, and versions them", async () => {
    await using session = SessionFactory();
    const author = new Author({ name: "b" });
    const books = [Book.create({ title: "one", author }), Book.create({ title: "two", author }), Book.create({ title: "three", author })];
    session.addAll(books);
    await session.commit();
    expect(books.map((b) => b.version)).toEqual([1, 1, 1]);
    expect(books[0]?.pages).toBe(100);
    expect(books[0]?.authorId).toBe(author.id);
    statements = [];
    for (const book of books) book.pages = 300;
    (books[2] as InstanceType<typeof Book>).title = "THREE";
    expect(session.dirty).toHaveLength(3);
    expect(session.isModified(books[0] as object)).toBe(true);
    await session.commit();
    const updates = dml("UPDATE");
    expect(updates).toHaveLength(2); // [pages, version] for two rows in one batch; [title, pages, version] for one
    expect(updates[0]).not.toContain("title");
    expect(books.map((b) => b.version)).toEqual([2, 2, 2]);
    const row = (await engine.connect((c) => c.execute(text(`SELECT title, pages, version FROM ${prefix}_books WHERE id = :id`), { id: books[2]?.id }))).one();
    expect([row.title, Number(row.pages), Number(row.version)]).toEqual(["THREE", 300, 2]);
  });

  it("raises StaleDataError when the versioned row changed underneath", async () => {
    await using session = SessionFactory();
    const book = new Book({ title: "v" });
    session.add(book);
    await session.commit();
    await engine.begin((c) => c.execute(text(`UPDATE ${prefix}_books SET version = version + 1 WHERE id = :id`), { id: book.id }));
    book.title = "changed";
    await expect(session.commit()).rejects.toThrow(StaleDataError);
    await expect(session.flush()).rejects.toThrow(PendingRollbackError);
    await session.rollback();
  });

  it("orders inserts by foreign keys, and self-referential rows parent first", async () => {
    await using session = SessionFactory();
    const author = new Author({ name: "c" });
    const book = new Book({ title: "t" });
    book.author = author;
    session.add(book); // the author comes by cascade and is inserted first
    const root = new Category({ label: "root" });
    const child = new Category({ label: "child" });
    const grandchild = new Category({ label: "grandchild" });
    grandchild.parent = child;
    child.parent = root;
    session.addAll([grandchild, child, root]);
    await session.commit();
    expect(book.authorId).toBe(author.id);
    expect(child.parentId).toBe(root.id);
    expect(grandchild.parentId).toBe(child.id);
    const authorInsert = statements.findIndex((s) => s.includes(`${prefix}_authors`) && s.startsWith("INSERT"));
    const bookInsert = statements.findIndex((s) => s.includes(`${prefix}_books`) && s.startsWith("INSERT"));
    expect(authorInsert).toBeLessThan(bookInsert);
    session.delete(root);
    session.delete(child);
    session.delete(grandchild);
    session.delete(book);
    session.delete(author);
    await session.commit();
    expect(inspect(root).detached).toBe(true);
    expect(await count("categories")).toBe(0);
  });

  it("makes scalars unique by identity when a join repeats an entity", async () => {
    await using session = SessionFactory();
    const author = new Author({ name: "uniq" });
    author.books.push(new Book({ title: "u1" }), new Book({ title: "u2" }));
    session.add(author);
    await session.flush();
    const repeated = await session.scalars(select(Author).join(Book).where(Author.c.name.eq("uniq")));
    expect(repeated.all()).toEqual([author, author]);
    expect(repeated.unique().all()).toEqual([author]);
    await session.rollback();
  });

  it("copies a parent's key into the children of its collection", async () => {
    await using session = SessionFactory();
    const author = new Author({ name: "d" });
    author.books.push(new Book({ title: "x" }), new Book({ title: "y" }));
    session.add(author);
    await session.commit();
    const rows = (await engine.connect((c) => c.execute(text(`SELECT author_id_check FROM (SELECT "authorId" AS author_id_check FROM ${prefix}_books) t`.replaceAll('"', ctx.backend.dialect === "mysql" ? "`" : '"'))))).all();
    expect(rows.map((r) => Number(r.author_id_check))).toEqual([author.id, author.id]);
  });

  it("rolls back a failed flush as a whole, refuses work until rollback, and lets the user fix and retry", async () => {
    await using session = SessionFactory();
    const existing = new Author({ name: "dup" });
    session.add(existing);
    await session.commit();
    const batch = Array.from({ length: 100 }, (_, i) => new Author({ name: i === 60 ? "dup" : `n${i}` }));
    session.addAll(batch);
    const error = await session.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    // Nothing the failed flush wrote stays on the objects: no generated key, still pending.
    expect(batch.every((a) => a.id === undefined && inspect(a).pending)).toBe(true);
    await expect(session.execute(select(Author))).rejects.toThrow(PendingRollbackError);
    await expect(session.commit()).rejects.toThrow("call await session.rollback()");
    await session.rollback();
    expect(await count("authors")).toBe(1);
    expect(batch.every((a) => inspect(a).transient && a.id === undefined)).toBe(true);
    expect(batch[60]?.name).toBe("dup"); // values kept
    (batch[60] as InstanceType<typeof Author>).name = "fixed";
    session.addAll(batch);
    await session.commit();
    expect(await count("authors")).toBe(101);
  });

  it("a failed flush puts back what it wrote into loaded objects: a synced foreign key, a version counter", async () => {
    await using session = SessionFactory();
    const first = new Author({ name: "fk-first" });
    const book = new Book({ title: "moved" });
    book.author = first;
    const untouched = new Book({ title: "only the title changes" });
    session.addAll([first, book, untouched]);
    await session.commit();
    const before = { authorId: book.authorId, version: book.version, untouchedVersion: untouched.version };
    // The book moves to a new author, so the flush inserts the author, copies its new key into the
    // book and counts the book's version up; then the book's UPDATE matches no row (deleted
    // underneath) and the flush fails after those writes.
    await engine.begin((c) => c.execute(text(`DELETE FROM ${prefix}_books WHERE id = ${book.id as number}`)));
    book.author = new Author({ name: "fk-second" });
    untouched.title = "renamed";
    await expect(session.flush()).rejects.toThrow(StaleDataError);
    expect(book.authorId).toBe(before.authorId);
    expect(book.version).toBe(before.version);
    expect(untouched.version).toBe(before.untouchedVersion);
    expect(untouched.title).toBe("renamed");
    expect(inspect(untouched).modified).toBe(true);
    await session.rollback();
  });

  it("rolls back a savepoint with the in-memory state of the objects touched inside", async () => {
    await using session = SessionFactory();
    const kept = new Author({ name: "kept", bio: "before" });
    session.add(kept);
    await session.flush();
    let inner: InstanceType<typeof Author> | undefined;
    await expect(
      session.beginNested(async () => {
        kept.bio = "inside";
        inner = new Author({ name: "inner" });
        session.add(inner);
        await session.flush();
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    expect(kept.bio).toBe("before");
    expect(inspect(inner as object).transient).toBe(true);
    expect(session.contains(inner as object)).toBe(false);
    await session.commit();
    const names = (await engine.connect((c) => c.execute(text(`SELECT name FROM ${prefix}_authors ORDER BY name`)))).scalars().all();
    expect(names).toEqual(["kept"]);
  });

  it("expires, refreshes, expunges and merges", async () => {
    await using session = SessionFactory();
    const a = new Author({ name: "e", bio: "one" });
    session.add(a);
    await session.commit();
    await engine.begin((c) => c.execute(text(`UPDATE ${prefix}_authors SET bio = 'two'`)));
    expect(a.bio).toBe("one");
    session.expire(a, ["bio"]);
    expect(() => a.bio).toThrow(UnloadedAttributeError);
    expect(() => a.bio).toThrow("await session.refresh(obj)");
    await session.refresh(a);
    expect(a.bio).toBe("two");
    session.expunge(a);
    expect(inspect(a).detached).toBe(true);
    a.bio = "three";
    const merged = await session.merge(a);
    expect(merged).not.toBe(a);
    expect(merged.bio).toBe("three");
    expect(session.isModified(merged)).toBe(true);
    await session.commit();
    expect((await engine.connect((c) => c.execute(text(`SELECT bio FROM ${prefix}_authors`)))).scalar()).toBe("three");
    session.expungeAll();
    expect(session.objects).toHaveLength(0);
  });

  it("expires everything at commit when asked, and names refresh on read", async () => {
    await using session = SessionFactory({ expireOnCommit: true });
    const a = new Author({ name: "f" });
    session.add(a);
    await session.commit();
    expect(() => a.name).toThrow("await session.refresh(obj)");
    await session.refresh(a);
    expect(a.name).toBe("f");
  });

  it("gets by composite key as a tuple or an object", async () => {
    await using session = SessionFactory();
    session.add(new Edition({ isbn: "123", year: 2020, note: "first" }));
    await session.commit();
    session.expungeAll();
    const byTuple = await session.getOne(Edition, ["123", 2020]);
    expect(byTuple.note).toBe("first");
    expect(await session.get(Edition, { isbn: "123", year: 2020 })).toBe(byTuple);
    await expect(session.get(Edition, "123")).rejects.toThrow("has a primary key of 2 column(s) (isbn, year)");
  });

  it("returns typed tuples for mixed selects and keeps the session in step with bulk UPDATE and DELETE", async () => {
    await using session = SessionFactory();
    const author = new Author({ name: "g" });
    session.addAll([Book.create({ title: "p", author }), Book.create({ title: "q", author })]);
    await session.commit();
    const rows = (await session.execute(select(Book, Author.c.name).join(Author).orderBy(Book.c.title))).all();
    expect(rows.map(([book, name]) => [book.title, name])).toEqual([
      ["p", "g"],
      ["q", "g"],
    ]);
    await session.execute(update(Book).where(Book.c.title.eq("p")).values({ pages: 7 }));
    const p = rows[0]?.[0] as InstanceType<typeof Book>;
    expect(p.pages).toBe(7);
    await session.execute(delete_(Book).where(Book.c.title.eq("q")));
    const q = rows[1]?.[0] as InstanceType<typeof Book>;
    expect(inspect(q).deleted).toBe(true);
    await session.commit();
    expect(inspect(q).detached).toBe(true);
    expect((await session.scalars(select(Book))).all()).toEqual([p]);
  });

  it("leaves objects readable after close, and makes objects of rolled-back inserts transient", async () => {
    const session = SessionFactory();
    session.add(new Author({ name: "j" }));
    await session.commit();
    const loaded = (await session.scalars(select(Author))).one();
    const pending = new Author({ name: "k" });
    session.add(pending);
    await session.flush();
    await session.close();
    expect(loaded.name).toBe("j");
    expect(inspect(loaded).detached).toBe(true);
    expect(inspect(pending).transient).toBe(true);
    expect(await count("authors")).toBe(1);
  });

  it("inserts in the order objects were added, forgets database-made keys on rollback, and reports delete() as persistent until flushed", async () => {
    await using session = SessionFactory();
    const a = new Author({ name: "o1" });
    const b = new Author({ name: "o2", bio: "b" });
    const c = new Author({ name: "o3" });
    session.addAll([a, b, c]);
    await session.flush();
    expect(a.id < b.id && b.id < c.id).toBe(true);
    await session.rollback();
    expect(a.id).toBeUndefined(); // the row is gone, so is its key
    expect(a.name).toBe("o1");
    session.add(new Author({ name: "other" }));
    await session.commit();
    session.add(a);
    await session.commit();
    expect(typeof a.id).toBe("number");
    session.delete(a);
    expect(inspect(a).persistent).toBe(true);
    expect(session.deleted).toEqual([a]);
    await session.flush();
    expect(inspect(a).deleted).toBe(true);
    await session.commit();
    expect(inspect(a).detached).toBe(true);
  });

  it("refuses concurrent use of one session", async () => {
    await using session = SessionFactory();
    const first = session.execute(select(Author));
    await expect(session.execute(select(Author))).rejects.toThrow(InvalidRequestError);
    await first;
  });

  it("begins explicitly, commits a block, and rolls back what the block did on error", async () => {
    await SessionFactory.begin(async (session) => {
      session.add(new Author({ name: "h" }));
    });
    await expect(
      SessionFactory.begin(async (session) => {
        session.add(new Author({ name: "i" }));
        await session.flush();
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    const names = (await engine.connect((c) => c.execute(text(`SELECT name FROM ${prefix}_authors`)))).scalars().all();
    expect(names).toEqual(["h"]);
    const strict = new Session(engine, { autobegin: false });
    await expect(strict.execute(select(Author))).rejects.toThrow("autobegin disabled");
    await strict.begin(async (s) => {
      expect((await s.scalars(select(Author))).all()).toHaveLength(1);
    });
    await strict.close();
  });
});
