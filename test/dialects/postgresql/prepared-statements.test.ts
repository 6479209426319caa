/**
 * The pg adapter's named prepared statements: a parameterised statement run a
 * second time is prepared once per connection (pg_prepared_statements shows
 * it), up to `statementCacheSize`; 0 turns it off; a failed or invalidated
 * statement is parsed again under a new name.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DriverConnection } from "../../../src/engine/interfaces.js";
import { ArgumentError } from "../../../src/errors/index.js";
import { createEngine, Integer, select, table } from "../../../src/index.js";
import { uniqueName } from "../../support/backends.js";
import { connect, describeEachDriver, rejectionOf, type PgBackend } from "./support.js";

/** The statements this session has prepared, as the server lists them. */
async function prepared(conn: DriverConnection): Promise<string[]> {
  const result = await conn.execute("SELECT statement FROM pg_prepared_statements ORDER BY prepare_time", []);
  return result.rows.map((row) => String(row[0]));
}

describeEachDriver(
  "pg prepared statements",
  (backend: PgBackend) => {
    const name = uniqueName("prep");
    let conn: DriverConnection;

    beforeAll(async () => {
      ({ conn } = await connect(backend));
      await conn.execute(`CREATE TABLE ${name} (id int PRIMARY KEY, x int)`, []);
      await conn.execute(`INSERT INTO ${name} SELECT g, g * 10 FROM generate_series(1, 5) AS g`, []);
    });
    afterAll(async () => {
      await conn?.execute(`DROP TABLE IF EXISTS ${name}`, []);
      await conn?.close();
    });

    it("prepares a parameterised statement at its second run, and reuses it", async () => {
      const sql = `SELECT x FROM ${name} WHERE id = $1`;
      expect((await conn.execute(sql, [1])).rows).toEqual([[10]]);
      expect(await prepared(conn)).toEqual([]);
      expect((await conn.execute(sql, [2])).rows).toEqual([[20]]);
      expect(await prepared(conn)).toEqual([sql]);
      for (let id = 3; id <= 5; id++) expect((await conn.execute(sql, [id])).rows).toEqual([[id * 10]]);
      expect(await prepared(conn)).toEqual([sql]);
    });

    it("never prepares a parameterless string (several statements still run)", async () => {
      const before = await prepared(conn);
      for (let i = 0; i < 3; i++) await conn.execute(`SELECT 1; SELECT count(*) FROM ${name}`, []);
      expect(await prepared(conn)).toEqual(before);
    });

    it("prepares the statement of executeMany once", async () => {
      const sql = `UPDATE ${name} SET x = x + $1 WHERE id = $2`;
      const result = await conn.executeMany(sql, [[1, 1], [1, 2], [1, 3], [1, 4]]);
      expect(result.rowcount).toBe(4);
      expect((await prepared(conn)).filter((s) => s === sql)).toHaveLength(1);
      expect((await conn.execute(`SELECT sum(x) FROM ${name}`, [])).rows).toEqual([[154n]]); // sum(int) is a bigint
    });

    it("after a failure the statement is parsed again under a new name", async () => {
      const { conn: own } = await connect(backend);
      try {
        const temp = uniqueName("prep_t");
        await own.execute(`CREATE TABLE ${temp} (id int PRIMARY KEY, v int)`, []);
        await own.execute(`INSERT INTO ${temp} VALUES (1, 1)`, []);
        const sql = `SELECT * FROM ${temp} WHERE id = $1`;
        const firstColumns = (await own.execute(sql, [1])).columns;
        // The column list is kept with the statement (frozen) and handed back while the fields match.
        expect((await own.execute(sql, [1])).columns).toBe(firstColumns);
        expect(Object.isFrozen(firstColumns)).toBe(true);
        // The row type of the prepared statement changes: PostgreSQL refuses the cached plan once.
        await own.execute(`ALTER TABLE ${temp} ALTER COLUMN v TYPE text`, []);
        const error = await rejectionOf(own.execute(sql, [1]));
        expect(String((error as Error).message)).toMatch(/cached plan must not change result type/);
        const changed = await own.execute(sql, [1]);
        expect(changed.rows).toEqual([[1, "1"]]);
        expect(changed.columns.map((c) => [c.name, c.type])).toEqual([
          ["id", "int4"],
          ["v", "text"],
        ]);
        expect((await own.execute(sql, [1])).rows).toEqual([[1, "1"]]);
        // The stale statement stays on the server (pg cannot forget one); the new name serves from now on.
        expect((await prepared(own)).filter((s) => s === sql)).toHaveLength(2);
        await own.execute(`DROP TABLE ${temp}`, []);
      } finally {
        await own.close();
      }
    });

    it("statementCacheSize caps the statements prepared; 0 prepares none", async () => {
      for (const [size, expected] of [[0, 0], [2, 2]] as const) {
        const { conn: own } = await connect(backend, { driverOptions: { statementCacheSize: size } });
        try {
          for (let k = 1; k <= 3; k++) {
            const sql = `SELECT x + ${k} FROM ${name} WHERE id = $1`;
            await own.execute(sql, [1]);
            await own.execute(sql, [1]);
          }
          expect(await prepared(own)).toHaveLength(expected);
        } finally {
          await own.close();
        }
      }
      const error = await rejectionOf(connect(backend, { driverOptions: { statementCacheSize: -1 } }));
      expect(error).toBeInstanceOf(ArgumentError);
    });

    it("reaches the engine through connectArgs", async () => {
      const t = table(name, { id: new Integer(), x: new Integer() });
      for (const [connectArgs, expected] of [[{}, 1], [{ statementCacheSize: 0 }, 0]] as const) {
        const engine = createEngine(backend.url as string, { connectArgs });
        try {
          const count = await engine.connect(async (c) => {
            for (let id = 1; id <= 3; id++) await c.execute(select(t.c.x).where(t.c.id.eq(id)));
            return (await c.execDriverSql("SELECT count(*) FROM pg_prepared_statements")).scalar();
          });
          expect(Number(count)).toBe(expected);
        } finally {
          await engine.dispose();
        }
      }
    });
  },
  (backend) => backend.driver === "pg",
);
