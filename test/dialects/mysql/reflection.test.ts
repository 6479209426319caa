/** MySQL/MariaDB reflection: information_schema batch queries on a hand-written schema and on Chinook. */
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  BigInteger,
  Boolean as BooleanType,
  Date as DateType,
  DateTime,
  Enum,
  Float,
  Integer,
  JSON,
  LargeBinary,
  MetaData,
  Numeric,
  SmallInteger,
  String as StringType,
  Table,
  Text,
  Time,
  column,
  createEngine,
  type Engine,
} from "../../../src/index.js";
import type { Connection, DialectReflection, ReflectionScope } from "../../../src/engine/index.js";
import { mysqlTypeFromColumn, parseMySQLEnumLabels } from "../../../src/dialects/mysql/index.js";
import { text } from "../../../src/sql/index.js";
import { describeEachBackend } from "../../support/suite.js";
import { CHINOOK_TABLES, loadChinookMySQL } from "../../support/datasets.js";

const HAND_DDL = [
  `CREATE TABLE parent (
     a INT NOT NULL,
     b VARCHAR(20) NOT NULL,
     label VARCHAR(10) DEFAULT 'x',
     PRIMARY KEY (a, b)
   ) COMMENT 'the parents'`,
  `CREATE TABLE thing (
     id INT AUTO_INCREMENT PRIMARY KEY,
     name VARCHAR(50) NOT NULL,
     flag TINYINT(1) NOT NULL DEFAULT 0,
     small SMALLINT,
     big BIGINT,
     price DECIMAL(10, 2),
     ratio DOUBLE,
     born DATE,
     seen DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6),
     stamp TIMESTAMP NULL,
     at_time TIME,
     body TEXT,
     data LONGBLOB,
     doc JSON,
     status ENUM('draft', 'it''s', 'done') NOT NULL DEFAULT 'draft',
     geo POINT,
     pa INT,
     pb VARCHAR(20),
     email VARCHAR(100) COMMENT 'mail; address',
     CONSTRAINT uq_email UNIQUE (email),
     CONSTRAINT fk_parent FOREIGN KEY (pa, pb) REFERENCES parent (a, b) ON DELETE CASCADE,
     CONSTRAINT ck_price CHECK (price >= 0)
   )`,
  `CREATE TABLE child (
     cid INT PRIMARY KEY,
     thing_id INT,
     CONSTRAINT fk_child_thing FOREIGN KEY (thing_id) REFERENCES thing (id) ON DELETE SET NULL ON UPDATE CASCADE
   )`,
  `CREATE INDEX ix_thing_name ON thing (name)`,
  `CREATE UNIQUE INDEX ux_thing_multi ON thing (big, ratio)`,
  `CREATE TABLE empty_one (x TEXT)`,
  `CREATE VIEW v_things AS SELECT id, name FROM thing`,
];

const CHINOOK: string[] = [...CHINOOK_TABLES];

describeEachBackend(
  "MySQL reflection",
  (ctx) => {
    const database = `athanor_refl_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    let engine: Engine;
    let refl: DialectReflection;
    let count = 0;

    beforeAll(async () => {
      await using admin = await ctx.engine.connect();
      await admin.execDriverSql(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
      const url = new globalThis.URL(ctx.backend.url!);
      url.pathname = `/${database}`;
      engine = createEngine(url.toString());
      engine.events.on("beforeExecute", () => {
        count++;
      });
      await engine.initialize();
      refl = engine.dialect.reflection!;
      await using conn = await engine.connect();
      for (const ddl of HAND_DDL) await conn.execute(text(ddl));
      await loadChinookMySQL(conn);
    }, 120_000);

    afterAll(async () => {
      await engine?.dispose();
      await using admin = await ctx.engine.connect();
      await admin.execDriverSql(`DROP DATABASE IF EXISTS \`${database}\``);
    });

    async function withConn<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
      await using conn = await engine.connect();
      return await fn(conn);
    }

    const HAND: ReflectionScope = { schema: undefined, tables: ["parent", "thing", "child", "empty_one"] };

    it("lists schemas, tables and views, and a view's definition", async () => {
      await withConn(async (conn) => {
        expect(await refl.defaultSchema(conn)).toBe(database);
        const schemas = await refl.schemaNames(conn);
        expect(schemas).toContain(database);
        expect(schemas).not.toContain("information_schema");
        expect(await refl.tableNames(conn, undefined)).toEqual([...CHINOOK, "child", "empty_one", "parent", "thing"].sort());
        expect(await refl.tableNames(conn, database)).toEqual(await refl.tableNames(conn, undefined));
        expect(await refl.viewNames(conn, undefined)).toEqual(["v_things"]);
        expect(await refl.viewDefinition(conn, "v_things", undefined)).toMatch(/select .*`id`.*from/i);
        expect(await refl.viewDefinition(conn, "nope", undefined)).toBeUndefined();
      });
    });

    it("reflects columns with types, nullability, defaults, autoincrement and comments", async () => {
      const warnings: string[] = [];
      const cols = await withConn((conn) =>
        refl.columns(conn, { schema: undefined, tables: ["thing", "parent", "v_things", "missing"] }, (m) => warnings.push(m)),
      );
      expect(warnings).toEqual(['no type mapping for column "thing"."geo" of type point; reflected as NullType.']);
      const thing = cols.get("thing")!;
      const by = (name: string) => thing.find((c) => c.name === name)!;
      const types = Object.fromEntries(thing.map((c) => [c.name, c.type.typeName]));
      expect(types).toEqual({
        id: "Integer",
        name: "String(50)",
        flag: "Boolean",
        small: "SmallInteger",
        big: "BigInteger",
        price: "Numeric(10, 2)",
        ratio: "Float",
        born: "Date",
        seen: "DateTime",
        stamp: "DateTime(timezone)",
        at_time: "Time",
        body: "Text",
        data: "LargeBinary",
        doc: "JSON",
        status: `Enum("draft", "it's", "done")`,
        geo: "NullType",
        pa: "Integer",
        pb: "String(20)",
        email: "String(100)",
      });
      expect(by("id")).toMatchObject({ nullable: false, autoincrement: true, default: undefined });
      expect(by("name")).toMatchObject({ nullable: false, autoincrement: false, databaseType: "varchar(50)" });
      expect(by("flag")).toMatchObject({ nullable: false, default: "0", databaseType: "tinyint(1)" });
      expect(by("seen").default).toMatch(/^current_timestamp\(6\)$/i);
      expect(by("stamp")).toMatchObject({ nullable: true, default: undefined });
      expect(by("status")).toMatchObject({ nullable: false, default: "'draft'" });
      expect(by("email")).toMatchObject({ nullable: true, comment: "mail; address" });
      expect(by("big").comment).toBeUndefined();
      expect(cols.get("parent")!.map((c) => [c.name, c.nullable, c.default])).toEqual([
        ["a", false, undefined],
        ["b", false, undefined],
        ["label", true, "'x'"],
      ]);
      expect(cols.get("v_things")!.map((c) => c.name)).toEqual(["id", "name"]);
      expect(cols.get("missing")).toEqual([]);
    });

    it("reflects primary keys, foreign keys with actions, unique and check constraints, comments", async () => {
      await withConn(async (conn) => {
        const pks = await refl.primaryKeys(conn, HAND);
        expect(pks.get("parent")).toEqual({ name: undefined, columns: ["a", "b"] });
        expect(pks.get("thing")).toEqual({ name: undefined, columns: ["id"] });
        expect(pks.get("empty_one")).toEqual({ name: undefined, columns: [] });
        const fks = await refl.foreignKeys(conn, HAND);
        expect(fks.get("thing")).toEqual([
          {
            name: "fk_parent",
            columns: ["pa", "pb"],
            referredSchema: undefined,
            referredTable: "parent",
            referredColumns: ["a", "b"],
            ondelete: "CASCADE",
            onupdate: expect.stringMatching(/^(RESTRICT)$/) as unknown,
          },
        ]);
        expect(fks.get("child")).toEqual([
          {
            name: "fk_child_thing",
            columns: ["thing_id"],
            referredSchema: undefined,
            referredTable: "thing",
            referredColumns: ["id"],
            ondelete: "SET NULL",
            onupdate: "CASCADE",
          },
        ]);
        expect(fks.get("parent")).toEqual([]);
        const uqs = await refl.uniqueConstraints(conn, HAND);
        expect(uqs.get("thing")).toEqual([
          { name: "uq_email", columns: ["email"] },
          { name: "ux_thing_multi", columns: ["big", "ratio"] },
        ]);
        expect(uqs.get("child")).toEqual([]);
        const checks = await refl.checkConstraints(conn, HAND);
        expect(checks.get("thing")).toEqual([{ name: "ck_price", sqltext: expect.stringMatching(/`price` >= 0/) as unknown }]);
        expect(checks.get("parent")).toEqual([]);
        const missing: ReflectionScope = { schema: undefined, tables: ["missing"] };
        expect((await refl.primaryKeys(conn, missing)).get("missing")).toEqual({ name: undefined, columns: [] });
        expect((await refl.foreignKeys(conn, missing)).get("missing")).toEqual([]);
        expect((await refl.indexes(conn, missing)).get("missing")).toEqual([]);
        expect((await refl.uniqueConstraints(conn, missing)).get("missing")).toEqual([]);
        expect((await refl.checkConstraints(conn, missing)).get("missing")).toEqual([]);
        const comments = await refl.tableComments(conn, HAND);
        expect(comments.get("parent")).toBe("the parents");
        expect(comments.get("thing")).toBeUndefined();
        expect(comments.has("empty_one")).toBe(true);
      });
    });

    it("reflects indexes, unique and multi-column ones included", async () => {
      const idx = await withConn((conn) => refl.indexes(conn, HAND));
      expect(idx.get("thing")).toEqual([
        { name: "fk_parent", columns: ["pa", "pb"], expressions: [undefined, undefined], unique: false, where: undefined },
        { name: "ix_thing_name", columns: ["name"], expressions: [undefined], unique: false, where: undefined },
        { name: "uq_email", columns: ["email"], expressions: [undefined], unique: true, where: undefined },
        { name: "ux_thing_multi", columns: ["big", "ratio"], expressions: [undefined, undefined], unique: true, where: undefined },
      ]);
      expect(idx.get("empty_one")).toEqual([]);
    });

    it("maps column types, enum labels and unknown types", () => {
      expect(parseMySQLEnumLabels("enum('a','b,c','it''s','x\\\\y')")).toEqual(["a", "b,c", "it's", "x\\y"]);
      expect(mysqlTypeFromColumn("tinyint", "tinyint(4)").typeName).toBe("SmallInteger");
      expect(mysqlTypeFromColumn("int", "int(10) unsigned").typeName).toBe("Integer");
      expect(mysqlTypeFromColumn("longtext", "longtext", true).typeName).toBe("JSON");
      expect(mysqlTypeFromColumn("float", "float").typeName).toBe("Float");
      expect(mysqlTypeFromColumn("mediumblob", "mediumblob").typeName).toBe("LargeBinary");
    });

    it("reads back the types createAll wrote", async () => {
      const metadata = new MetaData();
      new Table("own_types", metadata, {
        id: column(Integer, { primaryKey: true }),
        big: column(BigInteger),
        small: column(SmallInteger),
        ratio: column(Float),
        price: column(new Numeric(10, 2)),
        flag: column(BooleanType, { nullable: false }),
        name: column(new StringType(40)),
        body: column(Text),
        data: column(LargeBinary),
        born: column(DateType),
        at: column(Time),
        seen: column(DateTime),
        stamp: column(new DateTime({ timezone: true })),
        doc: column(JSON),
        status: column(new Enum(["draft", "done"])),
      });
      await metadata.createAll(engine);
      try {
        const cols = await withConn((conn) => refl.columns(conn, { schema: undefined, tables: ["own_types"] }));
        expect(Object.fromEntries(cols.get("own_types")!.map((c) => [c.name, c.type.typeName]))).toEqual({
          id: "Integer",
          big: "BigInteger",
          small: "SmallInteger",
          ratio: "Float",
          price: "Numeric(10, 2)",
          flag: "Boolean",
          name: "String(40)",
          body: "Text",
          data: "LargeBinary",
          born: "Date",
          at: "Time",
          seen: "DateTime",
          stamp: "DateTime(timezone)",
          doc: "JSON",
          status: 'Enum("draft", "done")',
        });
        const checks = await withConn((conn) => refl.checkConstraints(conn, { schema: undefined, tables: ["own_types"] }));
        expect(checks.get("own_types")).toEqual([]);
      } finally {
        await metadata.dropAll(engine);
      }
    });

    it("reflects Chinook, with one query per batch method", async () => {
      await withConn(async (conn) => {
        const scope: ReflectionScope = { schema: database, tables: CHINOOK };
        const counted = async <T>(fn: () => Promise<T>): Promise<T> => {
          const before = count;
          const value = await fn();
          expect(count - before).toBe(1);
          return value;
        };
        const cols = await counted(() => refl.columns(conn, scope));
        const pks = await counted(() => refl.primaryKeys(conn, scope));
        const fks = await counted(() => refl.foreignKeys(conn, scope));
        const idx = await counted(() => refl.indexes(conn, scope));
        const uqs = await counted(() => refl.uniqueConstraints(conn, scope));
        const cks = await counted(() => refl.checkConstraints(conn, scope));
        const comments = await counted(() => refl.tableComments(conn, scope));
        for (const m of [cols, pks, fks, idx, uqs, cks, comments]) expect([...m.keys()].sort()).toEqual([...CHINOOK].sort());

        expect(cols.get("Invoice")!.map((c) => [c.name, c.type.typeName, c.nullable])).toEqual([
          ["InvoiceId", "Integer", false],
          ["CustomerId", "Integer", false],
          ["InvoiceDate", "DateTime", false],
          ["BillingAddress", "String(70)", true],
          ["BillingCity", "String(40)", true],
          ["BillingState", "String(40)", true],
          ["BillingCountry", "String(40)", true],
          ["BillingPostalCode", "String(10)", true],
          ["Total", "Numeric(10, 2)", false],
        ]);
        expect(cols.get("Invoice")![0]!.autoincrement).toBe(false);
        expect(cols.get("Track")!.map((c) => [c.name, c.type.typeName, c.nullable])).toEqual([
          ["TrackId", "Integer", false],
          ["Name", "String(200)", false],
          ["AlbumId", "Integer", true],
          ["MediaTypeId", "Integer", false],
          ["GenreId", "Integer", true],
          ["Composer", "String(220)", true],
          ["Milliseconds", "Integer", false],
          ["Bytes", "Integer", true],
          ["UnitPrice", "Numeric(10, 2)", false],
        ]);
        expect(pks.get("InvoiceLine")).toEqual({ name: undefined, columns: ["InvoiceLineId"] });
        expect(pks.get("PlaylistTrack")).toEqual({ name: undefined, columns: ["PlaylistId", "TrackId"] });
        expect(fks.get("InvoiceLine")).toEqual([
          {
            name: "FK_InvoiceLineInvoiceId",
            columns: ["InvoiceId"],
            referredSchema: undefined,
            referredTable: "Invoice",
            referredColumns: ["InvoiceId"],
            ondelete: undefined,
            onupdate: undefined,
          },
          {
            name: "FK_InvoiceLineTrackId",
            columns: ["TrackId"],
            referredSchema: undefined,
            referredTable: "Track",
            referredColumns: ["TrackId"],
            ondelete: undefined,
            onupdate: undefined,
          },
        ]);
        expect(fks.get("Track")!.map((f) => f.referredTable)).toEqual(["Album", "Genre", "MediaType"]);
        expect(idx.get("InvoiceLine")!.map((i) => [i.name, i.columns, i.unique])).toEqual([
          ["IFK_InvoiceLineInvoiceId", ["InvoiceId"], false],
          ["IFK_InvoiceLineTrackId", ["TrackId"], false],
        ]);
        expect(idx.get("Invoice")!.map((i) => i.name)).toEqual(["IFK_InvoiceCustomerId"]);
        expect(idx.get("Track")!.map((i) => i.name)).toEqual(["IFK_TrackAlbumId", "IFK_TrackGenreId", "IFK_TrackMediaTypeId"]);
        expect(uqs.get("Track")).toEqual([]);
        expect(cks.get("Track")).toEqual([]);

        // The whole schema in one query too.
        const before = count;
        const all = await refl.foreignKeys(conn, { schema: undefined, tables: undefined });
        expect(count - before).toBe(1);
        expect([...all.keys()].sort()).toEqual([...CHINOOK, "child", "empty_one", "parent", "thing"].sort());
        expect(all.get("Artist")).toEqual([]);
      });
    });
  },
  { only: ["mariadb"] },
);
