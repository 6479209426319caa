/**
 * The engine option queryTimeout against a network that drops packets
 * silently (RELIABILITY.md scenario 13): a proxy in front of the server stops
 * forwarding after the connection is made, and every call must fail within
 * the bound instead of waiting for the kernel, with the connection discarded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, OperationalError, PendingRollbackError, createEngine, literal, select, text, type Engine } from "../../src/index.js";
import { BlackholeProxy, hostAndPort } from "../support/proxy.js";
import { describeEachBackend } from "../support/suite.js";

const BOUND = 400;

async function timed<T>(work: Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

function expectTimeout(outcome: { error: unknown; ms: number }): void {
  expect(outcome.error).toBeInstanceOf(OperationalError);
  const error = outcome.error as OperationalError;
  expect(error.isTimeout).toBe(true);
  expect(error.isDisconnect).toBe(true);
  expect(error.message).toContain(`queryTimeout (${BOUND} ms)`);
  expect(outcome.ms).toBeGreaterThanOrEqual(BOUND - 50);
  expect(outcome.ms).toBeLessThan(BOUND + 1500);
}

describeEachBackend(
  "queryTimeout on a black-holed network",
  (ctx) => {
    let proxy: BlackholeProxy;
    let engine: Engine;
    const one = select(literal(1).label("n"));

    beforeAll(async () => {
      const { host, port } = hostAndPort(ctx.backend.url as string, ctx.backend.dialect === "postgresql" ? 5432 : 3306);
      proxy = await BlackholeProxy.start(host, port);
      engine = createEngine(BlackholeProxy.route(ctx.backend.url as string, proxy), { queryTimeout: BOUND, connectTimeout: BOUND, poolSize: 2 });
    });
    afterAll(async () => {
      await engine.dispose();
      await proxy.close();
    });

    it("a call without an answer fails after the bound, and the pool serves again once the network is back", async () => {
      try {
        expect(await engine.connect(async (c) => (await c.execute(one)).scalar())).toBe(1);
        proxy.blackhole = true;
        expectTimeout(await timed(engine.connect((c) => c.execute(one))));
        // The timeout marked every pooled connection stale: the next checkout connects anew, and that times out too (connectTimeout).
        const next = await timed(engine.connect((c) => c.execute(one)));
        expect(next.error).toBeInstanceOf(OperationalError);
        expect((next.error as OperationalError).isTimeout).toBe(true);
        expect(next.ms).toBeLessThan(BOUND + 1500);
      } finally {
        proxy.blackhole = false;
      }
      expect(await engine.connect(async (c) => (await c.execute(one)).scalar())).toBe(1);
      expect(engine.pool.stats().checkedOut).toBe(0);
    });

    it("inside a transaction: the transaction is lost, PendingRollbackError until rollback(), then the connection works again", async () => {
      const conn = await engine.connect();
      try {
        await conn.begin();
        await conn.execute(text("SELECT 1"));
        proxy.blackhole = true;
        expectTimeout(await timed(conn.execute(text("SELECT 2"))));
        proxy.blackhole = false;
        await expect(conn.execute(one)).rejects.toBeInstanceOf(PendingRollbackError);
        await conn.rollback();
        expect((await conn.execute(one)).scalar()).toBe(1);
      } finally {
        proxy.blackhole = false;
        await conn.close();
      }
    });

    it("a stream whose next batch never comes fails after the bound", async () => {
      const conn = await engine.connect();
      try {
        const sql = ctx.backend.dialect === "postgresql" ? "SELECT i FROM generate_series(1, 100000) AS i" : "SELECT seq FROM seq_1_to_100000";
        const stream = await conn.stream(text(sql), undefined, { batchSize: 10 });
        const rows = stream[Symbol.asyncIterator]();
        await rows.next();
        proxy.blackhole = true;
        const outcome = await timed(
          (async () => {
            for (;;) if ((await rows.next()).done === true) return;
          })(),
        );
        expect(outcome.error).toBeInstanceOf(OperationalError);
        expect((outcome.error as OperationalError).isTimeout).toBe(true);
        expect(outcome.ms).toBeLessThan(BOUND + 1500);
      } finally {
        proxy.blackhole = false;
        await conn.close();
      }
    });
  },
  { serversOnly: true },
);

describe("queryTimeout option", () => {
  it("must be a positive number of milliseconds", () => {
    for (const bad of [0, -1, Number.NaN, Infinity, "500"]) {
      expect(() => createEngine("sqlite://", { queryTimeout: bad as number })).toThrow(ArgumentError);
    }
  });

  it("is ignored by databases inside the process (no network to lose)", async () => {
    const engine = createEngine("sqlite://", { queryTimeout: 1 });
    try {
      const n = await engine.connect(async (c) => (await c.execute(text("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 200000) SELECT count(*) AS n FROM s"))).scalar());
      expect(Number(n)).toBe(200000);
    } finally {
      await engine.dispose();
    }
  });
});
