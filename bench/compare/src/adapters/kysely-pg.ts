/** Kysely on pg (PostgresDialect with pg-cursor for stream()): hand-written eager loading (two queries + Map), CASE update. */
import pg from "pg";
import Cursor from "pg-cursor";
import { dateAsText } from "./raw-pg.js";
import { Kysely, PostgresDialect, sql, type Generated, type Insertable } from "kysely";
import { PG_URL, W5_AUTHORS, W6_AUTHOR, W7_BATCH, centsToPrice, type Adapter, type NewAuthor, type NewBook, type RssProbe } from "../common.js";

const CHUNK = 1_000;

interface DB {
  author: { id: Generated<number>; name: string; email: string; created_at: Date; score: number };
  book: { id: Generated<number>; author_id: number; title: string; pages: number; price: string; published: string; tags: string[] };
}

export async function create(): Promise<Adapter> {
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_URL, max: 1, types: dateAsText }), cursor: Cursor }) });
  return {
    w1: () => db.selectFrom("book").selectAll().execute(),
    w2: (id) => db.selectFrom("author").selectAll().where("id", "=", id).executeTakeFirst(),
    async w3(books: readonly NewBook[]) {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < books.length; i += CHUNK) await trx.insertInto("book").values(books.slice(i, i + CHUNK) as Insertable<DB["book"]>[]).execute();
      });
    },
    async w4(authors: readonly NewAuthor[]) {
      await db.transaction().execute(async (trx) => {
        const ids = await trx
          .insertInto("author")
          .values(authors.map((a) => ({ name: a.name, email: a.email, created_at: a.created_at as Date, score: a.score })))
          .returning("id")
          .execute();
        await trx
          .insertInto("book")
          .values(authors.flatMap((a, k) => a.books.map((b) => ({ author_id: ids[k]!.id, title: b.title, pages: b.pages, price: b.price, published: b.published, tags: b.tags as string[] }))))
          .execute();
      });
    },
    async w5() {
      return db.connection().execute(async (conn) => {
        const authors = await conn.selectFrom("author").selectAll().where("id", "<=", W5_AUTHORS).execute();
        const books = await conn
          .selectFrom("book")
          .selectAll()
          .where(
            "author_id",
            "in",
            authors.map((a) => a.id),
          )
          .execute();
        const byAuthor = new Map<number, unknown[]>();
        const out = authors.map((a) => {
          const list: unknown[] = [];
          byAuthor.set(a.id, list);
          return { id: a.id, name: a.name, email: a.email, created_at: a.created_at, score: a.score, books: list };
        });
        for (const b of books) byAuthor.get(b.author_id)?.push(b);
        return out;
      });
    },
    booksOf: (a) => a.books as unknown[],
    w6: (cents) =>
      db.transaction().execute(async (trx) => {
        const books = await trx.selectFrom("book").selectAll().where("author_id", "<=", W6_AUTHOR).execute();
        for (const b of books) b.price = centsToPrice(cents(b.id));
        await trx
          .updateTable("book")
          .set({ price: sql<string>`case id ${sql.join(books.map((b) => sql`when ${b.id} then ${b.price}::numeric`), sql` `)} end` })
          .where(
            "id",
            "in",
            books.map((b) => b.id),
          )
          .execute();
        return books.length;
      }),
    async w7(_sql: string, probe: RssProbe, n: number) {
      let rows = 0;
      let sum = 0;
      const query = db
        .selectFrom(sql<{ i: number }>`generate_series(1, ${sql.lit(n)})`.as("i"))
        .select([sql<number>`i`.as("n"), sql<string>`'row ' || i`.as("label"), sql<number>`i % 1000`.as("bucket")]);
      for await (const r of query.stream(W7_BATCH)) {
        rows += 1;
        sum += r.n + (r.label.length > 0 ? 0 : 1);
        probe.tick();
      }
      return { rows, sum };
    },
    close: () => db.destroy(),
  };
}
