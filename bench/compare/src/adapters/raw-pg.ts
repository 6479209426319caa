/** Raw `pg`: a Pool of one connection, rows as objects (the library's defaults but `date` kept as text), hand-written SQL. */
import pg from "pg";
import Cursor from "pg-cursor";
import { PG_URL, W5_AUTHORS, W6_AUTHOR, W7_BATCH, centsToPrice, type Adapter, type NewAuthor, type NewBook, type RssProbe } from "../common.js";

const CHUNK = 1_000;

/** `($1, $2, ...), (...)` for `rows` rows of `width` values, numbered from 1. */
export function valuesList(rows: number, width: number): string {
  const parts: string[] = [];
  for (let r = 0; r < rows; r++) {
    const p: string[] = [];
    for (let c = 1; c <= width; c++) p.push(`$${r * width + c}`);
    parts.push(`(${p.join(", ")})`);
  }
  return parts.join(", ");
}

/** `date` (OID 1082) stays "YYYY-MM-DD" text, as Athanor and most ORMs return it (pg's default makes a local-midnight Date). */
export const dateAsText: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === 1082 ? (v: string) => v : pg.types.getTypeParser(oid, format))) as pg.CustomTypesConfig["getTypeParser"],
};

export async function create(): Promise<Adapter> {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 1, types: dateAsText });
  const booksOf = new Map<unknown, unknown[]>();
  return {
    w1: async () => (await pool.query("SELECT id, author_id, title, pages, price, published, tags FROM book")).rows,
    w2: async (id) => (await pool.query("SELECT id, name, email, created_at, score FROM author WHERE id = $1", [id])).rows[0],
    async w3(books: readonly NewBook[]) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        for (let i = 0; i < books.length; i += CHUNK) {
          const chunk = books.slice(i, i + CHUNK);
          const values: unknown[] = [];
          for (const b of chunk) values.push(b.author_id, b.title, b.pages, b.price, b.published, b.tags);
          await client.query(`INSERT INTO book (author_id, title, pages, price, published, tags) VALUES ${valuesList(chunk.length, 6)}`, values);
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    async w4(authors: readonly NewAuthor[]) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const av: unknown[] = [];
        for (const a of authors) av.push(a.name, a.email, a.created_at, a.score);
        const ids = (await client.query(`INSERT INTO author (name, email, created_at, score) VALUES ${valuesList(authors.length, 4)} RETURNING id`, av)).rows;
        const bv: unknown[] = [];
        let n = 0;
        authors.forEach((a, k) => {
          for (const b of a.books) {
            bv.push(ids[k].id, b.title, b.pages, b.price, b.published, b.tags);
            n += 1;
          }
        });
        await client.query(`INSERT INTO book (author_id, title, pages, price, published, tags) VALUES ${valuesList(n, 6)}`, bv);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    async w5() {
      const client = await pool.connect();
      try {
        const authors = (await client.query("SELECT id, name, email, created_at, score FROM author WHERE id <= $1", [W5_AUTHORS])).rows;
        const ids = authors.map((a) => a.id);
        const books = (await client.query("SELECT id, author_id, title, pages, price, published, tags FROM book WHERE author_id = ANY($1)", [ids])).rows;
        const byAuthor = new Map<unknown, unknown[]>();
        for (const a of authors) byAuthor.set(a.id, (a.books = []));
        for (const b of books) (byAuthor.get(b.author_id) as unknown[]).push(b);
        return authors;
      } finally {
        client.release();
      }
    },
    booksOf: (a) => (a.books as unknown[]) ?? booksOf.get(a.id) ?? [],
    async w6(cents) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const books = (await client.query("SELECT id, author_id, title, pages, price, published, tags FROM book WHERE author_id <= $1", [W6_AUTHOR])).rows;
        for (const b of books) b.price = centsToPrice(cents(b.id));
        await client.query("UPDATE book SET price = v.price FROM unnest($1::int[], $2::numeric[]) AS v(id, price) WHERE book.id = v.id", [
          books.map((b) => b.id),
          books.map((b) => b.price),
        ]);
        await client.query("COMMIT");
        return books.length;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    async w7(sql: string, probe: RssProbe) {
      const client = await pool.connect();
      try {
        const cursor = client.query(new Cursor(sql));
        let rows = 0;
        let sum = 0;
        for (;;) {
          const batch = await cursor.read(W7_BATCH);
          if (batch.length === 0) break;
          for (const r of batch) {
            rows += 1;
            sum += r.n + (r.label.length > 0 ? 0 : 1);
            probe.tick();
          }
        }
        await cursor.close();
        return { rows, sum };
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
