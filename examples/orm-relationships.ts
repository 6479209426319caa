/**
 * ORM relationships (user story 8): one-to-many and many-to-one with
 * backPopulates, many-to-many through a secondary table, a self-referential
 * tree; cascades (delete, delete-orphan) and an `ondelete: "CASCADE"` foreign
 * key left to the database with `passiveDeletes`; eager loading with
 * joinedload (rows made unique) and selectinload against N+1, with the
 * statements counted; raiseload, UnloadedAttributeError, session.load().
 *
 *   npx tsx examples/orm-relationships.ts                    # PGlite in memory
 *   npx tsx examples/orm-relationships.ts sqlite:///rel.db   # or any URL (also DATABASE_URL)
 */
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { ForeignKey, Integer, InvalidRequestError, String, Table, column, createEngine, func, select as coreSelect, type AnyTable, type Engine } from "athanor";
import {
  Session,
  UnloadedAttributeError,
  declarativeBase,
  inspect,
  joinedload,
  mapped,
  raiseload,
  relationship,
  select,
  selectinload,
} from "athanor/orm";

const Base = declarativeBase();

// The association table of the many-to-many Article.tags / Tag.articles: a plain Table, no class.
const articleTags = new Table("article_tags", Base.metadata, {
  articleId: column(Integer, { primaryKey: true, foreignKey: "articles.id" }),
  tagId: column(Integer, { primaryKey: true, foreignKey: "tags.id" }),
});

class Author extends Base.model("authors", {
  id: mapped(Integer, { primaryKey: true }),
  name: mapped(new String(50), { nullable: false }),
}) {
  declare articles: Article[];
  static {
    // one-to-many; "all, delete-orphan": deleting an author deletes their articles, and so does removing one from the list.
    this.relate({ articles: relationship(() => Article, { backPopulates: "author", cascade: "all, delete-orphan", orderBy: () => Article.c.id }) });
  }
}

class Article extends Base.model("articles", {
  id: mapped(Integer, { primaryKey: true }),
  authorId: mapped(Integer, { nullable: false, foreignKey: "authors.id", init: false }),
  title: mapped(new String(100), { nullable: false }),
}) {
  declare author: Author | null;
  declare comments: Comment[];
  declare tags: Tag[];
  static {
    this.relate({
      author: relationship(() => Author, { backPopulates: "articles" }), // many-to-one
      // The database deletes the comments (ON DELETE CASCADE below): passiveDeletes spares loading them to delete them.
      comments: relationship(() => Comment, { backPopulates: "article", cascade: "all, delete-orphan", passiveDeletes: true, orderBy: () => Comment.c.id }),
      tags: relationship(() => Tag, { secondary: articleTags, backPopulates: "articles", orderBy: () => Tag.c.id }), // many-to-many
    });
  }
}

class Comment extends Base.model("comments", {
  id: mapped(Integer, { primaryKey: true }),
  articleId: mapped(Integer, { nullable: false, foreignKey: new ForeignKey("articles.id", { ondelete: "CASCADE" }), init: false }),
  body: mapped(new String(200), { nullable: false }),
}) {
  declare article: Article | null;
  static {
    this.relate({ article: relationship(() => Article, { backPopulates: "comments" }) });
  }
}

class Tag extends Base.model("tags", {
  id: mapped(Integer, { primaryKey: true }),
  label: mapped(new String(30), { nullable: false }),
}) {
  declare articles: Article[];
  static {
    this.relate({ articles: relationship(() => Article, { secondary: articleTags, backPopulates: "tags" }) });
  }
}

// Self-referential (an adjacency list): remoteSide marks the parent row's side of the many-to-one.
class Category extends Base.model("categories", {
  id: mapped(Integer, { primaryKey: true }),
  parentId: mapped(Integer, { foreignKey: "categories.id", init: false }),
  name: mapped(new String(50), { nullable: false }),
}) {
  declare parent: Category | null;
  declare children: Category[];
  static {
    this.relate({
      parent: relationship(() => Category, { remoteSide: [Category.c.id], backPopulates: "children" }),
      children: relationship(() => Category, { backPopulates: "parent", orderBy: Category.c.id }),
    });
  }
}

const AUTHORS = ["Ada", "Grace", "Edsger", "Barbara"];

/** Runs the example on a database URL, or on an engine you pass (left open for you). */
export async function main(target: string | Engine): Promise<void> {
  const engine = typeof target === "string" ? createEngine(target) : target;
  const statements: string[] = [];
  const stopListening = engine.events.on("beforeExecute", (ctx) => void statements.push(ctx.sql));
  const selects = () => statements.filter((sql) => /^\s*select/i.test(sql));
  const count = async (table: AnyTable) => engine.connect(async (conn) => Number((await conn.execute(coreSelect(func.count()).selectFrom(table))).scalar()));
  await Base.metadata.dropAll(engine, { checkFirst: true }); // a server database may keep them from an earlier run
  await Base.metadata.createAll(engine);
  try {
    await using session = new Session(engine); // closed when the block ends, even on an error

    // ---- building the graph in memory: backPopulates keeps both sides in step before any flush.
    const tags = ["sql", "orm", "history"].map((label) => new Tag({ label }));
    for (const name of AUTHORS) {
      const author = new Author({ name });
      for (let i = 1; i <= 3; i++) {
        const article = Article.create({ title: `${name} ${i}`, author }); // create() takes related objects
        article.comments.push(new Comment({ body: `first on ${name} ${i}` }), new Comment({ body: `second on ${name} ${i}` }));
        article.tags.push(tags[i - 1] as Tag, tags[i % 3] as Tag);
      }
      session.add(author); // the save-update cascade adds the articles, their comments and their tags
    }
    const ada0 = session.new.find((o): o is Author => o instanceof Author && o.name === "Ada") as Author;
    const first = ada0.articles[0] as Article;
    assert.equal(first.author, ada0); // many-to-one side set by Article.create({ author })
    assert.ok((tags[0] as Tag).articles.includes(first)); // many-to-many: the other side knows too
    console.log(`in memory: ${ada0.name}.articles = [${ada0.articles.map((a) => a.title).join(", ")}]; tag sql has ${(tags[0] as Tag).articles.length} articles`);

    const science = new Category({ name: "Science" });
    const computing = new Category({ name: "Computing" });
    science.children.push(computing);
    computing.children.push(new Category({ name: "Databases" }), new Category({ name: "Languages" }));
    assert.equal(computing.parent, science);
    session.add(science);
    await session.commit();
    assert.equal(first.authorId, ada0.id); // foreign keys copied from the related objects at flush
    console.log(`committed ${AUTHORS.length} authors, ${await count(Article.table)} articles, ${await count(Comment.table)} comments, ${await count(articleTags)} article_tags rows, ${await count(Category.table)} categories`);
    await session.close();

    // ---- N+1: nothing loads on attribute access; loading per object costs one query each.
    statements.length = 0;
    const authors = (await session.scalars(select(Author).orderBy(Author.c.id))).all();
    const unloaded = catchError(() => (authors[0] as Author).articles);
    assert.ok(unloaded instanceof UnloadedAttributeError);
    assert.match(unloaded.message, /selectinload \/ joinedload/);
    assert.match(unloaded.message, /session\.load\(obj, "articles"\)/);
    console.log(`reading an unloaded relationship raises: ${unloaded.name}: ${unloaded.message}`);
    for (const author of authors) await session.load(author, "articles"); // explicit: one SELECT per author
    assert.equal(selects().length, 1 + AUTHORS.length);
    console.log(`N+1: the authors, then session.load(author, "articles") for each: ${selects().length} SELECTs`);
    await session.close();

    // ---- selectinload: the parents, then one SELECT ... WHERE author_id IN (...) for all their articles.
    statements.length = 0;
    const viaSelectin = (await session.scalars(select(Author).orderBy(Author.c.id).options(selectinload(Author, "articles")))).all();
    assert.equal(selects().length, 2);
    assert.ok(viaSelectin.every((a) => a.articles.length === 3 && a.articles.every((art) => art.author === a))); // the reverse side is set too
    console.log(`selectinload(Author, "articles"): ${viaSelectin.length} authors and ${viaSelectin.flatMap((a) => a.articles).length} articles in ${selects().length} SELECTs`);
    await session.close();

    // ---- joinedload: one SELECT with a LEFT OUTER JOIN; the rows (one per article) are made unique by identity.
    statements.length = 0;
    // The session makes them unique already; .unique() on an execute() result says so explicitly (SQLAlchemy requires it).
    const viaJoin = (await session.execute(select(Author).orderBy(Author.c.id).options(joinedload(Author, "articles")))).unique().scalars().all();
    assert.equal(selects().length, 1);
    assert.match(selects()[0] as string, /LEFT OUTER JOIN/i);
    assert.equal(viaJoin.length, AUTHORS.length);
    assert.equal(new Set(viaJoin).size, AUTHORS.length);
    assert.ok(viaJoin.every((a) => a.articles.length === 3));
    console.log(`joinedload(Author, "articles"): ${viaJoin.length} unique authors from ${AUTHORS.length * 3} joined rows in ${selects().length} SELECT`);
    // LIMIT would cut a joined collection short: refused.
    const limited = await session.scalars(select(Author).options(joinedload(Author, "articles")).limit(2)).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    assert.ok(limited instanceof InvalidRequestError);
    console.log(`joinedload with limit(2): ${limited.name}: ${limited.message}`);
    await session.close();

    // ---- loaders chained and combined: many-to-one joined, many-to-many and one-to-many by IN queries; raiseload.
    statements.length = 0;
    const articles = (
      await session.scalars(
        select(Article)
          .orderBy(Article.c.id)
          .options(joinedload(Article, "author"), selectinload(Article, "tags"), raiseload(Article, "comments")),
      )
    ).all();
    assert.equal(selects().length, 2);
    const sample = articles[4] as Article;
    assert.equal(sample.author?.name, "Grace");
    assert.deepEqual(
      sample.tags.map((t) => t.label),
      ["orm", "history"],
    );
    const raised = catchError(() => sample.comments);
    assert.ok(raised instanceof UnloadedAttributeError);
    console.log(`${articles.length} articles with author (joined) and tags (selectin) in ${selects().length} SELECTs; ${sample.title}: by ${sample.author?.name}, tags ${sample.tags.map((t) => t.label).join(", ")}`);
    console.log(`raiseload(Article, "comments"): ${raised.message}`);
    const comments = await session.load(sample, "comments"); // the explicit load
    assert.equal(comments.length, 2);
    assert.equal(await session.load(sample, "comments"), comments); // loaded already: no query
    assert.equal(selects().length, 3);
    console.log(`session.load(article, "comments"): ${comments.map((c) => c.body).join(" / ")} (1 SELECT; a second call sends none)`);
    await session.close();

    // ---- self-referential: two levels of children with chained selectinload.
    statements.length = 0;
    const root = (await session.scalars(select(Category).where(Category.c.parentId.isNull()).options(selectinload(Category, "children").selectinload("children")))).one();
    assert.equal(selects().length, 3);
    const tree = root.children.map((c) => `${c.name} (${c.children.map((g) => g.name).join(", ")})`).join("; ");
    assert.equal(tree, "Computing (Databases, Languages)");
    assert.equal(root.children[0]?.parent, root);
    console.log(`category tree in ${selects().length} SELECTs: ${root.name} > ${tree}`);
    await session.close();

    // ---- cascades. delete-orphan: an article removed from its author's list is deleted at flush.
    const ada = (await session.scalars(select(Author).where(Author.c.name.eq("Ada")).options(selectinload(Author, "articles")))).one();
    const orphan = ada.articles[2] as Article;
    const orphanId = orphan.id;
    ada.articles.splice(ada.articles.indexOf(orphan), 1); // tracked, like push / pop / shift / unshift and assignment
    statements.length = 0;
    await session.commit();
    assert.equal(inspect(orphan).detached, true);
    // passiveDeletes: the comments were not loaded, and no SELECT was sent for them: ON DELETE CASCADE removed them.
    assert.equal(selects().length, 0);
    assert.ok(statements.some((sql) => /^\s*delete from \W?article_tags/i.test(sql))); // many-to-many rows removed by the ORM
    const orphanComments = await engine.connect(async (conn) =>
      Number((await conn.execute(coreSelect(func.count()).selectFrom(Comment.table).where(Comment.c.articleId.eq(orphanId)))).scalar()),
    );
    assert.equal(orphanComments, 0);
    console.log(`delete-orphan: "${orphan.title}" deleted (${statements.length} statements, no SELECT); its comments went with ON DELETE CASCADE: ${orphanComments} left`);

    // cascade delete: deleting an author loads their articles at flush and deletes them too.
    const grace = (await session.scalars(select(Author).where(Author.c.name.eq("Grace")))).one();
    session.delete(grace);
    statements.length = 0;
    await session.commit();
    const deleted = statements.filter((sql) => /^\s*delete/i.test(sql)).length;
    console.log(`cascade delete of Grace: ${selects().length} SELECT (her articles), ${deleted} DELETE statements`);
    assert.equal(selects().length, 1);
    await session.close();
    const left = { authors: await count(Author.table), articles: await count(Article.table), comments: await count(Comment.table), links: await count(articleTags) };
    assert.deepEqual(left, { authors: 3, articles: 8, comments: 16, links: 16 });
    console.log(`left: ${left.authors} authors, ${left.articles} articles, ${left.comments} comments, ${left.links} article_tags rows`);
  } finally {
    await Base.metadata.dropAll(engine);
    stopListening();
    if (engine !== target) await engine.dispose();
  }
}

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main(process.argv[2] || process.env.DATABASE_URL || "postgresql+pglite://");
}
