/**
 * Steady-state cost of workloads in one process (PostgreSQL adapters): per workload the median wall
 * time per call, the median CPU time per call (every thread: the collector's helpers count) and the
 * garbage collector's time per call, after the workloads listed before it ran in the same process.
 *
 *   node --import tsx src/steady.ts athanor-orm-pg W6,W6 40      # the second W6 line is warm
 *   node --import tsx src/steady.ts athanor-orm-pg W1,W2,W3,W4,W5 18
 *   node --import tsx src/steady.ts athanor-orm-pg W6,W6 30 500    # idle 500 ms before each call
 *
 * Not a comparison (the harness interleaves adapters for that): a way to see whether a change moved
 * CPU or collector time, which the machine's wall-clock noise hides. W5 is reported per load (10 per call).
 */
import pg from "pg";
import { PerformanceObserver } from "node:perf_hooks";
import { AUTHORS, BOOKS, PG_URL, W2_IDS, w3Books, w4Authors, w6Cents, type Adapter, type Workload } from "./common.js";

let gcMs = 0;
let gcCount = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    gcCount += 1;
  }
}).observe({ entryTypes: ["gc"] });

const [id, list, n = "18", pauseArg = "0"] = process.argv.slice(2) as [string, string, string?, string?];
/** Milliseconds of idleness before each call (the harness's workers wait while the other adapters run). */
const pause = Number(pauseArg);
const calls = Number(n);
const adapter = await ((await import(`./adapters/${id}.ts`)) as { create: () => Promise<Adapter> }).create();
const cleaner = new pg.Client({ connectionString: PG_URL });
await cleaner.connect();
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1] as number;

for (const w of list.split(",") as Workload[]) {
  const wall: number[] = [];
  const cpu: number[] = [];
  gcMs = 0;
  gcCount = 0;
  for (let call = 0; call < calls; call++) {
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    const t = performance.now();
    const c = process.cpuUsage();
    if (w === "W1") await adapter.w1();
    else if (w === "W2") for (const i of W2_IDS) await adapter.w2(i);
    else if (w === "W3") await adapter.w3(w3Books("pg"));
    else if (w === "W4") await adapter.w4(w4Authors("pg"));
    else if (w === "W5") for (let k = 0; k < 10; k++) await adapter.w5();
    else if (w === "W6") await adapter.w6((i) => w6Cents(i, 100_000 + call));
    else throw new Error(`steady.ts runs W1-W6, not ${w}`);
    wall.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    if (w === "W3" || w === "W4") {
      await cleaner.query(`DELETE FROM book WHERE id > ${BOOKS}`);
      await cleaner.query(`DELETE FROM author WHERE id > ${AUTHORS}`);
    }
  }
  const per = w === "W5" ? 10 : 1;
  const heap = process.memoryUsage();
  console.log(
    `${id} ${w}: wall ${(median(wall) / per).toFixed(2)} ms, cpu ${(median(cpu) / per).toFixed(2)} ms, ` +
      `gc ${(gcMs / calls / per).toFixed(2)} ms per call (${gcCount} pauses); heap ${(heap.heapUsed / 1e6).toFixed(0)} MB, rss ${(heap.rss / 1e6).toFixed(0)} MB`,
  );
}
await cleaner.end();
await adapter.close();
