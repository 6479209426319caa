/** TypeORM 0.3 on pg: EntitySchema (no decorators), repositories, cascade insert (W4), save() change tracking (W6), QueryRunner.stream (W7). */
import "reflect-metadata";
import { DataSource, EntitySchema, LessThanOrEqual } from "typeorm";
import { PG_URL, W5_AUTHORS, W6_AUTHOR, centsToPrice, type Adapter, type NewAuthor, type NewBook, type RssProbe } from "../common.js";

const CHUNK = 1_000;

interface Author {
  id: number;
  name: string;
  email: string;
  created_at: Date;
  score: number;
  books: Book[];
}
interface Book {
  id: number;
  author_id: number;
  author?: Author;
  title: string;
  pages: number;
  price: string;
  published: string;
  tags: string[];
}

const AuthorEntity = new EntitySchema<Author>({
  name: "author",
  tableName: "author",
  columns: {
    id: { type: Number, primary: true, generated: "increment" },
    name: { type: "text" },
    email: { type: "text" },
    created_at: { type: "timestamptz" },
    score: { type: "int" },
  },
  relations: { books: { type: "one-to-many", target: "book", inverseSide: "author", cascade: ["insert"] } },
});
const BookEntity = new EntitySchema<Book>({
  name: "book",
  tableName: "book",
  columns: {
    id: { type: Number, primary: true, generated: "increment" },
    author_id: { type: "int" },
    title: { type: "text" },
    pages: { type: "int" },
    price: { type: "numeric", precision: 10, scale: 2 },
    published: { type: "date" },
    tags: { type: "text", array: true },
  },
  relations: { author: { type: "many-to-one", target: "author", joinColumn: { name: "author_id" }, inverseSide: "books" } },
  indices: [{ name: "book_author_id_idx", columns: ["author_id"] }],
});

export async function create(): Promise<Adapter> {
  const ds = new DataSource({ type: "postgres", url: PG_URL, entities: [AuthorEntity, BookEntity], synchronize: false, logging: false, poolSize: 1 });
  await ds.initialize();
  const authors = ds.getRepository(AuthorEntity);
  const books = ds.getRepository(BookEntity);
  return {
    w1: () => books.find(),
    w2: (id) => authors.findOneBy({ id }),
    async w3(rows: readonly NewBook[]) {
      await ds.transaction(async (em) => {
        for (let i = 0; i < rows.length; i += CHUNK) await em.insert(BookEntity, rows.slice(i, i + CHUNK) as Book[]);
      });
    },
    async w4(data: readonly NewAuthor[]) {
      const entities = data.map((a) =>
        authors.create({
          name: a.name,
          email: a.email,
          created_at: a.created_at as Date,
          score: a.score,
          books: a.books.map((b) => books.create({ title: b.title, pages: b.pages, price: b.price, published: b.published, tags: b.tags as string[] })),
        }),
      );
      await ds.transaction((em) => em.save(AuthorEntity, entities));
    },
    w5: () => authors.find({ where: { id: LessThanOrEqual(W5_AUTHORS) }, relations: { books: true } }),
    booksOf: (a) => a.books as unknown[],
    w6: (cents) =>
      ds.transaction(async (em) => {
        const loaded = await em.find(BookEntity, { where: { author_id: LessThanOrEqual(W6_AUTHOR) } });
        for (const b of loaded) b.price = centsToPrice(cents(b.id));
        await em.save(BookEntity, loaded);
        return loaded.length;
      }),
    async w7(sql: string, probe: RssProbe) {
      const runner = ds.createQueryRunner();
      try {
        const stream = await runner.stream(sql);
        let rows = 0;
        let sum = 0;
        for await (const r of stream as AsyncIterable<{ n: number; label: string }>) {
          rows += 1;
          sum += r.n + (r.label.length > 0 ? 0 : 1);
          probe.tick();
        }
        return { rows, sum };
      } finally {
        await runner.release();
      }
    },
    close: () => ds.destroy(),
  };
}
