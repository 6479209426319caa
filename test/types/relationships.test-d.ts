import { describe, expectTypeOf, it } from "vitest";
import { Integer, String, Table, column } from "athanor";
import {
  declarativeBase,
  joinedload,
  mapped,
  noload,
  raiseload,
  relationship,
  select,
  selectinload,
  subqueryload,
  type LoaderOption,
  type Session,
} from "athanor/orm";

const Base = declarativeBase();
const postTags = new Table("rt_post_tags", Base.metadata, {
  postId: column(Integer, { primaryKey: true, foreignKey: "rt_posts.id" }),
  tagId: column(Integer, { primaryKey: true, foreignKey: "rt_tags.id" }),
});

class User extends Base.model("rt_users", { id: mapped(Integer, { primaryKey: true }), name: mapped(new String(50), { nullable: false }) }) {
  declare posts: Post[];
  declare profile: Profile | null;
  static {
    this.relate({
      posts: relationship(() => Post, { backPopulates: "author" }),
      profile: relationship(() => Profile, { uselist: false, backPopulates: "user" }),
    });
  }
  get display(): string {
    return `@${this.name}`;
  }
}
class Profile extends Base.model("rt_profiles", {
  id: mapped(Integer, { primaryKey: true }),
  userId: mapped(Integer, { foreignKey: "rt_users.id", init: false }),
  bio: mapped(new String(50)),
}) {
  declare user: User | null;
  static {
    this.relate({ user: relationship(() => User, { backPopulates: "profile" }) });
  }
}
class Post extends Base.model("rt_posts", {
  id: mapped(Integer, { primaryKey: true }),
  authorId: mapped(Integer, { foreignKey: "rt_users.id", init: false }),
  title: mapped(new String(50), { nullable: false }),
}) {
  declare author: User | null;
  declare comments: Comment[];
  declare tags: Tag[];
  static {
    this.relate({
      author: relationship(() => User, { backPopulates: "posts" }),
      comments: relationship(() => Comment, { backPopulates: "post" }),
      tags: relationship(() => Tag, { secondary: postTags, backPopulates: "posts" }),
    });
  }
}
class Comment extends Base.model("rt_comments", {
  id: mapped(Integer, { primaryKey: true }),
  postId: mapped(Integer, { foreignKey: "rt_posts.id", init: false }),
  body: mapped(new String(50), { nullable: false }),
}) {
  declare post: Post | null;
  static {
    this.relate({ post: relationship(() => Post, { backPopulates: "comments" }) });
  }
}
class Tag extends Base.model("rt_tags", { id: mapped(Integer, { primaryKey: true }), label: mapped(new String(20), { nullable: false }) }) {
  declare posts: Post[];
  static {
    this.relate({ posts: relationship(() => Post, { secondary: postTags, backPopulates: "tags" }) });
  }
}

describe("relationship attributes", () => {
  it("are arrays of the target for collections, the target or null for scalars", () => {
    const user = new User({ name: "ada" });
    expectTypeOf(user.posts).toEqualTypeOf<Post[]>();
    expectTypeOf(user.profile).toEqualTypeOf<Profile | null>();
    const post = new Post({ title: "t" });
    expectTypeOf(post.author).toEqualTypeOf<User | null>();
    expectTypeOf(post.tags).toEqualTypeOf<Tag[]>();
    expectTypeOf(new Tag({ label: "x" }).posts).toEqualTypeOf<Post[]>();
    expectTypeOf(new Profile({}).user).toEqualTypeOf<User | null>();
  });

  it("take related objects in create(), of the right class", () => {
    const ada = new User({ name: "ada" });
    expectTypeOf(Profile.create({ bio: "b", user: ada })).toEqualTypeOf<Profile>();
    expectTypeOf(Post.create({ title: "t", author: ada, tags: [new Tag({ label: "x" })] })).toEqualTypeOf<Post>();
    // @ts-expect-error profile is a Profile, not a Post
    User.create({ name: "x", profile: new Post({ title: "t" }) });
    // @ts-expect-error tags holds Tag objects
    Post.create({ title: "t", tags: [ada] });
  });

  it("are checked against the target when configured", () => {
    class Badge extends Base.model("rt_badges", { id: mapped(Integer, { primaryKey: true }) }) {
      declare owner: User | null;
      static {
        // @ts-expect-error owner is a User, not a Tag
        this.relate({ owner: relationship(() => Tag) });
      }
    }
    expectTypeOf(new Badge().owner).toEqualTypeOf<User | null>();
  });
});

describe("loader options", () => {
  it("accept only relationship keys of the class at each step of the path", () => {
    expectTypeOf(selectinload(User, "posts")).toEqualTypeOf<LoaderOption<Post>>();
    expectTypeOf(joinedload(User, "profile")).toEqualTypeOf<LoaderOption<Profile>>();
    expectTypeOf(selectinload(User, "posts").joinedload("comments")).toEqualTypeOf<LoaderOption<Comment>>();
    expectTypeOf(selectinload(User, "posts").joinedload("comments").selectinload("post").joinedload("author")).toEqualTypeOf<LoaderOption<User>>();
    expectTypeOf(joinedload(Tag, "posts").subqueryload("author")).toEqualTypeOf<LoaderOption<User>>();
    expectTypeOf(raiseload(Post, "tags")).toEqualTypeOf<LoaderOption<Tag>>();
    expectTypeOf(noload(Comment, "post")).toEqualTypeOf<LoaderOption<Post>>();
    expectTypeOf(subqueryload(Post, "comments").noload("post").raiseload("tags")).toEqualTypeOf<LoaderOption<Tag>>();
    select(User).options(selectinload(User, "posts").joinedload("comments"), joinedload(User, "profile"));

    // @ts-expect-error name is a column, not a relationship
    selectinload(User, "name");
    // @ts-expect-error display is a getter returning a string
    joinedload(User, "display");
    // @ts-expect-error User has no relationship "comments" (Post has)
    selectinload(User, "comments");
    // @ts-expect-error title is a column of Post
    selectinload(User, "posts").joinedload("title");
    // @ts-expect-error profile is a relationship of User, not of Post
    selectinload(User, "posts").joinedload("profile");
    // @ts-expect-error body is a column of Comment
    selectinload(User, "posts").joinedload("comments").selectinload("body");
    // @ts-expect-error no such key at all
    noload(Tag, "nope");
  });
});

describe("session.load", () => {
  it("returns the relationship's type", async () => {
    const session = null as unknown as Session;
    const user = new User({ name: "ada" });
    expectTypeOf(session.load(user, "posts")).toEqualTypeOf<Promise<Post[]>>();
    expectTypeOf(await session.load(user, "profile")).toEqualTypeOf<Profile | null>();
    expectTypeOf(await session.load(new Post({ title: "t" }), "tags")).toEqualTypeOf<Tag[]>();
    expectTypeOf(await session.load(user, "posts", { refresh: true })).toEqualTypeOf<Post[]>();
    // @ts-expect-error name is a column
    void session.load(user, "name");
    // @ts-expect-error Users have no tags
    void session.load(user, "tags");
  });
});
