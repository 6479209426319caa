/** MikroORM 6 on PostgreSQL: EntitySchema with classes, a forked EntityManager per unit of work, insertMany (W3), flush (W4, W6). */
import { Collection, EntitySchema, MikroORM, type Rel } from "@mikro-orm/postgresql";
import { PG_URL, W5_AUTHORS, W6_AUTHOR, centsToPrice, type Adapter, type NewAuthor, type NewBook } from "../common.js";

const CHUNK = 1_000;

class Author {
  id!: number;
  name!: string;
  email!: string;
  created_at!: Date;
  score!: number;
  books = new Collection<Book>(this);
}
class Book {
  id!: number;
  author!: Rel<Author>;
  title!: string;
  pages!: number;
  price!: string;
  published!: string;
  tags!: string[];
}

const AuthorSchema = new EntitySchema<Author>({
  class: Author,
  tableName: "author",
  properties: {
    id: { type: "integer", primary: true, autoincrement: true },
    name: { type: "text" },
    email: { type: "text" },
    created_at: { type: "datetime", columnType: "timestamptz" },
    score: { type: "integer" },
    books: { kind: "1:m", entity: () => Book, mappedBy: "author" },
  },
});
const BookSchema = new EntitySchema<Book>({
  class: Book,
  tableName: "book",
  properties: {
    id: { type: "integer", primary: true, autoincrement: true },
    author: { kind: "m:1", entity: () => Author, fieldName: "author_id" },
    title: { type: "text" },
    pages: { type: "integer" },
    price: { type: "decimal", precision: 10, scale: 2 },
    published: { type: "date", columnType: "date" },
    tags: { type: "string[]", columnType: "text[]" },
  },
});

export async function create(): Promise<Adapter> {
  const orm = await MikroORM.init({ clientUrl: PG_URL, entities: [AuthorSchema, BookSchema], pool: { min: 1, max: 1 }, debug: false, discovery: { warnWhenNoEntities: false } });
  return {
    w1: () => orm.em.fork().find(Book, {}),
    w2: (id) => orm.em.fork().findOne(Author, id),
    async w3(rows: readonly NewBook[]) {
      await orm.em.fork().transactional(async (em) => {
        for (let i = 0; i < rows.length; i += CHUNK) {
          await em.insertMany(
            Book,
            rows.slice(i, i + CHUNK).map((b) => ({ title: b.title, pages: b.pages, price: b.price, published: b.published, tags: b.tags as string[], author: b.author_id })),
          );
        }
      });
    },
    async w4(data: readonly NewAuthor[]) {
      const em = orm.em.fork();
      for (const a of data) {
        const author = em.create(Author, { name: a.name, email: a.email, created_at: a.created_at as Date, score: a.score });
        for (const b of a.books) author.books.add(em.create(Book, { title: b.title, pages: b.pages, price: b.price, published: b.published, tags: b.tags as string[], author }));
      }
      await em.flush();
    },
    w5: () => orm.em.fork().find(Author, { id: { $lte: W5_AUTHORS } }, { populate: ["books"] }),
    booksOf: (a) => (a.books as Collection<Book>).getItems(),
    async w6(cents) {
      const em = orm.em.fork();
      const books = await em.find(Book, { author: { $lte: W6_AUTHOR } });
      for (const b of books) b.price = centsToPrice(cents(b.id));
      await em.flush();
      return books.length;
    },
    notes: { W7: "no streaming API in MikroORM 6 (em.stream() arrived in 7)" },
    close: () => orm.close(true),
  };
}
