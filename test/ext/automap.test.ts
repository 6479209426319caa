/**
 * Automap on real databases: Chinook loaded into every backend (and Pagila's
 * schema on PostgreSQL), reflected and mapped into classes whose
 * relationships follow the foreign keys. Naming functions can be replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, Integer, MetaData, Table, Text, column, createEngine, type Engine } from "athanor";
import { automap, automapMetaData, nameForScalarRelationship, type AutomapResult } from "athanor/ext";
import { requireMapper, type RelationshipProperty } from "athanor/orm";
import { chinookPostgresStatements, loadChinookMySQL, loadChinookSQLite, pagilaSchemaStatements } from "../support/datasets.js";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend, type BackendContext } from "../support/suite.js";

/** A fresh Chinook for one backend: the bind to reflect from, its schema, and how to clean up. */
async function freshChinook(ctx: BackendContext): Promise<{ bind: Engine; schema: string | undefined; cleanup: () => Promise<void> }> {
  if (ctx.backend.dialect === "sqlite") {
    const engine = ctx.engine;
    await engine.connect(async (conn) => {
      await loadChinookSQLite(conn);
      await conn.commit();
    });
    return { bind: engine, schema: undefined, cleanup: async () => {} };
  }
  if (ctx.backend.dialect === "mysql") {
    const database = uniqueName("automap");
    await ctx.engine.connect((conn) => conn.execDriverSql(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`));
    const url = new globalThis.URL(ctx.backend.url as string);
    url.pathname = `/${database}`;
    const engine = createEngine(url.toString());
    await engine.connect(async (conn) => {
      await loadChinookMySQL(conn);
      await conn.commit();
    });
    return {
      bind: engine,
      schema: undefined,
      cleanup: async () => {
        await engine.dispose();
        await ctx.engine.connect((conn) => conn.execDriverSql(`DROP DATABASE IF EXISTS \`${database}\``));
      },
    };
  }
  const schema = uniqueName("automap");
  await ctx.engine.connect(async (conn) => {
    await conn.execDriverSql(`CREATE SCHEMA ${schema}`);
    await conn.execDriverSql(`SET search_path TO ${schema}`);
    for (const statement of chinookPostgresStatements()) await conn.execDriverSql(statement);
    await conn.commit();
    await conn.execDriverSql("SET search_path TO DEFAULT");
  });
  return { bind: ctx.engine, schema, cleanup: () => ctx.engine.connect(async (conn) => void (await conn.execDriverSql(`DROP SCHEMA ${schema} CASCADE`))) };
}

function relationshipsOf(result: AutomapResult, className: string): Record<string, string> {
  const mapper = requireMapper(result.classes[className] as object);
  const described: Record<string, string> = {};
  for (const [key, rel] of mapper.relationships) {
    described[key] = `${rel.direction} ${rel.mapper.name}${rel.secondary === undefined ? "" : ` via ${rel.secondary.name}`} <-> ${rel.reverse?.key ?? "-"}`;
  }
  return described;
}

/** Chinook's table names differ in case per dataset: PascalCase (SQLite, MySQL) or snake_case (PostgreSQL). */
function chinookClass(result: AutomapResult, pascal: string): string {
  const found = Object.keys(result.classes).find((name) => name === pascal);
  if (found === undefined) throw new Error(`no class ${pascal} among ${Object.keys(result.classes).join(", ")}`);
  return found;
}

describeEachBackend("automap over Chinook", (ctx) => {
  let loaded: Awaited<ReturnType<typeof freshChinook>>;
  let result: AutomapResult;

  beforeAll(async () => {
    loaded = await freshChinook(ctx);
    result = await automap(loaded.bind, loaded.schema === undefined ? {} : { schema: loaded.schema });
  }, 120_000);
  afterAll(async () => loaded?.cleanup());

  it("makes a class per table, skipping the pure association table", () => {
    expect(Object.keys(result.classes).sort()).toEqual(
      ["Album", "Artist", "Customer", "Employee", "Genre", "Invoice", "InvoiceLine", "MediaType", "Playlist", "Track"].sort(),
    );
    const skipped = [...result.skipped];
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.[0]).toMatch(/playlist_?track$/i);
    expect(skipped[0]?.[1]).toContain("association table");
  });

  it("infers many-to-one, one-to-many and many-to-many relationships with back-population", () => {
    const cls = (name: string) => chinookClass(result, name);
    const artistId = ctx.backend.dialect === "postgresql" ? "artist" : "artist";
    expect(relationshipsOf(result, cls("Album"))).toEqual({ [artistId]: "many-to-one Artist <-> albumCollection", trackCollection: "one-to-many Track <-> album" });
    expect(relationshipsOf(result, cls("Artist"))).toEqual({ albumCollection: "one-to-many Album <-> artist" });
    expect(relationshipsOf(result, cls("Track"))).toMatchObject({
      album: "many-to-one Album <-> trackCollection",
      genre: "many-to-one Genre <-> trackCollection",
      mediaType: "many-to-one MediaType <-> trackCollection",
      invoiceLineCollection: "one-to-many InvoiceLine <-> track",
    });
    expect(relationshipsOf(result, cls("Track")).playlistCollection).toMatch(/^many-to-many Playlist via playlist_?track <-> trackCollection$/i);
    expect(relationshipsOf(result, cls("Playlist")).trackCollection).toMatch(/^many-to-many Track via playlist_?track <-> playlistCollection$/i);
    // Customer.SupportRepId / support_rep_id names the many-to-one after the column; Employee.ReportsTo is self-referential.
    expect(relationshipsOf(result, cls("Customer"))).toEqual({
      supportRep: "many-to-one Employee <-> customerCollection",
      invoiceCollection: "one-to-many Invoice <-> customer",
    });
    expect(relationshipsOf(result, cls("Employee"))).toEqual({
      employee: "many-to-one Employee <-> employeeCollection",
      employeeCollection: "one-to-many Employee <-> employee",
      customerCollection: "one-to-many Customer <-> supportRep",
    });
    const manager = requireMapper(result.classes.Employee as object).relationships.get("employee") as RelationshipProperty;
    expect(manager.pairs.map((p) => [p.local.name, p.remote.name])).toEqual([[ctx.backend.dialect === "postgresql" ? "reports_to" : "ReportsTo", ctx.backend.dialect === "postgresql" ? "employee_id" : "EmployeeId"]]);
  });

  it("gives classes a constructor taking attribute values, and a readable toString", () => {
    const Artist = result.classes.Artist as NonNullable<AutomapResult["classes"][string]>;
    const name = ctx.backend.dialect === "postgresql" ? "name" : "Name";
    const artist = new Artist({ [name]: "Nina Simone" });
    expect(artist[name]).toBe("Nina Simone");
    expect(artist.albumCollection).toEqual([]);
    expect(`${artist}`).toBe(`Artist(${name}='Nina Simone')`);
    expect(() => new Artist({ nope: 1 })).toThrow('Artist has no attribute "nope".');
    expect(result.classForTable(loaded.schema === undefined ? requireMapper(Artist).table.name : `${loaded.schema}.${requireMapper(Artist).table.name}`)).toBe(Artist);
  });
});

describeEachBackend(
  "automap over Pagila",
  (ctx) => {
    const schema = uniqueName("automap_pagila");
    let result: AutomapResult;
    beforeAll(async () => {
      await ctx.engine.connect(async (conn) => {
        await conn.execDriverSql(`CREATE SCHEMA ${schema}`);
        await conn.execDriverSql(`SET search_path TO ${schema}, public`);
        for (const statement of pagilaSchemaStatements()) await conn.execDriverSql(statement.replaceAll("public.", `${schema}.`));
        await conn.commit();
        await conn.execDriverSql("SET search_path TO DEFAULT");
      });
      result = await automap(ctx.engine, { schema });
    }, 120_000);
    afterAll(() => ctx.engine.connect(async (conn) => void (await conn.execDriverSql(`DROP SCHEMA ${schema} CASCADE`))));

    it("maps every table with a key and names two keys to one table apart", () => {
      expect(Object.keys(result.classes)).toEqual(expect.arrayContaining(["Actor", "Film", "FilmActor", "Language", "Store", "Staff", "Payment"]));
      expect(relationshipsOf(result, "Film")).toMatchObject({
        language: "many-to-one Language <-> filmCollection",
        originalLanguage: "many-to-one Language <-> filmCollectionByOriginalLanguage",
      });
      expect(relationshipsOf(result, "Language")).toEqual({
        filmCollection: "one-to-many Film <-> language",
        filmCollectionByOriginalLanguage: "one-to-many Film <-> originalLanguage",
      });
      // film_actor has a last_update column besides its keys: a class with two many-to-ones, not a secondary table.
      expect(relationshipsOf(result, "FilmActor")).toEqual({ actor: "many-to-one Actor <-> filmActorCollection", film: "many-to-one Film <-> filmActorCollection" });
      expect(relationshipsOf(result, "Store")).toMatchObject({ address: "many-to-one Address <-> storeCollection", staffCollection: "one-to-many Staff <-> store" });
    });
  },
  { only: ["pglite", "pg"] },
);

describe("automap naming", () => {
  function shop(): MetaData {
    const metadata = new MetaData();
    new Table("customer", metadata, { id: column(Integer, { primaryKey: true }), name: column(Text) });
    new Table("purchase_order", metadata, {
      id: column(Integer, { primaryKey: true }),
      customer_id: column(Integer, { foreignKey: "customer.id" }),
      customer: column(Text), // a column with the name the many-to-one would take
    });
    new Table("audit_log", metadata, { line: column(Text) });
    return metadata;
  }

  it("uses the user's naming functions", () => {
    const result = automapMetaData(shop(), {
      classNameForTable: (table) => `Db${table.name.replace(/(^|_)(\w)/g, (_m, _u, c: string) => c.toUpperCase())}`,
      nameForScalarRelationship: (naming) => `${nameForScalarRelationship(naming)}Ref`,
      nameForCollectionRelationship: (naming) => `${naming.referringClass.slice(2, 3).toLowerCase()}${naming.referringClass.slice(3)}s`,
    });
    expect(Object.keys(result.classes).sort()).toEqual(["DbCustomer", "DbPurchaseOrder"]);
    expect(relationshipsOf(result, "DbPurchaseOrder")).toEqual({ customerRef: "many-to-one DbCustomer <-> purchaseOrders" });
    expect(relationshipsOf(result, "DbCustomer")).toEqual({ purchaseOrders: "one-to-many DbPurchaseOrder <-> customerRef" });
    expect(result.skipped.get("audit_log")).toBe("no primary key");
  });

  it("raises, naming the options, when a relationship name is taken by a column", () => {
    expect(() => automapMetaData(shop())).toThrow(ArgumentError);
    expect(() => automapMetaData(shop())).toThrow("automap: PurchaseOrder.customer is taken (by a column, a method or another relationship); pass nameForScalarRelationship");
  });

  it("maps onto classes the user gives, keeping their methods", () => {
    const metadata = new MetaData();
    new Table("customer", metadata, { id: column(Integer, { primaryKey: true }), name: column(Text) });
    class Customer {
      declare name: string | null;
      shout(): string {
        return (this.name ?? "").toUpperCase();
      }
    }
    const result = automapMetaData(metadata, { classes: { customer: Customer } });
    expect(result.classes.Customer).toBe(Customer);
    const c = new Customer();
    c.name = "ada";
    expect(c.shout()).toBe("ADA");
    expect(requireMapper(Customer).table.name).toBe("customer");
  });
});
