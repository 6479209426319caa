/** Drizzle on better-sqlite3: sqliteTable schema, relational query API (W5), CASE update (W6); no streaming API (W7 n/a). */
import { openSqlite } from "../sqlite-file.js";
import { eq, inArray, lte, relations, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { index, integer, numeric, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { W5_AUTHORS, W6_AUTHOR, centsToPrice, type Adapter, type NewAuthor, type NewBook } from "../common.js";

const CHUNK = 1_000;

export const author = sqliteTable("author", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull(),
  created_at: text("created_at").notNull(),
  score: integer("score").notNull(),
});
export const book = sqliteTable(
  "book",
  {
    id: integer("id").primaryKey(),
    author_id: integer("author_id")
      .notNull()
      .references(() => author.id),
    title: text("title").notNull(),
    pages: integer("pages").notNull(),
    price: numeric("price").notNull(),
    published: text("published").notNull(),
    tags: text("tags").notNull(),
  },
  (t) => [index("book_author_id_idx").on(t.author_id)],
);
export const authorRelations = relations(author, ({ many }) => ({ books: many(book) }));
export const bookRelations = relations(book, ({ one }) => ({ author: one(author, { fields: [book.author_id], references: [author.id] }) }));

export async function create(): Promise<Adapter> {
  const client = openSqlite();
  const db = drizzle(client, { schema: { author, book, authorRelations, bookRelations } });
  return {
    w1: async () => db.select().from(book).all(),
    w2: async (id) => db.select().from(author).where(eq(author.id, id)).get(),
    async w3(books: readonly NewBook[]) {
      db.transaction((tx) => {
        for (let i = 0; i < books.length; i += CHUNK) tx.insert(book).values(books.slice(i, i + CHUNK) as (typeof book.$inferInsert)[]).run();
      });
    },
    async w4(authors: readonly NewAuthor[]) {
      db.transaction((tx) => {
        const ids = tx
          .insert(author)
          .values(authors.map((a) => ({ name: a.name, email: a.email, created_at: a.created_at as string, score: a.score })))
          .returning({ id: author.id })
          .all();
        tx.insert(book)
          .values(authors.flatMap((a, k) => a.books.map((b) => ({ author_id: ids[k]!.id, title: b.title, pages: b.pages, price: b.price, published: b.published, tags: b.tags as string }))))
          .run();
      });
    },
    w5: async () => db.query.author.findMany({ where: lte(author.id, W5_AUTHORS), with: { books: true } }).sync(),
    booksOf: (a) => a.books as unknown[],
    w6: async (cents) =>
      db.transaction((tx) => {
        const books = tx.select().from(book).where(lte(book.author_id, W6_AUTHOR)).all();
        for (const b of books) b.price = centsToPrice(cents(b.id));
        const chunks: SQL[] = [sql`(case`];
        for (const b of books) chunks.push(sql`when ${book.id} = ${b.id} then ${b.price}`);
        chunks.push(sql`end)`);
        tx.update(book)
          .set({ price: sql.join(chunks, sql.raw(" ")) })
          .where(
            inArray(
              book.id,
              books.map((b) => b.id),
            ),
          )
          .run();
        return books.length;
      }),
    notes: { W7: "no streaming API on SQLite (drizzle-orm 0.45 has iterator() only for the MySQL-family drivers)" },
    close: async () => void client.close(),
  };
}
