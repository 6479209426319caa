/**
 * Runs one adapter's workload in this process, for `node --cpu-prof` (no checks: the harness does those).
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx src/profile.ts athanor-orm-pg W6 30
 *   node src/summarize-profile.mjs /tmp/prof/<file>.cpuprofile
 *
 * W3 and W4 rows are deleted after each call (untimed, outside the profile's interest but inside the
 * profile). SQLite adapters need ATHANOR_BENCH_SQLITE_FILE pointing at a seeded file.
 */
import pg from "pg";
import Database from "better-sqlite3";
import { AUTHORS, BOOKS, PG_URL, W2_IDS, RssProbe, w3Books, w4Authors, w6Cents, w7Sql, type Adapter, type Backend, type Workload } from "./common.js";

const [id, workload, n = "20"] = process.argv.slice(2) as [string, Workload, string?];
const backend: Backend = id.includes("sqlite") ? "sqlite" : "pg";
const adapter = ((await import(`./adapters/${id}.ts`)) as { create: () => Promise<Adapter> }).create;
const a = await adapter();
async function cleanup(): Promise<void> {
  const sql = [`DELETE FROM book WHERE id > ${BOOKS}`, `DELETE FROM author WHERE id > ${AUTHORS}`];
  if (backend === "sqlite") {
    const db = new Database(process.env.ATHANOR_BENCH_SQLITE_FILE as string);
    for (const s of sql) db.exec(s);
    db.close();
  } else {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    for (const s of sql) await client.query(s);
    await client.end();
  }
}
let cleaning = 0;
const t0 = performance.now();
for (let call = 0; call < Number(n); call++) {
  if (workload === "W1") await a.w1();
  else if (workload === "W2") for (const i of W2_IDS) await a.w2(i);
  else if (workload === "W3") await a.w3(w3Books(backend));
  else if (workload === "W4") await a.w4(w4Authors(backend));
  if (workload === "W3" || workload === "W4") {
    const c = performance.now();
    await cleanup();
    cleaning += performance.now() - c;
  }
  else if (workload === "W5") await a.w5();
  else if (workload === "W6") await a.w6((i) => w6Cents(i, 100_000 + call));
  else if (workload === "W7") await a.w7?.(w7Sql(200_000, backend), new RssProbe(), 200_000);
}
console.log(`${id} ${workload}: ${n} calls, ${((performance.now() - t0 - cleaning) / Number(n)).toFixed(1)} ms per call`);
await a.close();
