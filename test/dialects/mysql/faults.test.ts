/**
 * Faults at the mysql2 adapter level against a real MariaDB: a connection
 * killed by the server, a statement timeout, a lock wait timeout, and
 * unreachable servers (RELIABILITY.md scenarios 7, 13, 15, 18).
 */
import { createServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DriverConnection } from "../../../src/engine/interfaces.js";
import { URL } from "../../../src/engine/url.js";
import { OperationalError } from "../../../src/errors/index.js";
import { uniqueName } from "../../support/backends.js";
import { MARIADB_URL, SKIP_REASON, connectMaria, mysqlAdapter, scalar, translatedFailure } from "./helpers.js";

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("mysql2 connect failures (no server needed)", () => {
  it("a refused connection to 127.0.0.1:1 fails fast and is disconnect-classified", async () => {
    const adapter = await mysqlAdapter();
    const started = Date.now();
    const { translated } = await translatedFailure(
      adapter.connect(URL.parse("mariadb+mysql2://root@127.0.0.1:1/test"), { connectTimeout: 2000, driverOptions: {} }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(translated.errorClass).toBe(OperationalError);
    expect(translated.isDisconnect).toBe(true);
    expect(translated.errno).toBe("ECONNREFUSED");
  });

  it("connectTimeout bounds a connect that gets no answer", async () => {
    // A listening socket that never speaks: the MySQL handshake never starts.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const adapter = await mysqlAdapter();
      const started = Date.now();
      const { translated } = await translatedFailure(
        adapter.connect(URL.parse(`mariadb+mysql2://root@127.0.0.1:${port}/test`), { connectTimeout: 300, driverOptions: {} }),
      );
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(2000);
      expect(translated.isDisconnect).toBe(true);
      expect(translated.isTimeout).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe.skipIf(MARIADB_URL === undefined)(`mysql2 faults [mariadb]${MARIADB_URL === undefined ? ` (${SKIP_REASON})` : ""}`, () => {
  let admin: DriverConnection;

  beforeAll(async () => {
    admin = await connectMaria();
  });
  afterAll(async () => {
    await admin?.close();
  });

  it("KILL <id> from another connection: the next execute fails with isDisconnect, brokenReason is set, no crash", async () => {
    const victim = await connectMaria();
    const id = await scalar(victim, "select connection_id()");
    await admin.execute(`KILL ${String(id)}`, []);
    await settle(200);
    // The idle socket's close was reported through the 'error' event.
    expect(victim.brokenReason).toBeDefined();
    const { translated } = await translatedFailure(victim.execute("select 1", []));
    expect(translated.errorClass).toBe(OperationalError);
    expect(translated.isDisconnect).toBe(true);
    await expect(victim.ping()).rejects.toBeDefined();
    await victim.close();
    await victim.close();
  });

  it("KILL during a running query: the query fails with isDisconnect", async () => {
    const victim = await connectMaria();
    const id = await scalar(victim, "select connection_id()");
    const running = translatedFailure(victim.execute("select sleep(5)", []));
    await settle(100);
    await admin.execute(`KILL ${String(id)}`, []);
    const { translated } = await running;
    expect(translated.isDisconnect).toBe(true);
    expect(victim.brokenReason).toBeDefined();
    await victim.close();
  });

  it("KILL while a cursor streams: next() rejects with a disconnect instead of hanging", async () => {
    const victim = await connectMaria();
    const id = await scalar(victim, "select connection_id()");
    const cursor = await victim.openCursor("select seq from seq_1_to_10000000", [], 100);
    expect((await cursor.next())?.length).toBe(100);
    await admin.execute(`KILL ${String(id)}`, []);
    let failure: unknown;
    try {
      for (let i = 0; i < 200_000; i++) if ((await cursor.next()) === null) break;
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeDefined();
    expect((await mysqlAdapter()).translateError(failure).isDisconnect).toBe(true);
    await cursor.close();
    await victim.close();
  });

  it("max_statement_time=0.1 with SLEEP(1): OperationalError isTimeout, and the connection stays usable", async () => {
    const conn = await connectMaria();
    try {
      await conn.execute("SET SESSION max_statement_time = 0.1", []);
      const started = Date.now();
      const { translated } = await translatedFailure(conn.execute("select sleep(1) from dual where 1 = ?", [1]));
      expect(Date.now() - started).toBeLessThan(900);
      expect(translated.errorClass).toBe(OperationalError);
      expect(translated.errno).toBe(1969);
      expect(translated.isTimeout).toBe(true);
      expect(translated.isDisconnect).toBe(false);
      expect(conn.brokenReason).toBeUndefined();
      await conn.execute("SET SESSION max_statement_time = 0", []);
      expect(await scalar(conn, "select 41 + 1")).toBe(42);
    } finally {
      await conn.close();
    }
  });

  it("a lock wait beyond innodb_lock_wait_timeout=1: OperationalError, retryable and timeout (1205)", async () => {
    const table = uniqueName("lockwait");
    await admin.execute(`create table ${table} (id int primary key, v int) engine=InnoDB`, []);
    await admin.execute(`insert into ${table} values (1, 0)`, []);
    const holder = await connectMaria();
    const waiter = await connectMaria();
    try {
      await holder.execute("START TRANSACTION", []);
      await holder.execute(`update ${table} set v = 1 where id = 1`, []);
      await waiter.execute("SET SESSION innodb_lock_wait_timeout = 1", []);
      await waiter.execute("START TRANSACTION", []);
      const started = Date.now();
      const { translated } = await translatedFailure(waiter.execute(`update ${table} set v = 2 where id = ?`, [1]));
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(translated.errorClass).toBe(OperationalError);
      expect(translated.errno).toBe(1205);
      expect(translated.isRetryable).toBe(true);
      expect(translated.isTimeout).toBe(true);
      expect(translated.isDisconnect).toBe(false);
      await waiter.execute("ROLLBACK", []);
      await holder.execute("COMMIT", []);
      expect(await scalar(waiter, `select v from ${table} where id = 1`)).toBe(1);
    } finally {
      await holder.close();
      await waiter.close();
      await admin.execute(`drop table if exists ${table}`, []);
    }
  });

  it("closing a connection whose cursor is still streaming destroys it without hanging", async () => {
    const conn = await connectMaria();
    const cursor = await conn.openCursor("select seq from seq_1_to_10000000", [], 100);
    await cursor.next();
    const started = Date.now();
    await conn.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(cursor.next()).rejects.toBeDefined();
    await cursor.close();
  });
});
