/**
 * A server restarting under an idle pool, and a server down then back
 * (RELIABILITY.md scenarios 8 and 9), played by a proxy in front of the real
 * server: dropping every proxied connection is a restart as the clients see
 * it, closing the listener is a server that refuses connections.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { OperationalError, createEngine, literal, select, type Engine } from "../../src/index.js";
import { BlackholeProxy, hostAndPort } from "../support/proxy.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend(
  "server restart and outage",
  (ctx) => {
    let proxy: BlackholeProxy;
    const engines: Engine[] = [];
    const one = select(literal(1).label("n"));

    beforeEach(async () => {
      const { host, port } = hostAndPort(ctx.backend.url as string, ctx.backend.dialect === "postgresql" ? 5432 : 3306);
      proxy = await BlackholeProxy.start(host, port);
    });
    afterEach(async () => {
      for (const engine of engines.splice(0)) await engine.dispose();
      await proxy.close();
    });

    function engineThroughProxy(options: { poolPrePing?: boolean } = {}): Engine {
      const engine = createEngine(BlackholeProxy.route(ctx.backend.url as string, proxy), { poolSize: 3, connectTimeout: 2000, ...options });
      engines.push(engine);
      return engine;
    }

    /** Opens three pooled connections at once and returns them idle. */
    async function warm(engine: Engine): Promise<void> {
      const held = await Promise.all([engine.connect(), engine.connect(), engine.connect()]);
      for (const conn of held) await conn.execute(one);
      for (const conn of held) await conn.close();
      expect(engine.pool.stats()).toMatchObject({ idle: 3, checkedOut: 0 });
    }

    /** Runs `n` queries one after another; returns the errors. */
    async function queries(engine: Engine, n: number): Promise<unknown[]> {
      const errors: unknown[] = [];
      for (let i = 0; i < n; i++) {
        try {
          expect(await engine.connect(async (c) => (await c.execute(one)).scalar())).toBe(1);
        } catch (error) {
          errors.push(error);
        }
      }
      return errors;
    }

    it("with poolPrePing, a restart under an idle pool costs no error", async () => {
      const engine = engineThroughProxy({ poolPrePing: true });
      await warm(engine);
      proxy.dropAll();
      expect(await queries(engine, 20)).toEqual([]);
    });

    it("without pre-ping, a restart costs at most one disconnect error, after which every stale connection is replaced", async () => {
      const engine = engineThroughProxy();
      await warm(engine);
      proxy.dropAll();
      const errors = await queries(engine, 20);
      expect(errors.length).toBeLessThanOrEqual(1);
      for (const error of errors) {
        expect(error).toBeInstanceOf(OperationalError);
        expect((error as OperationalError).isDisconnect).toBe(true);
      }
      expect(engine.pool.stats().checkedOut).toBe(0);
    });

    it("while the server is down every call fails fast with a connection error, and the pool recovers when it is back", async () => {
      const engine = engineThroughProxy();
      await warm(engine);
      await proxy.stop();
      const before = engine.pool.stats();
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        const error = await engine.connect((c) => c.execute(one)).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(OperationalError);
        expect((error as OperationalError).isDisconnect).toBe(true);
        expect(Date.now() - started).toBeLessThan(2000 + 100); // refused at once, never past connectTimeout
      }
      const during = engine.pool.stats();
      expect(during.checkedOut).toBe(0);
      expect([during.size, during.maxOverflow]).toEqual([before.size, before.maxOverflow]);
      await proxy.resume();
      const back = Date.now();
      let answered = false;
      while (!answered && Date.now() - back < 1000) {
        answered = await engine.connect(async (c) => (await c.execute(one)).scalar() === 1).catch(() => false);
      }
      expect(answered).toBe(true);
      expect(await queries(engine, 5)).toEqual([]);
    });
  },
  { serversOnly: true },
);
