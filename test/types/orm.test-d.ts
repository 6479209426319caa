import { randomUUID } from "node:crypto";
import { describe, expectTypeOf, it } from "vitest";
import { DateTime, Integer, String, Text, UUID, func, type ScalarResult } from "athanor";
import { declarativeBase, mapped, relationship, select, type Collection, type Mapper, type Session } from "athanor/orm";

const Base = declarativeBase({
  typeMap: {
    intPk: mapped(Integer, { primaryKey: true }),
    str256: mapped(new String(256)),
    createdAt: mapped(DateTime, { nullable: false, serverDefault: func.now(), init: false }),
  },
});
const intPk = Base.column("intPk");
const str256 = Base.column("str256", { nullable: false });
const Timestamped = Base.mixin({
  createdAt: mapped(DateTime, { nullable: false, serverDefault: func.now(), init: false }),
  updatedAt: mapped(DateTime, { onUpdate: () => new Date(), init: false }),
});

// Two classes that refer to each other, and a self-referential one: this must compile.
class User extends Timestamped.model("users", { id: intPk, name: str256, bio: mapped(Text) }) {
  declare posts: Post[];
  declare manager: User | null;
  static {
    this.relate({
      posts: relationship(() => Post, { backPopulates: "author" }),
      manager: relationship(() => User),
    });
  }
  greet(): string {
    return `hi ${this.name}`;
  }
}
class Post extends Base.model("posts", {
  id: mapped(UUID, { primaryKey: true, defaultFactory: () => randomUUID() }),
  authorId: mapped(Integer, { nullable: false, foreignKey: "users.id" }),
  title: str256,
}) {
  declare author: User | null;
  static {
    this.relate({ author: relationship(() => User, { backPopulates: "posts" }) });
  }
}

describe("declarative models", () => {
  it("types instance attributes from the columns, mixin columns included", () => {
    const user = new User({ name: "ada" });
    expectTypeOf(user.id).toEqualTypeOf<number>();
    expectTypeOf(user.name).toEqualTypeOf<string>();
    expectTypeOf(user.bio).toEqualTypeOf<string | null>();
    expectTypeOf(user.createdAt).toEqualTypeOf<Date>();
    expectTypeOf(user.updatedAt).toEqualTypeOf<Date | null>();
    expectTypeOf(user.posts).toEqualTypeOf<Post[]>();
    expectTypeOf(user.greet()).toEqualTypeOf<string>();
    expectTypeOf(new Post({ authorId: 1, title: "t" }).author).toEqualTypeOf<User | null>();
  });

  it("types constructor values: required first-class, optional with defaults, init: false left out", () => {
    expectTypeOf<ConstructorParameters<typeof User>[0]>().toEqualTypeOf<{ name: string; id?: number; bio?: string | null }>();
    expectTypeOf<ConstructorParameters<typeof Post>>().toEqualTypeOf<[values: { authorId: number; title: string; id?: string }]>();
    // @ts-expect-error name is required
    new User({ bio: "x" });
    // @ts-expect-error createdAt is init: false
    new User({ name: "a", createdAt: new Date() });
    // @ts-expect-error a Post needs its values
    new Post();
  });

  it("takes related objects in create(), typed by the relationship attributes", () => {
    const ada = new User({ name: "ada" });
    expectTypeOf(Post.create({ authorId: 1, title: "t", author: ada })).toEqualTypeOf<Post>();
    // @ts-expect-error author must be a User
    Post.create({ authorId: 1, title: "t", author: new Post({ authorId: 1, title: "x" }) });
    // @ts-expect-error greet is a method, not a relationship
    User.create({ name: "x", greet: () => "" });
  });

  it("types column presets of the type map, with options merged", () => {
    expectTypeOf(Base.column("str256")._tsType).toEqualTypeOf<string>();
    class Note extends Base.model("notes", { id: Base.column("intPk"), title: Base.column("str256"), body: Base.column("str256", { nullable: false }), at: Base.column("createdAt") }) {}
    const note = new Note({ body: "b" });
    expectTypeOf(note.title).toEqualTypeOf<string | null>();
    expectTypeOf(note.body).toEqualTypeOf<string>();
    expectTypeOf(note.at).toEqualTypeOf<Date>();
    expectTypeOf<ConstructorParameters<typeof Note>[0]>().toEqualTypeOf<{ body: string; id?: number; title?: string | null }>();
    // @ts-expect-error no such preset
    Base.column("nope");
  });

  it("gives a class-level column handle that does not collide with Function's name", () => {
    expectTypeOf(User.c.name.eq("ada")).not.toBeAny();
    expectTypeOf(User.c.name._type).toEqualTypeOf<string>();
    expectTypeOf(User.name).toEqualTypeOf<string>(); // Function.prototype.name, untouched
  });

  it("checks relationship targets against the declared attribute types", () => {
    class Tag extends Base.model("tags", { id: intPk }) {
      declare users: User[];
      static {
        // @ts-expect-error users holds User, not Post
        this.relate({ users: relationship(() => Post) });
      }
    }
    expectTypeOf(new Tag().users).toEqualTypeOf<User[]>();
  });
});

describe("collections", () => {
  it("lets a collection be declared as Collection<T>, with remove() typed, and still related by relate()", () => {
    class Shelf extends Base.model("shelves", { id: intPk }) {
      declare books: Collection<Post>;
      static {
        this.relate({ books: relationship(() => Post) });
      }
    }
    const shelf = new Shelf();
    expectTypeOf(shelf.books.remove).parameter(0).toEqualTypeOf<Post>();
    expectTypeOf(shelf.books[0]).toEqualTypeOf<Post | undefined>();
  });
});

describe("inspect", () => {
  it("gives the Mapper for any mapped class, whatever its constructor takes, and the state for an instance", async () => {
    const { inspect } = await import("athanor/orm");
    class P {
      declare id: number;
      constructor(readonly title: string) {}
    }
    expectTypeOf(inspect(P)).toEqualTypeOf<Mapper>();
    expectTypeOf(inspect(User)).toEqualTypeOf<Mapper>();
    expectTypeOf(inspect(new P("x")).persistent).toEqualTypeOf<boolean>();
  });
});

describe("session results", () => {
  it("types entity and mixed selects", async () => {
    const session = null as unknown as Session;
    expectTypeOf(await session.scalars(select(User))).toEqualTypeOf<ScalarResult<User>>();
    expectTypeOf((await session.scalars(select(User))).unique()).toEqualTypeOf<ScalarResult<User>>();
    expectTypeOf((await session.execute(select(User, Post.c.title, Post))).all()).toEqualTypeOf<[User, string, Post][]>();
    expectTypeOf((await session.execute(select(User, Post).outerjoin(Post))).all()).toEqualTypeOf<[User, Post | null][]>();
    expectTypeOf(await session.get(User, 1)).toEqualTypeOf<User | null>();
    expectTypeOf(await session.getOne(Post, "id")).toEqualTypeOf<Post>();
    expectTypeOf(await session.scalar(select(User.c.name))).toEqualTypeOf<string | null>();
    expectTypeOf(await session.merge(new User({ name: "a" }))).toEqualTypeOf<User>();
  });
});

describe("joined-table inheritance", () => {
  it("types a joined subclass: the parent's attributes and methods, its own columns, its constructor and its column handle", async () => {
    const B = declarativeBase();
    class Staff extends B.model("t_staff", {
      id: mapped(Integer, { primaryKey: true }),
      kind: mapped(new String(10), { nullable: false, init: false }),
      name: mapped(Text, { nullable: false }),
    }) {
      static {
        this.polymorphic({ on: "kind", identity: "staff" });
      }
      greet(): string {
        return this.name;
      }
    }
    class Dev extends Staff.joined("t_devs", {
      id: mapped(Integer, { primaryKey: true, foreignKey: "t_staff.id" }),
      language: mapped(Text, { nullable: false }),
      level: mapped(Integer, { nullable: false, default: 1 }),
    }) {
      static {
        this.inherit({ identity: "dev", polymorphicLoad: "selectin" });
      }
    }
    const dev = new Dev({ name: "ada", language: "ts" });
    expectTypeOf(dev.id).toEqualTypeOf<number>();
    expectTypeOf(dev.language).toEqualTypeOf<string>();
    expectTypeOf(dev.greet()).toEqualTypeOf<string>();
    expectTypeOf(dev).toMatchTypeOf<Staff>();
    // @ts-expect-error language is required (NOT NULL, no default); id is generated by the base table
    void new Dev({ name: "x" });
    expectTypeOf(Dev.c.language).toHaveProperty("_type").toEqualTypeOf<string>();
    expectTypeOf(Dev.c.name).toHaveProperty("_type").toEqualTypeOf<string>();
    const session = null as unknown as Session;
    expectTypeOf(await session.scalars(select(Dev).where(Dev.c.level.gt(1)))).toEqualTypeOf<ScalarResult<Dev>>();
  });
});
