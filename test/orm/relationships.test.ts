/**
 * Relationships on every backend: loader strategies with exact statement
 * counts, back-population in memory, collection changes at flush, cascades.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { ForeignKey, Integer, String, Table, column, text, type Engine } from "athanor";
import {
  UnloadedAttributeError,
  containsEager,
  declarativeBase,
  inspect,
  joinedload,
  mapped,
  noload,
  raiseload,
  relationship,
  select,
  selectinload,
  sessionmaker,
} from "athanor/orm";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

function models(prefix: string) {
  const Base = declarativeBase();
  const postTags = new Table(`${prefix}_post_tags`, Base.metadata, {
    postId: column(Integer, { primaryKey: true, foreignKey: `${prefix}_posts.id` }),
    tagId: column(Integer, { primaryKey: true, foreignKey: `${prefix}_tags.id` }),
  });
  class User extends Base.model(`${prefix}_users`, { id: mapped(Integer, { primaryKey: true }), name: mapped(new String(50), { nullable: false }) }) {
    declare posts: Post[];
    static {
      this.relate({ posts: relationship(() => Post, { backPopulates: "author", orderBy: () => Post.c.id, cascade: "all, delete-orphan" }) });
    }
  }
  class Post extends Base.model(`${prefix}_posts`, {
    id: mapped(Integer, { primaryKey: true }),
    authorId: mapped(Integer, { foreignKey: new ForeignKey(`${prefix}_users.id`) }),
    title: mapped(new String(50), { nullable: false }),
  }) {
    declare author: User | null;
    declare comments: Comment[];
    declare tags: Tag[];
    static {
      this.relate({
        author: relationship(() => User, { backPopulates: "posts" }),
        comments: relationship(() => Comment, { backPopulates: "post", orderBy: () => Comment.c.id }),
        tags: relationship(() => Tag, { secondary: postTags, backPopulates: "posts", orderBy: () => Tag.c.id }),
      });
    }
  }
  class Comment extends Base.model(`${prefix}_comments`, {
    id: mapped(Integer, { primaryKey: true }),
    postId: mapped(Integer, { foreignKey: `${prefix}_posts.id` }),
    body: mapped(new String(50), { nullable: false }),
  }) {
    declare post: Post | null;
    static {
      this.relate({ post: relationship(() => Post, { backPopulates: "comments" }) });
    }
  }
  class Tag extends Base.model(`${prefix}_tags`, { id: mapped(Integer, { primaryKey: true }), label: mapped(new String(20), { nullable: false }) }) {
    declare posts: Post[];
    static {
      this.relate({ posts: relationship(() => Post, { secondary: postTags, backPopulates: "tags" }) });
    }
  }
  class Node extends Base.model(`${prefix}_nodes`, {
    id: mapped(Integer, { primaryKey: true }),
    parentId: mapped(Integer, { foreignKey: `${prefix}_nodes.id` }),
    label: mapped(new String(20), { nullable: false }),
  }) {
    declare parent: Node | null;
    declare children: Node[];
    static {
      this.relate({
        parent: relationship(() => Node, { remoteSide: [Node.c.id], backPopulates: "children" }),
        children: relationship(() => Node, { backPopulates: "parent", orderBy: Node.c.id, lazy: "selectin" }),
      });
    }
  }
  return { Base, User, Post, Comment, Tag, Node, postTags };
}

describeEachBackend("relationships", (ctx) => {
  const prefix = uniqueName("r").slice(0, 12);
  const m = models(prefix);
  const { User, Post, Comment, Tag, Node } = m;
  let engine: Engine;
  let selects: string[] = [];
  let Session: ReturnType<typeof sessionmaker>;

  beforeAll(async () => {
    engine = ctx.engine;
    await m.Base.metadata.createAll(engine);
    engine.events.on("beforeExecute", (c) => {
      if (/^\s*SELECT/i.test(c.sql)) selects.push(c.sql);
    });
    Session = sessionmaker(engine);
  });
  afterAll(async () => {
    await m.Base.metadata.dropAll(engine);
  });
  beforeEach(async () => {
    await engine.begin(async (conn) => {
      // MySQL checks a self-referential key row by row: detach the tree first.
      await conn.execute(text(`UPDATE ${prefix}_nodes SET ${ctx.backend.dialect === "mysql" ? "`parentId`" : '"parentId"'} = NULL`));
      for (const table of [...m.Base.metadata.sortedTables].reverse()) await conn.execute(text(`DELETE FROM ${table.name}`));
    });
    // 100 users with 3 posts each, every post with 2 comments and 2 tags.
    await Session.begin(async (session) => {
      const tags = Array.from({ length: 4 }, (_, i) => new Tag({ label: `t${i}` }));
      for (let u = 0; u < 100; u++) {
        const user = new User({ name: `u${u}` });
        for (let p = 0; p < 3; p++) {
          const post = Post.create({ title: `u${u}p${p}`, author: user });
          post.comments.push(new Comment({ body: "a" }), new Comment({ body: "b" }));
          post.tags.push(tags[p % 4] as InstanceType<typeof Tag>, tags[(p + 1) % 4] as InstanceType<typeof Tag>);
        }
        session.add(user);
      }
    });
    selects = [];
  }, 60_000);

  it("selectinload: 100 parents and their children in exactly 2 statements", async () => {
    await using session = Session();
    const users = (await session.scalars(select(User).options(selectinload(User, "posts")))).all();
    expect(selects).toHaveLength(2);
    expect(users).toHaveLength(100);
    expect(users.every((u) => u.posts.length === 3 && u.posts.every((p) => p.author === u))).toBe(true);
    expect(users[0]?.posts.map((p) => p.title)).toEqual(["u0p0", "u0p1", "u0p2"]);
    expect(() => users[0]?.posts[0]?.comments).toThrow(UnloadedAttributeError);
    expect(() => users[0]?.posts[0]?.comments).toThrow('selectinload / joinedload), or call await session.load(obj, "comments")');
  });

  it("joinedload: parents and children in 1 statement, rows made unique", async () => {
    await using session = Session();
    const users = (await session.scalars(select(User).options(joinedload(User, "posts")))).all();
    expect(selects).toHaveLength(1);
    expect(selects[0]).toMatch(/LEFT OUTER JOIN/);
    expect(users).toHaveLength(100);
    expect(new Set(users).size).toBe(100);
    expect(users.every((u) => u.posts.length === 3)).toBe(true);
    await expect(session.scalars(select(User).options(joinedload(User, "posts")).limit(5))).rejects.toThrow("use selectinload");
  });

  it("chains loaders: joined posts, then selectin comments and tags; many-to-one and many-to-many", async () => {
    await using session = Session();
    const users = (
      await session.scalars(select(User).where(User.c.name.in(["u1", "u2"])).options(joinedload(User, "posts").selectinload("comments"), joinedload(User, "posts").selectinload("tags")))
    ).all();
    expect(selects).toHaveLength(3);
    const post = users[0]?.posts[1];
    expect(post?.comments.map((c) => c.body)).toEqual(["a", "b"]);
    expect(post?.tags.map((t) => t.label)).toEqual(["t1", "t2"]);
    selects = [];
    const comments = (await session.scalars(select(Comment).options(selectinload(Comment, "post").joinedload("author")).limit(4))).all();
    expect(selects).toHaveLength(2);
    expect(comments.every((c) => c.post?.author instanceof User)).toBe(true);
    selects = [];
    const tags = (await session.scalars(select(Tag).options(joinedload(Tag, "posts")))).all();
    expect(selects).toHaveLength(1);
    expect(tags.map((t) => t.posts.length)).toEqual([100, 200, 200, 100]);
  });

  it("containsEager fills a collection from the query's own join, with its filter", async () => {
    await using session = Session();
    const users = (
      await session.scalars(select(User).join(Post).where(Post.c.title.like("%p1")).where(User.c.name.in(["u1", "u2"])).orderBy(User.c.name).options(containsEager(User, "posts")))
    ).all();
    expect(selects).toHaveLength(1);
    expect(users.map((u) => u.name)).toEqual(["u1", "u2"]);
    expect(users.map((u) => u.posts.map((p) => p.title))).toEqual([["u1p1"], ["u2p1"]]);
  });

  it("loads explicitly with session.load, honours noload and raiseload", async () => {
    await using session = Session();
    const user = (await session.scalars(select(User).where(User.c.name.eq("u3")))).one();
    expect(() => user.posts).toThrow(UnloadedAttributeError);
    selects = [];
    const posts = await session.load(user, "posts");
    expect(selects).toHaveLength(1);
    expect(posts.map((p) => p.title)).toEqual(["u3p0", "u3p1", "u3p2"]);
    expect(await session.load(user, "posts")).toBe(posts); // loaded: no query
    expect(selects).toHaveLength(1);
    const [first] = (await session.scalars(select(Post).where(Post.c.title.eq("u4p0")).options(noload(Post, "comments"), raiseload(Post, "tags")))).all();
    expect(first?.comments).toEqual([]);
    expect(() => first?.tags).toThrow(UnloadedAttributeError);
  });

  it("follows a relationship's lazy default, down a self-referential tree", async () => {
    await using session = Session();
    const root = new Node({ label: "root" });
    const a = new Node({ label: "a" });
    const b = new Node({ label: "b" });
    root.children.push(a, b);
    a.children.push(new Node({ label: "a1" }));
    session.add(root);
    await session.commit();
    await session.close();
    selects = [];
    await using other = Session();
    const loaded = (await other.scalars(select(Node).where(Node.c.label.eq("root")))).one();
    expect(loaded.children.map((c) => c.label)).toEqual(["a", "b"]);
    expect(loaded.children[0]?.children.map((c) => c.label)).toEqual(["a1"]);
    expect(loaded.children[0]?.children[0]?.children).toEqual([]);
    expect(selects.length).toBeLessThanOrEqual(4); // root, children, grandchildren, (empty) great-grandchildren
  });

  it("keeps both sides in step in memory before any flush", () => {
    const ada = new User({ name: "ada" });
    const bob = new User({ name: "bob" });
    const post = Post.create({ title: "x", author: ada });
    expect(ada.posts).toEqual([post]);
    post.author = bob;
    expect(ada.posts).toEqual([]);
    expect(bob.posts).toEqual([post]);
    ada.posts.push(post);
    expect(post.author).toBe(ada);
    expect(bob.posts).toEqual([]);
    const tag = new Tag({ label: "t" });
    post.tags.push(tag);
    expect(tag.posts).toEqual([post]);
    tag.posts.splice(0, 1);
    expect(post.tags).toEqual([]);
    ada.posts = [];
    expect(post.author).toBeNull();
  });

  it("writes collection changes: added children get the key, removed ones become orphans, many-to-many rows follow", async () => {
    await using session = Session();
    const [u5, u6] = (await session.scalars(select(User).where(User.c.name.in(["u5", "u6"])).orderBy(User.c.name).options(selectinload(User, "posts").selectinload("tags")))).all() as [InstanceType<typeof User>, InstanceType<typeof User>];
    const moved = u5.posts[0] as InstanceType<typeof Post>;
    u6.posts.push(moved); // moves it: back-population removes it from u5.posts
    expect(u5.posts).toHaveLength(2);
    const orphan = u5.posts.pop() as InstanceType<typeof Post>; // delete-orphan
    const extra = await session.getOne(Tag, (moved.tags[0] as InstanceType<typeof Tag>).id);
    moved.tags.splice(0, 1);
    (u5.posts[0] as InstanceType<typeof Post>).tags.push(extra);
    await session.commit();
    expect(moved.authorId).toBe(u6.id);
    expect(inspect(orphan).detached).toBe(true);
    const rows = (await engine.connect((c) => c.execute(text(`SELECT count(*) FROM ${prefix}_posts WHERE ${ctx.backend.dialect === "mysql" ? "`authorId`" : '"authorId"'} = :id`), { id: u6.id }))).scalar();
    expect(Number(rows)).toBe(4);
    expect(await engine.connect(async (c) => Number((await c.execute(text(`SELECT count(*) FROM ${prefix}_posts WHERE id = :id`), { id: orphan.id })).scalar()))).toBe(0);
    await using fresh = Session();
    const again = await fresh.getOne(Post, moved.id);
    expect((await fresh.load(again, "tags")).length).toBe(1);
    const first = await fresh.getOne(Post, (u5.posts[0] as InstanceType<typeof Post>).id);
    expect((await fresh.load(first, "tags")).map((t) => t.id)).toContain(extra.id);
  });

  it("cascades merge, expunge and expire along loaded relationships", async () => {
    await using first = Session();
    const user = (await first.scalars(select(User).where(User.c.name.eq("u8")).options(selectinload(User, "posts")))).one();
    first.expunge(user); // cascade "all" includes expunge: the posts leave with it
    expect(user.posts.every((p) => inspect(p).detached)).toBe(true);
    await first.close();
    user.name = "u8!";
    (user.posts[0] as InstanceType<typeof Post>).title = "renamed";
    await using second = Session();
    const merged = await second.merge(user);
    expect(merged).not.toBe(user);
    expect(merged.posts).toHaveLength(3);
    expect(merged.posts.every((p) => second.contains(p))).toBe(true);
    await second.commit();
    const titles = (await second.scalars(select(Post).where(Post.c.authorId.eq(merged.id)).orderBy(Post.c.id))).all().map((p) => p.title);
    expect(titles).toEqual(["renamed", "u8p1", "u8p2"]);
    second.expire(merged); // cascade "all" includes refresh-expire
    expect(() => merged.posts[0]?.title).toThrow(UnloadedAttributeError);
  });

  it("cascades delete to children (loading them first) and unlinks many-to-many rows", async () => {
    await using session = Session();
    const user = (await session.scalars(select(User).where(User.c.name.eq("u7")))).one();
    // posts are not loaded: the flush loads them to delete them (cascade "all"); their comments are unlinked.
    session.delete(user);
    await session.commit();
    const left = await engine.connect(async (c) => ({
      posts: Number((await c.execute(text(`SELECT count(*) FROM ${prefix}_posts WHERE title LIKE 'u7p%'`))).scalar()),
      orphans: Number((await c.execute(text(`SELECT count(*) FROM ${prefix}_comments WHERE ${ctx.backend.dialect === "mysql" ? "`postId`" : '"postId"'} IS NULL`))).scalar()),
      links: Number((await c.execute(text(`SELECT count(*) FROM ${prefix}_post_tags`))).scalar()),
    }));
    expect(left).toEqual({ posts: 0, orphans: 6, links: 594 });
  });
});
