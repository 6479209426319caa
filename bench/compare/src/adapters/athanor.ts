/**
 * Athanor, Core and ORM, on pg, postgres.js and better-sqlite3 (the built package, dist/).
 * Core: table statements through engine.connect()/begin(); ORM: declarative models and a Session.
 */
import { ARRAY, DateTime, Date as DateType, Integer, Numeric, Text, column, createEngine, insert, select as coreSelect, text, update, values, type Engine } from "athanor";
import { Session, declarativeBase, insert as ormInsert, mapped, relationship, select, selectinload } from "athanor/orm";
import { PG_URL, W5_AUTHORS, W6_AUTHOR, W7_BATCH, centsToPrice, type Adapter, type Backend, type NewAuthor, type NewBook, type RssProbe } from "../common.js";

export function models(backend: Backend) {
  const Base = declarativeBase();
  class Author extends Base.model("author", {
    id: mapped(Integer, { primaryKey: true }),
    name: mapped(Text, { nullable: false }),
    email: mapped(Text, { nullable: false }),
    created_at: backend === "pg" ? mapped(new DateTime({ timezone: true }), { nullable: false }) : mapped(Text, { nullable: false }),
    score: mapped(Integer, { nullable: false }),
  }) {
    declare books: Book[];
    static {
      this.relate({ books: relationship(() => Book, { backPopulates: "author" }) });
    }
  }
  class Book extends Base.model("book", {
    id: mapped(Integer, { primaryKey: true }),
    author_id: mapped(Integer, { nullable: false, foreignKey: "author.id", init: false }),
    title: mapped(Text, { nullable: false }),
    pages: mapped(Integer, { nullable: false }),
    price: mapped(new Numeric(10, 2), { nullable: false }),
    published: mapped(DateType, { nullable: false }),
    tags: backend === "pg" ? mapped(new ARRAY(Text), { nullable: false }) : mapped(Text, { nullable: false }),
  }) {
    declare author: Author | null;
    static {
      this.relate({ author: relationship(() => Author, { backPopulates: "books" }) });
    }
  }
  return { Author, Book };
}

function engineFor(backend: Backend, driver: "pg" | "postgres" | "better-sqlite3"): Engine {
  if (backend === "sqlite") return createEngine(`sqlite+better-sqlite3:///${process.env.ATHANOR_BENCH_SQLITE_FILE as string}`, { poolSize: 1 });
  return createEngine(PG_URL.replace(/^postgres(ql)?(\+\w+)?:/, `postgresql+${driver}:`), { poolSize: 1 });
}

export async function createCore(backend: Backend, driver: "pg" | "postgres" | "better-sqlite3"): Promise<Adapter> {
  const engine = engineFor(backend, driver);
  const { Author, Book } = models(backend);
  const author = Author.table;
  const book = Book.table;
  return {
    w1: () => engine.connect(async (conn) => (await conn.execute(coreSelect(book))).all()),
    w2: (id) => engine.connect(async (conn) => (await conn.execute(coreSelect(author).where(author.c.id.eq(id)))).first()),
    async w3(books: readonly NewBook[]) {
      // SQLAlchemy's bulk form: executemany of insert(t) (multi-row INSERTs on PostgreSQL, one prepared statement per row on SQLite).
      await engine.begin((conn) => conn.execute(insert(book), books as never));
    },
    async w4(authors: readonly NewAuthor[]) {
      await engine.begin(async (conn) => {
        const rows = authors.map((a) => ({ name: a.name, email: a.email, created_at: a.created_at, score: a.score }));
        const ids = (await conn.execute(insert(author).values(rows as never).returning(author.c.id))).all();
        const books = authors.flatMap((a, k) => a.books.map((b) => ({ author_id: ids[k]!.id, title: b.title, pages: b.pages, price: b.price, published: b.published, tags: b.tags })));
        await conn.execute(insert(book), books as never);
      });
    },
    w5: () =>
      engine.connect(async (conn) => {
        const authors = (await conn.execute(coreSelect(author).where(author.c.id.le(W5_AUTHORS)))).all();
        const books = (await conn.execute(coreSelect(book).where(book.c.author_id.in(authors.map((a) => a.id))))).all();
        const byAuthor = new Map<unknown, unknown[]>();
        const out = authors.map((a) => {
          const list: unknown[] = [];
          byAuthor.set(a.id, list);
          return { id: a.id, name: a.name, email: a.email, created_at: a.created_at, score: a.score, books: list };
        });
        for (const b of books) (byAuthor.get(b.author_id) as unknown[]).push(b);
        return out;
      }),
    booksOf: (a) => a.books as unknown[],
    w6: (cents) =>
      engine.begin(async (conn) => {
        const books = (await conn.execute(coreSelect(book).where(book.c.author_id.le(W6_AUTHOR)))).all();
        const v = values(column("id", new Integer()), column("price", new Numeric(10, 2)))
          .data(books.map((b) => [b.id, centsToPrice(cents(b.id))]))
          .alias("v");
        await conn.execute(update(book).values({ price: v.c.price }).where(book.c.id.eq(v.c.id)));
        return books.length;
      }),
    async w7(sql: string, probe: RssProbe) {
      return engine.connect(async (conn) => {
        const result = await conn.stream(text(sql), undefined, { batchSize: W7_BATCH });
        let rows = 0;
        let sum = 0;
        for await (const r of result) {
          rows += 1;
          sum += (r.n as number) + ((r.label as string).length > 0 ? 0 : 1);
          probe.tick();
        }
        return { rows, sum };
      });
    },
    close: () => engine.dispose(),
  };
}

export async function createOrm(backend: Backend, driver: "pg" | "postgres" | "better-sqlite3"): Promise<Adapter> {
  const engine = engineFor(backend, driver);
  const { Author, Book } = models(backend);
  async function inSession<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const session = new Session(engine);
    try {
      return await work(session);
    } finally {
      await session.close();
    }
  }
  return {
    w1: () => inSession(async (s) => (await s.scalars(select(Book))).all()),
    w2: (id) => inSession((s) => s.get(Author, id)),
    w3: (books: readonly NewBook[]) =>
      inSession(async (s) => {
        // SQLAlchemy's ORM bulk INSERT: session.execute(insert(Book), rows).
        await s.execute(ormInsert(Book), books as never);
        await s.commit();
      }),
    w4: (authors: readonly NewAuthor[]) =>
      inSession(async (s) => {
        s.addAll(
          authors.map((a) =>
            Author.create({
              name: a.name,
              email: a.email,
              created_at: a.created_at as never,
              score: a.score,
              books: a.books.map((b) => new Book({ title: b.title, pages: b.pages, price: b.price, published: b.published, tags: b.tags as never })),
            }),
          ),
        );
        await s.commit();
      }),
    w5: () => inSession(async (s) => (await s.scalars(select(Author).where(Author.c.id.le(W5_AUTHORS)).options(selectinload(Author, "books")))).all()),
    booksOf: (a) => a.books as unknown[],
    w6: (cents) =>
      inSession(async (s) => {
        const books = (await s.scalars(select(Book).where(Book.c.author_id.le(W6_AUTHOR)))).all();
        for (const b of books) b.price = centsToPrice(cents(b.id));
        await s.commit();
        return books.length;
      }),
    notes: { W7: "the Session has no streaming API (stream through Core's conn.stream(), as the Core adapter does)" },
    close: () => engine.dispose(),
  };
}
