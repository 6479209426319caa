/**
 * The PostgreSQL driver adapters at the DriverConnection level, on real
 * databases: execution, errors, cursors, batches, dead connections, timeouts.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DriverAdapter, DriverConnection, TranslatedError } from "../../../src/engine/interfaces.js";
import { URL } from "../../../src/engine/url.js";
import {
  DataError,
  IntegrityError,
  InternalError,
  OperationalError,
  ProgrammingError,
} from "../../../src/errors/index.js";
import { uniqueName } from "../../support/backends.js";
import { connect, describeEachDriver, loadAdapter, rejectionOf, waitFor, type PgBackend } from "./support.js";

async function translated(adapter: DriverAdapter, promise: Promise<unknown>): Promise<TranslatedError> {
  return adapter.translateError(await rejectionOf(promise));
}

describeEachDriver("postgresql driver", (backend: PgBackend) => {
  let adapter: DriverAdapter;
  let conn: DriverConnection;
  const table = uniqueName("pg_drv");
  const parent = uniqueName("pg_parent");

  beforeAll(async () => {
    ({ adapter, conn } = await connect(backend));
    await conn.execute(`CREATE TABLE ${parent} (id int PRIMARY KEY)`, []);
    await conn.execute(
      `CREATE TABLE ${table} (
         id int PRIMARY KEY,
         name text NOT NULL,
         code text CONSTRAINT ${table}_code_key UNIQUE,
         qty int CONSTRAINT ${table}_qty_check CHECK (qty >= 0),
         parent_id int CONSTRAINT ${table}_parent_fk REFERENCES ${parent} (id)
       )`,
      [],
    );
  });

  afterAll(async () => {
    await conn?.execute(`DROP TABLE IF EXISTS ${table}`, []);
    await conn?.execute(`DROP TABLE IF EXISTS ${parent}`, []);
    await conn?.close();
  });

  it("describes itself", () => {
    expect(adapter.name).toBe(backend.driver);
    expect(adapter.packageName).toBe(
      { pg: "pg", postgres: "postgres", pglite: "@electric-sql/pglite" }[backend.driver],
    );
    expect(adapter.defaultPool(URL.parse(backend.url as string))).toBe(backend.driver === "pglite" ? "static" : "queue");
    expect(conn.brokenReason).toBeUndefined();
    expect(conn.raw).toBeDefined();
  });

  it("executes, with columns, rows as arrays and row counts", async () => {
    const inserted = await conn.execute(`INSERT INTO ${table} (id, name, qty) VALUES ($1, $2, $3), ($4, $5, $6)`, [
      1,
      "one",
      1,
      2,
      "two",
      2,
    ]);
    expect(inserted.rowcount).toBe(2);
    expect(inserted.columns).toEqual([]);
    expect(inserted.rows).toEqual([]);

    const selected = await conn.execute(`SELECT id, name AS label, qty::int8 AS big FROM ${table} ORDER BY id`, []);
    expect(selected.columns).toEqual([
      { name: "id", type: "int4", valueKind: "number" },
      { name: "label", type: "text", valueKind: "string" },
      { name: "big", type: "int8", valueKind: undefined },
    ]);
    expect(selected.rows).toEqual([
      [1, "one", 1n],
      [2, "two", 2n],
    ]);
    expect(selected.rowcount).toBe(2);

    const updated = await conn.execute(`UPDATE ${table} SET qty = qty + 1 WHERE id >= $1`, [1]);
    expect(updated.rowcount).toBe(2);
    const returning = await conn.execute(`UPDATE ${table} SET qty = 0 WHERE id = $1 RETURNING id, qty`, [2]);
    expect(returning.rows).toEqual([[2, 0]]);
    expect(returning.rowcount).toBe(1);
    const deleted = await conn.execute(`DELETE FROM ${table} WHERE id = $1`, [999]);
    expect(deleted.rowcount).toBe(0);
    const ddl = await conn.execute(`CREATE TEMP TABLE ${uniqueName("tmp")} (x int)`, []);
    expect(ddl.rowcount).toBe(-1);
  });

  it("hands back one frozen column list for every run of a statement (pg, postgres.js), so the engine can keep what it derives from it", async () => {
    const sql = `SELECT id, name FROM ${table} WHERE id >= $1`;
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await conn.execute(sql, [0])).columns);
    expect(runs[0]?.map((c) => c.name)).toEqual(["id", "name"]);
    if (backend.driver === "pglite") return; // PGlite describes each result afresh: the engine derives again each time
    expect(runs[1]).toBe(runs[0]);
    expect(runs[2]).toBe(runs[0]);
    expect(Object.isFrozen(runs[0])).toBe(true);
    // Another statement with other columns gets its own list.
    const other = (await conn.execute(`SELECT name FROM ${table} WHERE id >= $1`, [0])).columns;
    expect(other.map((c) => c.name)).toEqual(["name"]);
  });

  it("runs a parameterless string of several statements and reports the last", async () => {
    const result = await conn.execute("SELECT 1 AS a; SELECT 2 AS b, 'x' AS c", []);
    expect(result.columns.map((c) => c.name)).toEqual(["b", "c"]);
    expect(result.rows).toEqual([[2, "x"]]);
  });

  it("runs the dialect's transaction and isolation-level statements", async () => {
    const { PostgresDialect } = await import("../../../src/dialects/postgresql/index.js");
    const dialect = new PostgresDialect(adapter);
    expect(dialect.capabilities.serverSideCursors).toBe(backend.driver !== "pglite");
    for (const sql of dialect.beginStatements("SERIALIZABLE")) await conn.execute(sql, []);
    const level = await conn.execute(dialect.isolationLevelQuery, []);
    expect(String(level.rows[0]?.[0]).toUpperCase()).toBe("SERIALIZABLE");
    await conn.execute(`INSERT INTO ${table} (id, name) VALUES (10, 'in tx')`, []);
    await conn.execute(dialect.savepointStatement("sp 1"), []);
    await conn.execute(`INSERT INTO ${table} (id, name) VALUES (11, 'rolled back')`, []);
    await conn.execute(dialect.rollbackToSavepointStatement("sp 1"), []);
    await conn.execute(dialect.releaseSavepointStatement("sp 1"), []);
    await conn.execute(dialect.rollbackStatement, []);
    const after = await conn.execute(`SELECT count(*) FROM ${table} WHERE id IN (10, 11)`, []);
    expect(after.rows).toEqual([[0n]]);
    const defaultLevel = await conn.execute(dialect.isolationLevelQuery, []);
    expect(String(defaultLevel.rows[0]?.[0]).toUpperCase()).toBe("READ COMMITTED");
  });

  it("translates a unique violation to IntegrityError with the constraint and SQLSTATE 23505", async () => {
    await conn.execute(`INSERT INTO ${table} (id, name, code) VALUES (20, 'a', 'dup')`, []);
    const error = await translated(adapter, conn.execute(`INSERT INTO ${table} (id, name, code) VALUES ($1, $2, $3)`, [21, "b", "dup"]));
    expect(error.errorClass).toBe(IntegrityError);
    expect(error.sqlstate).toBe("23505");
    expect(error.constraint).toBe(`${table}_code_key`);
    expect(error.message).toMatch(/duplicate key value violates unique constraint/);
    expect(error.isDisconnect).toBe(false);
    expect(error.isRetryable).toBe(false);
  });

  it("translates not-null, foreign-key and check violations to IntegrityError", async () => {
    const notNull = await translated(adapter, conn.execute(`INSERT INTO ${table} (id, name) VALUES ($1, $2)`, [30, null]));
    expect(notNull).toMatchObject({ errorClass: IntegrityError, sqlstate: "23502" });
    const fk = await translated(adapter, conn.execute(`INSERT INTO ${table} (id, name, parent_id) VALUES (31, 'x', 12345)`, []));
    expect(fk).toMatchObject({ errorClass: IntegrityError, sqlstate: "23503", constraint: `${table}_parent_fk` });
    const check = await translated(adapter, conn.execute(`INSERT INTO ${table} (id, name, qty) VALUES (32, 'x', -1)`, []));
    expect(check).toMatchObject({ errorClass: IntegrityError, sqlstate: "23514", constraint: `${table}_qty_check` });
  });

  it("translates syntax errors, bad values and division by zero", async () => {
    const syntax = await translated(adapter, conn.execute("SELEC 1", []));
    expect(syntax).toMatchObject({ errorClass: ProgrammingError, sqlstate: "42601", isDisconnect: false });
    const missing = await translated(adapter, conn.execute(`SELECT * FROM ${uniqueName("missing")}`, []));
    expect(missing).toMatchObject({ errorClass: ProgrammingError, sqlstate: "42P01" });
    const zero = await translated(adapter, conn.execute("SELECT 1 / $1::int", [0]));
    expect(zero).toMatchObject({ errorClass: DataError, sqlstate: "22012" });
    const badInt = await translated(adapter, conn.execute("SELECT $1::int", ["abc"]));
    expect(badInt).toMatchObject({ errorClass: DataError, sqlstate: "22P02" });
    const nul = await translated(adapter, conn.execute("SELECT $1::text", ["a\u0000b"]));
    expect(nul.errorClass).toBe(DataError);
    const wrongCount = await translated(adapter, conn.execute("SELECT $1::int, $2::int", [1]));
    expect(wrongCount.errorClass).toBe(ProgrammingError);
    expect(wrongCount.isDisconnect).toBe(false);
    // The connection is fine after all of these.
    expect((await conn.execute("SELECT 1", [])).rows).toEqual([[1]]);
  });

  it("translates a statement in an aborted transaction to InternalError (25P02)", async () => {
    await conn.execute("BEGIN", []);
    await rejectionOf(conn.execute("SELECT 1 / 0", []));
    const aborted = await translated(adapter, conn.execute("SELECT 1", []));
    expect(aborted).toMatchObject({ errorClass: InternalError, sqlstate: "25P02" });
    await conn.execute("ROLLBACK", []);
  });

  // PGlite runs PostgreSQL single-user in WebAssembly, without the timer signals statement_timeout needs.
  it.skipIf(backend.driver === "pglite")("times out a statement with OperationalError isTimeout and stays usable (not on PGlite: no timer signals)", async () => {
    await conn.execute("SET statement_timeout = '150ms'", []);
    try {
      const started = Date.now();
      const error = await translated(adapter, conn.execute("SELECT pg_sleep(3)", []));
      expect(Date.now() - started).toBeLessThan(2500);
      expect(error).toMatchObject({ errorClass: OperationalError, sqlstate: "57014", isTimeout: true, isDisconnect: false });
    } finally {
      await conn.execute("RESET statement_timeout", []);
    }
    expect(conn.brokenReason).toBeUndefined();
    await conn.ping();
    expect((await conn.execute("SELECT 2", [])).rows).toEqual([[2]]);
  });

  it("streams generate_series(1, 100000) through a cursor in batches of 1000", async () => {
    const cursor = await conn.openCursor("SELECT g, g::text AS t FROM generate_series(1, $1::int) AS g", [100_000], 1000);
    expect(cursor.columns.map((c) => c.name)).toEqual(["g", "t"]);
    let count = 0;
    let sum = 0;
    let batches = 0;
    for (let batch = await cursor.next(); batch !== null; batch = await cursor.next()) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(1000);
      batches++;
      for (const row of batch) {
        count++;
        sum += row[0] as number;
        if (count === 1) expect(row).toEqual([1, "1"]);
      }
    }
    expect(count).toBe(100_000);
    expect(sum).toBe((100_000 * 100_001) / 2);
    expect(batches).toBe(100);
    expect(await cursor.next()).toBeNull();
    await cursor.close();
    await cursor.close();
    expect((await conn.execute("SELECT 3", [])).rows).toEqual([[3]]);
  });

  it("frees the connection when a cursor is closed early", async () => {
    const cursor = await conn.openCursor("SELECT g FROM generate_series(1, 100000) AS g", [], 1000);
    const first = await cursor.next();
    const second = await cursor.next();
    expect(first?.[0]).toEqual([1]);
    expect(second?.[0]).toEqual([1001]);
    await cursor.close();
    await cursor.close();
    expect(await cursor.next()).toBeNull();
    expect((await conn.execute("SELECT 42", [])).rows).toEqual([[42]]);
    // A cursor over nothing, and one whose statement fails.
    const empty = await conn.openCursor("SELECT g FROM generate_series(1, 0) AS g", [], 10);
    expect(await empty.next()).toBeNull();
    await empty.close();
    const failing = await rejectionOf(conn.openCursor("SELECT 1 / 0", [], 10));
    expect(adapter.translateError(failing).errorClass).toBe(DataError);
    expect((await conn.execute("SELECT 43", [])).rows).toEqual([[43]]);
  });

  it("executes 1000 parameter sets with executeMany", async () => {
    const batch = uniqueName("pg_many");
    await conn.execute(`CREATE TABLE ${batch} (id int PRIMARY KEY, label text, big int8)`, []);
    try {
      const sets = Array.from({ length: 1000 }, (_, i) => [i, `row ${i}`, BigInt(i) * 10_000_000_000n]);
      const result = await conn.executeMany(`INSERT INTO ${batch} (id, label, big) VALUES ($1, $2, $3)`, sets);
      expect(result.rowcount).toBe(1000);
      const check = await conn.execute(`SELECT count(*), sum(big), max(label) FROM ${batch}`, []);
      expect(check.rows).toEqual([[1000n, "4995000000000000", "row 999"]]);
      const returning = await conn.executeMany(`UPDATE ${batch} SET label = $2 WHERE id = $1 RETURNING id`, [
        [1, "a"],
        [2, "b"],
      ]);
      expect(returning.rowcount).toBe(2);
      expect(returning.rows).toEqual([[1], [2]]);
      const failed = await translated(adapter, conn.executeMany(`INSERT INTO ${batch} (id) VALUES ($1)`, [[5000], [1], [5001]]));
      expect(failed.errorClass).toBe(IntegrityError);
      // The failure stopped the batch: the set after it was not run.
      const after = await conn.execute(`SELECT count(*) FROM ${batch} WHERE id >= 5000`, []);
      expect(after.rows).toEqual([[1n]]);
    } finally {
      await conn.execute(`DROP TABLE ${batch}`, []);
    }
  });

  it("reports a missing driver package as NoSuchModuleError", async () => {
    const { importDriver } = await import("../../../src/engine/registry.js");
    const { NoSuchModuleError } = await import("../../../src/errors/index.js");
    const missing = "athanor-no-such-driver-package";
    const error = await rejectionOf(importDriver(missing, () => import(missing)));
    expect(error).toBeInstanceOf(NoSuchModuleError);
    expect((error as Error).message).toContain(`npm install ${missing}`);
  });
});

describeEachDriver(
  "postgresql server connection",
  (backend: PgBackend) => {
    let adapter: DriverAdapter;
    const opened: DriverConnection[] = [];

    async function open(): Promise<DriverConnection> {
      const result = await connect(backend);
      adapter = result.adapter;
      opened.push(result.conn);
      return result.conn;
    }

    async function backendPid(conn: DriverConnection): Promise<number> {
      return (await conn.execute("SELECT pg_backend_pid()", [])).rows[0]?.[0] as number;
    }

    async function terminate(killer: DriverConnection, pid: number): Promise<void> {
      await killer.execute("SELECT pg_terminate_backend($1)", [pid]);
      await waitFor(async () => (await killer.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", [pid])).rows[0]?.[0] === 0n);
    }

    afterAll(async () => {
      for (const conn of opened) await conn.close();
    });

    it("marks an idle connection whose backend was terminated as broken", async () => {
      const victim = await open();
      const killer = await open();
      const pid = await backendPid(victim);
      await terminate(killer, pid);
      // The client learns of it from the socket; give the event loop a moment.
      await waitFor(() => victim.brokenReason !== undefined, 2000);
      const error = adapter.translateError(await rejectionOf(victim.execute("SELECT 1", [])));
      expect(error.isDisconnect).toBe(true);
      expect(error.errorClass).toBe(OperationalError);
      const pingError = adapter.translateError(await rejectionOf(victim.ping()));
      expect(pingError.isDisconnect).toBe(true);
      expect(adapter.translateError(victim.brokenReason).isDisconnect).toBe(true);
      await victim.close();
      await victim.close();
      expect((await killer.execute("SELECT 1", [])).rows).toEqual([[1]]);
    });

    it("fails a running statement with isDisconnect when its backend is terminated", async () => {
      const victim = await open();
      const killer = await open();
      const pid = await backendPid(victim);
      const running = rejectionOf(victim.execute("SELECT pg_sleep(10)", []));
      await waitFor(async () => {
        const state = await killer.execute("SELECT wait_event FROM pg_stat_activity WHERE pid = $1", [pid]);
        return state.rows[0]?.[0] === "PgSleep";
      });
      await killer.execute("SELECT pg_terminate_backend($1)", [pid]);
      const error = adapter.translateError(await running);
      expect(error.isDisconnect).toBe(true);
      await waitFor(() => victim.brokenReason !== undefined, 2000);
      expect(adapter.translateError(await rejectionOf(victim.execute("SELECT 1", []))).isDisconnect).toBe(true);
      await victim.close();
    });

    it("does not reconnect silently after the session was lost", async () => {
      const victim = await open();
      const killer = await open();
      const pid = await backendPid(victim);
      await terminate(killer, pid);
      await waitFor(() => victim.brokenReason !== undefined, 2000);
      // Several attempts: none may open a new session behind the caller's back.
      for (let i = 0; i < 3; i++) await rejectionOf(victim.execute("SELECT pg_backend_pid()", []));
      await victim.close();
    });

    it("fails fast with isDisconnect when the port is closed", async () => {
      const started = Date.now();
      const error = await rejectionOf(
        adapter.connect(URL.parse(`postgresql+${backend.driver}://postgres@127.0.0.1:1/test`), {
          connectTimeout: 5000,
          driverOptions: {},
        }),
      );
      expect(Date.now() - started).toBeLessThan(2000);
      const t = adapter.translateError(error);
      expect(t.isDisconnect).toBe(true);
      expect(t.errorClass).toBe(OperationalError);
    });

    describe("against a server that accepts and never answers", () => {
      let server: Server;
      let port: number;
      const sockets = new Set<Socket>();

      beforeAll(async () => {
        server = createServer((socket) => {
          sockets.add(socket);
          socket.on("error", () => undefined);
          socket.on("close", () => sockets.delete(socket));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        port = (server.address() as { port: number }).port;
      });

      afterAll(async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });

      it("honours connectTimeout and classifies it as a disconnect and a timeout", async () => {
        const started = Date.now();
        const error = await rejectionOf(
          adapter.connect(URL.parse(`postgresql+${backend.driver}://postgres@127.0.0.1:${port}/test`), {
            connectTimeout: 400,
            driverOptions: {},
          }),
        );
        const elapsed = Date.now() - started;
        expect(elapsed).toBeGreaterThanOrEqual(350);
        expect(elapsed).toBeLessThan(2000);
        const t = adapter.translateError(error);
        expect(t).toMatchObject({ isDisconnect: true, isTimeout: true, errorClass: OperationalError });
      });

      it("takes connect_timeout (seconds) from the URL", async () => {
        const started = Date.now();
        const error = await rejectionOf(
          adapter.connect(URL.parse(`postgresql+${backend.driver}://postgres@127.0.0.1:${port}/test?connect_timeout=0.3`), {
            connectTimeout: 30_000,
            driverOptions: {},
          }),
        );
        expect(Date.now() - started).toBeLessThan(2000);
        expect(adapter.translateError(error).isDisconnect).toBe(true);
      });
    });

    it("maps URL options to the session and ignores unknown ones", async () => {
      const url = `${backend.url as string}?application_name=athanor_test&statement_timeout=1234&sslmode=disable&options=-c%20search_path%3Dpublic&athanor_unknown_option=yes`;
      const { conn } = await connect(backend, { url });
      opened.push(conn);
      const result = await conn.execute(
        "SELECT current_setting('application_name'), current_setting('statement_timeout'), current_setting('search_path')",
        [],
      );
      expect(result.rows).toEqual([["athanor_test", "1234ms", "public"]]);
    });

    it.skipIf(backend.driver !== "pg")("passes unknown URL keys to the driver: pg's query_timeout (pg only)", async () => {
      const { conn } = await connect(backend, { url: `${backend.url as string}?query_timeout=200` });
      opened.push(conn);
      const started = Date.now();
      const error = adapter.translateError(await rejectionOf(conn.execute("SELECT pg_sleep(2)", [])));
      expect(Date.now() - started).toBeLessThan(1500);
      // The reply may still come: the session is not reusable, the pool must discard it.
      expect(error).toMatchObject({ errorClass: OperationalError, isTimeout: true, isDisconnect: true });
    });

    it("rejects an invalid sslmode clearly", async () => {
      const error = await rejectionOf(connect(backend, { url: `${backend.url as string}?sslmode=sometimes` }));
      expect((error as Error).message).toMatch(/Invalid sslmode "sometimes"/);
    });
  },
  (backend) => backend.server,
);

describe("pglite data directory", () => {
  it("keeps data in the directory of postgresql+pglite:////abs/dir across connections", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = join(mkdtempSync(join(tmpdir(), "athanor-pglite-")), "data");
    const adapter = await loadAdapter("pglite");
    const url = URL.parse(`postgresql+pglite:///${dir}`);
    expect(url.database).toBe(dir);
    expect(adapter.defaultPool(url)).toBe("static");
    try {
      const first = await adapter.connect(url, { connectTimeout: 10_000, driverOptions: {} });
      await first.execute("CREATE TABLE kept (v text)", []);
      await first.execute("INSERT INTO kept VALUES ($1)", ["still here"]);
      await first.close();
      const second = await adapter.connect(url, { connectTimeout: 10_000, driverOptions: {} });
      expect((await second.execute("SELECT v FROM kept", [])).rows).toEqual([["still here"]]);
      await second.close();
      expect(second.brokenReason).toBeUndefined();
    } finally {
      rmSync(join(dir, ".."), { recursive: true, force: true });
    }
  });

  it("is broken once the instance was closed behind the adapter's back", async () => {
    const adapter = await loadAdapter("pglite");
    const conn = await adapter.connect(URL.parse("postgresql+pglite://"), { connectTimeout: 10_000, driverOptions: {} });
    await (conn.raw as { close(): Promise<void> }).close();
    expect(conn.brokenReason).toBeDefined();
    const error = adapter.translateError(await rejectionOf(conn.execute("SELECT 1", [])));
    expect(error.isDisconnect).toBe(true);
    await conn.close();
  });
});
