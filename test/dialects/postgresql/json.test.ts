/**
 * PostgreSQL JSON operators: exact SQL, and rows on PGlite and the server.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { jsonContains, jsonGet, jsonGetText, jsonHasKey, jsonPath, jsonPathText } from "../../../src/dialects/postgresql/index.js";
import { Integer, JSONB, MetaData, Table, column, insert, select } from "../../../src/index.js";
import { uniqueName } from "../../support/backends.js";
import { describeEachBackend } from "../../support/suite.js";

describeEachBackend(
  "PostgreSQL JSON operators",
  (ctx) => {
    const metadata = new MetaData();
    const docs = new Table(uniqueName("docs"), metadata, {
      id: column(Integer, { primaryKey: true }),
      body: column(new JSONB(), { nullable: false }),
    });

    beforeAll(async () => {
      await metadata.createAll(ctx.engine);
      await ctx.engine.begin((conn) =>
        conn.execute(
          insert(docs).values([
            { id: 1, body: { status: "open", tags: ["a", "b"], owner: { name: "ada" } } },
            { id: 2, body: { status: "closed", tags: ["b"], owner: { name: "bob" } } },
          ]),
        ),
      );
    });
    afterAll(async () => {
      await metadata.dropAll(ctx.engine);
    });

    it("compiles keys and documents as typed bound parameters", () => {
      const stmt = select(docs.c.id).where(jsonGetText(docs.c.body, "status").eq("open"), jsonContains(docs.c.body, { tags: ["a"] }));
      expect(stmt.compile({ dialect: "postgresql" })).toMatchObject({
        sql: `SELECT ${docs.name}.id FROM ${docs.name} WHERE (${docs.name}.body ->> CAST($1 AS VARCHAR)) = $2 AND (${docs.name}.body @> CAST($3 AS JSONB))`,
        params: ["status", "open", { tags: ["a"] }],
      });
    });

    it("selects by key, path, containment and key presence", async () => {
      const run = async (where: Parameters<ReturnType<typeof select>["where"]>[0]) =>
        ctx.engine.connect(async (conn) => (await conn.execute(select(docs.c.id).where(where).orderBy(docs.c.id))).scalars().all());
      expect(await run(jsonGetText(docs.c.body, "status").eq("open"))).toEqual([1]);
      expect(await run(jsonPathText(docs.c.body, ["owner", "name"]).eq("bob"))).toEqual([2]);
      expect(await run(jsonPathText(docs.c.body, ["tags", 0]).eq("b"))).toEqual([2]);
      expect(await run(jsonContains(docs.c.body, { tags: ["b"] }))).toEqual([1, 2]);
      expect(await run(jsonHasKey(docs.c.body, "owner"))).toEqual([1, 2]);
      expect(await run(jsonHasKey(docs.c.body, "missing"))).toEqual([]);
      const owners = await ctx.engine.connect(async (conn) =>
        (await conn.execute(select(jsonPath(docs.c.body, ["owner"]).label("owner")).orderBy(docs.c.id))).scalars().all(),
      );
      expect(owners).toEqual([{ name: "ada" }, { name: "bob" }]);
      const first = await ctx.engine.connect(async (conn) => (await conn.execute(select(jsonGet(docs.c.body, "tags").label("t")).where(docs.c.id.eq(1)))).scalar());
      expect(first).toEqual(["a", "b"]);
    });
  },
  { only: ["pglite", "pg", "postgres"] },
);
