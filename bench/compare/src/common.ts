/**
 * Shared by the harness and every worker: the schema, the data, the workloads'
 * inputs and the checks every result goes through.
 *
 * Data (seeded once per run by the harness, in SQL, so no adapter seeds):
 *   author(id, name, email, created_at, score)            1,000 rows
 *   book(id, author_id -> author, title, pages, price numeric(10,2), published date, tags)
 *                                                        10,000 rows, 10 per author, interleaved
 */

export const AUTHORS = 1_000;
export const BOOKS = 10_000;
export const PG_URL = process.env.ATHANOR_BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/athanor_bench";

export type Backend = "pg" | "sqlite";
export type Workload = "W1" | "W2" | "W3" | "W4" | "W5" | "W6" | "W7";
export const WORKLOADS: readonly Workload[] = ["W1", "W2", "W3", "W4", "W5", "W6", "W7"];

export const WORKLOAD_TITLES: Record<Workload, string> = {
  W1: "read 10,000 books into objects",
  W2: "2,000 sequential primary-key lookups of authors",
  W3: "bulk insert of 10,000 books",
  W4: "unit of work: 200 new authors x 10 new books, one transaction",
  W5: "eager load: 200 authors with all their books",
  W6: "update: load 1,000 books, change each price, persist",
  W7: "stream generated rows through a server-side cursor",
};

// ---- DDL and seed (SQL, run by the harness through the raw driver) -------------------------

export const PG_DDL = [
  "DROP TABLE IF EXISTS book",
  "DROP TABLE IF EXISTS author",
  `CREATE TABLE author (
     id serial PRIMARY KEY,
     name text NOT NULL,
     email text NOT NULL,
     created_at timestamptz NOT NULL,
     score integer NOT NULL)`,
  `CREATE TABLE book (
     id serial PRIMARY KEY,
     author_id integer NOT NULL REFERENCES author(id),
     title text NOT NULL,
     pages integer NOT NULL,
     price numeric(10,2) NOT NULL,
     published date NOT NULL,
     tags text[] NOT NULL)`,
  "CREATE INDEX book_author_id_idx ON book(author_id)",
  `INSERT INTO author (name, email, created_at, score)
     SELECT 'author ' || i, 'author' || i || '@example.com',
            timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute', (i * 37) % 1000
     FROM generate_series(1, ${AUTHORS}) AS i`,
  `INSERT INTO book (author_id, title, pages, price, published, tags)
     SELECT ((j - 1) % ${AUTHORS}) + 1, 'book ' || j, 100 + j % 400, ((j * 13) % 10000) / 100.0,
            date '2000-01-01' + (j % 8000), ARRAY['t' || (j % 5), 'u' || (j % 7)]
     FROM generate_series(1, ${BOOKS}) AS j`,
  "VACUUM ANALYZE author",
  "VACUUM ANALYZE book",
];

export const SQLITE_DDL = [
  "DROP TABLE IF EXISTS book",
  "DROP TABLE IF EXISTS author",
  `CREATE TABLE author (
     id INTEGER PRIMARY KEY,
     name TEXT NOT NULL,
     email TEXT NOT NULL,
     created_at TEXT NOT NULL,
     score INTEGER NOT NULL)`,
  `CREATE TABLE book (
     id INTEGER PRIMARY KEY,
     author_id INTEGER NOT NULL REFERENCES author(id),
     title TEXT NOT NULL,
     pages INTEGER NOT NULL,
     price NUMERIC(10,2) NOT NULL,
     published TEXT NOT NULL,
     tags TEXT NOT NULL)`,
  "CREATE INDEX book_author_id_idx ON book(author_id)",
  `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${AUTHORS})
   INSERT INTO author (name, email, created_at, score)
     SELECT 'author ' || i, 'author' || i || '@example.com',
            strftime('%Y-%m-%dT%H:%M:%fZ', '2024-01-01 00:00:00', '+' || i || ' minutes'), (i * 37) % 1000
     FROM s`,
  `WITH RECURSIVE s(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM s WHERE j < ${BOOKS})
   INSERT INTO book (author_id, title, pages, price, published, tags)
     SELECT ((j - 1) % ${AUTHORS}) + 1, 'book ' || j, 100 + j % 400, ((j * 13) % 10000) / 100.0,
            date('2000-01-01', '+' || (j % 8000) || ' days'), 't' || (j % 5) || ',u' || (j % 7)
     FROM s`,
  "ANALYZE",
];

// ---- workload inputs --------------------------------------------------------------------

/** W2: the ids looked up, in order (every author, twice, in a scattered order). */
export const W2_IDS: readonly number[] = Array.from({ length: 2_000 }, (_, i) => ((i * 7919) % AUTHORS) + 1);
/** W5: authors with id <= W5_AUTHORS, with all their books. */
export const W5_AUTHORS = 200;
/** W6: the books of authors with id <= W6_AUTHOR (1,000 books). */
export const W6_AUTHOR = 100;
export const W6_BOOKS = W6_AUTHOR * (BOOKS / AUTHORS);
/** W7: rows streamed (ATHANOR_BENCH_W7_ROWS, default 1,000,000) and the cursor's batch size. */
export const W7_BATCH = 1_000;
export const w7Sql = (rows: number, backend: Backend): string =>
  backend === "pg"
    ? `SELECT i AS n, 'row ' || i AS label, i % 1000 AS bucket FROM generate_series(1, ${rows}) AS i`
    : `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${rows}) SELECT i AS n, 'row ' || i AS label, i % 1000 AS bucket FROM s`;

/** W6: the new price of a book, in cents, for call number `call` (differs from call to call). */
export const w6Cents = (id: number, call: number): number => ((id * 13 + call * 7919) % 100_000) + 1;
export const centsToPrice = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;

export interface NewBook {
  author_id: number;
  title: string;
  pages: number;
  price: string;
  published: string;
  /** string[] on PostgreSQL, a comma-separated string on SQLite. */
  tags: string[] | string;
}

/** W3: 10,000 new books for the existing authors (title "w3 ..."). */
export function w3Books(backend: Backend): NewBook[] {
  return Array.from({ length: BOOKS }, (_, i) => ({
    author_id: (i % AUTHORS) + 1,
    title: `w3 ${i}`,
    pages: 10 + (i % 90),
    price: centsToPrice((i * 17) % 100_000),
    published: `2020-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}`,
    tags: backend === "pg" ? ["new", `x${i % 3}`] : `new,x${i % 3}`,
  }));
}

export interface NewAuthor {
  name: string;
  email: string;
  /** a Date on PostgreSQL (timestamptz), an ISO string on SQLite (TEXT). */
  created_at: Date | string;
  score: number;
  books: Omit<NewBook, "author_id">[];
}

/** W4: 200 new authors (score 5000 + k) with 10 new books each (pages = the author's score). */
export function w4Authors(backend: Backend): NewAuthor[] {
  return Array.from({ length: 200 }, (_, k) => {
    const when = new Date(Date.UTC(2025, 0, 1) + k * 60_000);
    return {
      name: `w4 author ${k}`,
      email: `w4-${k}@example.com`,
      created_at: backend === "pg" ? when : when.toISOString(),
      score: 5000 + k,
      books: Array.from({ length: 10 }, (_, j) => ({
        title: `w4 ${k}-${j}`,
        pages: 5000 + k,
        price: centsToPrice(k * 10 + j + 1),
        published: "2025-01-01",
        tags: backend === "pg" ? ["w4"] : "w4",
      })),
    };
  });
}

// ---- checks -------------------------------------------------------------------------------

/** Reads a field under the adapter's name for it (snake_case or camelCase, or the FK of a loaded relation). */
type Obj = Record<string, unknown>;
const field = (o: Obj, snake: string, camel: string): unknown => (o[snake] !== undefined ? o[snake] : o[camel]);
export const authorIdOf = (b: Obj): number => {
  const v = field(b, "author_id", "authorId");
  if (v !== undefined) return Number(v);
  const rel = b.author as Obj | number | undefined;
  return typeof rel === "object" && rel !== null ? Number(rel.id) : Number(rel);
};
const tagCount = (tags: unknown): number => (Array.isArray(tags) ? tags.length : typeof tags === "string" ? tags.split(",").length : Number.NaN);
const isDateLike = (v: unknown): boolean => v instanceof Date || (typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v));

/** Aggregates over books, the same on both sides: what an adapter returned and what the database holds. */
export interface BookSums {
  n: number;
  ids: number;
  authorIds: number;
  pages: number;
  cents: number;
  titleChars: number;
  tags: number;
}

export function sumBooks(books: readonly unknown[]): BookSums {
  const s: BookSums = { n: 0, ids: 0, authorIds: 0, pages: 0, cents: 0, titleChars: 0, tags: 0 };
  for (const raw of books) {
    const b = raw as Obj;
    if (!isDateLike(b.published)) throw new Error(`book ${String(b.id)}: published is ${String(b.published)}`);
    s.n += 1;
    s.ids += Number(b.id);
    s.authorIds += authorIdOf(b);
    s.pages += Number(b.pages);
    s.cents += Math.round(Number(b.price) * 100);
    s.titleChars += String(b.title).length;
    s.tags += tagCount(b.tags);
  }
  return s;
}

export interface AuthorSums {
  n: number;
  ids: number;
  scores: number;
  nameChars: number;
  emailChars: number;
}

export function sumAuthors(authors: readonly unknown[]): AuthorSums {
  const s: AuthorSums = { n: 0, ids: 0, scores: 0, nameChars: 0, emailChars: 0 };
  for (const raw of authors) {
    const a = raw as Obj;
    if (a == null) throw new Error("missing author");
    if (!isDateLike(field(a, "created_at", "createdAt"))) throw new Error(`author ${String(a.id)}: bad created_at`);
    s.n += 1;
    s.ids += Number(a.id);
    s.scores += Number(a.score);
    s.nameChars += String(a.name).length;
    s.emailChars += String(a.email).length;
  }
  return s;
}

export function sameSums(what: string, got: object, want: object): void {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${what}: got ${g}, expected ${w}`);
}

/** W5: every author with exactly 10 books, each referring to it; returns the books flattened. */
export function flattenEager(authors: readonly unknown[], booksOf: (a: Obj) => readonly unknown[]): unknown[] {
  if (authors.length !== W5_AUTHORS) throw new Error(`${authors.length} authors`);
  const all: unknown[] = [];
  for (const raw of authors) {
    const a = raw as Obj;
    const books = booksOf(a);
    if (books.length !== BOOKS / AUTHORS) throw new Error(`author ${String(a.id)} has ${books.length} books`);
    for (const b of books) {
      const id = authorIdOf(b as Obj);
      // A book loaded through its author's collection may not carry the FK (MikroORM, Sequelize do): then the collection is the proof.
      if (!Number.isNaN(id) && id !== Number(a.id)) throw new Error(`book ${String((b as Obj).id)} of author ${String(a.id)} refers to ${id}`);
      all.push(b);
    }
  }
  return all;
}

// ---- what an adapter implements ------------------------------------------------------------

export interface W7Result {
  rows: number;
  sum: number;
  /** the highest RSS seen while streaming (sampled every W7_BATCH rows), bytes */
  peakRss: number;
}

/** Tracks the RSS while streaming: call tick() once a row. */
export class RssProbe {
  peak = process.memoryUsage.rss();
  #count = 0;
  tick(): void {
    if (++this.#count % 10_000 === 0) {
      const rss = process.memoryUsage.rss();
      if (rss > this.peak) this.peak = rss;
    }
  }
}

export interface Adapter {
  /** W1: every book, as the library's objects/entities. */
  w1(): Promise<readonly unknown[]>;
  /** W2: one lookup by primary key (called 2,000 times in sequence; a fresh session each time for ORMs). */
  w2(id: number): Promise<unknown>;
  /** W3: insert the given books with the library's bulk API. */
  w3(books: readonly NewBook[]): Promise<void>;
  /** W4: build the authors and books as objects/entities and persist them in one transaction. */
  w4(authors: readonly NewAuthor[]): Promise<void>;
  /** W5: authors with id <= 200 with all their books; `booksOf` reads an author's books. */
  w5(): Promise<readonly unknown[]>;
  booksOf(author: Record<string, unknown>): readonly unknown[];
  /** W6: load the 1,000 books of authors <= 100, set each price to centsToPrice(cents(id)), persist; returns how many were loaded. */
  w6(cents: (id: number) => number): Promise<number>;
  /** W7: stream the rows of `sql` (w7Sql) through a server-side cursor; undefined = no streaming API. */
  w7?(sql: string, probe: RssProbe, rows: number): Promise<{ rows: number; sum: number }>;
  /** What W7 is not, or any other note shown in RESULTS.md. */
  readonly notes?: Partial<Record<Workload, string>>;
  close(): Promise<void>;
}

export interface AdapterInfo {
  id: string;
  label: string;
  backend: Backend;
  /** packages whose versions RESULTS.md states */
  packages: readonly string[];
  load: () => Promise<{ create: () => Promise<Adapter> }>;
}
