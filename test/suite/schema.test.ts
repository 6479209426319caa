/**
 * Schema on every backend: createAll/dropAll (with and without checkFirst),
 * foreign keys enforced, composite and self-referential keys, a cycle of
 * tables, every type round-tripping a value, enums, server defaults, indexes
 * and comments as the catalog reports them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ARRAY,
  BigInteger,
  Boolean as BooleanType,
  CheckConstraint,
  CreateTable,
  DatabaseError,
  Date as DateType,
  DateTime,
  DBAPIError,
  Enum,
  Float,
  ForeignKey,
  ForeignKeyConstraint,
  HasEnumType,
  HasTable,
  Index,
  IntegrityError,
  Integer,
  Interval,
  JSON as JSONType,
  JSONB,
  LargeBinary,
  MetaData,
  Numeric,
  PrimaryKeyConstraint,
  Sequence,
  SmallInteger,
  String as StringType,
  Table,
  Text,
  Time,
  TypeDecorator,
  UUID,
  UniqueConstraint,
  column,
  func,
  text,
  type Connection,
  type TypeEngine,
} from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend, type BackendContext } from "../support/suite.js";

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
}

async function exists(conn: Connection, table: { name: string; schema?: string | undefined }): Promise<boolean> {
  return (await conn.execute(new HasTable(table))).all().length > 0;
}

/** A value stored as text in the database, parsed back: a TypeDecorator over String. */
class Point extends TypeDecorator<{ x: number; y: number }, StringType> {
  readonly impl = new StringType(50);
  override processBindParam(value: { x: number; y: number }): string {
    return `${value.x},${value.y}`;
  }
  override processResultValue(value: string): { x: number; y: number } {
    const [x, y] = value.split(",").map(Number);
    return { x: x as number, y: y as number };
  }
}

function blogSchema(prefix: string) {
  const metadata = new MetaData();
  const n = (name: string) => `${prefix}_${name}`;
  const users = new Table(n("users"), metadata, {
    id: column(Integer, { primaryKey: true }),
    email: column(new StringType(100), { nullable: false, unique: true }),
    name: column(new StringType(50), { index: true }),
  });
  const posts = new Table(n("posts"), metadata, {
    id: column(Integer, { primaryKey: true }),
    authorId: column(Integer, { nullable: false, foreignKey: new ForeignKey(`${n("users")}.id`, { ondelete: "CASCADE" }) }),
    title: column(new StringType(200), { nullable: false }),
  });
  const tags = new Table(n("tags"), metadata, {
    id: column(Integer, { primaryKey: true }),
    label: column(new StringType(30), { nullable: false }),
  });
  const postTags = new Table(n("post_tags"), metadata, {
    postId: column(Integer, { primaryKey: true, foreignKey: `${n("posts")}.id` }),
    tagId: column(Integer, { primaryKey: true, foreignKey: `${n("tags")}.id` }),
  });
  const notes = new Table(
    n("tag_notes"),
    metadata,
    {
      id: column(Integer, { primaryKey: true }),
      postId: column(Integer, { nullable: false }),
      tagId: column(Integer, { nullable: false }),
      body: column(Text),
    },
    new ForeignKeyConstraint(["postId", "tagId"], [`${n("post_tags")}.postId`, `${n("post_tags")}.tagId`]),
  );
  const nodes = new Table(n("nodes"), metadata, {
    id: column(Integer, { primaryKey: true }),
    parentId: column(Integer, { foreignKey: `${n("nodes")}.id` }),
  });
  return { metadata, users, posts, tags, postTags, notes, nodes };
}

describeEachBackend("schema: create and drop", (ctx) => {
  const s = blogSchema(uniqueName("sch"));

  afterAll(async () => {
    await ctx.engine.begin((conn) => s.metadata.dropAll(conn));
  });

  it("sorts tables so referred tables come first", () => {
    const names = s.metadata.sortedTables.map((t) => t.name);
    const at = (t: { name: string }) => names.indexOf(t.name);
    expect(names).toHaveLength(6);
    expect(at(s.users)).toBeLessThan(at(s.posts));
    expect(at(s.posts)).toBeLessThan(at(s.postTags));
    expect(at(s.tags)).toBeLessThan(at(s.postTags));
    expect(at(s.postTags)).toBeLessThan(at(s.notes));
    expect(s.metadata.sortTablesAndConstraints().deferred).toEqual([]);
  });

  it("creates every table, is a no-op the second time, and fails without checkFirst", async () => {
    await ctx.engine.begin((conn) => s.metadata.createAll(conn));
    await ctx.engine.begin((conn) => s.metadata.createAll(conn, { checkFirst: true }));
    await ctx.engine.connect(async (conn) => {
      for (const table of s.metadata.tables.values()) expect(await exists(conn, table)).toBe(true);
    });
    expect(await failure(ctx.engine.begin((conn) => conn.execute(new CreateTable(s.users))))).toBeInstanceOf(DBAPIError);
  });

  it("enforces foreign keys, composite keys and self-references", async () => {
    const { users, posts, tags, postTags, notes, nodes } = s;
    const insert = (table: { name: string }, row: Record<string, unknown>) =>
      ctx.engine.begin((conn) => {
        const q = (n: string) => conn.engine.dialect.quoteIdentifier(n);
        const keys = Object.keys(row);
        return conn.execute(text(`insert into ${q(table.name)} (${keys.map(q).join(", ")}) values (${keys.map((k) => `:${k}`).join(", ")})`), row);
      });
    await insert(users, { id: 1, email: "a@example.com", name: "a" });
    await insert(posts, { id: 1, authorId: 1, title: "one" });
    await insert(tags, { id: 1, label: "x" });
    await insert(postTags, { postId: 1, tagId: 1 });
    await insert(notes, { id: 1, postId: 1, tagId: 1, body: "fine" });
    await insert(nodes, { id: 1, parentId: null });
    await insert(nodes, { id: 2, parentId: 1 });
    expect(await failure(insert(posts, { id: 2, authorId: 99, title: "orphan" }))).toBeInstanceOf(IntegrityError);
    expect(await failure(insert(users, { id: 2, email: "a@example.com", name: "dup" }))).toBeInstanceOf(IntegrityError);
    expect(await failure(insert(postTags, { postId: 1, tagId: 1 }))).toBeInstanceOf(IntegrityError);
    expect(await failure(insert(notes, { id: 2, postId: 1, tagId: 99, body: "bad pair" }))).toBeInstanceOf(IntegrityError);
    expect(await failure(insert(nodes, { id: 3, parentId: 42 }))).toBeInstanceOf(IntegrityError);
  });

  it("drops every table, then is a no-op the second time", async () => {
    await ctx.engine.begin((conn) => s.metadata.dropAll(conn));
    await ctx.engine.begin((conn) => s.metadata.dropAll(conn));
    await ctx.engine.connect(async (conn) => {
      for (const table of s.metadata.tables.values()) expect(await exists(conn, table)).toBe(false);
    });
  });
});

describeEachBackend("schema: a cycle of foreign keys", (ctx) => {
  const prefix = uniqueName("cyc");
  const metadata = new MetaData({ namingConvention: { fk: "fk_{table}_{column0}" } });
  const a = new Table(`${prefix}_a`, metadata, {
    id: column(Integer, { primaryKey: true }),
    bId: column(Integer, { foreignKey: `${prefix}_b.id` }),
  });
  const b = new Table(`${prefix}_b`, metadata, {
    id: column(Integer, { primaryKey: true }),
    aId: column(Integer, { foreignKey: `${prefix}_a.id` }),
  });

  it("sets the cycle's foreign keys apart and creates, uses and drops the tables", async () => {
    const order = metadata.sortTablesAndConstraints();
    expect(order.tables).toEqual([a, b]);
    expect(order.deferred).toHaveLength(2);
    await ctx.engine.begin((conn) => metadata.createAll(conn));
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text(`insert into ${a.name} (id, ${ctx.engine.dialect.quoteIdentifier("bId")}) values (1, null)`));
      await conn.execute(text(`insert into ${b.name} (id, ${ctx.engine.dialect.quoteIdentifier("aId")}) values (1, 1)`));
      // Each row now refers to the other: neither table can be emptied first.
      await conn.execute(text(`update ${a.name} set ${ctx.engine.dialect.quoteIdentifier("bId")} = 1`));
    });
    expect(
      await failure(ctx.engine.begin((conn) => conn.execute(text(`insert into ${b.name} (id, ${ctx.engine.dialect.quoteIdentifier("aId")}) values (2, 7)`)))),
    ).toBeInstanceOf(IntegrityError);
    await ctx.engine.begin((conn) => metadata.dropAll(conn));
    await ctx.engine.connect(async (conn) => {
      expect(await exists(conn, a)).toBe(false);
      expect(await exists(conn, b)).toBe(false);
    });
  });
});

/** Inserts one row with typed parameters and reads it back with typed columns. */
async function roundTrip(ctx: BackendContext, table: Table, values: Record<string, unknown>): Promise<Record<string, unknown>> {
  const q = (n: string) => ctx.engine.dialect.quoteIdentifier(n);
  const keys = Object.keys(values);
  const types = Object.fromEntries(keys.map((k) => [k, (table.c as Record<string, { type: TypeEngine }>)[k]?.type as TypeEngine]));
  await ctx.engine.begin((conn) =>
    conn.execute(
      text(`insert into ${q(table.name)} (${keys.map(q).join(", ")}) values (${keys.map((k) => `:${k}`).join(", ")})`).bindparams(values, types),
    ),
  );
  return ctx.engine.connect(async (conn) => {
    return (await conn.execute(text(`select * from ${q(table.name)} where id = :id`).columns(types), { id: values.id })).one()._asObject();
  });
}

describeEachBackend("schema: types", (ctx) => {
  const prefix = uniqueName("typ");
  const metadata = new MetaData();
  const status = new Enum(["draft", "published", "it's"], { name: `${prefix}_status` });
  const portable = new Table(`${prefix}_portable`, metadata, {
    id: column(Integer, { primaryKey: true, autoincrement: false }),
    small: column(SmallInteger),
    big: column(BigInteger),
    price: column(new Numeric(12, 2)),
    ratio: column(Float),
    flag: column(BooleanType),
    name: column(new StringType(40)),
    body: column(Text),
    data: column(LargeBinary),
    day: column(DateType),
    clock: column(Time),
    at: column(DateTime),
    instant: column(new DateTime({ timezone: true })),
    doc: column(new JSONType()),
    docb: column(new JSONB()),
    uid: column(UUID),
    state: column(status),
    point: column(new Point()),
  });
  const pgOnly =
    ctx.backend.dialect === "postgresql"
      ? new Table(`${prefix}_pg`, metadata, {
          id: column(Integer, { primaryKey: true, autoincrement: false }),
          span: column(Interval),
          numbers: column(new ARRAY(Integer)),
          words: column(new ARRAY(Text)),
          grid: column(new ARRAY(new ARRAY(Integer))),
          states: column(new ARRAY(status)),
        })
      : undefined;

  beforeAll(async () => {
    await ctx.engine.begin((conn) => metadata.createAll(conn));
  });
  afterAll(async () => {
    await ctx.engine.begin((conn) => metadata.dropAll(conn));
  });

  it("round-trips a value of every portable type", async () => {
    const values = {
      id: 1,
      small: -32768,
      big: 9007199254740993n,
      price: "1234567890.25",
      ratio: 0.1 + 0.2,
      flag: true,
      name: "quote ' backslash \\ 😀",
      body: "x".repeat(70_000),
      data: Buffer.from([0, 1, 254, 255]),
      day: "2024-02-29",
      clock: "23:59:58",
      at: new Date("1999-12-31T23:59:59.123Z"),
      instant: new Date("2024-03-31T00:30:00.456Z"),
      doc: { a: [1, "two", null], b: { c: true } },
      docb: ["x", 1],
      uid: "123e4567-e89b-12d3-a456-426614174000",
      state: "it's",
      point: { x: 3, y: -4 },
    };
    const row = await roundTrip(ctx, portable, values);
    expect({ ...row, data: Buffer.from(row.data as Uint8Array) }).toEqual({ ...values, price: ctx.backend.dialect === "sqlite" ? "1234567890.25" : values.price });
  });

  it("round-trips nulls", async () => {
    const nulls = Object.fromEntries(Object.keys(portable.c).map((k) => [k, k === "id" ? 2 : null]));
    expect(await roundTrip(ctx, portable, nulls)).toEqual(nulls);
  });

  it.runIf(ctx.backend.dialect === "postgresql")("round-trips PostgreSQL's interval and arrays", async () => {
    const values = { id: 1, span: "1 day 02:00:00", numbers: [1, null, 3], words: ['a "b"', "c,d", "{e}"], grid: [[1, 2], [3, 4]], states: ["draft", "it's"] };
    expect(await roundTrip(ctx, pgOnly as Table, values)).toEqual(values);
  });

  it("refuses a value outside the enum, in Athanor and in the database", async () => {
    await expect(roundTrip(ctx, portable, { id: 3, state: "archived" })).rejects.toThrow(/one of draft, published/);
    const q = (n: string) => ctx.engine.dialect.quoteIdentifier(n);
    const error = await failure(ctx.engine.begin((conn) => conn.execute(text(`insert into ${q(portable.name)} (id, state) values (4, 'archived')`))));
    expect(error).toBeInstanceOf(DatabaseError);
  });
});

describeEachBackend("schema: defaults, indexes, comments, sequences", (ctx) => {
  const prefix = uniqueName("dfl");
  const metadata = new MetaData({
    namingConvention: { uq: "uq_{table}_{columns}", ck: "ck_{table}_{constraintName}", pk: "pk_{table}" },
  });
  const dialect = ctx.backend.dialect;
  const items = new Table(
    `${prefix}_items`,
    metadata,
    {
      id: column(Integer, { primaryKey: true }),
      code: column(new StringType(20), { nullable: false }),
      label: column(new StringType(20), { nullable: false, serverDefault: "n/a", comment: "shown to users" }),
      qty: column(Integer, { nullable: false, serverDefault: 3 }),
      active: column(BooleanType, { nullable: false, serverDefault: true }),
      notes: column(Text, { serverDefault: "it's" }),
      createdAt: column(new DateTime({ timezone: true }), { nullable: false, serverDefault: text("CURRENT_TIMESTAMP") }),
      // func.now() renders now() on SQLite for now, which SQLite lacks.
      touchedAt: column(DateTime, { serverDefault: dialect === "sqlite" ? text("CURRENT_TIMESTAMP") : func.now() }),
    },
    (c) => [
      new UniqueConstraint([c.code]),
      new CheckConstraint(c.qty.ge(0), { name: "qty_positive" }),
      new Index(`ix_${prefix}_label_code`, [c.label, c.code.desc()]),
      ...(dialect === "mysql" ? [] : [new Index(`ix_${prefix}_active`, c.code, { where: c.active.eq(true) })]),
      ...(ctx.backend.id === "mariadb" ? [] : [new Index(`ix_${prefix}_lower`, func.lower(c.code))]),
      { comment: "Stock items" },
    ],
  );
  const numbered =
    dialect === "postgresql" || ctx.backend.id === "mariadb"
      ? new Table(`${prefix}_numbered`, metadata, {
          id: column(Integer, { primaryKey: true, sequence: new Sequence(`${prefix}_seq`, { start: 100, increment: 5 }) }),
          other: column(Integer, { nullable: false, ...(dialect === "postgresql" ? { identity: { start: 7 } } : {}) }),
        })
      : undefined;

  beforeAll(async () => {
    await ctx.engine.begin((conn) => metadata.createAll(conn));
  });
  afterAll(async () => {
    await ctx.engine.begin((conn) => metadata.dropAll(conn));
  });

  const q = (n: string) => ctx.engine.dialect.quoteIdentifier(n);

  it("applies server defaults and generates the key", async () => {
    const row = await ctx.engine.begin(async (conn) => {
      await conn.execute(text(`insert into ${q(items.name)} (code) values ('a')`));
      return (await conn.execute(text(`select * from ${q(items.name)}`).columns({ active: new BooleanType(), createdAt: new DateTime({ timezone: true }), touchedAt: new DateTime() }))).one()._asObject();
    });
    expect(row).toMatchObject({ id: 1, code: "a", label: "n/a", qty: 3, active: true, notes: "it's" });
    expect(row.createdAt).toBeInstanceOf(Date);
    expect(Math.abs((row.createdAt as Date).getTime() - Date.now())).toBeLessThan(5 * 60_000);
    expect(row.touchedAt).toBeInstanceOf(Date);
  });

  it("enforces the named unique and check constraints", async () => {
    const insert = (code: string, qty: number) => ctx.engine.begin((conn) => conn.execute(text(`insert into ${q(items.name)} (code, qty) values (:code, :qty)`), { code, qty }));
    expect(await failure(insert("a", 1))).toBeInstanceOf(IntegrityError);
    expect(await failure(insert("b", -1))).toBeInstanceOf(IntegrityError);
  });

  it("creates the indexes, as the catalog shows", async () => {
    const sql = {
      postgresql: "select indexname as name from pg_indexes where tablename = :t",
      sqlite: "select name from sqlite_master where type = 'index' and tbl_name = :t",
      mysql: "select distinct index_name as name from information_schema.statistics where table_schema = database() and table_name = :t",
    }[dialect];
    const names = await ctx.engine.connect(async (conn) => (await conn.execute(text(sql), { t: items.name })).all().map((r) => (r as unknown as { name: string }).name));
    expect(names).toContain(`ix_${prefix}_label_code`);
    if (dialect !== "mysql") expect(names).toContain(`ix_${prefix}_active`);
    if (ctx.backend.id !== "mariadb") expect(names).toContain(`ix_${prefix}_lower`);
    if (dialect !== "sqlite") expect(names).toContain(`uq_${items.name}_code`);
  });

  it.runIf(dialect !== "sqlite")("stores the comments", async () => {
    const sql =
      dialect === "postgresql"
        ? `select obj_description(:t::regclass, 'pg_class') as tc, col_description(:t::regclass, 3) as cc`
        : "select (select table_comment from information_schema.tables where table_schema = database() and table_name = :t) as tc, " +
          "(select column_comment from information_schema.columns where table_schema = database() and table_name = :t and column_name = 'label') as cc";
    const row = await ctx.engine.connect(async (conn) => (await conn.execute(text(sql), { t: items.name })).one()._asObject());
    expect(row).toMatchObject({ tc: "Stock items", cc: "shown to users" });
  });

  it.runIf(numbered !== undefined)("numbers rows from a sequence (and an identity column on PostgreSQL)", async () => {
    const table = numbered as Table;
    const rows = await ctx.engine.begin(async (conn) => {
      const insert = dialect === "postgresql" ? "default values" : "(other) values (1)";
      await conn.execute(text(`insert into ${q(table.name)} ${insert}`));
      await conn.execute(text(`insert into ${q(table.name)} ${insert}`));
      return (await conn.execute(text(`select id, other from ${q(table.name)} order by id`))).all().map((r) => r._asObject());
    });
    expect(rows.map((r) => r.id)).toEqual([100, 105]);
    if (dialect === "postgresql") expect(rows.map((r) => r.other)).toEqual([7, 8]);
  });
});

describeEachBackend("schema: table.create and table.drop", (ctx) => {
  const prefix = uniqueName("one");
  const metadata = new MetaData();
  const mood = new Enum(["happy", "sad"], { name: `${prefix}_mood` });
  const a = new Table(`${prefix}_a`, metadata, { id: column(Integer, { primaryKey: true }), mood: column(mood) }, (c) => [new Index(undefined, c.mood)]);
  const b = new Table(`${prefix}_b`, metadata, { id: column(Integer, { primaryKey: true }), mood: column(mood) });
  const typeExists = (conn: Connection) => conn.execute(new HasEnumType(mood)).then((r) => r.all().length > 0);

  it("creates one table with its enum type and index, and keeps a type another table still uses", async () => {
    await ctx.engine.begin(async (conn) => {
      await a.create(conn);
      await b.create(conn);
      expect(await exists(conn, a)).toBe(true);
      if (ctx.backend.dialect === "postgresql") expect(await typeExists(conn)).toBe(true);
      await a.drop(conn);
      expect(await exists(conn, a)).toBe(false);
      if (ctx.backend.dialect === "postgresql") expect(await typeExists(conn)).toBe(true);
      await b.drop(conn);
      if (ctx.backend.dialect === "postgresql") expect(await typeExists(conn)).toBe(false);
      await b.drop(conn); // checkFirst: nothing to do
    });
  });

  it("takes an engine too, running in a transaction of its own", async () => {
    await metadata.createAll(ctx.engine);
    await b.drop(ctx.engine);
    await ctx.engine.connect(async (conn) => {
      expect(await exists(conn, a)).toBe(true);
      expect(await exists(conn, b)).toBe(false);
    });
    await metadata.dropAll(ctx.engine);
    await ctx.engine.connect(async (conn) => expect(await exists(conn, a)).toBe(false));
  });
});

describe("schema: composite primary key through PrimaryKeyConstraint", () => {
  it("makes the key columns NOT NULL", () => {
    const metadata = new MetaData();
    const t = new Table("pairs", metadata, { a: column(Integer), b: column(Integer) }, new PrimaryKeyConstraint(["a", "b"]));
    expect(t.primaryKey.columns.map((c) => c.name)).toEqual(["a", "b"]);
    expect(t.c.a.nullable).toBe(false);
    expect(t.autoincrementColumn).toBeUndefined();
  });
});
