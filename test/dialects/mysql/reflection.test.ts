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
  NullType,
  Numeric,
  SmallInteger,
  String as StringType,
  Table,
  Text,
  Time,
  column,
  createEngine,
  insert,
  inspect,
  NoSuchSchemaError,
  NoSuchTableError,
  select,
  type Engine,
  type EngineOptions,
} from "../../../src/index.js";
import type { Connection, DialectReflection, ReflectionScope } from "../../../src/engine/index.js";
import { mysqlTypeFromColumn, parseMySQLEnumLabels } from "../../../src/dialects/mysql/index.js";
import { text } from "../../../src/sql/index.js";
import { describeEachBackend } from "../../support/suite.js";
import { CHINOOK_COUNTS, CHINOOK_TABLES, describeSchema, loadChinookMySQL } from "../../support/datasets.js";

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
            // InnoDB's default, RESTRICT (= NO ACTION), is reported as undefined
            onupdate: undefined,
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
      // (not fk_parent: the index MySQL made for that foreign key comes back with the foreign key)
      expect(idx.get("thing")).toEqual([
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
      expect(mysqlTypeFromColumn("datetime", "datetime(3)")).toMatchObject({ typeName: "DateTime", precision: 3 });
      expect(mysqlTypeFromColumn("timestamp", "timestamp")).toMatchObject({ typeName: "DateTime(timezone)", precision: 0 });
      expect(mysqlTypeFromColumn("set", "set('a','b')")).toBeInstanceOf(NullType);
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

describeEachBackend(
  "MariaDB reflection round trip",
  (ctx) => {
    const tag = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const sourceDb = `athanor_rt_src_${tag}`;
    const targetDb = `athanor_rt_dst_${tag}`;
    let source: Engine;
    let target: Engine;

    function engineFor(database: string, options: EngineOptions = {}): Engine {
      const url = new globalThis.URL(ctx.backend.url!);
      url.pathname = `/${database}`;
      return createEngine(url.toString(), options);
    }

    beforeAll(async () => {
      await using admin = await ctx.engine.connect();
      await admin.execDriverSql(`CREATE DATABASE \`${sourceDb}\` CHARACTER SET utf8mb4`);
      await admin.execDriverSql(`CREATE DATABASE \`${targetDb}\` CHARACTER SET utf8mb4`);
      source = engineFor(sourceDb);
      target = engineFor(targetDb);
      await using conn = await source.connect();
      await loadChinookMySQL(conn);
      // What Chinook lacks: a comment, a CHECK, referential actions, an enum, JSON, defaults, a unique constraint, a view.
      await conn.execDriverSql(
        `CREATE TABLE Review (
           ReviewId INT AUTO_INCREMENT PRIMARY KEY,
           TrackId INT NOT NULL,
           Stars SMALLINT NOT NULL DEFAULT 3,
           Body TEXT COMMENT 'free text',
           Created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
           Status ENUM('new', 'seen') NOT NULL DEFAULT 'new',
           Doc JSON,
           Score DECIMAL(4, 1) DEFAULT 2.5,
           ReplyTo INT,
           Seen DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3),
           Notes MEDIUMTEXT,
           CONSTRAINT uq_review UNIQUE (TrackId, Created),
           CONSTRAINT fk_review_reply FOREIGN KEY (ReplyTo) REFERENCES Review (ReviewId) ON DELETE SET NULL,
           CONSTRAINT ck_stars CHECK (Stars BETWEEN 1 AND 5),
           CONSTRAINT fk_review_track FOREIGN KEY (TrackId) REFERENCES Track (TrackId) ON DELETE CASCADE ON UPDATE RESTRICT
         ) COMMENT 'listener reviews'`,
      );
      await conn.execDriverSql(
        "CREATE VIEW TrackView AS SELECT t.TrackId, t.Name, a.Title AS Album FROM Track t JOIN Album a ON a.AlbumId = t.AlbumId",
      );
      await conn.commit();
    }, 120_000);

    afterAll(async () => {
      await source?.dispose();
      await target?.dispose();
      await using admin = await ctx.engine.connect();
      await admin.execDriverSql(`DROP DATABASE IF EXISTS \`${sourceDb}\``);
      await admin.execDriverSql(`DROP DATABASE IF EXISTS \`${targetDb}\``);
    });

    it("reflects Chinook, creates it in an empty database, and reflects the same description", async () => {
      // the data arrived whole
      const counts = await source.connect(async (conn) => {
        const out: Record<string, number> = {};
        for (const t of CHINOOK_TABLES) out[t] = Number((await conn.execDriverSql(`SELECT count(*) FROM \`${t}\``)).scalar());
        return out;
      });
      expect(counts).toEqual(CHINOOK_COUNTS);
      const metadata = new MetaData();
      const tables = await metadata.reflect(source);
      expect([...tables.keys()].sort()).toEqual([...CHINOOK, "Review"].sort());
      const before = await describeSchema(source);
      await metadata.createAll(target);
      const after = await describeSchema(target);
      expect(after).toEqual(before);
      const d = before as {
        columns: Record<string, { name: string; type: string; default: string | undefined; comment: string | undefined }[]>;
        fks: Record<string, unknown[]>;
        checks: Record<string, unknown[]>;
        comments: Record<string, string | undefined>;
      };
      expect(d.comments.Review).toBe("listener reviews");
      expect(d.checks.Review).toHaveLength(1);
      expect(d.fks.Review).toEqual([
        {
          name: "fk_review_reply",
          columns: ["ReplyTo"],
          referredSchema: undefined,
          referredTable: "Review",
          referredColumns: ["ReviewId"],
          ondelete: "SET NULL",
          onupdate: undefined,
        },
        {
          name: "fk_review_track",
          columns: ["TrackId"],
          referredSchema: undefined,
          referredTable: "Track",
          referredColumns: ["TrackId"],
          ondelete: "CASCADE",
          onupdate: undefined, // ON UPDATE RESTRICT: InnoDB's default
        },
      ]);
      expect(d.columns.Review?.map((c) => [c.name, c.type, c.default, c.comment])).toEqual([
        ["ReviewId", "Integer", undefined, undefined],
        ["TrackId", "Integer", undefined, undefined],
        ["Stars", "SmallInteger", "3", undefined],
        ["Body", "Text", undefined, "free text"],
        ["Created", "DateTime", "current_timestamp()", undefined],
        ["Status", 'Enum("new", "seen")', "'new'", undefined],
        ["Doc", "JSON", undefined, undefined],
        ["Score", "Numeric(4, 1)", "2.5", undefined],
        ["ReplyTo", "Integer", undefined, undefined],
        ["Seen", "DateTime", "current_timestamp(3)", undefined],
        ["Notes", "Text", undefined, undefined],
      ]);
      // DATETIME precisions and TEXT sizes come back as they were (the databaseType is compared above too)
      const types = Object.fromEntries((d.columns.Review as unknown as { name: string; databaseType: string }[]).map((c) => [c.name, c.databaseType]));
      expect(types).toMatchObject({ Created: "datetime", Seen: "datetime(3)", Body: "text", Notes: "mediumtext", ReviewId: "int(11)" });

      // statements on the new database through the reflected tables
      const artist = tables.get("Artist")!;
      const album = tables.get("Album")!;
      await target.connect(async (conn) => {
        await conn.execute(insert(artist).values({ ArtistId: 1, Name: "Ada" }));
        await conn.execute(insert(album).values({ AlbumId: 1, Title: "Notes", ArtistId: 1 }));
        const rows = (await conn.execute(select(album.c.Title!, artist.c.Name!).selectFrom(album.join(artist)))).mappings();
        expect(rows).toEqual([{ Title: "Notes", Name: "Ada" }]);
        await conn.commit();
      });
    });

    it("reflects with only, schema and views; autoloads; uses the tables in statements", async () => {
      const only = await new MetaData().reflect(source, { only: ["InvoiceLine"] });
      expect([...only.keys()].sort()).toEqual(["Album", "Artist", "Customer", "Employee", "Genre", "Invoice", "InvoiceLine", "MediaType", "Track"]);

      const withViews = await new MetaData().reflect(ctx.engine, { schema: sourceDb, views: true });
      const view = withViews.get(`${sourceDb}.TrackView`)!;
      expect(view).toBeDefined();
      expect(view.primaryKey.columns.length).toBe(0);
      const rows = await source.connect(async (conn) =>
        (await conn.execute(select(view.c.Name!, view.c.Album!).where(view.c.TrackId!.eq(1)))).mappings(),
      );
      expect(rows).toEqual([{ Name: "For Those About To Rock (We Salute You)", Album: "For Those About To Rock We Salute You" }]);
      // through another database's connection, with the schema in the SQL
      const viaOther = await ctx.engine.connect(async (conn) => (await conn.execute(select(view.c.TrackId!).where(view.c.TrackId!.eq(2)))).mappings());
      expect(viaOther).toEqual([{ TrackId: 2 }]);

      const metadata = new MetaData();
      const review = await Table.autoload("Review", metadata, source);
      expect([...metadata.tables.keys()].sort()).toEqual(["Album", "Artist", "Genre", "MediaType", "Review", "Track"]);
      await source.connect(async (conn) => {
        await conn.execute(insert(review).values({ TrackId: 1, Stars: 5, Body: "loud", Status: "seen", Doc: { a: [1, 2] } }));
        const track = metadata.tables.get("Track")!;
        const got = (
          await conn.execute(select(track.c.Name!, review.c.Stars!, review.c.Status!, review.c.Doc!, review.c.Score!).selectFrom(review.join(track)))
        ).mappings();
        expect(got).toEqual([{ Name: "For Those About To Rock (We Salute You)", Stars: 5, Status: "seen", Doc: { a: [1, 2] }, Score: "2.5" }]);
        await conn.rollback();
      });
    });

    it("maps POINT and SET to NullType with a warning (onWarning, else the engine's logger)", async () => {
      await source.connect(async (conn) => {
        await conn.execDriverSql("CREATE TABLE Odd (id INT PRIMARY KEY, spot POINT, tags SET('a', 'b'))");
        await conn.commit();
      });
      const expected = [
        'no type mapping for column "Odd"."spot" of type point; reflected as NullType.',
        `no type mapping for column "Odd"."tags" of type set('a','b'); reflected as NullType.`,
      ];
      try {
        const warnings: string[] = [];
        const odd = await Table.autoload("Odd", new MetaData(), source, { onWarning: (m) => warnings.push(m) });
        expect(warnings).toEqual(expected);
        expect(odd.c.spot!.type).toBeInstanceOf(NullType);
        expect(odd.c.tags!.type).toBeInstanceOf(NullType);
        const logged: string[] = [];
        const withLogger = engineFor(sourceDb, { logger: { info: () => {}, debug: () => {}, warn: (m) => logged.push(m) } });
        try {
          const again = await Table.autoload("Odd", new MetaData(), withLogger);
          expect(logged).toEqual(expected);
          await withLogger.connect(async (conn) => {
            await conn.execute(insert(again).values({ id: 1, tags: "a,b" }));
            expect((await conn.execute(select(again.c.id!, again.c.tags!))).mappings()).toEqual([{ id: 1, tags: "a,b" }]);
            await conn.rollback();
          });
        } finally {
          await withLogger.dispose();
        }
      } finally {
        await source.connect(async (conn) => {
          await conn.execDriverSql("DROP TABLE Odd");
          await conn.commit();
        });
      }
    });

    it("as a user with a privilege on one table only: the others do not exist for it", async () => {
      const user = `athanor_np_${tag}`.slice(0, 32);
      await using admin = await ctx.engine.connect();
      await admin.execDriverSql(`CREATE USER '${user}'@'%' IDENTIFIED BY 'np-secret'`);
      try {
        await admin.execDriverSql(`GRANT SELECT ON \`${sourceDb}\`.Artist TO '${user}'@'%'`);
        const url = new globalThis.URL(ctx.backend.url!);
        url.pathname = `/${sourceDb}`;
        url.username = user;
        url.password = "np-secret";
        const limited = createEngine(url.toString());
        try {
          const artist = await Table.autoload("Artist", new MetaData(), limited);
          const rows = await limited.connect(async (conn) => (await conn.execute(select(artist.c.Name!).where(artist.c.ArtistId!.eq(1)))).mappings());
          expect(rows).toEqual([{ Name: "AC/DC" }]);
          // information_schema shows only what the user has a privilege on
          await expect(Table.autoload("Album", new MetaData(), limited)).rejects.toThrow('No table named "Album".');
          expect(await inspect(limited).getTableNames()).toEqual(["Artist"]);
        } finally {
          await limited.dispose();
        }
      } finally {
        await admin.execDriverSql(`DROP USER '${user}'@'%'`);
      }
    });

    it("names what is missing: NoSuchTableError, NoSuchSchemaError", async () => {
      await expect(Table.autoload("Nope", new MetaData(), source)).rejects.toThrow(NoSuchTableError);
      await expect(Table.autoload("Nope", new MetaData(), source)).rejects.toThrow('No table named "Nope".');
      await expect(new MetaData().reflect(source, { only: ["Album", "Nope"] })).rejects.toThrow(NoSuchTableError);
      await expect(new MetaData().reflect(source, { schema: "athanor_nowhere" })).rejects.toThrow(NoSuchSchemaError);
      await expect(new MetaData().reflect(source, { schema: "athanor_nowhere" })).rejects.toThrow(/^No schema named "athanor_nowhere"; the database has: /);
      await expect(inspect(source).getColumns("Album", "athanor_nowhere")).rejects.toThrow(NoSuchSchemaError);
      await expect(Table.autoload("Album", new MetaData(), source, { schema: "athanor_nowhere" })).rejects.toThrow(NoSuchSchemaError);
    });
  },
  { only: ["mariadb"] },
);
