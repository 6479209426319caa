/**
 * Client-side column defaults and onUpdate values: applied by INSERT and
 * UPDATE at each execution (a function default runs once per row), also when
 * the compiled statement comes from the cache.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Integer, MetaData, String as StringType, Table, column, insert, literal, select, update } from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend("client-side defaults", (ctx) => {
  let counter = 0;
  const metadata = new MetaData();
  const items = new Table(uniqueName("defaults"), metadata, {
    id: column(Integer, { primaryKey: true }),
    name: column(new StringType(40), { nullable: false }),
    status: column(new StringType(20), { nullable: false, default: "draft" }),
    serial: column(Integer, { nullable: false, default: () => ++counter }),
    version: column(Integer, { nullable: false, default: 1, onUpdate: () => 100 + counter }),
    computed: column(Integer, { default: literal(7, new Integer()) }),
  });

  beforeAll(async () => {
    await metadata.createAll(ctx.engine);
  });
  afterAll(async () => {
    await metadata.dropAll(ctx.engine);
  });

  it("fills values and calls functions per row and per execution, through the statement cache", async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(insert(items).values({ id: 1, name: "a" }));
      await conn.execute(insert(items).values({ id: 2, name: "b" })); // same shape: the cached statement runs the default again
      await conn.execute(insert(items).values([{ id: 3, name: "c" }, { id: 4, name: "d" }])); // one call per row
      await conn.execute(insert(items).values({ id: 5, name: "e", status: "live", serial: 500 }));
    });
    const rows = await ctx.engine.connect(async (conn) =>
      (await conn.execute(select(items.c.id, items.c.status, items.c.serial, items.c.version, items.c.computed).orderBy(items.c.id))).all().map((r) => r._asObject()),
    );
    expect(rows).toEqual([
      { id: 1, status: "draft", serial: 1, version: 1, computed: 7 },
      { id: 2, status: "draft", serial: 2, version: 1, computed: 7 },
      { id: 3, status: "draft", serial: 3, version: 1, computed: 7 },
      { id: 4, status: "draft", serial: 4, version: 1, computed: 7 },
      { id: 5, status: "live", serial: 500, version: 1, computed: 7 },
    ]);
  });

  it("UPDATE sets onUpdate values of the columns it does not set", async () => {
    await ctx.engine.begin((conn) => conn.execute(update(items).values({ name: "renamed" }).where(items.c.id.eq(1))));
    await ctx.engine.begin((conn) => conn.execute(update(items).values({ name: "kept", version: 9 }).where(items.c.id.eq(2))));
    const versions = await ctx.engine.connect(async (conn) =>
      (await conn.execute(select(items.c.version).where(items.c.id.in([1, 2])).orderBy(items.c.id))).scalars().all(),
    );
    expect(versions).toEqual([100 + counter, 9]);
  });

  it("the compiled SQL lists the defaulted columns with placeholders, never the values", () => {
    const sql = insert(items).values({ id: 9, name: "z" }).compile({ dialect: ctx.backend.dialect }).sql;
    expect(sql).toMatch(/\(id, name, status, serial, version, computed\) VALUES \((\$1|\?), (\$2|\?), (\$3|\?), (\$4|\?), (\$5|\?), (\$6|\?)(::INTEGER)?\)/);
    expect(sql).not.toContain("draft");
  });
});
