/**
 * Faults on real servers: connections killed server-side (pg_terminate_backend,
 * MariaDB KILL), load on a small pool, leaks. RELIABILITY.md scenarios 1, 2, 7, 10.
 */
import { expect, it } from "vitest";
import { NullPool, OperationalError, PendingRollbackError, text, type Connection, type Engine } from "../../src/index.js";
import { describeEachBackend, type BackendContext } from "../support/suite.js";

function pidQuery(ctx: BackendContext): string {
  return ctx.backend.dialect === "postgresql" ? "select pg_backend_pid() as pid" : "select connection_id() as pid";
}

async function pidOf(ctx: BackendContext, conn: Connection): Promise<number> {
  return Number((await conn.execute(text(pidQuery(ctx)))).scalar());
}

async function kill(ctx: BackendContext, admin: Engine, pid: number): Promise<void> {
  const sql = ctx.backend.dialect === "postgresql" ? `select pg_terminate_backend(${pid})` : `KILL ${pid}`;
  await admin.connect((conn) => conn.execDriverSql(sql), { isolationLevel: "AUTOCOMMIT" });
}

async function alivePids(ctx: BackendContext, admin: Engine): Promise<Set<number>> {
  const sql =
    ctx.backend.dialect === "postgresql"
      ? "select pid from pg_stat_activity"
      : "select id as pid from information_schema.processlist";
  const rows = await admin.connect(async (conn) => (await conn.execDriverSql(sql)).scalars().all(), { isolationLevel: "AUTOCOMMIT" });
  return new Set(rows.map(Number));
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describeEachBackend(
  "faults and load",
  (ctx) => {
    const admin = () => ctx.newEngine({ poolClass: NullPool });

    it("with poolPrePing, a connection killed while idle is replaced silently", async () => {
      const engine = ctx.newEngine({ poolSize: 2, poolPrePing: true });
      const first = await engine.connect((conn) => pidOf(ctx, conn));
      await kill(ctx, admin(), first);
      await settle();
      const second = await engine.connect((conn) => pidOf(ctx, conn));
      expect(second).not.toBe(first);
      expect(engine.pool.stats().checkedOut).toBe(0);
    });

    it("without pre-ping, a killed idle connection costs at most one OperationalError and the pool recovers", async () => {
      const engine = ctx.newEngine({ poolSize: 3 });
      const conns = await Promise.all([engine.connect(), engine.connect(), engine.connect()]);
      const pids = await Promise.all(conns.map((c) => pidOf(ctx, c)));
      await Promise.all(conns.map((c) => c.close()));
      const killer = admin();
      for (const pid of pids) await kill(ctx, killer, pid);
      await settle();
      let errors = 0;
      for (let i = 0; i < 10; i++) {
        try {
          const pid = await engine.connect((conn) => pidOf(ctx, conn));
          expect(pids).not.toContain(pid);
        } catch (error) {
          expect(error).toBeInstanceOf(OperationalError);
          expect((error as OperationalError).isDisconnect).toBe(true);
          errors += 1;
        }
      }
      expect(errors).toBeLessThanOrEqual(1);
    });

    it("killed mid-transaction: OperationalError, then PendingRollbackError until rollback(), nothing persisted", async () => {
      const engine = ctx.newEngine({ poolSize: 1 });
      const table = `fault_${process.pid}_${Date.now() % 100000}`;
      await engine.begin((conn) => conn.execute(text(`create table ${table} (id integer primary key)`)));
      try {
        const conn = await engine.connect();
        const pid = await pidOf(ctx, conn);
        await conn.execute(text(`insert into ${table} (id) values (1)`));
        await kill(ctx, admin(), pid);
        await settle();
        const error = await conn.commit().then(
          () => undefined,
          (e: unknown) => e,
        );
        const failedAt = error === undefined ? await conn.execute(text("select 1")).catch((e: unknown) => e) : error;
        expect(failedAt).toBeInstanceOf(OperationalError);
        expect((failedAt as OperationalError).isDisconnect).toBe(true);
        expect(conn.invalidated).toBe(true);
        await expect(conn.execute(text("select 1"))).rejects.toThrow(PendingRollbackError);
        await conn.rollback();
        const newPid = await pidOf(ctx, conn);
        expect(newPid).not.toBe(pid);
        expect(Number((await conn.execute(text(`select count(*) from ${table}`))).scalar())).toBe(0);
        await conn.close();
      } finally {
        await engine.begin((conn) => conn.execute(text(`drop table ${table}`)));
      }
    });

    it("outside a transaction the next statement reconnects by itself", async () => {
      const engine = ctx.newEngine({ poolSize: 1, isolationLevel: "AUTOCOMMIT" });
      const conn = await engine.connect();
      const pid = await pidOf(ctx, conn);
      await kill(ctx, admin(), pid);
      await settle();
      const outcome = await conn.execute(text(pidQuery(ctx))).then(
        (r) => Number(r.scalar()),
        (e: unknown) => e,
      );
      if (outcome instanceof Error) {
        expect(outcome).toBeInstanceOf(OperationalError);
        expect(await pidOf(ctx, conn)).not.toBe(pid);
      } else {
        expect(outcome).not.toBe(pid);
      }
      await conn.close();
    });

    it("200 concurrent tasks over a pool of 5 all finish, and no connection leaks", async () => {
      const engine = ctx.newEngine({ poolSize: 5, maxOverflow: 0, poolTimeout: 30_000 });
      const sleep = ctx.backend.dialect === "postgresql" ? "select pg_sleep(0.002)" : "select sleep(0.002)";
      const pids = new Set<number>();
      const tasks = Array.from({ length: 200 }, (_, i) =>
        engine.begin(async (conn) => {
          pids.add(await pidOf(ctx, conn));
          await conn.execute(text(sleep));
          if (i % 10 === 0) throw new Error(`task ${i} fails on purpose`);
          return i;
        }).catch((e: unknown) => e),
      );
      const results = await Promise.all(tasks);
      expect(results.filter((r) => r instanceof Error)).toHaveLength(20);
      expect(results.filter((r) => typeof r === "number")).toHaveLength(180);
      expect(pids.size).toBeLessThanOrEqual(5);
      expect(engine.pool.stats()).toMatchObject({ checkedOut: 0, waiting: 0, idle: pids.size });
      const alive = await alivePids(ctx, admin());
      expect([...pids].every((p) => alive.has(p))).toBe(true);
      await engine.dispose();
      let leaked = [...pids];
      for (let i = 0; i < 20 && leaked.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const now = await alivePids(ctx, admin());
        leaked = [...pids].filter((p) => now.has(p));
      }
      expect(leaked).toEqual([]);
    }, 60_000);

    it("an exhausted pool raises TimeoutError after poolTimeout and serves again after a release", async () => {
      const engine = ctx.newEngine({ poolSize: 1, maxOverflow: 0, poolTimeout: 300 });
      const held = await engine.connect();
      const started = Date.now();
      await expect(engine.connect()).rejects.toThrow(/limit of size 1 overflow 0 reached, connection timed out, timeout 300 ms/);
      expect(Date.now() - started).toBeLessThan(1500);
      await held.close();
      expect(await engine.connect((conn) => pidOf(ctx, conn))).toBeGreaterThan(0);
    });
  },
  { serversOnly: true },
);
