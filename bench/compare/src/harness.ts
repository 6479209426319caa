/**
 * The harness: seeds PostgreSQL and SQLite, starts every adapter in its own process, runs the workloads
 * interleaved round-robin (the starting adapter rotating each round), warm-up rounds then timed rounds,
 * and writes results/latest.json, then RESULTS.md and the chart (report.ts).
 *
 *   npm run all                      # everything (PostgreSQL + SQLite)
 *   npm run quick                    # --quick: 1 warm-up + 3 timed rounds, W7 with 100,000 rows
 *   node --import tsx src/harness.ts --only=sqlite --adapters=raw-sqlite,athanor-orm-sqlite --workloads=W1,W5
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import Database from "better-sqlite3";
import { PG_DDL, PG_URL, SQLITE_DDL, WORKLOADS, type Backend, type Workload } from "./common.js";
import { ADAPTERS, type Entry } from "./registry.js";
import { athanorBuild, writeReport, type Results, type Sample } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string | undefined]));
const quick = args.has("quick");
const only = args.get("only") as Backend | undefined;
const pick = args.get("adapters")?.split(",");
const workloads = (args.get("workloads")?.split(",") as Workload[] | undefined) ?? [...WORKLOADS];
const WARMUP = Number(process.env.ATHANOR_BENCH_WARMUP ?? (quick ? 1 : 3));
const TIMED = Number(process.env.ATHANOR_BENCH_CALLS ?? (quick ? 3 : 15));
const W7_ROWS = Number(process.env.ATHANOR_BENCH_W7_ROWS ?? (quick ? 100_000 : 1_000_000));
const W7_SMALL = Math.max(1, Math.floor(W7_ROWS / 10));
/** calls per sample: W5 takes a few ms, so a sample is 10 loads in a row (reported per load) */
const REPS: Record<Workload, number> = { W1: 1, W2: 1, W3: 1, W4: 1, W5: 10, W6: 1, W7: 1 };

// ---- workers -------------------------------------------------------------------------------

interface Worker {
  entry: Entry;
  child: ChildProcess;
  w7: boolean;
  notes: Partial<Record<Workload, string>>;
  request(message: object): Promise<Record<string, unknown>>;
}

async function start(entry: Entry, env: NodeJS.ProcessEnv): Promise<Worker> {
  const child = fork(join(here, "worker.ts"), [entry.id, entry.backend], {
    execArgv: ["--import", "tsx"],
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let waiting: ((m: Record<string, unknown>) => void) | undefined;
  child.on("message", (m: Record<string, unknown>) => waiting?.(m));
  child.on("exit", (code) => waiting?.({ type: "error", message: `worker exited with ${code}` }));
  const request = (message: object) =>
    new Promise<Record<string, unknown>>((resolve) => {
      waiting = resolve;
      child.send(message);
    });
  const worker: Worker = { entry, child, w7: false, notes: {}, request };
  const ready = await request({ type: "init" });
  if (ready.type !== "ready") throw new Error(`${entry.id}: ${String(ready.message)}`);
  worker.w7 = ready.w7 as boolean;
  worker.notes = ready.notes as Worker["notes"];
  return worker;
}

async function stop(w: Worker): Promise<void> {
  if (w.child.exitCode === null) await w.request({ type: "exit" });
}

// ---- seeding ---------------------------------------------------------------------------------

async function seedPg(): Promise<void> {
  const url = new URL(PG_URL);
  const database = url.pathname.slice(1);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(PG_URL), { pathname: "/postgres" }).toString() });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const sql of PG_DDL) await client.query(sql);
  await client.end();
}

async function vacuum(backend: Backend, env: NodeJS.ProcessEnv): Promise<void> {
  if (backend === "pg") {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query("VACUUM ANALYZE book");
    await client.query("VACUUM ANALYZE author");
    await client.end();
  } else {
    const db = new Database(env.ATHANOR_BENCH_SQLITE_FILE as string);
    db.exec("VACUUM; ANALYZE");
    db.close();
  }
}

// ---- the rounds ------------------------------------------------------------------------------

let callCounter = 0;
const log = (s: string) => process.stdout.write(s);

/** Interleaved rounds over `workers` for one workload: the starting worker rotates each round. */
async function rounds(workers: readonly Worker[], w: Workload, rows: number, warmup: number, timed: number, out: Map<string, Sample>): Promise<void> {
  const live = workers.filter((x) => !out.get(x.entry.id)?.error);
  for (let r = 0; r < warmup + timed; r++) {
    for (let k = 0; k < live.length; k++) {
      const worker = live[(r + k) % live.length] as Worker;
      const s = out.get(worker.entry.id) as Sample;
      if (s.error !== undefined) continue;
      const m = await worker.request({ type: "run", workload: w, reps: REPS[w], call: ++callCounter, rows });
      if (m.type !== "result") {
        s.error = String(m.message).split("\n")[0];
        log(`\n  ${worker.entry.id} ${w}: ERROR ${String(m.message)}\n`);
        continue;
      }
      if (r >= warmup) {
        s.times.push(m.ms as number);
        s.rss = Math.max(s.rss, m.rss as number);
        s.peakRss = Math.max(s.peakRss ?? 0, m.peakRss as number);
        s.maxRss = Math.max(s.maxRss ?? 0, m.maxRss as number);
      }
    }
    log(".");
  }
}

async function runBackend(backend: Backend, entries: readonly Entry[], results: Results): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let dir: string | undefined;
  const t0 = Date.now();
  if (backend === "pg") {
    await seedPg();
  } else {
    dir = mkdtempSync(join(tmpdir(), "athanor-bench-compare-"));
    env.ATHANOR_BENCH_SQLITE_FILE = join(dir, "bench.db");
    const db = new Database(env.ATHANOR_BENCH_SQLITE_FILE);
    for (const sql of SQLITE_DDL) db.exec(sql);
    db.close();
  }
  log(`${backend}: seeded in ${Date.now() - t0} ms; starting ${entries.length} workers\n`);
  const workers: Worker[] = [];
  for (const e of entries) workers.push(await start(e, env));
  for (const w of workloads.filter((x) => x !== "W7")) {
    const out = new Map<string, Sample>(workers.map((x) => [x.entry.id, { times: [], rss: 0 }]));
    const t = Date.now();
    log(`${backend} ${w} `);
    await rounds(workers, w, 0, WARMUP, TIMED, out);
    log(` ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
    for (const x of workers) results.samples.push({ adapter: x.entry.id, workload: w, ...(out.get(x.entry.id) as Sample), note: x.notes[w] });
    await vacuum(backend, env);
  }
  const notes = new Map(workers.map((x) => [x.entry.id, { w7: x.w7, note: x.notes.W7 }]));
  for (const x of workers) await stop(x);
  if (workloads.includes("W7")) {
    // W7: a fresh process per adapter (so its peak RSS is W7's own): first W7_SMALL rows (3 calls), then W7_ROWS
    const fresh: Worker[] = [];
    for (const e of entries) if (notes.get(e.id)?.w7) fresh.push(await start(e, env));
    const small = new Map<string, Sample>(fresh.map((x) => [x.entry.id, { times: [], rss: 0 }]));
    const big = new Map<string, Sample>(fresh.map((x) => [x.entry.id, { times: [], rss: 0 }]));
    const t = Date.now();
    log(`${backend} W7 `);
    await rounds(fresh, "W7", W7_SMALL, 0, 3, small);
    await rounds(fresh, "W7", W7_ROWS, quick ? 0 : 1, TIMED, big);
    log(` ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
    for (const e of entries) {
      const s = big.get(e.id);
      if (s === undefined) results.samples.push({ adapter: e.id, workload: "W7", times: [], rss: 0, na: true, note: notes.get(e.id)?.note });
      else results.samples.push({ adapter: e.id, workload: "W7", ...s, smallPeakRss: small.get(e.id)?.peakRss, smallMaxRss: small.get(e.id)?.maxRss });
    }
    for (const x of fresh) await stop(x);
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

const started = new Date();
const results: Results = {
  started: started.toISOString(),
  quick,
  warmup: WARMUP,
  timed: TIMED,
  reps: REPS,
  w7Rows: W7_ROWS,
  w7Small: W7_SMALL,
  node: process.version,
  cpus: `${cpus().length} x ${cpus()[0]?.model ?? "?"}`,
  memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  loadBefore: loadavg(),
  loadAfter: [],
  adapters: [],
  samples: [],
  seconds: 0,
  uptime: execFileSync("uptime", { encoding: "utf8" }),
  athanorBuild: athanorBuild(),
};
for (const backend of ["pg", "sqlite"] as const) {
  if (only !== undefined && only !== backend) continue;
  const entries = ADAPTERS.filter((e) => e.backend === backend && (pick === undefined || pick.includes(e.id)));
  if (entries.length === 0) continue;
  results.adapters.push(...entries.map((e) => e.id));
  await runBackend(backend, entries, results);
}
results.loadAfter = loadavg();
results.seconds = (Date.now() - started.getTime()) / 1000;
mkdirSync(join(here, "..", "results"), { recursive: true });
writeFileSync(join(here, "..", "results", quick ? "quick.json" : "latest.json"), JSON.stringify(results, null, 1));
await writeReport(results);
log(`done in ${results.seconds.toFixed(0)} s\n`);
