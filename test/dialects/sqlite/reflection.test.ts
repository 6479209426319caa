/** SQLite reflection: PRAGMA-based batch queries on a hand-written schema and on Chinook. */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Connection, DialectReflection, ReflectionScope } from "../../../src/engine/index.js";
import { sqliteTypeFromDeclared } from "../../../src/dialects/sqlite/index.js";
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
  insert,
  inspect,
  NoSuchSchemaError,
  NoSuchTableError,
  select,
  text,
  type Engine,
} from "../../../src/index.js";
import { describeEachBackend } from "../../support/suite.js";
import { CHINOOK_COUNTS, CHINOOK_TABLES, describeSchema, loadChinookSQLite } from "../../support/datasets.js";
import { sqliteFilePath } from "../../support/backends.js";

const HAND_DDL = [
  `CREATE TABLE parent (
     a INTEGER NOT NULL,
     b VARCHAR(20) NOT NULL,
     label TEXT DEFAULT 'x',
     CONSTRAINT pk_parent PRIMARY KEY (a, b)
   )`,
  `CREATE TABLE thing (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name VARCHAR(50) NOT NULL,
     flag BOOLEAN NOT NULL DEFAULT 0,
     big BIGINT,
     price NUMERIC(10, 2),
     ratio REAL,
     born DATE,
     seen DATETIME DEFAULT CURRENT_TIMESTAMP,
     at_time TIME,
     body TEXT,
     data BLOB,
     doc JSON,
     untyped,
     weird FANCYTYPE,
     pa INTEGER,
     pb VARCHAR(20),
     email VARCHAR(100) CONSTRAINT uq_email UNIQUE,
     code CHAR(3) CHECK (code <> 'x,y'),
     CONSTRAINT fk_parent FOREIGN KEY (pa, pb) REFERENCES parent (a, b) ON DELETE CASCADE,
     CONSTRAINT ck_price CHECK (price >= 0),
     UNIQUE (name, born)
   )`,
  `CREATE TABLE child (
     cid INTEGER PRIMARY KEY,
     thing_id INTEGER REFERENCES thing ON DELETE SET NULL ON UPDATE CASCADE
   )`,
  `CREATE INDEX ix_thing_name ON thing (name)`,
  `CREATE UNIQUE INDEX ux_thing_multi ON thing (big, ratio DESC)`,
  `CREATE INDEX ix_thing_expr ON thing (lower(name), big) WHERE big > 0`,
  `CREATE TABLE empty_one (x TEXT)`,
  `CREATE VIEW v_things AS SELECT id, name FROM thing`,
];

const ALL: ReflectionScope = { schema: undefined, tables: undefined };

describeEachBackend(
  "SQLite reflection",
  (ctx) => {
    let refl: DialectReflection;
    beforeAll(async () => {
      refl = ctx.engine.dialect.reflection!;
      await using conn = await ctx.engine.connect();
      for (const ddl of HAND_DDL) await conn.execute(text(ddl));
      await conn.commit();
    });

    async function withConn<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
      await using conn = await ctx.engine.connect();
      return await fn(conn);
    }

    it("lists schemas, tables and views, and a view's definition", async () => {
      await withConn(async (conn) => {
        expect(await refl.defaultSchema(conn)).toBe("main");
        expect(await refl.schemaNames(conn)).toContain("main");
        expect(await refl.tableNames(conn, undefined)).toEqual(["child", "empty_one", "parent", "thing"]);
        expect(await refl.viewNames(conn, undefined)).toEqual(["v_things"]);
        expect(await refl.viewDefinition(conn, "v_things", undefined)).toMatch(/SELECT id, name FROM thing/);
        expect(await refl.viewDefinition(conn, "nope", undefined)).toBeUndefined();
      });
    });

    it("reflects columns with types, nullability, defaults and autoincrement", async () => {
      const warnings: string[] = [];
      const cols = await withConn((conn) =>
        refl.columns(conn, { schema: undefined, tables: ["thing", "child", "parent", "v_things"] }, (m) => warnings.push(m)),
      );
      // A declared type SQLite's affinity rules do not recognise has NUMERIC affinity: a Numeric, and a warning.
      expect(warnings).toEqual([
        `no type mapping for column "thing"."weird" of declared type FANCYTYPE; reflected as Numeric (SQLite's NUMERIC affinity).`,
      ]);
      const thing = cols.get("thing")!;
      const by = (name: string) => thing.find((c) => c.name === name)!;
      expect(thing.map((c) => c.name)).toEqual([
        "id", "name", "flag", "big", "price", "ratio", "born", "seen", "at_time", "body", "data", "doc", "untyped", "weird", "pa", "pb", "email", "code",
      ]);
      const types = Object.fromEntries(thing.map((c) => [c.name, c.type.typeName]));
      expect(types).toEqual({
        id: "Integer",
        name: "String(50)",
        flag: "Boolean",
        big: "BigInteger",
        price: "Numeric(10, 2)",
        ratio: "Float",
        born: "Date",
        seen: "DateTime",
        at_time: "Time",
        body: "Text",
        data: "LargeBinary",
        doc: "JSON",
        untyped: "NullType",
        weird: "Numeric",
        pa: "Integer",
        pb: "String(20)",
        email: "String(100)",
        code: "String(3)",
      });
      expect(by("id")).toMatchObject({ nullable: false, autoincrement: true, default: undefined, databaseType: "INTEGER" });
      expect(by("name")).toMatchObject({ nullable: false, autoincrement: false, databaseType: "VARCHAR(50)" });
      expect(by("flag")).toMatchObject({ nullable: false, default: "0" });
      expect(by("seen")).toMatchObject({ nullable: true, default: "CURRENT_TIMESTAMP" });
      expect(by("big").comment).toBeUndefined();
      expect(cols.get("child")!.find((c) => c.name === "cid")).toMatchObject({ autoincrement: true, nullable: false });
      const parent = cols.get("parent")!;
      expect(parent.map((c) => [c.name, c.nullable, c.autoincrement, c.default])).toEqual([
        ["a", false, false, undefined],
        ["b", false, false, undefined],
        ["label", true, false, "'x'"],
      ]);
      expect(cols.get("v_things")!.map((c) => c.name)).toEqual(["id", "name"]);
    });

    it("reflects primary keys, named and composite", async () => {
      const pks = await withConn((conn) => refl.primaryKeys(conn, ALL));
      expect(pks.get("parent")).toEqual({ name: "pk_parent", columns: ["a", "b"] });
      expect(pks.get("thing")).toEqual({ name: undefined, columns: ["id"] });
      expect(pks.get("empty_one")).toEqual({ name: undefined, columns: [] });
    });

    it("reflects foreign keys with names, referred columns and actions", async () => {
      const fks = await withConn((conn) => refl.foreignKeys(conn, ALL));
      expect(fks.get("thing")).toEqual([
        {
          name: "fk_parent",
          columns: ["pa", "pb"],
          referredSchema: undefined,
          referredTable: "parent",
          referredColumns: ["a", "b"],
          ondelete: "CASCADE",
          onupdate: undefined,
        },
      ]);
      expect(fks.get("child")).toEqual([
        {
          name: undefined,
          columns: ["thing_id"],
          referredSchema: undefined,
          referredTable: "thing",
          referredColumns: ["id"],
          ondelete: "SET NULL",
          onupdate: "CASCADE",
        },
      ]);
      expect(fks.get("parent")).toEqual([]);
    });

    it("reflects indexes (unique, multi-column, expressions, partial) apart from unique constraints", async () => {
      const idx = await withConn((conn) => refl.indexes(conn, ALL));
      expect(idx.get("thing")).toEqual([
        { name: "ix_thing_expr", columns: [undefined, "big"], expressions: ["lower(name)", undefined], unique: false, where: "big > 0" },
        { name: "ix_thing_name", columns: ["name"], expressions: [undefined], unique: false, where: undefined },
        { name: "ux_thing_multi", columns: ["big", "ratio"], expressions: [undefined, undefined], unique: true, where: undefined },
      ]);
      expect(idx.get("child")).toEqual([]);
      const uqs = await withConn((conn) => refl.uniqueConstraints(conn, ALL));
      expect(uqs.get("thing")).toEqual(
        expect.arrayContaining([
          { name: "uq_email", columns: ["email"] },
          { name: undefined, columns: ["name", "born"] },
        ]),
      );
      expect(uqs.get("thing")).toHaveLength(2);
      expect(uqs.get("parent")).toEqual([]);
    });

    it("reads CHECK constraints from the CREATE TABLE text; there are no comments", async () => {
      const checks = await withConn((conn) => refl.checkConstraints(conn, ALL));
      expect(checks.get("thing")).toEqual([
        { name: undefined, sqltext: "code <> 'x,y'" },
        { name: "ck_price", sqltext: "price >= 0" },
      ]);
      expect(checks.get("child")).toEqual([]);
      const missing: ReflectionScope = { schema: undefined, tables: ["missing"] };
      await withConn(async (conn) => {
        expect((await refl.columns(conn, missing)).get("missing")).toEqual([]);
        expect((await refl.primaryKeys(conn, missing)).get("missing")).toEqual({ name: undefined, columns: [] });
        expect((await refl.foreignKeys(conn, missing)).get("missing")).toEqual([]);
        expect((await refl.indexes(conn, missing)).get("missing")).toEqual([]);
        expect((await refl.uniqueConstraints(conn, missing)).get("missing")).toEqual([]);
        expect((await refl.checkConstraints(conn, missing)).get("missing")).toEqual([]);
      });
      const comments = await withConn((conn) => refl.tableComments(conn, ALL));
      expect([...comments.keys()].sort()).toEqual(["child", "empty_one", "parent", "thing"]);
      expect([...comments.values()].every((v) => v === undefined)).toBe(true);
    });

    it("maps declared types by name, then by SQLite's affinity rules", () => {
      expect(sqliteTypeFromDeclared("NVARCHAR(40)").typeName).toBe("String(40)");
      expect(sqliteTypeFromDeclared("timestamp").typeName).toBe("DateTime");
      expect(sqliteTypeFromDeclared("UNSIGNED INTEGER").typeName).toBe("Integer");
      expect(sqliteTypeFromDeclared("VARYING CHARACTER(9)").typeName).toBe("String(9)");
      expect(sqliteTypeFromDeclared("LONGTEXTISH").typeName).toBe("Text");
      expect(sqliteTypeFromDeclared("DOUBLE PRECISION").typeName).toBe("Float");
    });

    it("reflects Chinook, with one query per batch method", async () => {
      await withConn((conn) => loadChinookSQLite(conn));
      const tables: string[] = [...CHINOOK_TABLES];
      let count = 0;
      const listener = (): void => {
        count++;
      };
      ctx.engine.events.on("beforeExecute", listener);
      try {
        await withConn(async (conn) => {
          const names = await refl.tableNames(conn, undefined);
          for (const t of tables) expect(names).toContain(t);
          const scope: ReflectionScope = { schema: "main", tables };
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
          for (const m of [cols, pks, fks, idx, uqs, cks, comments]) expect([...m.keys()].sort()).toEqual([...tables].sort());

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
          expect(cols.get("Invoice")![0]!.autoincrement).toBe(true);
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
          expect(pks.get("InvoiceLine")).toEqual({ name: "PK_InvoiceLine", columns: ["InvoiceLineId"] });
          expect(pks.get("PlaylistTrack")).toEqual({ name: "PK_PlaylistTrack", columns: ["PlaylistId", "TrackId"] });
          const lineFks = fks.get("InvoiceLine")!.map((f) => [f.columns, f.referredTable, f.referredColumns, f.ondelete, f.onupdate]);
          expect(lineFks).toEqual([
            [["InvoiceId"], "Invoice", ["InvoiceId"], undefined, undefined],
            [["TrackId"], "Track", ["TrackId"], undefined, undefined],
          ]);
          expect(fks.get("Track")!.map((f) => f.referredTable)).toEqual(["Album", "Genre", "MediaType"]);
          expect(idx.get("InvoiceLine")!.map((i) => [i.name, i.columns, i.unique])).toEqual([
            ["IFK_InvoiceLineInvoiceId", ["InvoiceId"], false],
            ["IFK_InvoiceLineTrackId", ["TrackId"], false],
          ]);
          expect(idx.get("Invoice")!.map((i) => i.name)).toEqual(["IFK_InvoiceCustomerId"]);
          expect(idx.get("Track")!.map((i) => i.name)).toEqual(["IFK_TrackAlbumId", "IFK_TrackGenreId", "IFK_TrackMediaTypeId"]);
        });
        // Whole-schema scope: still one query each.
        await withConn(async (conn) => {
          const before = count;
          const all = await refl.columns(conn, ALL);
          expect(count - before).toBe(1);
          for (const t of tables) expect(all.has(t)).toBe(true);
        });
      } finally {
        ctx.engine.events.off("beforeExecute", listener);
      }
    });
  },
  { only: ["sqlite-memory", "sqlite-file"] },
);

describeEachBackend(
  "SQLite reflection of Athanor's own DDL",
  (ctx) => {
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
        doc: column(JSON),
        status: column(new Enum(["draft", "done"])),
      });
      await metadata.createAll(ctx.engine);
      const cols = await ctx.engine.connect(async (conn) =>
        ctx.engine.dialect.reflection!.columns(conn, { schema: undefined, tables: ["own_types"] }),
      );
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
        // JSON is stored as TEXT and a non-native enum as VARCHAR with a CHECK constraint.
        doc: "Text",
        status: "String(5)",
      });
      expect(cols.get("own_types")!.find((c) => c.name === "flag")!.nullable).toBe(false);
    });
  },
  { only: ["sqlite-memory"] },
);

describeEachBackend(
  "SQLite reflection round trip",
  () => {
    const engines: Engine[] = [];
    function engine(url: string): Engine {
      const e = createEngine(url);
      engines.push(e);
      return e;
    }
    let source: Engine;
    beforeAll(async () => {
      source = engine("sqlite+better-sqlite3://");
      await source.connect((conn) => loadChinookSQLite(conn));
      await source.connect(async (conn) => {
        await conn.execDriverSql(
          'CREATE VIEW "TrackView" AS SELECT t."TrackId", t."Name", a."Title" AS "Album" FROM "Track" t JOIN "Album" a ON a."AlbumId" = t."AlbumId"',
        );
        await conn.commit();
      });
    });
    afterAll(async () => {
      await Promise.all(engines.map((e) => e.dispose()));
    });

    it("reflects Chinook, creates it in an empty database (memory and file), and reflects the same description", async () => {
      // the data arrived whole
      const counts = await source.connect(async (conn) => {
        const out: Record<string, number> = {};
        for (const t of CHINOOK_TABLES) out[t] = Number((await conn.execDriverSql(`SELECT count(*) FROM "${t}"`)).scalar());
        return out;
      });
      expect(counts).toEqual(CHINOOK_COUNTS);
      const metadata = new MetaData();
      const tables = await metadata.reflect(source);
      expect([...tables.keys()].sort()).toEqual([...CHINOOK_TABLES].sort());
      const before = await describeSchema(source, undefined, { databaseTypes: false });
      for (const url of ["sqlite+better-sqlite3://", `sqlite+better-sqlite3:///${sqliteFilePath("chinook-rt")}`]) {
        const target = engine(url);
        await metadata.createAll(target);
        const after = await describeSchema(target, undefined, { databaseTypes: false });
        expect(after).toEqual(before);
        // the reflected tables work in statements on the new database
        const artist = tables.get("Artist")!;
        const album = tables.get("Album")!;
        await target.connect(async (conn) => {
          await conn.execute(insert(artist).values({ Name: "Ada" }));
          const artistId = (await conn.execute(select(artist.c.ArtistId!).where(artist.c.Name!.eq("Ada")))).scalar();
          expect(artistId).toBe(1); // INTEGER PRIMARY KEY: the rowid, assigned by the database
          await conn.execute(insert(album).values({ Title: "Notes", ArtistId: artistId }));
          const rows = (await conn.execute(select(album.c.Title!, artist.c.Name!).selectFrom(album.join(artist)))).mappings();
          expect(rows).toEqual([{ Title: "Notes", Name: "Ada" }]);
          await conn.commit();
        });
      }
      // the source's description, checked in part, so that "equal" is not "equally empty"
      const d = before as { fks: Record<string, { name: string; referredTable: string }[]>; indexes: Record<string, unknown[]>; columns: Record<string, unknown[]> };
      // (the SQLite script's foreign keys have no CONSTRAINT names)
      expect(d.fks.Track?.map((f) => [f.name, f.referredTable])).toEqual([
        [undefined, "Album"],
        [undefined, "Genre"],
        [undefined, "MediaType"],
      ]);
      expect((before.pks as Record<string, unknown>).PlaylistTrack).toEqual({ name: "PK_PlaylistTrack", columns: ["PlaylistId", "TrackId"] });
      expect(d.indexes.Track).toHaveLength(3);
      expect(d.columns.Invoice).toHaveLength(9);
    });

    it("reflects with only, schema and views; autoloads; uses the tables in statements", async () => {
      const onlyMeta = new MetaData();
      const only = await onlyMeta.reflect(source, { only: ["InvoiceLine"] });
      // InvoiceLine, then what its foreign keys refer to, ring by ring
      expect([...only.keys()].sort()).toEqual(["Artist", "Album", "Customer", "Employee", "Genre", "Invoice", "InvoiceLine", "MediaType", "Track"].sort());

      const withViews = await new MetaData().reflect(source, { schema: "main", views: true });
      expect(withViews.has("main.TrackView")).toBe(true);
      const view = withViews.get("main.TrackView")!;
      expect(view.primaryKey.columns.length).toBe(0);
      expect(view.foreignKeys).toEqual([]);
      const rows = await source.connect(async (conn) =>
        (await conn.execute(select(view.c.Name!, view.c.Album!).where(view.c.TrackId!.eq(1)))).mappings(),
      );
      expect(rows).toEqual([{ Name: "For Those About To Rock (We Salute You)", Album: "For Those About To Rock We Salute You" }]);
      expect((await new MetaData().reflect(source)).has("TrackView")).toBe(false);

      const metadata = new MetaData();
      const track = await Table.autoload("Track", metadata, source);
      expect([...metadata.tables.keys()].sort()).toEqual(["Album", "Artist", "Genre", "MediaType", "Track"]);
      expect(track.c.UnitPrice!.type).toBeInstanceOf(Numeric);
      const genre = metadata.tables.get("Genre")!;
      await source.connect(async (conn) => {
        await conn.execute(insert(genre).values({ GenreId: 100, Name: "Test genre" }));
        await conn.execute(insert(track).values({ TrackId: 10_000, Name: "t", MediaTypeId: 1, GenreId: 100, Milliseconds: 1, UnitPrice: "0.99" }));
        const got = (await conn.execute(select(track.c.Name!, genre.c.Name!.label("genre")).selectFrom(track.join(genre)).where(genre.c.GenreId!.eq(100)))).mappings();
        expect(got).toEqual([{ Name: "t", genre: "Test genre" }]);
        await conn.rollback();
      });
    });

    it("names what is missing: NoSuchTableError, NoSuchSchemaError", async () => {
      await expect(Table.autoload("Nope", new MetaData(), source)).rejects.toThrow(NoSuchTableError);
      await expect(Table.autoload("Nope", new MetaData(), source)).rejects.toThrow('No table named "Nope".');
      await expect(new MetaData().reflect(source, { only: ["Album", "Nope"] })).rejects.toThrow(NoSuchTableError);
      await expect(new MetaData().reflect(source, { schema: "nowhere" })).rejects.toThrow(NoSuchSchemaError);
      await expect(new MetaData().reflect(source, { schema: "nowhere" })).rejects.toThrow('No schema named "nowhere"; the database has: main.');
      await expect(inspect(source).getColumns("Album", "nowhere")).rejects.toThrow(NoSuchSchemaError);
      await expect(Table.autoload("Album", new MetaData(), source, { schema: "nowhere" })).rejects.toThrow(NoSuchSchemaError);
    });
  },
  { only: ["sqlite-memory"] },
);
