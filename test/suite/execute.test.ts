import { afterAll, beforeAll, expect, it } from "vitest";
import {
  ArgumentError,
  Boolean as BooleanType,
  Integer,
  MultipleResultsFound,
  NoResultFound,
  ResourceClosedError,
  String as StringType,
  text,
} from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { ddl, describeEachBackend } from "../support/suite.js";

describeEachBackend("execute and results", (ctx) => {
  const table = uniqueName("people");

  beforeAll(async () => {
    const d = ctx.backend.dialect;
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text(`create table ${table} (${ddl.autoPk(d)}, name varchar(50) not null, age integer, active ${ddl.boolean(d)})`));
    });
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text(`insert into ${table} (name, age, active) values (:name, :age, :active)`), [
        { name: "ada", age: 36, active: true },
        { name: "bob", age: 25, active: false },
        { name: "cyd", age: null, active: true },
      ]);
    });
  });

  afterAll(async () => {
    await ctx.engine.begin((conn) => conn.execute(text(`drop table ${table}`)));
  });

  it("runs text() with named parameters and gives rows by name, position and destructuring", async () => {
    await using conn = await ctx.engine.connect();
    const result = await conn.execute(text(`select id, name, age from ${table} where name = :name`), { name: "ada" });
    expect(result.keys()).toEqual(["id", "name", "age"]);
    const row = result.one();
    expect(row.name).toBe("ada");
    expect(row[1]).toBe("ada");
    const [, name, age] = row;
    expect([name, age]).toEqual(["ada", 36]);
    expect(row._asObject()).toEqual({ id: row.id, name: "ada", age: 36 });
    expect(JSON.parse(JSON.stringify(row))).toEqual({ id: row.id, name: "ada", age: 36 });
    expect(row._fields).toEqual(["id", "name", "age"]);
  });

  it("all, first, one, oneOrNone, scalar, scalars, mappings, partitions", async () => {
    await using conn = await ctx.engine.connect();
    const q = text(`select name, age from ${table} order by name`);
    expect((await conn.execute(q)).all().map((r) => r.name)).toEqual(["ada", "bob", "cyd"]);
    expect((await conn.execute(q)).first()?.name).toBe("ada");
    expect((await conn.execute(text(`select name from ${table} where name = 'zed'`))).first()).toBeNull();
    await expect(conn.execute(q).then((r) => r.one())).rejects.toThrow(MultipleResultsFound);
    await expect(conn.execute(q).then((r) => r.oneOrNone())).rejects.toThrow(MultipleResultsFound);
    await expect(conn.execute(text(`select name from ${table} where name = 'zed'`)).then((r) => r.one())).rejects.toThrow(NoResultFound);
    expect((await conn.execute(text(`select name from ${table} where name = 'zed'`))).oneOrNone()).toBeNull();
    // count(*) is a 64-bit integer on PostgreSQL and MySQL: exact, as a bigint; SQLite reports a plain integer.
    const count = (await conn.execute(text(`select count(*) from ${table}`))).scalar();
    expect(count).toBe(ctx.backend.dialect === "sqlite" ? 3 : 3n);
    expect((await conn.execute(q)).scalars().all()).toEqual(["ada", "bob", "cyd"]);
    expect((await conn.execute(q)).scalars("age").all()).toEqual([36, 25, null]);
    expect((await conn.execute(q)).mappings()).toEqual([
      { name: "ada", age: 36 },
      { name: "bob", age: 25 },
      { name: "cyd", age: null },
    ]);
    const parts = [...(await conn.execute(q)).partitions(2)].map((p) => p.map((r) => r.name));
    expect(parts).toEqual([["ada", "bob"], ["cyd"]]);
    const consumed = await conn.execute(q);
    consumed.all();
    expect(() => consumed.all()).toThrow(ResourceClosedError);
  });

  it("counts are exact whatever the driver returns for count(*)", async () => {
    await using conn = await ctx.engine.connect();
    const n = (await conn.execute(text(`select count(*) as n from ${table}`).columns({ n: new Integer() }))).scalarOne();
    expect(n).toBe(3);
  });

  it("converts declared column types (booleans stored as 0/1 read back as booleans)", async () => {
    await using conn = await ctx.engine.connect();
    const q = text(`select name, active from ${table} order by name`).columns({ name: new StringType(), active: new BooleanType() });
    const rows = (await conn.execute(q)).all();
    expect(rows.map((r) => r.active)).toEqual([true, false, true]);
  });

  it("reports rowcount for UPDATE and DELETE, and lastInsertId where the driver has it", async () => {
    await using conn = await ctx.engine.connect();
    const updated = await conn.execute(text(`update ${table} set age = age + 1 where age is not null`));
    expect(updated.rowcount).toBe(2);
    const same = await conn.execute(text(`update ${table} set age = age where name = 'ada'`));
    expect(same.rowcount).toBe(1); // matched, even when nothing changed (MySQL reports found rows)
    const inserted = await conn.execute(text(`insert into ${table} (name, age, active) values ('dee', 1, ${ctx.backend.dialect === "postgresql" ? "true" : "1"})`));
    expect(inserted.rowcount).toBe(1);
    if (ctx.backend.dialect !== "postgresql") expect(Number(inserted.lastInsertId)).toBeGreaterThan(3);
    const deleted = await conn.execute(text(`delete from ${table} where name = 'dee'`));
    expect(deleted.rowcount).toBe(1);
    await conn.rollback();
    const ages = (await conn.execute(text(`select age from ${table} where name = 'ada'`))).scalar();
    expect(ages).toBe(36);
  });

  it("executemany runs a statement once per parameter set", async () => {
    await using conn = await ctx.engine.connect();
    const rows = Array.from({ length: 200 }, (_, i) => ({ name: `m${i}`, age: i, active: i % 2 === 0 }));
    const result = await conn.execute(text(`insert into ${table} (name, age, active) values (:name, :age, :active)`), rows);
    expect(result.rowcount).toBe(200);
    const count = (await conn.execute(text(`select count(*) as n from ${table} where name like 'm%'`).columns({ n: new Integer() }))).scalar();
    expect(count).toBe(200);
    await conn.rollback();
  });

  it("binds values fixed with bindparams, and values given at execution win", async () => {
    await using conn = await ctx.engine.connect();
    const q = text(`select name from ${table} where name = :name`).bindparams({ name: "bob" });
    expect((await conn.execute(q)).scalar()).toBe("bob");
    expect((await conn.execute(q, { name: "ada" })).scalar()).toBe("ada");
  });

  it("raises a clear error for a missing or undefined parameter, before anything is sent", async () => {
    await using conn = await ctx.engine.connect();
    await expect(conn.execute(text(`select * from ${table} where name = :name`))).rejects.toThrow(
      /A value is required for bind parameter "name"/,
    );
    await expect(conn.execute(text(`select * from ${table} where name = :name`), { name: undefined })).rejects.toThrow(ArgumentError);
  });

  it("execDriverSql runs SQL as given with driver placeholders", async () => {
    await using conn = await ctx.engine.connect();
    const placeholder = ctx.backend.dialect === "postgresql" ? "$1" : "?";
    const result = await conn.execDriverSql(`select name from ${table} where name = ${placeholder}`, ["cyd"]);
    expect(result.scalar()).toBe("cyd");
    expect(conn.driverConnection).toBeDefined();
  });

  it("a closed connection and a disposed engine say so", async () => {
    const conn = await ctx.engine.connect();
    await conn.close();
    await conn.close();
    await expect(conn.execute(text("select 1"))).rejects.toThrow(/This connection is closed/);
    const engine = ctx.newEngine();
    await engine.connect(async (c) => c.execute(text("select 1")));
    await engine.dispose();
    await expect(engine.connect()).rejects.toThrow(/This engine has been disposed/);
  });

  it("the statement cache compiles text once per engine", async () => {
    const logs: string[] = [];
    const engine = ctx.newEngine({ echo: true, logger: { info: (m) => logs.push(m), debug: (m) => logs.push(m) } });
    await engine.connect(async (conn) => {
      await conn.execute(text(`select :a as cache_probe`), { a: 1 });
      await conn.execute(text(`select :a as cache_probe`), { a: 2 });
    });
    const selects = logs.filter((l) => l.includes("as cache_probe"));
    expect(selects[0]).toMatch(/\[compiled\] \[1\]$/);
    expect(selects[1]).toMatch(/\[cached\] \[2\]$/);
  });

  it("echo 'debug' logs statements, parameters and rows through the logger; execute events see each statement", async () => {
    const logs: string[] = [];
    const engine = ctx.newEngine({ echo: "debug", logger: { info: (m) => logs.push(`info ${m}`), debug: (m) => logs.push(`debug ${m}`) } });
    const seen: string[] = [];
    engine.events.on("beforeExecute", (c) => seen.push(`before ${c.sql} ${JSON.stringify(c.params)}`));
    engine.events.on("afterExecute", (c, rowcount) => seen.push(`after ${c.sql} ${rowcount}`));
    await engine.connect((conn) => conn.execute(text("select :a as echo_probe"), { a: "x" }));
    const placeholder = ctx.backend.dialect === "postgresql" ? "$1" : "?";
    expect(logs).toContain(`info select ${placeholder} as echo_probe [compiled] ["x"]`);
    expect(logs).toContain('debug Col ["echo_probe"]');
    expect(logs).toContain('debug Row ["x"]');
    expect(seen).toEqual([`before select ${placeholder} as echo_probe ["x"]`, `after select ${placeholder} as echo_probe 1`]);
  });

  it("a beforeExecute listener that throws cancels the statement", async () => {
    const engine = ctx.newEngine();
    engine.events.on("beforeExecute", () => {
      throw new Error("not today");
    });
    await expect(engine.connect((conn) => conn.execute(text(`delete from ${table}`)))).rejects.toThrow("not today");
    const n = await ctx.engine.connect(async (conn) => (await conn.execute(text(`select count(*) as n from ${table}`).columns({ n: new Integer() }))).scalarOne());
    expect(n).toBe(3);
  });
});
