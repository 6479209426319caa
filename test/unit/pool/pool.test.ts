/**
 * Pool behaviour, with real SQLite connections as the pooled objects: limits,
 * waiting order, timeouts, recycle, pre-ping, reset on return, invalidation,
 * events and dispose.
 */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import {
  InvalidRequestError,
  NullPool,
  type Pool,
  type PoolDialect,
  QueuePool,
  StaticPool,
  TimeoutError,
} from "../../../src/index.js";

interface TestConnection {
  db: Database.Database;
  broken: boolean;
}

class SqliteDialect implements PoolDialect<TestConnection> {
  opened = 0;
  closed = 0;
  resets = 0;
  pings = 0;
  failConnect = false;
  failReset = false;
  connect(): Promise<TestConnection> {
    if (this.failConnect) return Promise.reject(new Error("connection refused"));
    this.opened += 1;
    return Promise.resolve({ db: new Database(":memory:"), broken: false });
  }
  ping(c: TestConnection): Promise<void> {
    this.pings += 1;
    c.db.prepare("select 1").get();
    return Promise.resolve();
  }
  reset(c: TestConnection): Promise<void> {
    this.resets += 1;
    if (this.failReset) return Promise.reject(new Error("reset failed"));
    if (c.db.inTransaction) c.db.exec("ROLLBACK");
    return Promise.resolve();
  }
  close(c: TestConnection): Promise<void> {
    this.closed += 1;
    if (c.db.open) c.db.close();
    return Promise.resolve();
  }
  isBroken(c: TestConnection): boolean {
    return c.broken;
  }
}

const pools: Pool<TestConnection>[] = [];
function track<P extends Pool<TestConnection>>(pool: P): P {
  pools.push(pool);
  return pool;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.dispose()));
});

describe("QueuePool", () => {
  it("reuses a returned connection", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new QueuePool(dialect, { size: 2 }));
    const a = await pool.checkout();
    a.connection.db.exec("create table marker (x)");
    await a.release();
    const b = await pool.checkout();
    expect(b.connection.db.prepare("select count(*) as n from marker").get()).toEqual({ n: 0 });
    expect(dialect.opened).toBe(1);
    await b.release();
  });

  it("opens overflow connections and closes them on return", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new QueuePool(dialect, { size: 1, maxOverflow: 2 }));
    const held = await Promise.all([pool.checkout(), pool.checkout(), pool.checkout()]);
    expect(pool.stats()).toMatchObject({ checkedOut: 3, overflow: 2, idle: 0 });
    expect(pool.status()).toBe("QueuePool: size 1, overflow 2 of 2, 3 checked out, 0 idle, 0 waiting (timeout 30000 ms)");
    for (const c of held) await c.release();
    expect(pool.stats()).toMatchObject({ checkedOut: 0, overflow: 0, idle: 1 });
    expect(dialect.closed).toBe(2);
  });

  it("raises TimeoutError naming size, overflow and timeout", async () => {
    const pool = track(new QueuePool(new SqliteDialect(), { size: 2, maxOverflow: 0, timeout: 200 }));
    const held = [await pool.checkout(), await pool.checkout()];
    const started = Date.now();
    const error = await pool.checkout().catch((e: unknown) => e);
    const waited = Date.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toMatch(/limit of size 2 overflow 0 reached, connection timed out, timeout 200 ms/);
    expect((error as TimeoutError).code).toBe("pool-timeout");
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(1000);
    expect(pool.stats().waiting).toBe(0);
    for (const c of held) await c.release();
    const again = await pool.checkout();
    await again.release();
  });

  it("serves waiters in arrival order", async () => {
    const pool = track(new QueuePool(new SqliteDialect(), { size: 1, maxOverflow: 0, timeout: 5000 }));
    const first = await pool.checkout();
    const order: number[] = [];
    const waiters = Array.from({ length: 50 }, (_, i) =>
      pool.checkout().then(async (c) => {
        order.push(i);
        await c.release();
      }),
    );
    expect(pool.stats().waiting).toBe(50);
    await first.release();
    await Promise.all(waiters);
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(pool.stats()).toMatchObject({ checkedOut: 0, waiting: 0, idle: 1 });
  });

  it("rolls back an open transaction on return, only when asked", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new QueuePool(dialect, { size: 1 }));
    const a = await pool.checkout();
    a.connection.db.exec("create table t (x); begin; insert into t values (1)");
    a.resetNeeded = true;
    await a.release();
    expect(dialect.resets).toBe(1);
    const b = await pool.checkout();
    expect(b.connection.db.inTransaction).toBe(false);
    expect(b.connection.db.prepare("select count(*) as n from t").get()).toEqual({ n: 0 });
    await b.release();
    expect(dialect.resets).toBe(1);
  });

  it("discards a connection whose reset fails", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new QueuePool(dialect, { size: 1 }));
    const invalidated: unknown[] = [];
    pool.events.on("invalidate", (_c, _r, error) => invalidated.push(error));
    const a = await pool.checkout();
    const first = a.connection;
    dialect.failReset = true;
    a.resetNeeded = true;
    await a.release();
    expect(invalidated).toHaveLength(1);
    expect(first.db.open).toBe(false);
    dialect.failReset = false;
    const b = await pool.checkout();
    expect(b.connection).not.toBe(first);
    await b.release();
  });

  it("replaces a broken idle connection at checkout", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new QueuePool(dialect, { size: 1 }));
    const a = await pool.checkout();
    const first = a.connection;
    await a.release();
    first.broken = true;
    const b = await pool.checkout();
    expect(b.connection).not.toBe(first);
    expect(dialect.opened).toBe(2);
    await b.release();
  });

  it("pre-pings reused connections and replaces dead ones silently", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new QueuePool(dialect, { size: 2, prePing: true }));
    const [a, b] = [await pool.checkout(), await pool.checkout()];
    const dead = [a.connection, b.connection];
    await a.release();
    await b.release();
    for (const c of dead) c.db.close(); // the server "restarted": both idle connections are dead
    const c = await pool.checkout();
    expect(dead).not.toContain(c.connection);
    expect(dialect.pings).toBe(1);
    const d = await pool.checkout();
    // The second dead connection is replaced without a ping: it predates the failure.
    expect(dead).not.toContain(d.connection);
    expect(dialect.pings).toBe(1);
    await c.release();
    await d.release();
  });

  it("recycles connections older than poolRecycle at checkout", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new QueuePool(dialect, { size: 1, recycle: 50 }));
    const a = await pool.checkout();
    const first = a.connection;
    await a.release();
    await new Promise((r) => setTimeout(r, 80));
    const b = await pool.checkout();
    expect(b.connection).not.toBe(first);
    expect(first.db.open).toBe(false);
    await b.release();
  });

  it("invalidate() discards and frees the slot for a waiter", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new QueuePool(dialect, { size: 1, maxOverflow: 0, timeout: 2000 }));
    const a = await pool.checkout();
    const waiting = pool.checkout();
    await a.invalidate(new Error("lost"), true);
    const b = await waiting;
    expect(b.connection.db.open).toBe(true);
    expect(dialect.opened).toBe(2);
    await b.release();
    expect(() => a.connection).toThrow(InvalidRequestError);
  });

  it("a failed connect frees its slot and leaves the counters unchanged", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new QueuePool(dialect, { size: 1, maxOverflow: 0, timeout: 500 }));
    dialect.failConnect = true;
    await expect(pool.checkout()).rejects.toThrow("connection refused");
    await expect(pool.checkout()).rejects.toThrow("connection refused");
    expect(pool.stats()).toMatchObject({ checkedOut: 0, idle: 0, overflow: 0 });
    dialect.failConnect = false;
    const c = await pool.checkout();
    await c.release();
  });

  it("fires connect, checkout, checkin, reset and close events", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new QueuePool(dialect, { size: 1 }));
    const seen: string[] = [];
    for (const name of ["connect", "checkout", "checkin", "reset", "close"] as const) pool.events.on(name, () => seen.push(name));
    const a = await pool.checkout();
    a.resetNeeded = true;
    await a.release();
    await pool.dispose();
    expect(seen).toEqual(["connect", "checkout", "reset", "checkin", "close"]);
  });

  it("a checkout listener that throws refuses the connection", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new QueuePool(dialect, { size: 1, maxOverflow: 0 }));
    const off = pool.events.on("checkout", () => {
      throw new Error("refused by listener");
    });
    await expect(pool.checkout()).rejects.toThrow("refused by listener");
    off();
    expect(pool.stats().checkedOut).toBe(0);
    const c = await pool.checkout();
    await c.release();
  });

  it("dispose closes idle connections, rejects waiters and refuses checkouts", async () => {
    const dialect = new SqliteDialect();
    const pool = new QueuePool(dialect, { size: 1, maxOverflow: 0 });
    const a = await pool.checkout();
    const waiting = pool.checkout();
    await pool.dispose();
    await expect(waiting).rejects.toThrow(/disposed/);
    await expect(pool.checkout()).rejects.toThrow(/disposed/);
    await a.release();
    expect(dialect.closed).toBe(1);
    expect(a.record?.closed ?? true).toBe(true);
  });

  it("validates its options", () => {
    expect(() => new QueuePool(new SqliteDialect(), { size: -1 })).toThrow(/poolSize/);
    expect(() => new QueuePool(new SqliteDialect(), { maxOverflow: -2 })).toThrow(/maxOverflow/);
    expect(() => new QueuePool(new SqliteDialect(), { size: 0, maxOverflow: 0 })).toThrow(/never connect/);
  });
});

describe("StaticPool", () => {
  it("keeps one connection and hands it out exclusively", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new StaticPool(dialect, { timeout: 2000 }));
    const a = await pool.checkout();
    a.connection.db.exec("create table t (x)");
    let secondGot = false;
    const second = pool.checkout().then((c) => {
      secondGot = true;
      return c;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(secondGot).toBe(false);
    await a.release();
    const b = await second;
    expect(b.connection.db.prepare("select count(*) as n from t").get()).toEqual({ n: 0 });
    expect(dialect.opened).toBe(1);
    await b.release();
    expect(pool.status()).toMatch(/^StaticPool: size 1/);
  });
});

describe("NullPool", () => {
  it("opens a connection per checkout and closes it on return", async () => {
    const dialect = new SqliteDialect();
    const pool = track(new NullPool(dialect));
    const a = await pool.checkout();
    const b = await pool.checkout();
    expect(a.connection).not.toBe(b.connection);
    expect(pool.stats().checkedOut).toBe(2);
    await a.release();
    await b.release();
    expect(dialect.closed).toBe(2);
    expect(pool.status()).toBe("NullPool: size 0, overflow 0 (no limit), 0 checked out, 0 idle, 0 waiting (timeout 30000 ms)");
  });
});
