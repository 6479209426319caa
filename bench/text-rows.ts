/**
 * Benchmark: a text() query returning 10,000 rows, through Athanor and through
 * the raw driver, for `pg` (PostgreSQL server) and `better-sqlite3`. Calls are
 * interleaved (raw, Athanor, raw, ...) after a warm-up, and every call reads
 * every column of every row so lazy work is counted. Prints medians and the
 * Athanor/raw ratio (target: at most 1.10). "raw" is the driver's default call
 * (rows as objects); the driver in array-row mode, which Athanor uses
 * underneath, is shown too, so the cost of Athanor's own layer is visible.
 *
 * On SQLite the table declares `active integer` and `created_at text`: raw
 * better-sqlite3 returns those as stored, and so does Athanor, so both sides do
 * the same work (a column declared BOOLEAN or TIMESTAMP would be converted by
 * Athanor and not by the raw driver).
 *
 *   npm run bench
 *   ATHANOR_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test npm run bench
 */
import Database from "better-sqlite3";
import pg from "pg";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine, text, type Engine } from "athanor";

const ROWS = 10_000;
const WARMUP = 10;
const RUNS = Number(process.env.ATHANOR_BENCH_RUNS ?? 40);
const PG_URL = process.env.ATHANOR_BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const QUERY = "select id, name, email, score, active, created_at from athanor_bench_rows";

type Row = Record<string, unknown>;

function touchArrays(rows: readonly unknown[][]): number {
  let n = 0;
  for (const row of rows) for (let i = 0; i < 6; i++) if (row[i] != null) n += 1;
  return n;
}

function touch(rows: readonly Row[]): number {
  let n = 0;
  for (const row of rows) {
    if (row.id != null) n += 1;
    if (row.name != null) n += 1;
    if (row.email != null) n += 1;
    if (row.score != null) n += 1;
    if (row.active != null) n += 1;
    if (row.created_at != null) n += 1;
  }
  return n;
}

async function time(fn: () => Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  const touched = await fn();
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (touched !== ROWS * 6) throw new Error(`expected ${ROWS * 6} values, read ${touched}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function compare(label: string, raw: () => Promise<number>, athanor: () => Promise<number>, rawArrays: () => Promise<number>): Promise<void> {
  for (let i = 0; i < WARMUP; i++) {
    await raw();
    await athanor();
  }
  const rawTimes: number[] = [];
  const athTimes: number[] = [];
  const arrayTimes: number[] = [];
  const contenders: [() => Promise<number>, number[]][] = [
    [raw, rawTimes],
    [athanor, athTimes],
    [rawArrays, arrayTimes],
  ];
  for (let i = 0; i < RUNS; i++) {
    // Rotate which one goes first so none always runs on a warmer cache.
    for (let k = 0; k < contenders.length; k++) {
      const [fn, times] = contenders[(i + k) % contenders.length] as [() => Promise<number>, number[]];
      times.push(await time(fn));
    }
  }
  const r = median(rawTimes);
  const a = median(athTimes);
  const ra = median(arrayTimes);
  console.log(
    `${label.padEnd(16)} raw ${r.toFixed(2).padStart(7)} ms   athanor ${a.toFixed(2).padStart(7)} ms   ratio ${(a / r).toFixed(3)}` +
      `   (raw with array rows ${ra.toFixed(2)} ms, ratio ${(a / ra).toFixed(3)})`,
  );
}

async function seed(engine: Engine, createSql: string): Promise<void> {
  await engine.begin(async (conn) => {
    await conn.execute(text("drop table if exists athanor_bench_rows"));
    await conn.execute(text(createSql));
    const rows = Array.from({ length: ROWS }, (_, i) => ({
      id: i + 1,
      name: `name ${i}`,
      email: `user${i}@example.com`,
      score: i * 1.5,
      active: i % 2 === 0,
      created_at: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
    }));
    await conn.execute(
      text("insert into athanor_bench_rows (id, name, email, score, active, created_at) values (:id, :name, :email, :score, :active, :created_at)"),
      rows,
    );
  });
}

async function benchPg(): Promise<void> {
  const engine = createEngine(PG_URL.replace(/^postgresql(\+\w+)?:/, "postgresql+pg:"), { poolSize: 1 });
  try {
    await seed(
      engine,
      "create table athanor_bench_rows (id integer primary key, name text not null, email text not null, score double precision not null, active boolean not null, created_at timestamptz not null)",
    );
  } catch (error) {
    console.log(`pg: skipped (${(error as Error).message.split("\n")[0]})`);
    await engine.dispose();
    return;
  }
  const pool = new pg.Pool({ connectionString: PG_URL.replace(/^postgresql\+\w+:/, "postgresql:"), max: 1 });
  await compare(
    "pg",
    async () => touch((await pool.query(QUERY)).rows as Row[]),
    () => engine.connect(async (conn) => touch((await conn.execute(text(QUERY))).all())),
    async () => touchArrays((await pool.query({ text: QUERY, rowMode: "array" })).rows as unknown[][]),
  );
  await pool.end();
  await engine.begin((conn) => conn.execute(text("drop table athanor_bench_rows")));
  await engine.dispose();
}

async function benchSqlite(): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), "athanor-bench-")), "bench.db");
  const engine = createEngine(`sqlite:///${file}`, { poolSize: 1 });
  await seed(
    engine,
    "create table athanor_bench_rows (id integer primary key, name text not null, email text not null, score real not null, active integer not null, created_at text not null)",
  );
  const db = new Database(file);
  const stmt = db.prepare(QUERY);
  const rawStmt = db.prepare(QUERY).raw(true);
  await compare(
    "better-sqlite3",
    async () => touch(stmt.all() as Row[]),
    () => engine.connect(async (conn) => touch((await conn.execute(text(QUERY))).all())),
    async () => touchArrays(rawStmt.all() as unknown[][]),
  );
  db.close();
  await engine.dispose();
}

console.log(`text() returning ${ROWS.toLocaleString("en")} rows, median of ${RUNS} interleaved calls (Node ${process.version})`);
await benchPg();
await benchSqlite();
