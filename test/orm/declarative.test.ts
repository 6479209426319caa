/** Declarative models: tables from the class expression, mixins, constructors with defaults, relationships in static blocks. */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ArgumentError, DateTime, Enum, Integer, String, Text, UUID, func, inspect } from "athanor";
import { declarativeBase, mapped, relationship, requireMapper } from "athanor/orm";
import { describeEachBackend } from "../support/suite.js";

function models() {
  const Base = declarativeBase();
  const Status = new Enum(["draft", "published"], { name: "post_status" });
  const Timestamped = Base.mixin({
    createdAt: mapped(DateTime, { nullable: false, serverDefault: func.now(), init: false }),
    updatedAt: mapped(DateTime, { onUpdate: () => new Date(), init: false }),
  });
  const WithStatus = Timestamped.mixin({ status: mapped(Status, { nullable: false, default: "draft" }) });
  class Author extends Timestamped.model("authors", {
    id: mapped(Integer, { primaryKey: true }),
    name: mapped(new String(256), { nullable: false }),
    mentorId: mapped(Integer, { foreignKey: "authors.id" }),
  }) {
    declare posts: Post[];
    declare mentor: Author | null;
    static {
      this.relate({
        posts: relationship(() => Post, { backPopulates: "author" }),
        mentor: relationship(() => Author, { remoteSide: [Author.c.id] }),
      });
    }
    get display(): string {
      return `@${this.name}`;
    }
  }
  class Post extends WithStatus.model("posts", {
    id: mapped(UUID, { primaryKey: true, defaultFactory: () => randomUUID() }),
    authorId: mapped(Integer, { nullable: false, foreignKey: "authors.id" }),
    title: mapped(Text, { nullable: false }),
  }) {
    declare author: Author | null;
    static {
      this.relate({ author: relationship(() => Author, { backPopulates: "posts" }) });
    }
  }
  return { Base, Author, Post };
}

describe("declarative models", () => {
  it("make tables with the mixin columns first, and map the class on first use", () => {
    const { Base, Author, Post } = models();
    expect(Object.keys(Post.table.c)).toEqual(["createdAt", "updatedAt", "status", "id", "authorId", "title"]);
    expect([...Base.metadata.tables.keys()]).toEqual(["authors", "posts"]);
    Base.registry.configure();
    const author = requireMapper(Author);
    expect(author.class_).toBe(Author);
    expect(author.relationships.get("posts")?.direction).toBe("one-to-many");
    expect(author.relationships.get("mentor")?.direction).toBe("many-to-one");
    expect(requireMapper(Post).relationships.get("author")?.reverse?.key).toBe("posts");
  });

  it("construct with typed values, applying default factories and keeping methods", () => {
    const { Author, Post } = models();
    const ada = new Author({ name: "ada" });
    expect(ada.display).toBe("@ada");
    expect(`${ada}`).toBe("Author(name='ada')");
    const post = new Post({ authorId: 1, title: "t" });
    expect(post.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Post({ authorId: 1, title: "t", id: "x" }).id).toBe("x");
    expect(() => new Author({ name: "a", nope: 1 } as never)).toThrow('Author has no attribute "nope".');
    expect(ada.posts).toEqual([]);
  });

  it("reject a column declared twice by a mixin and a model, and a second class per model", () => {
    const { Base } = models();
    const Stamped = Base.mixin({ createdAt: mapped(DateTime) });
    expect(() => Stamped.model("x", { createdAt: mapped(DateTime), id: mapped(Integer, { primaryKey: true }) })).toThrow(
      'Model x: column "createdAt" is also a shared (mixin) column.',
    );
    const Model = Base.model("y", { id: mapped(Integer, { primaryKey: true }) });
    class One extends Model {}
    class Two extends Model {}
    new One();
    expect(() => new Two()).toThrow(ArgumentError);
    expect(() => new Two()).toThrow("Two extends One, whose model is already mapped");
  });
});

describeEachBackend("declarative models create their tables", (ctx) => {
  it("createAll makes the tables with the mixin columns, defaults and keys", async () => {
    const { Base } = models();
    await Base.metadata.dropAll(ctx.engine, { checkFirst: true });
    await Base.metadata.createAll(ctx.engine);
    try {
      const insp = inspect(ctx.engine);
      const columns = await insp.getColumns("posts");
      expect(columns.map((c) => c.name)).toEqual(["createdAt", "updatedAt", "status", "id", "authorId", "title"]);
      expect((await insp.getForeignKeys("posts")).map((fk) => fk.referredTable)).toEqual(["authors"]);
      expect(columns.find((c) => c.name === "createdAt")?.default).toBeTruthy();
    } finally {
      await Base.metadata.dropAll(ctx.engine);
    }
  });
});

describe("type map presets", () => {
  it("build columns from named presets with options merged, and name the presets on a typo", () => {
    const Base = declarativeBase({
      typeMap: { intPk: mapped(Integer, { primaryKey: true }), str256: mapped(new String(256)), stamp: mapped(DateTime, { serverDefault: func.now() }) },
    });
    class Note extends Base.model("notes", { id: Base.column("intPk"), title: Base.column("str256", { nullable: false }), at: Base.column("stamp") }) {}
    expect(Note.table.c.title.nullable).toBe(false);
    expect((Note.table.c.title.type as unknown as { length: number }).length).toBe(256);
    expect(Note.table.c.id.primaryKey).toBe(true);
    expect(Note.table.c.at.definition.options.serverDefault).toBeDefined();
    expect(() => Base.column("nope" as "intPk")).toThrow('No preset "nope" in this base\'s type map (it has "intPk", "str256", "stamp").');
  });
});

describeEachBackend("SQL-expression onUpdate", (ctx) => {
  it("expires the attribute after the UPDATE, so a refresh reads the database's value", async () => {
    const { sessionmaker, UnloadedAttributeError } = await import("athanor/orm");
    const Base = declarativeBase();
    class Doc extends Base.model(`onupd_${ctx.backend.id.replace("-", "_")}`, {
      id: mapped(Integer, { primaryKey: true }),
      title: mapped(new String(20), { nullable: false }),
      touchedAt: mapped(DateTime, { serverDefault: func.now(), onUpdate: func.now(), init: false }),
    }) {}
    await Base.metadata.dropAll(ctx.engine, { checkFirst: true });
    await Base.metadata.createAll(ctx.engine);
    try {
      await using session = sessionmaker(ctx.engine)();
      const doc = new Doc({ title: "a" });
      session.add(doc);
      await session.commit();
      expect(doc.touchedAt).toBeInstanceOf(Date);
      doc.title = "b";
      await session.commit();
      expect(() => doc.touchedAt).toThrow(UnloadedAttributeError);
      await session.refresh(doc);
      expect(doc.touchedAt).toBeInstanceOf(Date);
    } finally {
      await Base.metadata.dropAll(ctx.engine);
    }
  });
});
