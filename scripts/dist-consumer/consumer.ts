/**
 * A consumer of the built package: imports every entry point through the package's own
 * `exports` (so the declarations in dist/ are what is checked) and uses a little of each.
 * `npm run check:dist` type-checks it with `skipLibCheck: false`, which reports any
 * declaration that names a type stripped from dist (an `@internal` type a public one uses).
 */
import { createEngine, select, Integer, String as Str, MetaData, Table, column, type Engine } from "athanor";
import { DBAPIError, IntegrityError } from "athanor/errors";
import { func, and, values } from "athanor/sql";
import { ForeignKey } from "athanor/schema";
import { QueuePool } from "athanor/pool";
import { Connection } from "athanor/engine";
import * as postgresql from "athanor/dialects/postgresql";
import * as sqlite from "athanor/dialects/sqlite";
import * as mysql from "athanor/dialects/mysql";
import { declarativeBase, mapped, relationship, sessionmaker, selectinload, select as ormSelect, type Session } from "athanor/orm";
import { automap } from "athanor/ext";

const metadata = new MetaData();
const author = new Table("author", metadata, {
  id: column(new Integer(), { primaryKey: true }),
  name: column(new Str(100), { nullable: false }),
});

const Base = declarativeBase();
class Writer extends Base.model("writer", {
  id: mapped(Integer, { primaryKey: true }),
  name: mapped(new Str(100), { nullable: false }),
}) {
  declare books: Book[];
  static {
    this.relate({ books: relationship(() => Book, { backPopulates: "writer" }) });
  }
}
class Book extends Base.model("book", {
  id: mapped(Integer, { primaryKey: true }),
  writerId: mapped(Integer, { nullable: false, foreignKey: "writer.id", init: false }),
}) {
  declare writer: Writer | null;
  static {
    this.relate({ writer: relationship(() => Writer, { backPopulates: "books" }) });
  }
}

export async function use(engine: Engine): Promise<{ id: number; name: string }[]> {
  const rows = await engine.connect(async (conn) => (await conn.execute(select(author.c.id, author.c.name).where(and(author.c.id.gt(0))))).all());
  const makeSession = sessionmaker(engine);
  await using session: Session = makeSession();
  const writers: Writer[] = (await session.scalars(ormSelect(Writer).options(selectinload(Writer, "books")))).all();
  const titles: number[] = writers.flatMap((w) => w.books.map((b) => b.writerId));
  void titles;
  return rows.map((r) => ({ id: r.id, name: r.name }));
}

export const surface: unknown[] = [createEngine, DBAPIError, IntegrityError, func.count, values, ForeignKey, QueuePool, Connection, postgresql, sqlite, mysql, automap];
