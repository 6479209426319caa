/**
 * passesKind on a custom type, on every backend: where the driver guarantees
 * the column's values are strings (PostgreSQL's text through pg, postgres.js
 * and PGlite), the marked result processor is not called at all; elsewhere
 * (SQLite, MariaDB) it is called for every value. The rows are the same.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { MetaData, String as Str, Table, Text, column, insert, passesKind, select, type ValueProcessor } from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend("passesKind on a custom type", (ctx) => {
  let calls = 0;
  /** Text whose reader only converts non-strings, and says so with passesKind. */
  class CountedText extends Text {
    override resultProcessor(): ValueProcessor<unknown, string> {
      return passesKind("string", (value: unknown): string => {
        calls += 1;
        return typeof value === "string" ? value : String(value);
      });
    }
  }
  const metadata = new MetaData();
  const notes = new Table(uniqueName("passes"), metadata, {
    id: column(new Str(10), { primaryKey: true }),
    body: column(new CountedText(), { nullable: false }),
  });

  beforeAll(async () => {
    await metadata.createAll(ctx.engine);
    await ctx.engine.begin((conn) =>
      conn.execute(insert(notes), [
        { id: "a", body: "first" },
        { id: "b", body: "second" },
      ]),
    );
  });
  afterAll(async () => {
    await metadata.dropAll(ctx.engine);
  });

  it("skips the marked processor where the driver guarantees strings, and calls it elsewhere", async () => {
    calls = 0;
    const rows = await ctx.engine.connect(async (conn) =>
      (await conn.execute(select(notes.c.id, notes.c.body).orderBy(notes.c.id))).all().map((r) => r._tuple()),
    );
    expect(rows).toEqual([
      ["a", "first"],
      ["b", "second"],
    ]);
    expect(calls).toBe(ctx.backend.dialect === "postgresql" ? 0 : 2);
  });
});
