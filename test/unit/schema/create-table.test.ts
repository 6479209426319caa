/**
 * CREATE TABLE per dialect: keys, autoincrement, identity, sequences,
 * defaults, constraints, naming conventions and identifier quoting.
 */
import { describe, expect, it } from "vitest";
import {
  BigInteger,
  Boolean as BooleanType,
  CheckConstraint,
  CreateIndex,
  CreateTable,
  DateTime,
  ForeignKey,
  ForeignKeyConstraint,
  Index,
  Integer,
  JSON as JSONType,
  LargeBinary,
  MetaData,
  Numeric,
  PrimaryKeyConstraint,
  Sequence,
  SmallInteger,
  String as StringType,
  Table,
  Text,
  UniqueConstraint,
  column,
  func,
  text,
} from "../../../src/index.js";
import { assertDDL, ddlOf, type DDLDialect } from "../../support/ddl.js";

const ddlLine = (t: Table, dialect: DDLDialect): string => ddlOf(new CreateTable(t), dialect);

const ENGINE = " ENGINE=InnoDB";

describe("primary keys and generated values", () => {
  it("a single integer key numbers itself: SERIAL, the SQLite rowid, AUTO_INCREMENT", () => {
    const t = new Table("users", new MetaData(), { id: column(Integer, { primaryKey: true }), name: column(new StringType(20)) });
    expect(t.autoincrementColumn).toBe(t.c.id);
    assertDDL(new CreateTable(t), {
      postgresql: "CREATE TABLE users (\n  id SERIAL NOT NULL,\n  name VARCHAR(20),\n  PRIMARY KEY (id)\n)",
      sqlite: "CREATE TABLE users (\n  id INTEGER NOT NULL,\n  name VARCHAR(20),\n  PRIMARY KEY (id)\n)",
      mysql: `CREATE TABLE users (\n  id INTEGER NOT NULL AUTO_INCREMENT,\n  name VARCHAR(20),\n  PRIMARY KEY (id)\n)${ENGINE}`,
    });
  });

  it("BIGSERIAL and SMALLSERIAL; a BIGINT key is INTEGER on SQLite so that it is the rowid", () => {
    const big = new Table("big", new MetaData(), { id: column(BigInteger, { primaryKey: true }) });
    const small = new Table("small", new MetaData(), { id: column(SmallInteger, { primaryKey: true }) });
    assertDDL(new CreateTable(big), {
      postgresql: "CREATE TABLE big (\n  id BIGSERIAL NOT NULL,\n  PRIMARY KEY (id)\n)",
      sqlite: "CREATE TABLE big (\n  id INTEGER NOT NULL,\n  PRIMARY KEY (id)\n)",
      mysql: `CREATE TABLE big (\n  id BIGINT NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (id)\n)${ENGINE}`,
    });
    assertDDL(new CreateTable(small), { postgresql: "CREATE TABLE small (\n  id SMALLSERIAL NOT NULL,\n  PRIMARY KEY (id)\n)" });
  });

  it("autoincrement: true adds SQLite's AUTOINCREMENT (inline key); autoincrement: false turns numbering off", () => {
    const t = new Table("a", new MetaData(), { id: column(Integer, { primaryKey: true, autoincrement: true }) });
    assertDDL(new CreateTable(t), {
      postgresql: "CREATE TABLE a (\n  id SERIAL NOT NULL,\n  PRIMARY KEY (id)\n)",
      sqlite: "CREATE TABLE a (\n  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT\n)",
      mysql: `CREATE TABLE a (\n  id INTEGER NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (id)\n)${ENGINE}`,
    });
    const off = new Table("b", new MetaData(), { id: column(Integer, { primaryKey: true, autoincrement: false }) });
    expect(off.autoincrementColumn).toBeUndefined();
    assertDDL(new CreateTable(off), {
      postgresql: "CREATE TABLE b (\n  id INTEGER NOT NULL,\n  PRIMARY KEY (id)\n)",
      mysql: `CREATE TABLE b (\n  id INTEGER NOT NULL,\n  PRIMARY KEY (id)\n)${ENGINE}`,
    });
  });

  it("no numbering for a composite key, a foreign key column, a non-integer key or a key with a default", () => {
    const md = new MetaData();
    new Table("users", md, { id: column(Integer, { primaryKey: true }) });
    const composite = new Table("c", md, { a: column(Integer, { primaryKey: true }), b: column(Integer, { primaryKey: true }) });
    const fk = new Table("profile", md, { userId: column(Integer, { primaryKey: true, foreignKey: "users.id" }) });
    const text_ = new Table("codes", md, { code: column(new StringType(3), { primaryKey: true }) });
    const defaulted = new Table("d", md, { id: column(Integer, { primaryKey: true, serverDefault: 7 }) });
    for (const t of [composite, fk, text_, defaulted]) expect(t.autoincrementColumn).toBeUndefined();
    assertDDL(new CreateTable(composite), {
      postgresql: "CREATE TABLE c (\n  a INTEGER NOT NULL,\n  b INTEGER NOT NULL,\n  PRIMARY KEY (a, b)\n)",
      sqlite: "CREATE TABLE c (\n  a INTEGER NOT NULL,\n  b INTEGER NOT NULL,\n  PRIMARY KEY (a, b)\n)",
      mysql: `CREATE TABLE c (\n  a INTEGER NOT NULL,\n  b INTEGER NOT NULL,\n  PRIMARY KEY (a, b)\n)${ENGINE}`,
    });
  });

  it("a PrimaryKeyConstraint names a composite key and makes its columns NOT NULL", () => {
    const md = new MetaData();
    const t = new Table("pairs", md, { a: column(Integer), b: column(new StringType(5)) }, new PrimaryKeyConstraint(["a", "b"], { name: "pairs_pk" }));
    assertDDL(new CreateTable(t), {
      postgresql: "CREATE TABLE pairs (\n  a INTEGER NOT NULL,\n  b VARCHAR(5) NOT NULL,\n  CONSTRAINT pairs_pk PRIMARY KEY (a, b)\n)",
    });
    expect(() => new Table("bad", md, { a: column(Integer, { primaryKey: true }), b: column(Integer) }, new PrimaryKeyConstraint("b"))).toThrow(
      /primaryKey: true but is not in the table's PrimaryKeyConstraint/,
    );
  });

  it("identity columns: GENERATED ... AS IDENTITY on PostgreSQL, AUTO_INCREMENT on MySQL, the rowid on SQLite", () => {
    const t = new Table("i", new MetaData(), {
      id: column(BigInteger, { primaryKey: true, identity: { always: true, start: 10, increment: 2 } }),
    });
    assertDDL(new CreateTable(t), {
      postgresql: "CREATE TABLE i (\n  id BIGINT GENERATED ALWAYS AS IDENTITY (INCREMENT BY 2 START WITH 10) NOT NULL,\n  PRIMARY KEY (id)\n)",
      sqlite: "CREATE TABLE i (\n  id INTEGER NOT NULL,\n  PRIMARY KEY (id)\n)",
      mysql: `CREATE TABLE i (\n  id BIGINT NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (id)\n)${ENGINE}`,
    });
    const plain = new Table("j", new MetaData(), { id: column(Integer, { primaryKey: true, identity: true }) });
    assertDDL(new CreateTable(plain), { postgresql: "CREATE TABLE j (\n  id INTEGER GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n  PRIMARY KEY (id)\n)" });
  });

  it("a sequence gives the default on PostgreSQL and MariaDB; elsewhere the key numbers itself", () => {
    const seq = new Sequence("order_no", { start: 1000, schema: "app" });
    const t = new Table("orders", new MetaData(), { id: column(Integer, { primaryKey: true, sequence: seq }) });
    assertDDL(new CreateTable(t), {
      postgresql: "CREATE TABLE orders (\n  id INTEGER DEFAULT nextval('app.order_no') NOT NULL,\n  PRIMARY KEY (id)\n)",
      sqlite: "CREATE TABLE orders (\n  id INTEGER NOT NULL,\n  PRIMARY KEY (id)\n)",
      mysql: `CREATE TABLE orders (\n  id INTEGER NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (id)\n)${ENGINE}`,
      mariadb: `CREATE TABLE orders (\n  id INTEGER DEFAULT (NEXT VALUE FOR app.order_no) NOT NULL,\n  PRIMARY KEY (id)\n)${ENGINE}`,
    });
  });
});

describe("defaults", () => {
  const t = new Table("d", new MetaData(), {
    label: column(new StringType(10), { serverDefault: "it's \\n" }),
    qty: column(Integer, { serverDefault: 0 }),
    big: column(BigInteger, { serverDefault: 9007199254740993n }),
    price: column(new Numeric(8, 2), { serverDefault: "1.50" }),
    flag: column(BooleanType, { nullable: false, serverDefault: false }),
    body: column(Text, { serverDefault: "x" }),
    doc: column(new JSONType(), { serverDefault: text("'{}'") }),
    raw: column(LargeBinary, { serverDefault: new Uint8Array([1, 255]) }),
    at: column(DateTime, { serverDefault: new Date("2024-01-02T03:04:05.006Z") }),
    made: column(new DateTime({ timezone: true }), { serverDefault: text("CURRENT_TIMESTAMP") }),
    seen: column(DateTime, { serverDefault: func.lower("X") }),
    client: column(Integer, { default: () => 5 }),
  });

  it("renders literals for the dialect, SQL as written, and expressions in parentheses", () => {
    assertDDL(new CreateTable(t), {
      postgresql:
        "CREATE TABLE d (\n  label VARCHAR(10) DEFAULT 'it''s \\n',\n  qty INTEGER DEFAULT 0,\n  big BIGINT DEFAULT 9007199254740993,\n" +
        "  price NUMERIC(8, 2) DEFAULT 1.50,\n  flag BOOLEAN DEFAULT FALSE NOT NULL,\n  body TEXT DEFAULT 'x',\n  doc JSON DEFAULT '{}',\n" +
        "  raw BYTEA DEFAULT '\\x01ff',\n  at TIMESTAMP WITHOUT TIME ZONE DEFAULT '2024-01-02 03:04:05.006',\n" +
        "  made TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,\n  seen TIMESTAMP WITHOUT TIME ZONE DEFAULT (lower('X')),\n  client INTEGER\n)",
      sqlite:
        "CREATE TABLE d (\n  label VARCHAR(10) DEFAULT 'it''s \\n',\n  qty INTEGER DEFAULT 0,\n  big BIGINT DEFAULT 9007199254740993,\n" +
        "  price NUMERIC(8, 2) DEFAULT 1.50,\n  flag BOOLEAN DEFAULT FALSE NOT NULL,\n  body TEXT DEFAULT 'x',\n  doc TEXT DEFAULT '{}',\n" +
        "  raw BLOB DEFAULT X'01ff',\n  at DATETIME DEFAULT '2024-01-02 03:04:05.006',\n" +
        "  made DATETIME DEFAULT CURRENT_TIMESTAMP,\n  seen DATETIME DEFAULT (lower('X')),\n  client INTEGER\n)",
      mysql:
        "CREATE TABLE d (\n  label VARCHAR(10) DEFAULT 'it''s \\\\n',\n  qty INTEGER DEFAULT 0,\n  big BIGINT DEFAULT 9007199254740993,\n" +
        "  price DECIMAL(8, 2) DEFAULT 1.50,\n  flag TINYINT(1) DEFAULT FALSE NOT NULL,\n  body LONGTEXT DEFAULT ('x'),\n  doc JSON DEFAULT '{}',\n" +
        "  raw LONGBLOB DEFAULT (X'01ff'),\n  at DATETIME(6) DEFAULT '2024-01-02 03:04:05.006',\n" +
        `  made TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6) NULL,\n  seen DATETIME(6) DEFAULT (lower('X')),\n  client INTEGER\n)${ENGINE}`,
    });
  });

  it("writes a timestamp with time zone with its UTC offset on PostgreSQL", () => {
    const tz = new Table("tz", new MetaData(), { at: column(new DateTime({ timezone: true }), { serverDefault: new Date(0) }) });
    assertDDL(new CreateTable(tz), { postgresql: "CREATE TABLE tz (\n  at TIMESTAMP WITH TIME ZONE DEFAULT '1970-01-01 00:00:00.000+00'\n)" });
  });

  it("ON UPDATE on MySQL, with the column's precision", () => {
    const u = new Table("u", new MetaData(), {
      changed: column(DateTime, { nullable: false, serverDefault: func.now(), serverOnUpdate: func.now() }),
    });
    assertDDL(new CreateTable(u), {
      mysql: `CREATE TABLE u (\n  changed DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6) NOT NULL ON UPDATE CURRENT_TIMESTAMP(6)\n)${ENGINE}`,
      postgresql: "CREATE TABLE u (\n  changed TIMESTAMP WITHOUT TIME ZONE DEFAULT (now()) NOT NULL\n)",
    });
    const p = new Table("p", new MetaData(), {
      a: column(new DateTime({ precision: 0 }), { serverDefault: text("current_timestamp()"), serverOnUpdate: func.now() }),
      b: column(new DateTime({ precision: 3 }), { serverDefault: text("CURRENT_TIMESTAMP") }),
    });
    assertDDL(new CreateTable(p), {
      mysql: `CREATE TABLE p (\n  a DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n  b DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3)\n)${ENGINE}`,
    });
  });

  it("refuses values DDL cannot hold", () => {
    const nan = new Table("n", new MetaData(), { x: column(Integer, { serverDefault: Number.NaN }) });
    expect(() => assertDDL(new CreateTable(nan), { postgresql: "" })).toThrow(/safe integer/);
    const nul = new Table("z", new MetaData(), { x: column(Text, { serverDefault: "a\u0000b" }) });
    assertDDL(new CreateTable(nul), { postgresql: /NUL character/ });
    const param = new Table("p", new MetaData(), { x: column(Text, { serverDefault: text(":value") }) });
    assertDDL(new CreateTable(param), { sqlite: /cannot have bound parameters/ });
  });
});

describe("constraints", () => {
  it("unique, check (SQL text or expression) and foreign keys with actions", () => {
    const md = new MetaData();
    new Table("users", md, { id: column(Integer, { primaryKey: true }) });
    const t = new Table(
      "posts",
      md,
      {
        id: column(Integer, { primaryKey: true }),
        authorId: column(Integer, { nullable: false, foreignKey: new ForeignKey("users.id", { ondelete: "cascade", onupdate: "SET NULL" }) }),
        slug: column(new StringType(40), { unique: true }),
        score: column(Integer),
      },
      (c) => [new CheckConstraint(c.score.between(0, 10), { name: "score_range" }), new CheckConstraint("slug <> ''"), new UniqueConstraint([c.authorId, c.slug])],
    );
    const body =
      '  id SERIAL NOT NULL,\n  "authorId" INTEGER NOT NULL,\n  slug VARCHAR(40),\n  score INTEGER,\n  PRIMARY KEY (id),\n' +
      '  FOREIGN KEY ("authorId") REFERENCES users (id) ON DELETE CASCADE ON UPDATE SET NULL,\n  UNIQUE (slug),\n' +
      "  CONSTRAINT score_range CHECK (score BETWEEN 0 AND 10),\n  CHECK (slug <> ''),\n" +
      '  UNIQUE ("authorId", slug)\n)';
    assertDDL(new CreateTable(t), { postgresql: `CREATE TABLE posts (\n${body}` });
    assertDDL(new CreateTable(t), {
      mysql: `CREATE TABLE posts (\n${body.replace("SERIAL NOT NULL", "INTEGER NOT NULL AUTO_INCREMENT").replace(/"/g, "`")}${ENGINE}`,
    });
  });

  it("IN lists in a CHECK constraint and a partial index are written as literals on every dialect", () => {
    const md = new MetaData();
    const t = new Table("tickets", md, { id: column(Integer, { primaryKey: true }), state: column(new StringType(10)) }, (c) => [
      new CheckConstraint(c.state.in(["open", "it's"]), { name: "state_known" }),
    ]);
    const check = "CONSTRAINT state_known CHECK (state IN ('open', 'it''s'))";
    assertDDL(new CreateTable(t), {
      postgresql: `CREATE TABLE tickets (\n  id SERIAL NOT NULL,\n  state VARCHAR(10),\n  PRIMARY KEY (id),\n  ${check}\n)`,
      sqlite: `CREATE TABLE tickets (\n  id INTEGER NOT NULL,\n  state VARCHAR(10),\n  PRIMARY KEY (id),\n  ${check}\n)`,
    });
    const open = new Index("ix_open", t.c.id, { where: t.c.state.notIn(["closed"]) });
    assertDDL(new CreateIndex(open), { postgresql: "CREATE INDEX ix_open ON tickets (id) WHERE state NOT IN ('closed')" });
  });

  it("composite foreign keys, deferrable on PostgreSQL and SQLite, refused on MySQL", () => {
    const md = new MetaData();
    new Table("lines", md, { orderId: column(Integer, { primaryKey: true }), lineNo: column(Integer, { primaryKey: true }) });
    const notes = new Table(
      "notes",
      md,
      { orderId: column(Integer), lineNo: column(Integer) },
      new ForeignKeyConstraint(["orderId", "lineNo"], ["lines.orderId", "lines.lineNo"], { deferrable: true, initially: "DEFERRED", name: "fk_notes_line" }),
    );
    const body =
      'CREATE TABLE notes (\n  "orderId" INTEGER,\n  "lineNo" INTEGER,\n' +
      '  CONSTRAINT fk_notes_line FOREIGN KEY ("orderId", "lineNo") REFERENCES lines ("orderId", "lineNo") DEFERRABLE INITIALLY DEFERRED\n)';
    assertDDL(new CreateTable(notes), { postgresql: body, sqlite: body, mysql: /no deferrable constraints/ });
  });

  it("a foreign key to a column object or a function of one; a missing table is explained", () => {
    const md = new MetaData();
    const users = new Table("users", md, { id: column(Integer, { primaryKey: true }) });
    const a = new Table("a", md, { userId: column(Integer, { foreignKey: users.c.id }) });
    const b = new Table("b", md, { userId: column(Integer, { foreignKey: () => users.c.id }) });
    for (const t of [a, b]) expect(t.foreignKeys[0]?.column).toBe(users.c.id);
    const c = new Table("c", md, { ghostId: column(Integer, { foreignKey: "ghosts.id" }) });
    assertDDL(new CreateTable(c), { postgresql: /refers to table "ghosts", which is not in the MetaData \(it has: users, a, b, c\)/ });
    expect(() => new ForeignKey("nodot")).toThrow(/"table.column"/);
    expect(() => new ForeignKey("a.b", { ondelete: "EXPLODE" as "CASCADE" })).toThrow(/Invalid ondelete action/);
  });

  it("naming conventions name every kind of constraint and index", () => {
    const md = new MetaData({
      namingConvention: {
        pk: "pk_{table}",
        uq: "uq_{table}_{columns}",
        ck: "ck_{table}_{constraintName}",
        fk: (ctx) => `fk_${ctx.table}_${ctx.columns[0]}_${ctx.referredTable}_${ctx.referredColumns[0]}`,
        ix: "ix_{table}_{column0}",
      },
    });
    new Table("users", md, { id: column(Integer, { primaryKey: true }) });
    const t = new Table(
      "posts",
      md,
      { id: column(Integer, { primaryKey: true }), userId: column(Integer, { foreignKey: "users.id", index: true }), n: column(Integer) },
      (c) => [new UniqueConstraint([c.userId, c.n]), new CheckConstraint(c.n.gt(0), { name: "n_positive" }), new CheckConstraint("n < 100")],
    );
    assertDDL(new CreateTable(t), {
      postgresql:
        'CREATE TABLE posts (\n  id SERIAL NOT NULL,\n  "userId" INTEGER,\n  n INTEGER,\n  CONSTRAINT pk_posts PRIMARY KEY (id),\n' +
        '  CONSTRAINT "fk_posts_userId_users_id" FOREIGN KEY ("userId") REFERENCES users (id),\n' +
        '  CONSTRAINT "uq_posts_userId_n" UNIQUE ("userId", n),\n  CONSTRAINT ck_posts_n_positive CHECK (n > 0),\n  CHECK (n < 100)\n)',
    });
    expect(t.indexes[0]?.name).toBe("ix_posts_userId");
  });

  it("shortens generated names that are too long, with a stable hash", () => {
    const md = new MetaData({ namingConvention: { uq: "uq_{table}_{columns}" } });
    const long = "a".repeat(40);
    const t = new Table(long, md, { [`${long}_x`]: column(Integer), [`${long}_y`]: column(Integer) }, new UniqueConstraint([`${long}_x`, `${long}_y`]));
    const pg = /CONSTRAINT (\S+) UNIQUE/.exec(ddlLine(t, "postgresql"))?.[1] as string;
    expect(pg).toHaveLength(63);
    expect(pg).toMatch(/^uq_a{40}_a{10}_[0-9a-f]{8}$/);
    expect(ddlLine(t, "postgresql")).toBe(ddlLine(t, "postgresql"));
    expect(/CONSTRAINT (\S+) UNIQUE/.exec(ddlLine(t, "mysql"))?.[1]).toHaveLength(64);
    expect(/CONSTRAINT (\S+) UNIQUE/.exec(ddlLine(t, "sqlite"))?.[1]).toHaveLength(`uq_${long}_${long}_x_${long}_y`.length);
  });

  it("checks templates when the MetaData is made", () => {
    expect(() => new MetaData({ namingConvention: { uq: "uq_{tabel}" } })).toThrow(/Unknown token \{tabel\}/);
    expect(() => new MetaData({ namingConvention: { zz: "x" } as never })).toThrow(/Unknown naming convention key "zz"/);
  });
});

describe("identifier quoting", () => {
  it("quotes reserved words, capitals and odd characters, with each dialect's quote", () => {
    const md = new MetaData({ schema: "My Schema" });
    const t = new Table("Order", md, { select: column(Integer), "a b": column(Integer), 'q"`': column(Integer), plain_1: column(Integer) });
    assertDDL(new CreateTable(t), {
      postgresql: 'CREATE TABLE "My Schema"."Order" (\n  "select" INTEGER,\n  "a b" INTEGER,\n  "q""`" INTEGER,\n  plain_1 INTEGER\n)',
      mysql: 'CREATE TABLE `My Schema`.`Order` (\n  `select` INTEGER,\n  `a b` INTEGER,\n  `q"``` INTEGER,\n  plain_1 INTEGER\n)' + ENGINE,
    });
  });
});

describe("comments", () => {
  it("are inline on MySQL (columns and table) and separate statements elsewhere", () => {
    const t = new Table("c", new MetaData(), { x: column(Integer, { comment: "it's x" }) }, { comment: "a \\ table" });
    assertDDL(new CreateTable(t), {
      postgresql: "CREATE TABLE c (\n  x INTEGER\n)",
      mysql: "CREATE TABLE c (\n  x INTEGER COMMENT 'it''s x'\n) ENGINE=InnoDB COMMENT='a \\\\ table'",
    });
  });
});
