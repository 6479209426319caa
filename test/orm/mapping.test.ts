/** Mapping without a database: imperative mapping, instrumentation, and relationship direction inference from foreign keys. */
import { inspect as nodeInspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ArgumentError, ForeignKey, Integer, MetaData, String, Table, Text, column } from "athanor";
import { Registry, UnloadedAttributeError, UnmappedClassError, mapperOf, relationship, requireMapper } from "athanor/orm";

function blog() {
  const registry = new Registry();
  const users = new Table("users", registry.metadata, {
    id: column(Integer, { primaryKey: true }),
    name: column(new String(50), { nullable: false }),
    managerId: column(Integer, { foreignKey: "users.id" }),
  });
  const posts = new Table("posts", registry.metadata, {
    id: column(Integer, { primaryKey: true }),
    authorId: column(Integer, { foreignKey: "users.id", nullable: false }),
    reviewerId: column(Integer, { foreignKey: "users.id" }),
    post_title: column(Text),
  });
  const tags = new Table("tags", registry.metadata, { id: column(Integer, { primaryKey: true }), label: column(Text) });
  const postTags = new Table("post_tags", registry.metadata, {
    postId: column(Integer, { foreignKey: new ForeignKey("posts.id", { ondelete: "CASCADE" }), primaryKey: true }),
    tagId: column(Integer, { foreignKey: "tags.id", primaryKey: true }),
  });
  return { registry, users, posts, tags, postTags };
}

class User {
  declare id: number;
  declare name: string;
  declare managerId: number | null;
  declare posts: Post[];
  declare manager: User | null;
  declare reports: User[];
  greet(): string {
    return `hello ${this.name}`;
  }
}
class Post {
  declare id: number;
  declare title: string | null;
  declare author: User | null;
  declare tags: Tag[];
}
class Tag {
  declare id: number;
  declare label: string | null;
  declare posts: Post[];
}

describe("imperative mapping", () => {
  const { registry, users, posts, tags, postTags } = blog();
  registry.mapImperatively(User, users, {
    properties: {
      posts: relationship(() => Post, { backPopulates: "author", foreignKeys: [posts.c.authorId] }),
      manager: relationship(() => User, { remoteSide: [users.c.id], backPopulates: "reports" }),
      reports: relationship(() => User, { backPopulates: "manager" }),
    },
  });
  registry.mapImperatively(Post, posts, {
    properties: {
      title: posts.c.post_title,
      author: relationship(User, { backPopulates: "posts", foreignKeys: [posts.c.authorId] }),
      tags: relationship("Tag", { secondary: postTags, backPopulates: "posts" }),
    },
  });
  registry.mapImperatively(Tag, tags, { properties: { posts: relationship(() => Post, { secondary: "post_tags", backPopulates: "tags" }) } });
  registry.configure();

  it("maps every column to an attribute, renaming through properties", () => {
    const mapper = requireMapper(Post);
    expect([...mapper.columns.keys()]).toEqual(["id", "authorId", "reviewerId", "title"]);
    expect(mapper.columns.get("title")).toBe(posts.c.post_title);
    expect(mapper.primaryKeyAttributes).toEqual(["id"]);
    expect(mapperOf(new Post())).toBe(mapper);
    expect(`${mapper}`).toBe("Mapper<Post: posts>");
  });

  it("infers many-to-one and one-to-many from the foreign key, and many-to-many through secondary", () => {
    const user = requireMapper(User);
    const post = requireMapper(Post);
    const tag = requireMapper(Tag);
    const author = post.relationships.get("author")!;
    expect(author.direction).toBe("many-to-one");
    expect(author.uselist).toBe(false);
    expect(author.pairs).toEqual([{ local: posts.c.authorId, remote: users.c.id }]);
    expect(author.reverse).toBe(user.relationships.get("posts"));
    const userPosts = user.relationships.get("posts")!;
    expect(userPosts.direction).toBe("one-to-many");
    expect(userPosts.uselist).toBe(true);
    expect(userPosts.pairs).toEqual([{ local: users.c.id, remote: posts.c.authorId }]);
    const postTagsRel = post.relationships.get("tags")!;
    expect(postTagsRel.direction).toBe("many-to-many");
    expect(postTagsRel.secondary).toBe(postTags);
    expect(postTagsRel.pairs).toEqual([{ local: posts.c.id, remote: postTags.c.postId }]);
    expect(postTagsRel.secondaryPairs).toEqual([{ local: tags.c.id, remote: postTags.c.tagId }]);
    expect(postTagsRel.reverse).toBe(tag.relationships.get("posts"));
    expect(postTagsRel.joinCondition.compile({ dialect: "postgresql" }).sql).toBe('posts.id = post_tags."postId" AND tags.id = post_tags."tagId"');
  });

  it("tells the two sides of a self-referential key apart by remoteSide", () => {
    const user = requireMapper(User);
    expect(user.relationships.get("manager")!.direction).toBe("many-to-one");
    expect(user.relationships.get("manager")!.pairs).toEqual([{ local: users.c.managerId, remote: users.c.id }]);
    expect(user.relationships.get("reports")!.direction).toBe("one-to-many");
    expect(user.relationships.get("reports")!.pairs).toEqual([{ local: users.c.id, remote: users.c.managerId }]);
  });

  it("keeps classes ordinary: methods work and values set before any session are kept", () => {
    const ada = new User();
    ada.name = "ada";
    expect(ada.greet()).toBe("hello ada");
    expect(ada.id).toBeUndefined();
    expect(ada.posts).toEqual([]); // a new object starts with an empty collection
    expect(ada.manager).toBeNull();
    expect(Object.keys(ada)).toEqual([]); // values live in the state, not as own properties
    expect(`${ada}`).toBe("User(name='ada')");
    expect(nodeInspect(ada)).toBe("User(name='ada')");
    expect(JSON.stringify({ ...ada })).toBe("{}");
  });

  it("raises a clear error for an unmapped class", () => {
    class Stray {}
    expect(() => requireMapper(Stray)).toThrow(UnmappedClassError);
    expect(() => requireMapper(new Stray())).toThrow("Class Stray is not mapped");
  });

  it("raises, naming the way out, when a persistent object's attribute was not loaded", () => {
    const mapper = requireMapper(User);
    const state = mapper._newInstance();
    const obj = state.obj;
    state.key = [mapper, [1]];
    state.dict = { id: 1 };
    expect(() => (obj as User).name).toThrow(UnloadedAttributeError);
    expect(() => (obj as User).name).toThrow('await session.refresh(obj, ["name"])');
    expect(() => (obj as User).posts).toThrow('selectinload / joinedload), or call await session.load(obj, "posts")');
  });

  it("tracks changes on a persistent object, keeping the first loaded value", () => {
    const mapper = requireMapper(User);
    const state = mapper._newInstance();
    const obj = state.obj;
    state.key = [mapper, [1]];
    state.dict = { id: 1, name: "ada", managerId: null };
    const user = obj as User;
    expect(state.modified).toBe(false);
    user.name = "grace";
    user.name = "hopper";
    expect(state.committed).toEqual(new Map([["name", "ada"]]));
    user.name = "ada";
    expect(state.modified).toBe(false); // set back to the loaded value
  });
});

describe("mapping errors", () => {
  it("rejects a table without a primary key, a second mapping, and a clash with the class's own member", () => {
    const registry = new Registry();
    const logs = new Table("logs", registry.metadata, { line: column(Text) });
    const items = new Table("items", registry.metadata, { id: column(Integer, { primaryKey: true }), greet: column(Text) });
    expect(() => registry.mapImperatively(class Log {}, logs)).toThrow("Cannot map Log to logs: the table has no primary key");
    class Item {}
    registry.mapImperatively(Item, items, { exclude: ["greet"] });
    expect(() => registry.mapImperatively(Item, items)).toThrow("Class Item is already mapped.");
    class Greeter {
      greet(): string {
        return "hi";
      }
    }
    expect(() => registry.mapImperatively(Greeter, items)).toThrow('Greeter defines "greet" itself');
    expect(() => registry.mapImperatively(class Other {}, new Table("x", new MetaData(), { id: column(Integer, { primaryKey: true }) }))).toThrow(
      "belongs to another MetaData",
    );
  });

  it("reports ambiguous and missing join conditions with what to give", () => {
    const { registry, users, posts } = blog();
    class U {}
    class P {}
    registry.mapImperatively(U, users, { properties: { posts: relationship(() => P) } });
    registry.mapImperatively(P, posts);
    expect(() => registry.configure()).toThrow(ArgumentError);
    expect(() => registry.configure()).toThrow(/U\.posts is ambiguous: users and posts are linked by several foreign keys \(posts\.authorId\), \(posts\.reviewerId\)\. Give foreignKeys/);

    const other = blog();
    class T {}
    class U2 {}
    other.registry.mapImperatively(T, other.tags, { properties: { users: relationship(() => U2) } });
    other.registry.mapImperatively(U2, other.users);
    expect(() => other.registry.configure()).toThrow("Could not find the join condition of T.users: no foreign key links tags and users.");
  });

  it("checks that backPopulates names a mirroring relationship", () => {
    const { registry, users, posts } = blog();
    class U {}
    class P {}
    registry.mapImperatively(U, users, { properties: { posts: relationship(() => P, { foreignKeys: [posts.c.authorId], backPopulates: "writer" }) } });
    registry.mapImperatively(P, posts);
    expect(() => registry.configure()).toThrow('U.posts has backPopulates "writer", but P has no relationship named "writer".');
  });
});
