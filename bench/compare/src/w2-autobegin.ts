/**
 * The W2 autobegin question, reproducible: 2,000 primary-key lookups (W2) through raw `pg` `pool.query`, through
 * Athanor Core with `engine.connect()` per lookup (one SELECT since deferred BEGIN; it was BEGIN + SELECT + ROLLBACK),
 * the same on an engine created with `isolationLevel: "AUTOCOMMIT"` (SELECT only), and with one connection
 * for all lookups. Interleaved rounds, medians.
 *
 *   node --import tsx src/w2-autobegin.ts [rounds=7]
 */
import pg from "pg";
import { createEngine, select } from "athanor";
import { PG_URL, W2_IDS } from "./common.js";
import { models } from "./adapters/athanor.js";

const rounds = Number(process.argv[2] ?? 7);
const url = PG_URL.replace(/^postgres(ql)?(\+\w+)?:/, "postgresql+pg:");
const engine = createEngine(url, { poolSize: 1 });
const autocommit = createEngine(url, { poolSize: 1, isolationLevel: "AUTOCOMMIT" });
const author = models("pg").Author.table;
const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
const lookup = (id: number) => select(author).where(author.c.id.eq(id));

const variants: [string, () => Promise<void>][] = [
  ["raw pg pool.query per lookup", async () => {
    for (const id of W2_IDS) await pool.query("SELECT id, name, email, created_at, score FROM author WHERE id = $1", [id]);
  }],
  ["Core engine.connect() per lookup (default: autobegin)", async () => {
    for (const id of W2_IDS) await engine.connect(async (c) => (await c.execute(lookup(id))).first());
  }],
  ["Core engine.connect() per lookup, AUTOCOMMIT engine", async () => {
    for (const id of W2_IDS) await autocommit.connect(async (c) => (await c.execute(lookup(id))).first());
  }],
  ["Core, one connection for all 2,000 lookups", async () => {
    await engine.connect(async (c) => {
      for (const id of W2_IDS) (await c.execute(lookup(id))).first();
    });
  }],
];
const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < variants.length; k++) {
    const [name, run] = variants[(r + k) % variants.length] as [string, () => Promise<void>];
    const t = performance.now();
    await run();
    times.get(name)?.push(performance.now() - t);
  }
}
for (const [name, list] of times) {
  const sorted = [...list].sort((a, b) => a - b);
  console.log(`${name.padEnd(56)} median ${(sorted[Math.floor(sorted.length / 2)] as number).toFixed(0)} ms`);
}
await pool.end();
await engine.dispose();
await autocommit.dispose();
