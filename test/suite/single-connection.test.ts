/**
 * In-memory SQLite and PGlite live in one connection (StaticPool): concurrent
 * transactions must take turns on it, never interleave (RELIABILITY.md scenario 23).
 */
import { expect, it } from "vitest";
import { Integer, StaticPool, text } from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend(
  "single shared connection",
  (ctx) => {
    it("uses a StaticPool by default", () => {
      expect(ctx.engine.pool).toBeInstanceOf(StaticPool);
    });

    it("ten concurrent transactions run one after another and all commit", async () => {
      const table = uniqueName("serial");
      await ctx.engine.begin((conn) => conn.execute(text(`create table ${table} (id integer primary key, seen integer)`)));
      const log: string[] = [];
      const offBegin = ctx.engine.events.on("begin", () => log.push("begin"));
      const offCommit = ctx.engine.events.on("commit", () => log.push("commit"));
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          ctx.engine.begin(async (conn) => {
            const before = (await conn.execute(text(`select count(*) as n from ${table}`).columns({ n: new Integer() }))).scalarOne();
            await new Promise((r) => setTimeout(r, 50));
            await conn.execute(text(`insert into ${table} (id, seen) values (:id, :seen)`), { id: i, seen: before });
          }),
        ),
      );
      offBegin();
      offCommit();
      expect(log).toEqual(Array.from({ length: 10 }, () => ["begin", "commit"]).flat());
      const seen = await ctx.engine.connect(async (conn) =>
        (await conn.execute(text(`select seen from ${table} order by seen`).columns({ seen: new Integer() }))).scalars().all(),
      );
      // Each transaction saw every row committed before it: 0, 1, ..., 9.
      expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i));
    });
  },
  { only: ["pglite", "sqlite-memory"] },
);
