import { describe, expectTypeOf, it } from "vitest";
import type {
  Column} from "athanor";
import {
  BigInteger,
  Boolean as Bool,
  DateTime,
  Enum,
  ForeignKey,
  Index,
  Integer,
  JSON as JSONType,
  MetaData,
  PrimaryKeyConstraint,
  Sequence,
  String as Str,
  Table,
  Text,
  TypeDecorator,
  column,
  passesKind,
  passesUnchanged,
  insert,
  select,
  text,
  type ColumnClause,
  type Connection,
  type InsertRow,
  type RowOfTable,
} from "athanor";

declare const conn: Connection;
const metadata = new MetaData();

const status = new Enum(["draft", "published"], { name: "post_status" });

const users = new Table("users", metadata, {
  id: column(Integer, { primaryKey: true }),
  name: column(new Str(50), { nullable: false }),
  bio: column(Text),
  active: column(Bool, { nullable: false, serverDefault: true }),
  createdAt: column(DateTime, { nullable: false, default: () => new Date() }),
  settings: column(new JSONType<{ theme: string }>()),
});

const posts = new Table(
  "posts",
  metadata,
  {
    id: column(BigInteger, { primaryKey: true }),
    authorId: column(Integer, { nullable: false, foreignKey: new ForeignKey("users.id", { ondelete: "CASCADE" }) }),
    status: column(status, { nullable: false, default: "draft" }),
    title: column(new Str(200), { nullable: false }),
  },
  (c) => [new Index("ix_posts_title", c.title)],
);

const _pairs = new Table("pairs", metadata, {
  a: column(Integer, { primaryKey: true }),
  b: column(Integer, { primaryKey: true }),
  note: column(Text),
});

describe("table.c", () => {
  it("types each column from its definition: nullable columns include null, a primary key never does", () => {
    expectTypeOf(users.c.id).toEqualTypeOf<Column<number, "id", "users", "optional">>();
    expectTypeOf(users.c.name).toEqualTypeOf<Column<string, "name", "users", "required">>();
    expectTypeOf(users.c.bio).toEqualTypeOf<Column<string | null, "bio", "users", "optional">>();
    expectTypeOf(users.c.settings._type).toEqualTypeOf<{ theme: string } | null>();
    expectTypeOf(posts.c.status._type).toEqualTypeOf<"draft" | "published">();
    expectTypeOf(posts.c.id._type).toEqualTypeOf<bigint>();
  });

  it("is a column of the expression language", () => {
    expectTypeOf(users.c.name).toMatchTypeOf<ColumnClause<string, "name", "users">>();
    users.c.name.eq("ada");
    // @ts-expect-error -- name is a string
    users.c.name.eq(5);
    // @ts-expect-error -- no such column
    void users.c.nope;
  });

  it("checks the defaults against the column type", () => {
    column(Integer, { default: 1 });
    column(status, { default: "published" });
    // @ts-expect-error -- not a value of the enum
    column(status, { default: "archived" });
    // @ts-expect-error -- not a number
    column(Integer, { default: "one" });
  });

  it("gives typed select rows", async () => {
    const result = await conn.execute(select(users.c.id, users.c.name, users.c.bio));
    expectTypeOf(result.all()[0]!._asObject()).toEqualTypeOf<{ id: number; name: string; bio: string | null }>();
  });
});

describe("InsertRow and RowOfTable", () => {
  it("requires the columns that are not nullable and have no default or generated value", () => {
    expectTypeOf<InsertRow<typeof users>>().toEqualTypeOf<{
      name: string;
      id?: number;
      bio?: string | null;
      active?: boolean;
      createdAt?: Date;
      settings?: { theme: string } | null;
    }>();
    expectTypeOf<InsertRow<typeof posts>>().toEqualTypeOf<{
      authorId: number;
      title: string;
      id?: bigint;
      status?: "draft" | "published";
    }>();
  });

  it("does not treat the columns of a composite key as generated", () => {
    expectTypeOf<InsertRow<typeof _pairs>>().toEqualTypeOf<{ a: number; b: number; note?: string | null }>();
  });

  it("treats autoincrement: false, a foreign key or a non-integer key as required", () => {
    const _t = new Table("t", new MetaData(), { id: column(Integer, { primaryKey: true, autoincrement: false }) });
    expectTypeOf<InsertRow<typeof _t>>().toEqualTypeOf<{ id: number }>();
    const _u = new Table("u", new MetaData(), { code: column(new Str(5), { primaryKey: true }) });
    expectTypeOf<InsertRow<typeof _u>>().toEqualTypeOf<{ code: string }>();
    const _v = new Table("v", new MetaData(), { id: column(Integer, { primaryKey: true, foreignKey: "u.code" }) });
    expectTypeOf<InsertRow<typeof _v>>().toEqualTypeOf<{ id: number }>();
    const _w = new Table("w", new MetaData(), { id: column(Integer, { primaryKey: true, sequence: new Sequence("w_seq") }) });
    expectTypeOf<InsertRow<typeof _w>>().toEqualTypeOf<{ id?: number }>();
  });

  it("gives the row of a whole table", () => {
    expectTypeOf<RowOfTable<typeof posts>>().toEqualTypeOf<{ id: bigint; authorId: number; status: "draft" | "published"; title: string }>();
  });

  it("drives insert().values()", () => {
    insert(users).values({ name: "ada" });
    // @ts-expect-error -- name is required
    insert(users).values({ bio: "no name" });
  });
});

describe("column and table arguments", () => {
  it("accepts the expression language's column(name, type) form too", () => {
    const x = column("x", new Integer());
    expectTypeOf(x).toMatchTypeOf<ColumnClause<number, "x", never>>();
    expectTypeOf(x._type).toEqualTypeOf<number>();
    expectTypeOf(x._name).toEqualTypeOf<"x">();
  });

  it("types a TypeDecorator's values", () => {
    class Cents extends TypeDecorator<number, Integer> {
      readonly impl = new Integer();
    }
    const prices = new Table("prices", new MetaData(), { amount: column(new Cents(), { nullable: false }) });
    expectTypeOf(prices.c.amount._type).toEqualTypeOf<number>();
  });

  it("passesKind gives back the processor it marks, with its own type", () => {
    const readText = (value: unknown): string => (typeof value === "string" ? value : String(value));
    expectTypeOf(passesKind("string", readText)).toEqualTypeOf<typeof readText>();
    expectTypeOf(passesKind("number", (value: unknown) => Number(value))).returns.toEqualTypeOf<number>();
    expectTypeOf(passesUnchanged(readText, "string")).toEqualTypeOf<boolean>();
    // @ts-expect-error only "string" and "number" are kinds a driver guarantees
    passesKind("date", readText);
  });

  it("takes constraints among the items, and text() as a server default", () => {
    const t = new Table("k", new MetaData(), { a: column(Integer), b: column(Integer, { serverDefault: text("0") }) }, new PrimaryKeyConstraint(["a", "b"]));
    expectTypeOf(t.c.b._insert).toEqualTypeOf<"optional">();
  });
});
