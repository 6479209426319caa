/**
 * Starts the example service.
 *
 *   npx tsx examples/service/main.ts                                   # PGlite in memory, jobs in process
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \
 *   REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/service/main.ts   # PostgreSQL, jobs on BullMQ
 *
 * PORT (default 3000) and HOST (default 127.0.0.1) choose where it listens.
 */
import { createService } from "./service.js";

const service = await createService({ databaseUrl: process.env.DATABASE_URL || undefined, redisUrl: process.env.REDIS_URL || undefined });
const base = await service.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? "127.0.0.1");
console.log(`service listening on ${base} (database ${service.engine.url.toString()}, jobs ${process.env.REDIS_URL ? "on BullMQ" : "in process"})`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`${signal}: closing`);
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
