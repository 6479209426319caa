/**
 * Job handlers with a scoped session: scopedJob() on its own, and with
 * BullMQ on a real Redis and PostgreSQL. Each job gets its own Session,
 * removed after the job on success and on failure, its transaction rolled
 * back unless the job committed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { NullPool, String, createEngine, text, type Engine } from "athanor";
import { Session, select, sessionmaker } from "athanor/orm";
import { scopedJob, scopedSession, type ScopedSession } from "athanor/ext";
import { redisBackend, uniqueName } from "../support/backends.js";
import { itemModels as models } from "../support/item-model.js";
import { describeEachBackend } from "../support/suite.js";
import { withAppName } from "./support.js";


describeEachBackend(
  "scopedJob",
  (ctx) => {
    const { Base, Item } = models(uniqueName("job"));
    let Scoped: ScopedSession;
    beforeAll(async () => {
      await Base.metadata.createAll(ctx.engine);
      Scoped = scopedSession(sessionmaker(ctx.engine));
    });
    afterAll(() => Base.metadata.dropAll(ctx.engine));

    it("gives each call its own scope and removes the session on success and on failure", async () => {
      const sessions: Session[] = [];
      const handler = scopedJob(Scoped, async (label: string, fail: boolean): Promise<string> => {
        sessions.push(Scoped());
        Scoped.add(new Item({ label }));
        await Scoped.flush();
        if (fail) throw new Error(`job ${label} failed`);
        await Scoped.commit();
        return label;
      });
      expect(await handler("a", false)).toBe("a");
      await expect(handler("b", true)).rejects.toThrow("job b failed");
      expect(sessions[0]).not.toBe(sessions[1]);
      for (const session of sessions) {
        expect(session.inTransaction).toBe(false);
        expect(session.objects).toEqual([]);
      }
      expect(ctx.engine.pool.stats().checkedOut).toBe(0);
      await using check = new Session(ctx.engine);
      expect((await check.scalars(select(Item.c.label))).all()).toEqual(["a"]);
    });
  },
  { only: ["pglite", "sqlite-file"] },
);

const redis = redisBackend();
if (redis.skipReason !== undefined) {
  describe.skip(`scopedJob with BullMQ on Redis (skipped: ${redis.skipReason})`, () => {
    it("BullMQ jobs remove their sessions", () => undefined);
  });
} else describe("scopedJob with BullMQ on Redis", () => {
  describeEachBackend(
    "BullMQ worker",
    (ctx) => {
      const appName = uniqueName("athanor_jobs");
      const { Base, Item } = models(uniqueName("bull"));
      const queueName = uniqueName("athanor-test");
      let engine: Engine;
      let monitor: Engine;
      let queue: Queue;
      let worker: Worker;
      const clients: Redis[] = [];
      const sessions = new Map<string, Session>();
      const settled = new Map<string, { resolve: (outcome: string) => void; promise: Promise<string> }>();
      const outcome = (id: string) => {
        let entry = settled.get(id);
        if (entry === undefined) {
          let resolve!: (outcome: string) => void;
          const promise = new Promise<string>((r) => (resolve = r));
          settled.set(id, (entry = { resolve, promise }));
        }
        return entry;
      };

      beforeAll(async () => {
        // BullMQ loads ioredis itself only from CommonJS: give each of its objects a client of its own.
        const connection = () => {
          const client = new Redis(redis.url as string, { maxRetriesPerRequest: null });
          clients.push(client);
          return client;
        };
        engine = createEngine(withAppName(ctx.backend.url as string, appName), { poolSize: 3, maxOverflow: 0 });
        monitor = createEngine(ctx.backend.url as string, { poolClass: NullPool });
        await Base.metadata.createAll(engine);
        const Scoped = scopedSession(sessionmaker(engine));
        queue = new Queue(queueName, { connection: connection() });
        worker = new Worker(
          queueName,
          scopedJob(Scoped, async (job: Job<{ label: string; mode: "commit" | "throw" | "forget" }>) => {
            sessions.set(job.data.label, Scoped());
            Scoped.add(new Item({ label: job.data.label }));
            await Scoped.flush(); // the job's transaction is open from here
            if (job.data.mode === "throw") throw new Error(`job ${job.data.label} failed`);
            if (job.data.mode === "commit") await Scoped.commit();
            return job.data.label;
          }),
          { connection: connection(), concurrency: 5 },
        );
        worker.on("completed", (job) => outcome(job.data.label).resolve("completed"));
        worker.on("failed", (job, error) => outcome(job?.data.label ?? "?").resolve(`failed: ${error.message}`));
        await worker.waitUntilReady();
      });
      afterAll(async () => {
        await worker?.close();
        await queue?.obliterate({ force: true });
        await queue?.close();
        await Promise.all(clients.map((client) => client.quit()));
        await Base.metadata.dropAll(engine);
        await engine.dispose();
        await monitor.dispose();
      });

      it("removes each job's session after the job: committed, thrown (rolled back) or never committed (rolled back)", async () => {
        const jobs = Array.from({ length: 15 }, (_, i) => ({ label: `j${i}`, mode: (["commit", "throw", "forget"] as const)[i % 3] as "commit" | "throw" | "forget" }));
        await queue.addBulk(jobs.map((data) => ({ name: "item", data })));
        const results = await Promise.all(jobs.map((job) => outcome(job.label).promise));
        expect(results).toEqual(jobs.map((job) => (job.mode === "throw" ? `failed: job ${job.label} failed` : "completed")));

        expect(new Set(sessions.values()).size).toBe(jobs.length);
        for (const session of sessions.values()) {
          expect(session.inTransaction).toBe(false);
          expect(session.objects).toEqual([]);
        }
        expect(engine.pool.stats().checkedOut).toBe(0);
        await using conn = await monitor.connect();
        const states = (
          await conn.execute(
            text("select coalesce(state, 'none') as state from pg_stat_activity where application_name = :app").columns({ state: new String() }),
            { app: appName },
          )
        ).all();
        await conn.rollback();
        expect(states.filter((row) => row.state !== "idle")).toEqual([]);

        await using check = new Session(engine);
        const labels = (await check.scalars(select(Item.c.label))).all().sort();
        expect(labels).toEqual(jobs.filter((job) => job.mode === "commit").map((job) => job.label).sort());
      });
    },
    { only: ["pg"] },
  );
});
