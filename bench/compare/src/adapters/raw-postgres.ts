/** Raw postgres.js: one connection, its default prepared statements, its helpers for bulk values. */
import postgres from "postgres";
import { PG_URL, W5_AUTHORS, W6_AUTHOR, W7_BATCH, centsToPrice, type Adapter, type NewAuthor, type NewBook, type RssProbe } from "../common.js";

const CHUNK = 1_000;

export async function create(): Promise<Adapter> {
  // `date` (OID 1082) stays "YYYY-MM-DD" text, as Athanor and most ORMs return it (postgres.js's default makes a Date).
  const sql = postgres(PG_URL, {
    max: 1,
    onnotice: () => {},
    types: { dateText: { to: 1082, from: [1082], serialize: (x: string) => x, parse: (x: string) => x } },
  });
  return {
    w1: async () => await sql`SELECT id, author_id, title, pages, price, published, tags FROM book`,
    w2: async (id) => (await sql`SELECT id, name, email, created_at, score FROM author WHERE id = ${id}`)[0],
    async w3(books: readonly NewBook[]) {
      await sql.begin(async (tx) => {
        for (let i = 0; i < books.length; i += CHUNK) {
          await tx`INSERT INTO book ${tx(books.slice(i, i + CHUNK) as NewBook[], "author_id", "title", "pages", "price", "published", "tags")}`;
        }
      });
    },
    async w4(authors: readonly NewAuthor[]) {
      await sql.begin(async (tx) => {
        const ids = await tx`INSERT INTO author ${tx(authors as NewAuthor[], "name", "email", "created_at", "score")} RETURNING id`;
        const books = authors.flatMap((a, k) => a.books.map((b) => ({ author_id: ids[k]!.id as number, title: b.title, pages: b.pages, price: b.price, published: b.published, tags: b.tags })));
        await tx`INSERT INTO book ${tx(books, "author_id", "title", "pages", "price", "published", "tags")}`;
      });
    },
    async w5() {
      return await sql.reserve().then(async (conn) => {
        try {
          const authors = await conn`SELECT id, name, email, created_at, score FROM author WHERE id <= ${W5_AUTHORS}`;
          const byAuthor = new Map<unknown, unknown[]>();
          for (const a of authors) byAuthor.set(a.id, (a.books = []));
          const books = await conn`SELECT id, author_id, title, pages, price, published, tags FROM book WHERE author_id = ANY(${authors.map((a) => a.id as number)})`;
          for (const b of books) (byAuthor.get(b.author_id) as unknown[]).push(b);
          return authors;
        } finally {
          conn.release();
        }
      });
    },
    booksOf: (a) => a.books as unknown[],
    async w6(cents) {
      return await sql.begin(async (tx) => {
        const books = await tx`SELECT id, author_id, title, pages, price, published, tags FROM book WHERE author_id <= ${W6_AUTHOR}`;
        for (const b of books) b.price = centsToPrice(cents(b.id));
        await tx`UPDATE book SET price = v.price FROM unnest(${books.map((b) => b.id as number)}::int[], ${books.map((b) => b.price as string)}::numeric[]) AS v(id, price) WHERE book.id = v.id`;
        return books.length;
      });
    },
    async w7(query: string, probe: RssProbe) {
      let rows = 0;
      let sum = 0;
      for await (const batch of sql.unsafe(query).cursor(W7_BATCH)) {
        for (const r of batch) {
          rows += 1;
          sum += r.n + (r.label.length > 0 ? 0 : 1);
          probe.tick();
        }
      }
      return { rows, sum };
    },
    close: () => sql.end(),
  };
}
