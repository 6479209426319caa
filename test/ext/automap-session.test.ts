/**
 * Automapped Chinook used through the Session: every invoice with its lines,
 * their tracks and the customer, eager-loaded, and the totals checked against
 * a plain SQL aggregate.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { text } from "athanor";
import { automap, type AutomapResult } from "athanor/ext";
import { joinedload, select, selectinload, sessionmaker } from "athanor/orm";
import { uniqueName } from "../support/backends.js";
import { chinookPostgresStatements } from "../support/datasets.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend(
  "automapped Chinook in the Session",
  (ctx) => {
    const schema = uniqueName("am_sess");
    let result: AutomapResult;
    beforeAll(async () => {
      await ctx.engine.connect(async (conn) => {
        await conn.execDriverSql(`CREATE SCHEMA ${schema}`);
        await conn.execDriverSql(`SET search_path TO ${schema}`);
        for (const statement of chinookPostgresStatements()) await conn.execDriverSql(statement);
        await conn.commit();
        await conn.execDriverSql("SET search_path TO DEFAULT");
      });
      result = await automap(ctx.engine, { schema });
    }, 120_000);
    afterAll(() => ctx.engine.connect(async (conn) => void (await conn.execDriverSql(`DROP SCHEMA ${schema} CASCADE`))));

    it("loads every invoice with lines, tracks and customer with one statement per level (IN lists chunked by 500), and the totals match SQL", async () => {
      const { Invoice } = result.classes as Record<string, NonNullable<AutomapResult["classes"][string]>>;
      // The SQL answer first: PGlite has one connection, which the session holds until it closes.
      const expected = await ctx.engine.connect(async (conn) => {
        const total = (await conn.execute(text(`SELECT sum(unit_price * quantity) AS t FROM ${schema}.invoice_line`))).scalar();
        const perCustomer = (await conn.execute(text(`SELECT count(*) FROM ${schema}.invoice WHERE customer_id = 1`))).scalar();
        return { total: Number(total), perCustomer: Number(perCustomer) };
      });
      let statements = 0;
      const off = ctx.engine.events.on("beforeExecute", () => void statements++);
      const Session = sessionmaker(ctx.engine);
      await using session = Session();
      let invoices;
      try {
        invoices = (
          await session.scalars(
            select(Invoice as NonNullable<typeof Invoice>).options(
              selectinload(Invoice as NonNullable<typeof Invoice>, "invoiceLineCollection").selectinload("track"),
              joinedload(Invoice as NonNullable<typeof Invoice>, "customer"),
            ),
          )
        ).all();
      } finally {
        off();
      }
      expect(invoices).toHaveLength(412);
      const tracks = new Set(invoices.flatMap((i) => (i.invoiceLineCollection as Record<string, unknown>[]).map((l) => l.track_id)));
      // invoices with their customers (joined); all lines (412 keys: one IN query); the tracks, 500 keys per IN query.
      expect(statements).toBe(2 + Math.ceil(tracks.size / 500));
      let lineTotal = 0;
      const byCustomer = new Map<unknown, number>();
      for (const invoice of invoices) {
        const lines = invoice.invoiceLineCollection as Record<string, unknown>[];
        const sum = lines.reduce((acc, line) => acc + Number(line.unit_price) * Number(line.quantity), 0);
        expect(Math.abs(sum - Number(invoice.total))).toBeLessThan(0.005);
        expect(lines.every((line) => typeof (line.track as Record<string, unknown>).name === "string")).toBe(true);
        lineTotal += sum;
        const customer = invoice.customer as Record<string, unknown>;
        byCustomer.set(customer.customer_id, (byCustomer.get(customer.customer_id) ?? 0) + 1);
      }
      expect(Math.abs(lineTotal - expected.total)).toBeLessThan(0.01);
      expect(byCustomer.get(1)).toBe(expected.perCustomer);
    });

    it("inserts through automapped classes with relationships", async () => {
      const { Artist, Album } = result.classes as Record<string, NonNullable<AutomapResult["classes"][string]>>;
      const Session = sessionmaker(ctx.engine);
      await using session = Session();
      // Chinook's keys are plain integers (no sequence): the application gives them.
      const artist = new (Artist as NonNullable<typeof Artist>)({ artist_id: 100_001, name: "Nina Simone" });
      const album = new (Album as NonNullable<typeof Album>)({ album_id: 100_001, title: "Pastel Blues" });
      album.artist = artist;
      session.add(album);
      await session.commit();
      expect(album.artist_id).toBe(artist.artist_id);
      expect((artist.albumCollection as unknown[])[0]).toBe(album);
    });
  },
  { only: ["pglite", "pg", "postgres"] },
);
