/**
 * Values at the driver boundary: what goes in comes back, in Athanor's
 * documented representation (docs/values.md), on every backend and in several
 * process time zones.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { DataError, JSON as JSONType, text } from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { ddl, describeEachBackend } from "../support/suite.js";

const ZONES = ["UTC", "America/Los_Angeles", "Australia/Lord_Howe", "Asia/Kathmandu"];

describeEachBackend("values", (ctx) => {
  const table = uniqueName("vals");
  const originalTz = process.env.TZ;

  beforeAll(async () => {
    const d = ctx.backend.dialect;
    const uuid = d === "postgresql" ? "uuid" : "char(36)";
    await ctx.engine.begin((conn) =>
      conn.execute(
        text(
          `create table ${table} (id integer primary key, i integer, b bigint, n numeric(38, 9), f double precision, ` +
            `flag ${ddl.boolean(d)}, s ${ddl.text(d)}, bin ${ddl.blob(d)}, d date, t time, ts ${ddl.timestamp(d)}, ` +
            `tstz ${ddl.timestamptz(d)}, j ${ddl.json(d)}, u ${uuid})`,
        ),
      ),
    );
  });
  afterAll(async () => {
    process.env.TZ = originalTz;
    await ctx.engine.begin((conn) => conn.execute(text(`drop table ${table}`)));
  });

  const sample = {
    i: -2147483648,
    b: 9007199254740993n,
    n: "12345678901234567890123456789.123456789",
    f: 0.1 + 0.2,
    flag: true,
    s: "quote ' backslash \\ emoji 😀 astral 𝌆 rtl עברית nul-free",
    bin: Buffer.from([0, 1, 2, 254, 255]),
    d: "2024-02-29",
    t: "23:59:58",
    ts: new Date("1969-12-31T23:59:59.123Z"),
    tstz: new Date("2024-03-31T00:30:00.456Z"),
    j: { a: [1, "two", null], nested: { ok: true } },
    u: "123e4567-e89b-12d3-a456-426614174000",
  };

  // SQLite has no exact decimal: a NUMERIC column stores a double (docs/values.md), so it gets a value a double holds exactly.
  const exactDecimal = () => (ctx.backend.dialect === "sqlite" ? "12345.125" : sample.n);

  for (const zone of ZONES) {
    it(`round-trips every type with TZ=${zone}`, async () => {
      process.env.TZ = zone;
      const id = ZONES.indexOf(zone) + 1;
      await ctx.engine.begin((conn) =>
        conn.execute(
          text(`insert into ${table} (id, i, b, n, f, flag, s, bin, d, t, ts, tstz, j, u) values (:id, :i, :b, :n, :f, :flag, :s, :bin, :d, :t, :ts, :tstz, :j, :u)`),
          { id, ...sample, n: exactDecimal() },
        ),
      );
      // Only j needs a declared type (MariaDB and SQLite store JSON as text); the rest come back as the driver reads them.
      const row = (await ctx.engine.connect(async (conn) =>
        (await conn.execute(text(`select * from ${table} where id = :id`).columns({ j: new JSONType() }), { id })).one(),
      )) as unknown as Record<string, unknown>;
      expect(row.i).toBe(sample.i);
      expect(row.b).toBe(sample.b);
      expect(row.n).toBe(exactDecimal());
      expect(row.f).toBe(sample.f);
      expect(row.flag).toBe(true);
      expect(row.s).toBe(sample.s);
      expect(Buffer.from(row.bin as Uint8Array).equals(sample.bin)).toBe(true);
      expect(row.d).toBe("2024-02-29");
      expect(row.t).toBe("23:59:58");
      expect(row.ts).toEqual(sample.ts);
      expect(row.tstz).toEqual(sample.tstz);
      expect(row.j).toEqual(sample.j);
      expect(row.u).toBe(sample.u);
    });
  }

  it("NULL comes back as null in every column", async () => {
    await ctx.engine.begin((conn) => conn.execute(text(`insert into ${table} (id) values (100)`)));
    const row = await ctx.engine.connect(async (conn) => (await conn.execute(text(`select * from ${table} where id = 100`))).one());
    const { id, ...rest } = row._asObject();
    expect(Number(id)).toBe(100);
    expect(Object.values(rest).every((v) => v === null)).toBe(true);
  });

  it("false booleans and zero read back as false and 0", async () => {
    await ctx.engine.begin((conn) => conn.execute(text(`insert into ${table} (id, i, flag) values (101, 0, :flag)`), { flag: false }));
    const row = await ctx.engine.connect(async (conn) => (await conn.execute(text(`select i, flag from ${table} where id = 101`))).one());
    expect(row.flag).toBe(false);
    expect(row.i).toBe(0);
  });

  it("JSON documents of every shape round-trip through the JSON type", async () => {
    const docs = ["abc", 42, null, [1, [2]], { k: "v" }, true, "", "123"];
    await ctx.engine.begin((conn) =>
      conn.execute(
        text(`insert into ${table} (id, j) values (:id, :j)`).bindparams({}, { j: new JSONType() }),
        docs.map((j, i) => ({ id: 200 + i, j })),
      ),
    );
    const back = await ctx.engine.connect(async (conn) =>
      (await conn.execute(text(`select j from ${table} where id >= 200 and id < 300 order by id`).columns({ j: new JSONType() }))).scalars().all(),
    );
    expect(back).toEqual(docs);
  });

  it("a 1 MB string round-trips", async () => {
    const big = "x".repeat(1024 * 1024 - 3) + "end";
    await ctx.engine.begin((conn) => conn.execute(text(`insert into ${table} (id, s) values (102, :s)`), { s: big }));
    const s = await ctx.engine.connect(async (conn) => (await conn.execute(text(`select s from ${table} where id = 102`))).scalar());
    expect(s).toBe(big);
  });

  it("a string with a lone surrogate is refused before it is sent", async () => {
    const error = await ctx.engine
      .begin((conn) => conn.execute(text(`insert into ${table} (id, s) values (103, :s)`), { s: "a\uD800b" }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
  });

  it("NaN and Infinity in a float column: stored where the database can, refused before sending where it cannot", async () => {
    const attempt = ctx.engine
      .begin((conn) => conn.execute(text(`insert into ${table} (id, f) values (104, :f)`), { f: Number.POSITIVE_INFINITY }))
      .catch((e: unknown) => e);
    const outcome = await attempt;
    if (ctx.backend.dialect === "postgresql") {
      expect(outcome).not.toBeInstanceOf(Error);
      const f = await ctx.engine.connect(async (conn) => (await conn.execute(text(`select f from ${table} where id = 104`))).scalar());
      expect(f).toBe(Number.POSITIVE_INFINITY);
    } else {
      expect(outcome).toBeInstanceOf(DataError);
      expect((outcome as Error).message).toMatch(/NaN|Infinity/);
    }
  });
});
