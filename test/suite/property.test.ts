/**
 * Property tests (fast-check): random identifiers and random values round-trip
 * through CREATE TABLE, INSERT and SELECT unchanged on every backend, values
 * are never inlined into the SQL text, and what a column cannot hold is
 * refused with a clear error (RELIABILITY.md scenarios 25, 26, 28, 29).
 * Runs are bounded so the suite stays fast.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { DataError, Float, Integer, Text, insert, select, table, text } from "../../src/index.js";
import { describeEachBackend, type BackendContext } from "../support/suite.js";

const RESERVED = ["select", "from", "where", "order", "group", "user", "table", "limit", "key", "index", "double", "desc"];

/**
 * Identifiers: reserved words, quotes of every dialect, spaces, mixed case and
 * unicode from the basic plane (MySQL keeps identifiers in utf8mb3). No NUL, no
 * trailing space (MySQL refuses it), at most 30 characters (PostgreSQL cuts at 63 bytes).
 */
const identifier = fc.oneof(
  fc.constantFrom(...RESERVED, ...RESERVED.map((w) => w.toUpperCase())),
  fc
    .string({ unit: fc.constantFrom(..."aZ_ \"'`[];-.%?:$@\\é中ßÆ"), minLength: 1, maxLength: 30 })
    .filter((s) => !s.endsWith(" ") && s.trim().length > 0),
);

/** Any well-formed string: quotes, backslashes, every plane of unicode, NUL, up to 5,000 characters. */
const anyText = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.string({ unit: fc.constantFrom("'", '"', "\\", "`", "%", "_", "\u0000", "\n", "😀", "𝌆", "\u{10FFFF}", "a", "é"), maxLength: 200 }),
  fc.string({ unit: "binary", minLength: 1000, maxLength: 5000 }),
);

let counter = 0;

describeEachBackend("property: identifiers and values round-trip", (ctx) => {
  const quote = (name: string) => ctx.engine.dialect.createCompiler().forceQuote(name);
  const textType = (c: BackendContext) => (c.backend.dialect === "mysql" ? "longtext character set utf8mb4" : "text");
  const floatType = (c: BackendContext) => (c.backend.dialect === "postgresql" ? "double precision" : c.backend.dialect === "mysql" ? "double" : "real");

  async function withTable<R>(tableName: string, columnName: string, columnSql: string, body: () => Promise<R>): Promise<R> {
    await ctx.engine.begin((conn) => conn.execute(text(`create table ${quote(tableName)} (id integer primary key, ${quote(columnName)} ${columnSql})`)));
    try {
      return await body();
    } finally {
      await ctx.engine.begin((conn) => conn.execute(text(`drop table ${quote(tableName)}`)));
    }
  }

  it("random table and column names survive DDL, insert and select", async () => {
    await fc.assert(
      fc.asyncProperty(identifier, identifier, fc.string({ maxLength: 20 }), async (tableSuffix, columnName, value) => {
        const tableName = `p${process.pid}_${++counter}_${tableSuffix}`.slice(0, 40).trimEnd();
        const t = table(tableName, { id: new Integer(), [columnName]: new Text() });
        await withTable(tableName, columnName, textType(ctx), async () => {
          await ctx.engine.begin((conn) => conn.execute(insert(t).values({ id: 1, [columnName]: value } as never)));
          const back = await ctx.engine.connect(async (conn) => (await conn.execute(select(t.c[columnName] as never))).all());
          expect(back).toHaveLength(1);
          expect((back[0] as unknown as { _tuple(): unknown[] })._tuple()[0]).toBe(value);
        });
      }),
      { numRuns: 12, endOnFailure: true },
    );
  }, 120_000);

  it("random strings round-trip exactly and are never inlined into the SQL", async () => {
    const tableName = `p${process.pid}_${++counter}_strings`;
    const t = table(tableName, { id: new Integer(), v: new Text() });
    await withTable(tableName, "v", textType(ctx), async () => {
      let id = 0;
      await fc.assert(
        fc.asyncProperty(anyText, async (value) => {
          id += 1;
          const stmt = insert(t).values({ id, v: value });
          const compiled = ctx.engine.compile(stmt);
          if (value.length >= 4) expect(compiled.sql.includes(value)).toBe(false);
          const outcome = await ctx.engine.begin((conn) => conn.execute(stmt)).catch((e: unknown) => e);
          if (value.includes("\u0000") && ctx.backend.dialect === "postgresql") {
            // PostgreSQL text cannot hold NUL: refused with a typed error, never silently stripped.
            expect(outcome).toBeInstanceOf(DataError);
            return;
          }
          expect(outcome).not.toBeInstanceOf(Error);
          const back = await ctx.engine.connect(async (conn) => (await conn.execute(select(t.c.v).where(t.c.id.eq(id)))).scalar());
          expect(back).toBe(value);
        }),
        { numRuns: 40, endOnFailure: true },
      );
    });
  }, 120_000);

  it("random doubles round-trip; NaN and Infinity are stored where the database can, refused before sending elsewhere", async () => {
    const tableName = `p${process.pid}_${++counter}_doubles`;
    const t = table(tableName, { id: new Integer(), v: new Float() });
    await withTable(tableName, "v", floatType(ctx), async () => {
      let id = 0;
      await fc.assert(
        fc.asyncProperty(fc.double(), async (value) => {
          id += 1;
          const outcome = await ctx.engine.begin((conn) => conn.execute(insert(t).values({ id, v: value }))).catch((e: unknown) => e);
          if (!Number.isFinite(value) && ctx.backend.dialect !== "postgresql") {
            expect(outcome).toBeInstanceOf(DataError);
            expect((outcome as Error).message).toMatch(/NaN|Infinity/);
            return;
          }
          expect(outcome).not.toBeInstanceOf(Error);
          const back = await ctx.engine.connect(async (conn) => (await conn.execute(select(t.c.v).where(t.c.id.eq(id)))).scalar());
          if (ctx.backend.dialect === "mysql" || ctx.backend.dialect === "sqlite") {
            // MySQL and SQLite do not keep the sign of zero.
            expect(back === value || (back === 0 && value === 0)).toBe(true);
          } else if (Number.isNaN(value)) {
            expect(back).toBeNaN();
          } else {
            expect(back).toBe(value);
          }
        }),
        { numRuns: 40, endOnFailure: true },
      );
    });
  }, 120_000);
});
