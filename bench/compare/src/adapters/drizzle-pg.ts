/** Drizzle on node-postgres: pgTable schema, relations for the relational query API (W5), CASE update (W6). */
import pg from "pg";
import { eq, inArray, lte, relations, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { date, index, integer, numeric, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { PG_URL, W5_AUTHORS, W6_AUTHOR, centsToPrice, type Adapter, type NewAuthor, type NewBook } from "../common.js";

const CHUNK = 1_000;

export const author = pgTable("author", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull(),
  created_at: timestamp("created_at", { withTimezone: true }).notNull(),
  score: integer("score").notNull(),
});
export const book = pgTable(
  "book",
  {
    id: serial("id").primaryKey(),
    author_id: integer("author_id")
      .notNull()
      .references(() => author.id),
    title: text("title").notNull(),
    pages: integer("pages").notNull(),
    price: numeric("price", { precision: 10, scale: 2 }).notNull(),
    published: date("published").notNull(),
    tags: text("tags").array().notNull(),
  },
  (t) => [index("book_author_id_idx").on(t.author_id)],
);
export const authorRelations = relations(author, ({ many }) => ({ books: many(book) }));
export const bookRelations = relations(book, ({ one }) => ({ author: one(author, { fields: [book.author_id], references: [author.id] }) }));

export async function create(): Promise<Adapter> {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
  const db = drizzle(pool, { schema: { author, book, authorRelations, bookRelations } });
  return {
    w1: () => db.select().from(book),
    w2: async (id) => (await db.select().from(author).where(eq(author.id, id)))[0],
    async w3(books: readonly NewBook[]) {
      await db.transaction(async (tx) => {
        for (let i = 0; i < books.length; i += CHUNK) await tx.insert(book).values(books.slice(i, i + CHUNK) as (typeof book.$inferInsert)[]);
      });
    },
    async w4(authors: readonly NewAuthor[]) {
      await db.transaction(async (tx) => {
        const ids = await tx
          .insert(author)
          .values(authors.map((a) => ({ name: a.name, email: a.email, created_at: a.created_at as Date, score: a.score })))
          .returning({ id: author.id });
        await tx.insert(book).values(authors.flatMap((a, k) => a.books.map((b) => ({ author_id: ids[k]!.id, title: b.title, pages: b.pages, price: b.price, published: b.published, tags: b.tags as string[] }))));
      });
    },
    w5: () => db.query.author.findMany({ where: lte(author.id, W5_AUTHORS), with: { books: true } }),
    booksOf: (a) => a.books as unknown[],
    w6: (cents) =>
      db.transaction(async (tx) => {
        const books = await tx.select().from(book).where(lte(book.author_id, W6_AUTHOR));
        for (const b of books) b.price = centsToPrice(cents(b.id));
        const chunks: SQL[] = [sql`(case`];
        for (const b of books) chunks.push(sql`when ${book.id} = ${b.id} then ${b.price}::numeric`);
        chunks.push(sql`end)`);
        await tx
          .update(book)
          .set({ price: sql.join(chunks, sql.raw(" ")) })
          .where(
            inArray(
              book.id,
              books.map((b) => b.id),
            ),
          );
        return books.length;
      }),
    notes: { W7: "no streaming API on PostgreSQL (drizzle-orm 0.45 has iterator() only for the MySQL-family drivers)" },
    close: () => pool.end(),
  };
}
