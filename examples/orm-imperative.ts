/**
 * Imperative mapping next to declarative models (user story 10): a plain
 * class mapped onto a Table with `registry.mapImperatively(Post, postTable,
 * { properties })` (a renamed column and a relationship to a declarative
 * model), and a small repository class over the Session.
 *
 *   npx tsx examples/orm-imperative.ts                         # PGlite in memory
 *   npx tsx examples/orm-imperative.ts sqlite:///imperative.db # or any URL (also DATABASE_URL)
 */
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { Boolean, DateTime, Integer, String, Table, Text, column, createEngine, type ColumnElement, type Engine } from "athanor";
import { Session, declarativeBase, mapped, relationship, select, type MappedClass, type PrimaryKeyIdentity } from "athanor/orm";

// A declarative base; its registry and MetaData also take the imperative mapping below.
const Base = declarativeBase();

class Writer extends Base.model("writers", {
  id: mapped(Integer, { primaryKey: true }),
  name: mapped(new String(100), { nullable: false }),
}) {
  declare posts: Post[];
  static {
    this.relate({ posts: relationship(() => Post, { backPopulates: "author" }) });
  }
}

// A table written out with Core, in the base's MetaData.
const postTable = new Table("blog_posts", Base.metadata, {
  id: column(Integer, { primaryKey: true }),
  writerId: column(Integer, { nullable: false, foreignKey: "writers.id" }),
  post_title: column(new String(200), { nullable: false }),
  body: column(Text),
  published: column(Boolean, { nullable: false, default: false }),
  publishedAt: column(DateTime),
});

// A plain class: its own constructor, methods, and `declare`d attributes (no class fields, which would shadow the mapped ones).
class Post {
  declare id: number;
  declare writerId: number;
  declare title: string;
  declare body: string | null;
  declare published: boolean;
  declare publishedAt: Date | null;
  declare author: Writer | null;

  constructor(title: string, body: string | null = null) {
    this.title = title;
    this.body = body;
  }

  publish(at = new Date()): void {
    this.published = true;
    this.publishedAt = at;
  }

  get slug(): string {
    return this.title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  }
}

// mapImperatively returns the Mapper: what is mapped to what.
const postMapper = Base.registry.mapImperatively(Post, postTable, {
  properties: {
    title: postTable.c.post_title, // the attribute `title` maps the column post_title
    author: relationship(() => Writer, { backPopulates: "posts" }),
  },
});

/** A generic repository: the Session stays inside; callers get objects and ask for what they need. */
class Repository<T extends object> {
  constructor(
    protected readonly session: Session,
    protected readonly cls: MappedClass<T>,
  ) {}

  add(obj: T): T {
    this.session.add(obj);
    return obj;
  }

  get(id: PrimaryKeyIdentity): Promise<T | null> {
    return this.session.get(this.cls, id);
  }

  async list(...where: ColumnElement<boolean, string>[]): Promise<T[]> {
    return (await this.session.scalars(select(this.cls).where(...where))).all();
  }

  remove(obj: T): void {
    this.session.delete(obj);
  }
}

class PostRepository extends Repository<Post> {
  constructor(session: Session) {
    super(session, Post);
  }

  async published(): Promise<Post[]> {
    return (await this.session.scalars(select(Post).where(postTable.c.published.eq(true)).orderBy(postTable.c.publishedAt))).all();
  }

  async byWriter(writer: Writer): Promise<Post[]> {
    return (await this.session.scalars(select(Post).where(postTable.c.writerId.eq(writer.id)).orderBy(postTable.c.post_title))).all();
  }
}

/** Runs the example on a database URL, or on an engine you pass (left open for you). */
export async function main(target: string | Engine): Promise<void> {
  const engine = typeof target === "string" ? createEngine(target) : target;
  await Base.metadata.dropAll(engine, { checkFirst: true }); // a server database may keep them from an earlier run
  await Base.metadata.createAll(engine);
  try {
    const mapper = postMapper;
    console.log(`${mapper}: attributes ${mapper.attributeKeys.join(", ")}`);
    assert.deepEqual(mapper.attributeKeys, ["id", "writerId", "body", "published", "publishedAt", "title", "author"]);
    assert.equal(mapper.columns.get("title"), postTable.c.post_title);

    // The class is still an ordinary class: its constructor and methods work without any session.
    const draft = new Post("Hello, Imperative World", "First post.");
    assert.equal(draft.slug, "hello-imperative-world");
    console.log(`new Post(...): ${draft}, slug ${draft.slug}`);

    {
      await using session = new Session(engine);
      const writers = new Repository(session, Writer);
      const posts = new PostRepository(session);
      const ann = writers.add(new Writer({ name: "Ann" }));
      ann.posts.push(draft, new Post("Second thoughts"));
      const third = new Post("Third time lucky");
      third.author = ann;
      posts.add(third);
      draft.publish(new Date("2024-01-02T03:04:05Z"));
      await session.commit();
      assert.equal(draft.writerId, ann.id);
      assert.equal(third.writerId, ann.id);
      assert.equal(typeof draft.id, "number");
      console.log(`committed ${ann} with 3 posts; the first is ${draft}`);
    }

    {
      // A new session (a new request, say): read through the repository.
      await using session = new Session(engine);
      const posts = new PostRepository(session);
      const ann = (await new Repository(session, Writer).list(Writer.c.name.eq("Ann")))[0] as Writer;
      const all = await posts.byWriter(ann);
      assert.deepEqual(
        all.map((p) => p.title),
        ["Hello, Imperative World", "Second thoughts", "Third time lucky"],
      );
      assert.ok(all.every((p) => p instanceof Post));
      console.log(`byWriter(Ann): ${all.map((p) => p.slug).join(", ")}`);

      const second = all[1] as Post;
      second.publish(new Date("2024-02-03T04:05:06Z"));
      await session.commit();
      const published = await posts.published();
      assert.deepEqual(
        published.map((p) => p.title),
        ["Hello, Imperative World", "Second thoughts"],
      );
      console.log(`published(): ${published.map((p) => `${p.title} (${p.publishedAt?.toISOString().slice(0, 10)})`).join("; ")}`);

      const loaded = await posts.get(second.id);
      assert.equal(loaded, second); // the identity map: one object per row
      posts.remove(all[2] as Post);
      await session.commit();
      const left = await posts.list();
      await session.commit();
      assert.equal(left.length, 2);
      console.log(`after remove(): ${left.length} posts left`);
    }
  } finally {
    await Base.metadata.dropAll(engine);
    if (engine !== target) await engine.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main(process.argv[2] || process.env.DATABASE_URL || "postgresql+pglite://");
}
