/** Raw better-sqlite3: prepared statements, rows as objects, writes in db.transaction(). */
import { openSqlite } from "../sqlite-file.js";
import { W5_AUTHORS, W6_AUTHOR, centsToPrice, type Adapter, type NewAuthor, type NewBook, type RssProbe } from "../common.js";

export async function create(): Promise<Adapter> {
  const db = openSqlite();
  const allBooks = db.prepare("SELECT id, author_id, title, pages, price, published, tags FROM book");
  const oneAuthor = db.prepare("SELECT id, name, email, created_at, score FROM author WHERE id = ?");
  const insertBook = db.prepare("INSERT INTO book (author_id, title, pages, price, published, tags) VALUES (?, ?, ?, ?, ?, ?)");
  const insertAuthor = db.prepare("INSERT INTO author (name, email, created_at, score) VALUES (?, ?, ?, ?)");
  const authorsTo = db.prepare("SELECT id, name, email, created_at, score FROM author WHERE id <= ?");
  const booksIn = db.prepare(`SELECT id, author_id, title, pages, price, published, tags FROM book WHERE author_id IN (${Array(W5_AUTHORS).fill("?").join(", ")})`);
  const booksOfAuthors = db.prepare("SELECT id, author_id, title, pages, price, published, tags FROM book WHERE author_id <= ?");
  const setPrice = db.prepare("UPDATE book SET price = ? WHERE id = ?");
  type B = { id: number; author_id: number; price: number | string };
  const w3 = db.transaction((books: readonly NewBook[]) => {
    for (const b of books) insertBook.run(b.author_id, b.title, b.pages, b.price, b.published, b.tags);
  });
  const w4 = db.transaction((authors: readonly NewAuthor[]) => {
    for (const a of authors) {
      const id = insertAuthor.run(a.name, a.email, a.created_at, a.score).lastInsertRowid;
      for (const b of a.books) insertBook.run(id, b.title, b.pages, b.price, b.published, b.tags);
    }
  });
  const w6 = db.transaction((cents: (id: number) => number) => {
    const books = booksOfAuthors.all(W6_AUTHOR) as B[];
    for (const b of books) b.price = centsToPrice(cents(b.id));
    for (const b of books) setPrice.run(b.price, b.id);
    return books.length;
  });
  return {
    w1: async () => allBooks.all(),
    w2: async (id) => oneAuthor.get(id),
    w3: async (books) => w3(books),
    w4: async (authors) => w4(authors),
    async w5() {
      const authors = authorsTo.all(W5_AUTHORS) as Record<string, unknown>[];
      const byAuthor = new Map<unknown, unknown[]>();
      for (const a of authors) byAuthor.set(a.id, (a.books = []));
      for (const b of booksIn.all(authors.map((a) => a.id)) as B[]) (byAuthor.get(b.author_id) as unknown[]).push(b);
      return authors;
    },
    booksOf: (a) => a.books as unknown[],
    w6: async (cents) => w6(cents),
    async w7(sql: string, probe: RssProbe) {
      let rows = 0;
      let sum = 0;
      for (const r of db.prepare(sql).iterate() as Iterable<{ n: number; label: string }>) {
        rows += 1;
        sum += r.n + (r.label.length > 0 ? 0 : 1);
        probe.tick();
      }
      return { rows, sum };
    },
    close: async () => void db.close(),
  };
}
