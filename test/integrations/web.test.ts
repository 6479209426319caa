/**
 * The web integrations end to end: real HTTP on loopback, real PostgreSQL.
 * For Express, Fastify and Hono alike: 200 concurrent requests each get their
 * own Session; writes stay invisible to other requests until committed;
 * uncommitted work is rolled back when the request ends (never committed
 * silently); a handler that throws leaves no open transaction; and afterwards
 * the pool is idle and pg_stat_activity shows no leaked connection.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { serve } from "@hono/node-server";
import { Integer, NullPool, String, createEngine, text, type Engine } from "athanor";
import { Session, select, sessionmaker } from "athanor/orm";
import { expressScopedSession, fastifyScopedSession, honoScopedSession, scopedSession, type ScopedSession } from "athanor/ext";
import { uniqueName } from "../support/backends.js";
import { itemModels as models } from "../support/item-model.js";
import { signal } from "../support/signal.js";
import { describeEachBackend } from "../support/suite.js";
import { eventually, withAppName } from "./support.js";

const REQUESTS = 200;
const FAILING = 20;
const POOL_SIZE = 10;

type ItemClass = ReturnType<typeof models>["Item"];

/** Lets a test stop a request after its flush, abort it from the client, then let the handler go on. */
class AbortProbe {
  flushed = signal();
  gate = signal();
  outcome: Promise<string> | undefined;
}

/** What every app does, whatever the framework: the handlers only use the scoped session. */
function handlers(Scoped: ScopedSession, Item: ItemClass, probe: AbortProbe) {
  const ids = new WeakMap<Session, number>();
  let nextId = 0;
  return {
    /** Inserts `r<n>`, lets other requests run, reads what it can see; commits only when n is even. */
    async create(n: number): Promise<{ visible: string[]; session: number }> {
      const session = Scoped();
      if (!ids.has(session)) ids.set(session, nextId++);
      Scoped.add(new Item({ label: `r${n}` }));
      await Scoped.flush();
      await new Promise((resolve) => setTimeout(resolve, n % 7));
      const visible = (await Scoped.scalars(select(Item.c.label))).all();
      if (n % 2 === 0) await Scoped.commit();
      return { visible, session: ids.get(session) as number };
    },
    /** Flushes a row, then waits for the test (which aborts the request meanwhile), then tries to commit. */
    async slow(): Promise<string> {
      Scoped.add(new Item({ label: "aborted" }));
      await Scoped.flush();
      probe.flushed.fire();
      probe.outcome = probe.gate.promise.then(
        () => Scoped.commit().then(() => "committed", (error: Error) => error.message),
      );
      return probe.outcome;
    },
    async fail(n: number): Promise<never> {
      Scoped.add(new Item({ label: `f${n}` }));
      await Scoped.flush();
      throw new Error(`handler ${n} failed`);
    },
  };
}

interface Running {
  readonly base: string;
  close(): Promise<void>;
}

function listening(server: Server): Promise<Running> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    const ready = () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        base: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections(); // the client's keep-alive sockets would hold close() for seconds
          }),
      });
    };
    if (server.listening) ready();
    else server.once("listening", ready);
  });
}

type Framework = (Scoped: ScopedSession, Item: ItemClass, probe: AbortProbe) => Promise<Running>;

const frameworks: Record<string, Framework> = {
  async express(Scoped, Item, probe) {
    const h = handlers(Scoped, Item, probe);
    const app = express();
    app.use(express.json(), expressScopedSession(Scoped));
    app.post("/items/:n", async (req, res) => {
      res.json(await h.create(Number(req.params.n)));
    });
    app.post("/fail/:n", async (req) => {
      await h.fail(Number(req.params.n));
    });
    app.post("/slow", async (_req, res) => {
      res.json(await h.slow());
    });
    const seen = new WeakMap<object, Session>();
    app.get(
      "/hooked",
      (req, _res, next) => {
        seen.set(req, Scoped());
        next();
      },
      async (req, res) => {
        res.json({ same: seen.get(req) === Scoped() });
      },
    );
    return listening(app.listen(0, "127.0.0.1"));
  },
  async fastify(Scoped, Item, probe) {
    const h = handlers(Scoped, Item, probe);
    const app = Fastify({ forceCloseConnections: true });
    await app.register(fastifyScopedSession(Scoped));
    app.post<{ Params: { n: string } }>("/items/:n", async (req) => h.create(Number(req.params.n)));
    app.post<{ Params: { n: string } }>("/fail/:n", async (req) => h.fail(Number(req.params.n)));
    app.post("/slow", async () => h.slow());
    const seen = new WeakMap<object, Session>();
    app.get("/hooked", {
      preHandler: async (req) => {
        seen.set(req, Scoped());
      },
      handler: async (req) => ({ same: seen.get(req) === Scoped() }),
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    return { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
  },
  async hono(Scoped, Item, probe) {
    const h = handlers(Scoped, Item, probe);
    const app = new Hono();
    app.use(honoScopedSession(Scoped));
    app.post("/items/:n", async (c) => c.json(await h.create(Number(c.req.param("n")))));
    app.post("/fail/:n", async (c) => h.fail(Number(c.req.param("n"))));
    app.post("/slow", async (c) => c.json(await h.slow()));
    const seen = new WeakMap<object, Session>();
    app.use("/hooked", async (c, next) => {
      seen.set(c.req.raw, Scoped());
      await next();
    });
    app.get("/hooked", async (c) => c.json({ same: seen.get(c.req.raw) === Scoped() }));
    app.onError((_error, c) => c.text("failed", 500));
    return listening(serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server);
  },
};

describeEachBackend(
  "web integrations over HTTP",
  (ctx) => {
    let monitor: Engine;
    beforeAll(() => {
      monitor = createEngine(ctx.backend.url as string, { poolClass: NullPool });
    });
    afterAll(() => monitor.dispose());

    /** This application's connections as the server sees them, by state. */
    const activity = async (app: string): Promise<Record<string, number>> => {
      await using conn = await monitor.connect();
      const query = text("select coalesce(state, 'none') as state, count(*)::int as n from pg_stat_activity where application_name = :app group by state");
      const rows = (await conn.execute(query.columns({ state: new String(), n: new Integer() }), { app })).all();
      await conn.rollback();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    };

    for (const [name, start] of Object.entries(frameworks)) {
      it(`${name}: ${REQUESTS} concurrent requests, isolated sessions, no leak`, async () => {
        const appName = uniqueName(`athanor_${name}`);
        const engine = createEngine(withAppName(ctx.backend.url as string, appName), { poolSize: POOL_SIZE, maxOverflow: 0 });
        const { Base, Item } = models(uniqueName(name));
        await Base.metadata.createAll(engine);
        const Scoped = scopedSession(sessionmaker(engine));
        const probe = new AbortProbe();
        const server = await start(Scoped, Item, probe);
        try {
          const responses = await Promise.all(
            Array.from({ length: REQUESTS }, async (_, n) => {
              const res = await fetch(`${server.base}/items/${n}`, { method: "POST" });
              expect(res.status).toBe(200);
              return { n, ...((await res.json()) as { visible: string[]; session: number }) };
            }),
          );
          expect(new Set(responses.map((r) => r.session)).size).toBe(REQUESTS);
          for (const { n, visible } of responses) {
            expect(visible).toContain(`r${n}`); // its own uncommitted row
            // odd rows are never committed: seeing another request's one would be a leak of its transaction
            expect(visible.filter((label) => label !== `r${n}` && Number(label.slice(1)) % 2 === 1)).toEqual([]);
          }

          // Middleware or hooks after the integration share the handler's Session.
          expect(await fetch(`${server.base}/hooked`).then((r) => r.json())).toEqual({ same: true });

          const failures = await Promise.all(Array.from({ length: FAILING }, (_, n) => fetch(`${server.base}/fail/${n}`, { method: "POST" })));
          expect(failures.map((r) => r.status)).toEqual(Array(FAILING).fill(500));
          await Promise.all(failures.map((r) => r.arrayBuffer()));

          await eventually(() => engine.pool.stats().checkedOut === 0, "the pool is idle");
          const states = await activity(appName);
          expect(Object.keys(states).filter((s) => s !== "idle")).toEqual([]); // no "idle in transaction", nothing active
          expect(states.idle ?? 0).toBeLessThanOrEqual(POOL_SIZE);

          // A client that goes away: its session is removed at once (rolled back), and the handler cannot go on using it.
          const abort = new AbortController();
          const aborted = fetch(`${server.base}/slow`, { method: "POST", signal: abort.signal }).catch((error: Error) => error.name);
          await probe.flushed.promise;
         
          expect((await activity(appName))["idle in transaction"]).toBe(1);
          abort.abort();
          expect(await aborted).toBe("AbortError");
          await eventually(() => engine.pool.stats().checkedOut === 0, "the aborted request's connection is back");
          probe.gate.fire();
          expect(await probe.outcome).toMatch(/scope has ended/);
          expect(Object.keys(await activity(appName)).filter((s) => s !== "idle")).toEqual([]);

          await using check = new Session(engine);
          const labels = (await check.scalars(select(Item.c.label))).all().sort();
          const even = Array.from({ length: REQUESTS / 2 }, (_, i) => `r${i * 2}`).sort();
          expect(labels).toEqual(even); // odd (never committed) and failed requests were rolled back
          await check.close();
        } finally {
          await server.close();
          await Base.metadata.dropAll(engine);
          await engine.dispose();
        }
        await eventually(async () => Object.keys(await activity(appName)).length === 0, "every connection is closed");
      });
    }
  },
  { only: ["pg"] },
);
