/**
 * The other DDL elements per dialect: indexes, DROP TABLE, constraints added
 * and dropped later, PostgreSQL enum types, sequences, comments, and the
 * catalog queries of checkFirst (with their bound parameters).
 */
import { describe, expect, it } from "vitest";
import {
  AddConstraint,
  CheckConstraint,
  CreateEnumType,
  CreateIndex,
  CreateSequence,
  DeferForeignKeys,
  DropConstraint,
  DropEnumType,
  DropIndex,
  DropSequence,
  DropTable,
  Enum,
  ForeignKeyConstraint,
  HasEnumType,
  HasSequence,
  HasTable,
  Index,
  Integer,
  MetaData,
  Sequence,
  SetColumnComment,
  SetTableComment,
  String as StringType,
  Table,
  UniqueConstraint,
  column,
  func,
  isDDLElement,
  text,
  type DDLElement,
} from "../../../src/index.js";
import { assertDDL, ddlCompilers, type DDLDialect } from "../../support/ddl.js";

function users(md = new MetaData()) {
  return new Table("users", md, {
    id: column(Integer, { primaryKey: true }),
    email: column(new StringType(100), { nullable: false }),
    name: column(new StringType(50)),
    active: column(Integer),
  });
}

describe("indexes", () => {
  it("plain, unique, multi-column and descending", () => {
    const t = users();
    const ix = new Index("ix_users_name_email", [t.c.name, t.c.email.desc()], { unique: true });
    expect(t.indexes).toContain(ix);
    assertDDL(new CreateIndex(ix), {
      postgresql: "CREATE UNIQUE INDEX ix_users_name_email ON users (name, email DESC)",
      sqlite: "CREATE UNIQUE INDEX ix_users_name_email ON users (name, email DESC)",
      mysql: "CREATE UNIQUE INDEX ix_users_name_email ON users (name, email DESC)",
    });
    assertDDL(new CreateIndex(ix, { ifNotExists: true }), { postgresql: "CREATE UNIQUE INDEX IF NOT EXISTS ix_users_name_email ON users (name, email DESC)" });
  });

  it("expression indexes: parenthesised; MariaDB has none", () => {
    const t = users();
    const ix = new Index("ix_users_lower_email", func.lower(t.c.email));
    assertDDL(new CreateIndex(ix), {
      postgresql: "CREATE INDEX ix_users_lower_email ON users ((lower(email)))",
      sqlite: "CREATE INDEX ix_users_lower_email ON users ((lower(email)))",
      mysql: "CREATE INDEX ix_users_lower_email ON users ((lower(email)))",
      mariadb: /mariadb dialect has no expression indexes/,
    });
  });

  it("partial indexes on PostgreSQL and SQLite, refused on MySQL", () => {
    const t = users();
    const ix = new Index("ix_active_email", t.c.email, { where: t.c.active.eq(1) });
    assertDDL(new CreateIndex(ix), {
      postgresql: "CREATE INDEX ix_active_email ON users (email) WHERE active = 1",
      sqlite: "CREATE INDEX ix_active_email ON users (email) WHERE active = 1",
      mysql: /no partial indexes/,
    });
    const raw = new Index("ix_raw", t.c.name, { where: text("name IS NOT NULL") });
    assertDDL(new CreateIndex(raw), { postgresql: "CREATE INDEX ix_raw ON users (name) WHERE name IS NOT NULL" });
  });

  it("an index method: before the columns on PostgreSQL, after on MySQL, refused on SQLite", () => {
    const t = users();
    const ix = new Index("ix_hash", t.c.email, { using: "hash" });
    assertDDL(new CreateIndex(ix), {
      postgresql: "CREATE INDEX ix_hash ON users USING hash (email)",
      mysql: "CREATE INDEX ix_hash ON users (email) USING HASH",
      sqlite: /SQLite has no index methods/,
    });
    expect(() => new Index("bad", t.c.email, { using: "x; drop" })).toThrow(/Invalid index method/);
  });

  it("named by the convention when unnamed; column options make indexes too", () => {
    const md = new MetaData();
    const t = new Table("people", md, { id: column(Integer, { primaryKey: true }), last: column(new StringType(20), { index: true }), first: column(new StringType(20), { nullable: false }) }, (c) => [
      new Index(undefined, [c.last, c.first]),
      new Index(undefined, func.upper(c.first)),
    ]);
    expect(t.indexes.map((i) => i.name)).toEqual(["ix_people_last", "ix_people_last_first", "ix_people_first"]);
    const none = new MetaData({ namingConvention: { ix: undefined } });
    const u = new Table("u", none, { a: column(Integer) });
    expect(() => new Index(undefined, u.c.a).name).toThrow(/has no name/);
  });

  it("in a schema: PostgreSQL and MySQL qualify the table, SQLite the index name", () => {
    const t = users(new MetaData({ schema: "app" }));
    const ix = new Index("ix_name", t.c.name);
    assertDDL(new CreateIndex(ix), {
      postgresql: "CREATE INDEX ix_name ON app.users (name)",
      sqlite: "CREATE INDEX app.ix_name ON users (name)",
      mysql: "CREATE INDEX ix_name ON app.users (name)",
    });
    assertDDL(new DropIndex(ix, { ifExists: true }), {
      postgresql: "DROP INDEX IF EXISTS app.ix_name",
      sqlite: "DROP INDEX IF EXISTS app.ix_name",
      mysql: "DROP INDEX ix_name ON app.users",
    });
  });

  it("refuses columns of another table", () => {
    const md = new MetaData();
    const a = users(md);
    expect(() => new Table("b", md, { x: column(Integer) }, new Index("ix", a.c.name))).toThrow(/already belongs to table users/);
    expect(() => new Table("c", md, { x: column(Integer) }, new Index("ix2", "nope"))).toThrow(/names column "nope", which table c does not have \(columns: x\)/);
  });
});

describe("DROP TABLE", () => {
  it("with IF EXISTS, and CASCADE on PostgreSQL only", () => {
    const t = users(new MetaData({ schema: "s" }));
    assertDDL(new DropTable(t), { postgresql: "DROP TABLE s.users", sqlite: "DROP TABLE s.users", mysql: "DROP TABLE s.users" });
    assertDDL(new DropTable(t, { ifExists: true, cascade: true }), { postgresql: "DROP TABLE IF EXISTS s.users CASCADE", sqlite: /no DROP TABLE \.\.\. CASCADE/ });
  });
});

describe("constraints added and dropped later", () => {
  const md = new MetaData();
  const parent = users(md);
  const child = new Table("child", md, { id: column(Integer, { primaryKey: true }), userId: column(Integer) });
  const fk = new ForeignKeyConstraint(["userId"], [parent.c.id], { ondelete: "CASCADE" });
  child.appendConstraint(fk);
  const uq = new UniqueConstraint("userId", { name: "uq_child_user" });
  child.appendConstraint(uq);
  const ck = new CheckConstraint("id > 0", { name: "ck_child_id" });
  child.appendConstraint(ck);

  it("ALTER TABLE ADD: an unnamed foreign key gets a name so that it can be dropped", () => {
    assertDDL(new AddConstraint(fk), {
      postgresql: 'ALTER TABLE child ADD CONSTRAINT "fk_child_userId_users" FOREIGN KEY ("userId") REFERENCES users (id) ON DELETE CASCADE',
      mysql: "ALTER TABLE child ADD CONSTRAINT `fk_child_userId_users` FOREIGN KEY (`userId`) REFERENCES users (id) ON DELETE CASCADE",
      sqlite: /cannot add or drop constraints/,
    });
    assertDDL(new AddConstraint(uq), { postgresql: 'ALTER TABLE child ADD CONSTRAINT uq_child_user UNIQUE ("userId")' });
  });

  it("ALTER TABLE DROP in each dialect's form", () => {
    assertDDL(new DropConstraint(fk), {
      postgresql: 'ALTER TABLE child DROP CONSTRAINT "fk_child_userId_users"',
      mysql: "ALTER TABLE child DROP FOREIGN KEY `fk_child_userId_users`",
      sqlite: /cannot add or drop constraints/,
    });
    assertDDL(new DropConstraint(fk, { ifExists: true }), {
      postgresql: 'ALTER TABLE child DROP CONSTRAINT IF EXISTS "fk_child_userId_users"',
      mysql: "ALTER TABLE child DROP FOREIGN KEY `fk_child_userId_users`",
      mariadb: "ALTER TABLE child DROP FOREIGN KEY IF EXISTS `fk_child_userId_users`",
    });
    assertDDL(new DropConstraint(uq), { postgresql: "ALTER TABLE child DROP CONSTRAINT uq_child_user", mysql: "ALTER TABLE child DROP INDEX uq_child_user" });
    assertDDL(new DropConstraint(ck), {
      postgresql: "ALTER TABLE child DROP CONSTRAINT ck_child_id",
      mysql: "ALTER TABLE child DROP CHECK ck_child_id",
      mariadb: "ALTER TABLE child DROP CONSTRAINT ck_child_id",
    });
    assertDDL(new DropConstraint(child.primaryKey), { mysql: "ALTER TABLE child DROP PRIMARY KEY", postgresql: /Cannot drop an unnamed PrimaryKeyConstraint/ });
  });
});

describe("deferred foreign key checks", () => {
  it("SQLite defers them for the transaction (dropAll of a cycle holding rows); the others drop the constraints instead", () => {
    assertDDL(new DeferForeignKeys(), { sqlite: "PRAGMA defer_foreign_keys = ON", postgresql: /cannot defer/, mysql: /cannot defer/ });
  });
});

describe("PostgreSQL enum types", () => {
  const status = new Enum(["new", "it's"], { name: "Status" });
  it("CREATE TYPE and DROP TYPE, only on PostgreSQL", () => {
    assertDDL(new CreateEnumType(status, "app"), { postgresql: `CREATE TYPE app."Status" AS ENUM ('new', 'it''s')`, sqlite: /no named enum types/, mysql: /no named enum types/ });
    assertDDL(new DropEnumType(status, undefined, { ifExists: true }), { postgresql: 'DROP TYPE IF EXISTS "Status"' });
  });
});

describe("sequences", () => {
  const seq = new Sequence("order_no", { start: 1, increment: 10, minValue: 1, maxValue: 9_000_000_000n, cache: 20, cycle: true });
  it("CREATE and DROP on PostgreSQL and MariaDB", () => {
    const create = "CREATE SEQUENCE order_no INCREMENT BY 10 MINVALUE 1 MAXVALUE 9000000000 START WITH 1 CACHE 20 CYCLE";
    assertDDL(new CreateSequence(seq), { postgresql: create, mariadb: create, mysql: /no sequences/, sqlite: /no sequences/ });
    assertDDL(new CreateSequence(new Sequence("s"), { ifNotExists: true }), { postgresql: "CREATE SEQUENCE IF NOT EXISTS s" });
    assertDDL(new DropSequence(seq, { ifExists: true }), { postgresql: "DROP SEQUENCE IF EXISTS order_no", mariadb: "DROP SEQUENCE IF EXISTS order_no" });
  });
  it("registers with a MetaData", () => {
    const md = new MetaData({ schema: "app" });
    const s = new Sequence("n", { metadata: md });
    expect(md.sequences.get("app.n")).toBe(s);
    expect(() => new Sequence("n", { metadata: md })).toThrow(/already defined/);
  });
});

describe("comments", () => {
  const t = new Table("c", new MetaData(), { x: column(Integer, { comment: "it's x" }) }, { comment: "tbl" });
  it("COMMENT ON in PostgreSQL, ALTER TABLE in MySQL, nothing in SQLite", () => {
    assertDDL(new SetTableComment(t), { postgresql: "COMMENT ON TABLE c IS 'tbl'", mysql: "ALTER TABLE c COMMENT 'tbl'", sqlite: /does not store comments/ });
    assertDDL(new SetColumnComment(t.c.x), {
      postgresql: "COMMENT ON COLUMN c.x IS 'it''s x'",
      mysql: "ALTER TABLE c MODIFY COLUMN x INTEGER COMMENT 'it''s x'",
      sqlite: /does not store comments/,
    });
  });
});

describe("catalog queries", () => {
  function compiled(element: DDLElement, dialect: DDLDialect): [string, unknown[]] {
    const c = ddlCompilers[dialect]().compile(element);
    return [c.sql, c.bindNames.map((n) => c.boundValues[n])];
  }

  it("HasTable looks in the search path or the named schema", () => {
    expect(compiled(new HasTable({ name: "users" }), "postgresql")).toEqual([
      "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        "WHERE c.relname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND pg_catalog.pg_table_is_visible(c.oid)",
      ["users"],
    ]);
    expect(compiled(new HasTable({ name: "users", schema: "app" }), "postgresql")[0]).toContain("AND n.nspname = $2");
    expect(compiled(new HasTable({ name: "users" }), "sqlite")).toEqual([
      "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? " +
        "UNION ALL SELECT name FROM sqlite_temp_master WHERE type IN ('table', 'view') AND name = ?",
      ["users", "users"],
    ]);
    expect(compiled(new HasTable({ name: "users", schema: "aux" }), "sqlite")).toEqual([
      "SELECT name FROM aux.sqlite_master WHERE type IN ('table', 'view') AND name = ?",
      ["users"],
    ]);
    expect(compiled(new HasTable({ name: "users" }), "mysql")).toEqual([
      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
      ["users"],
    ]);
    expect(compiled(new HasTable({ name: "users", schema: "app" }), "mysql")[1]).toEqual(["app", "users"]);
  });

  it("HasEnumType and HasSequence", () => {
    expect(compiled(new HasEnumType(new Enum(["a"], { name: "mood" }), "app"), "postgresql")).toEqual([
      "SELECT t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace " +
        "WHERE t.typname = $1 AND t.typtype = 'e' AND n.nspname = $2",
      ["mood", "app"],
    ]);
    expect(compiled(new HasSequence(new Sequence("s")), "postgresql")[0]).toContain("c.relkind = 'S'");
    expect(compiled(new HasSequence(new Sequence("s")), "mariadb")).toEqual([
      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'SEQUENCE' AND TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
      ["s"],
    ]);
    expect(() => compiled(new HasSequence(new Sequence("s")), "sqlite")).toThrow(/no sequences/);
  });

  it("compile({ dialect }) without a database, by name or with a dialect object", () => {
    const t = users();
    expect(new DropTable(t, { ifExists: true }).compile({ dialect: "mysql" }).sql).toBe("DROP TABLE IF EXISTS users");
    expect(new HasTable(t).compile({ dialect: "sqlite" }).params).toEqual(["users", "users"]);
    expect(new DropTable(t).compile({ dialect: { createDDLCompiler: ddlCompilers.postgresql } }).sql).toBe("DROP TABLE users");
    expect(() => new DropTable(t).compile({ dialect: "oracle" })).toThrow(/No DDL compiler is registered for dialect "oracle". Known: mariadb, mysql, postgresql, sqlite/);
  });

  it("DDL elements are marked for the engine and never cached", () => {
    const element = new HasTable({ name: "x" });
    expect(isDDLElement(element)).toBe(true);
    expect(isDDLElement(text("select 1"))).toBe(false);
    expect(element.cacheKey).toBeUndefined();
  });
});
