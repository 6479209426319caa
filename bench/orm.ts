/**
 * Benchmark of the ORM (issue 5), on PostgreSQL through `pg` and on SQLite
 * through `better-sqlite3`, against the raw driver in the same run:
 *
 * (a) load: 10,000 rows of `author(id, name, email, created_at, score)` as
 *     entities, `session.scalars(select(Author))` in a fresh Session each time
 *     (identity map filled, session closed), against the driver fetching the
 *     same rows (objects, and arrays) and against Athanor Core
 *     (`conn.execute(select(authors)).all()`). Every contender reads every
 *     column of every row, so lazy work is counted. Target: ORM <= 2x raw.
 * (b) flush: 10,000 new objects, constructed, `session.addAll` and
 *     `session.commit()` (multi-row INSERT ... RETURNING id, ids set on the
 *     objects), against the driver running chunked multi-row INSERTs with
 *     bound parameters in one transaction, with RETURNING id too so both sides
 *     learn the generated keys (the same without RETURNING is shown as well,
 *     and Athanor Core's `insert(table).values(rows).returning(id)` in the
 *     same 1,000-row chunks as a reference).
 *     The table is emptied between runs (not timed), and every run checks that
 *     10,000 rows arrived. Target: ORM time <= 2x raw (throughput >= 0.5x).
 *
 * Contenders are interleaved (the first one rotates) after a warm-up, and the
 * median of the runs is reported. On SQLite `created_at` is a TEXT column in
 * both the table and the model, so neither side converts it (a DateTime column
 * would make Athanor parse text into Date objects, which raw better-sqlite3
 * does not do); on PostgreSQL it is `timestamptz`, which `pg` itself turns
 * into Date on both sides.
 *
 * No collection is forced between runs: the garbage a contender makes is
 * collected while the next ones run, so every contender pays its share, and
 * the collections during a run are counted. ATHANOR_BENCH_GC=1 (with
 * --expose-gc, as `npm run bench:orm` runs node) forces a full collection
 * before each run instead; measured here, that leaves V8's young generation
 * shrunk after every collection, so the allocating contenders (the ORM) run
 * up to twice as slow while the raw driver hardly changes: it distorts the
 * ratio it is meant to clean up.
 *
 *   npm run bench:orm
 *   ATHANOR_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test ATHANOR_BENCH_RUNS=21 npm run bench:orm
 */
import Database from "better-sqlite3";
import pg from "pg";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime, Float, Integer, String as Str, Text, createEngine, insert, select as coreSelect, text, type Engine } from "athanor";
import { Session, declarativeBase, mapped, select } from "athanor/orm";

const ROWS = 10_000;
const CHUNK = 1_000; // rows per raw multi-row INSERT: the ORM's own batch size
const WARMUP = Number(process.env.ATHANOR_BENCH_WARMUP ?? 5);
const RUNS = Number(process.env.ATHANOR_BENCH_RUNS ?? 21);
const PG_URL = process.env.ATHANOR_BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const ONLY = process.env.ATHANOR_BENCH_ONLY; // "pg" or "sqlite", for profiling one backend
const LOAD_TABLE = "athanor_bench_author";
const FLUSH_TABLE = "athanor_bench_author_new";

type Backend = "pg" | "sqlite";

function models(backend: Backend) {
  const Base = declarativeBase();
  const createdAt = backend === "pg" ? mapped(new DateTime({ timezone: true }), { nullable: false }) : mapped(Text, { nullable: false });
  const columns = {
    id: mapped(Integer, { primaryKey: true }),
    name: mapped(new Str(100), { nullable: false }),
    email: mapped(new Str(200), { nullable: false }),
    created_at: createdAt,
    score: mapped(Float, { nullable: false }),
  };
  class Author extends Base.model(LOAD_TABLE, columns) {}
  class NewAuthor extends Base.model(FLUSH_TABLE, columns) {}
  return { Base, Author, NewAuthor };
}

interface Source {
  name: string;
  email: string;
  created_at: Date | string;
  score: number;
}

function sourceRows(backend: Backend): Source[] {
  return Array.from({ length: ROWS }, (_, i) => {
    const date = new Date(Date.UTC(2024, 0, 1) + i * 60_000);
    return {
      name: `name ${i}`,
      email: `user${i}@example.com`,
      created_at: backend === "pg" ? date : date.toISOString(),
      score: i * 1.5,
    };
  });
}

// ---- reading every value ------------------------------------------------------------

interface AuthorLike {
  id: unknown;
  name: unknown;
  email: unknown;
  created_at: unknown;
  score: unknown;
}

function touch(rows: readonly AuthorLike[]): number {
  let n = 0;
  for (const row of rows) {
    if (row.id != null) n += 1;
    if (row.name != null) n += 1;
    if (row.email != null) n += 1;
    if (row.created_at != null) n += 1;
    if (row.score != null) n += 1;
  }
  return n;
}

function touchArrays(rows: readonly (readonly unknown[])[]): number {
  let n = 0;
  for (const row of rows) for (let i = 0; i < 5; i++) if (row[i] != null) n += 1;
  return n;
}

// ---- measuring ------------------------------------------------------------------------

interface Contender {
  readonly name: string;
  /** Runs once and returns what it did (values read, or rows inserted), checked against `expect`. */
  readonly run: () => Promise<number>;
  /** Untimed work before each run (emptying the table). */
  readonly before?: () => Promise<void>;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** `global.gc` only with ATHANOR_BENCH_GC=1 (and --expose-gc): see the header. */
const collect = process.env.ATHANOR_BENCH_GC === "1" ? (globalThis as { gc?: () => void }).gc : undefined;

async function timeOnce(c: Contender, expect: number): Promise<number> {
  await c.before?.();
  collect?.();
  const start = process.hrtime.bigint();
  const did = await c.run();
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (did !== expect) throw new Error(`${c.name}: expected ${expect}, got ${did}`);
  return elapsed;
}

interface Measured {
  readonly name: string;
  readonly median: number;
  readonly min: number;
}

async function measure(contenders: readonly Contender[], expect: number): Promise<Measured[]> {
  for (let i = 0; i < WARMUP; i++) for (const c of contenders) await timeOnce(c, expect);
  const times = contenders.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) {
    // Rotate which one goes first so none always runs right after the same neighbour.
    for (let k = 0; k < contenders.length; k++) {
      const index = (i + k) % contenders.length;
      (times[index] as number[]).push(await timeOnce(contenders[index] as Contender, expect));
    }
  }
  return contenders.map((c, i) => ({ name: c.name, median: median(times[i] as number[]), min: Math.min(...(times[i] as number[])) }));
}

interface Verdict {
  readonly label: string;
  readonly ratio: number;
  readonly pass: boolean;
}

const verdicts: Verdict[] = [];

function report(title: string, results: readonly Measured[], base: string, target: string, limit: number): void {
  const baseline = results.find((r) => r.name === base)?.median as number;
  console.log(`\n${title}`);
  console.log(`  ${"contender".padEnd(34)} ${"median ms".padStart(10)} ${"min ms".padStart(9)} ${`x ${base}`.padStart(14)}`);
  for (const r of results) {
    console.log(`  ${r.name.padEnd(34)} ${r.median.toFixed(2).padStart(10)} ${r.min.toFixed(2).padStart(9)} ${(r.median / baseline).toFixed(2).padStart(14)}`);
  }
  const ratio = (results.find((r) => r.name === target)?.median as number) / baseline;
  const pass = ratio <= limit;
  verdicts.push({ label: title, ratio, pass });
  console.log(`  => ${target} / ${base} = ${ratio.toFixed(2)} (target <= ${limit}): ${pass ? "PASS" : "FAIL"}`);
}

// ---- setup ----------------------------------------------------------------------------

async function seed(engine: Engine, backend: Backend): Promise<ReturnType<typeof models>> {
  const m = models(backend);
  await m.Base.metadata.dropAll(engine);
  await m.Base.metadata.createAll(engine);
  const data = sourceRows(backend);
  await engine.begin(async (conn) => {
    for (let i = 0; i < ROWS; i += CHUNK) {
      await conn.execute(
        insert(m.Author.table).values(data.slice(i, i + CHUNK).map((row, j) => ({ id: i + j + 1, ...row })) as never),
      );
    }
  });
  const count = Number(await engine.connect(async (conn) => (await conn.execute(text(`select count(*) from ${LOAD_TABLE}`))).scalar()));
  if (count !== ROWS) throw new Error(`seeded ${count} rows`);
  return m;
}

/** The ORM contenders of both workloads for one engine. */
function ormContenders(engine: Engine, m: ReturnType<typeof models>, data: readonly Source[]) {
  const { Author, NewAuthor } = m;
  const authors = Author.table;
  const load: Contender = {
    name: "athanor ORM session.scalars",
    run: async () => {
      const session = new Session(engine);
      try {
        const objects = (await session.scalars(select(Author))).all();
        if (objects.length !== ROWS) throw new Error(`ORM loaded ${objects.length} objects`);
        return touch(objects);
      } finally {
        await session.close();
      }
    },
  };
  const core: Contender = {
    name: "athanor Core conn.execute(select)",
    run: () => engine.connect(async (conn) => touch((await conn.execute(coreSelect(authors))).all() as unknown as AuthorLike[])),
  };
  const flush = (before: () => Promise<void>): Contender => ({
    name: "athanor ORM addAll+commit",
    before,
    run: async () => {
      const session = new Session(engine);
      try {
        const objects = data.map((row) => new NewAuthor(row));
        session.addAll(objects);
        await session.commit();
        let ids = 0;
        for (const obj of objects) if (typeof obj.id === "number") ids += 1;
        return ids;
      } finally {
        await session.close();
      }
    },
  });
  const coreInsert = (before: () => Promise<void>): Contender => ({
    name: "athanor Core insert().returning(id)",
    before,
    run: () =>
      engine.begin(async (conn) => {
        let ids = 0;
        for (let i = 0; i < ROWS; i += CHUNK) {
          const stmt = insert(NewAuthor.table)
            .values(data.slice(i, i + CHUNK) as never)
            .returning(NewAuthor.table.c.id);
          ids += (await conn.execute(stmt)).all().length;
        }
        return ids;
      }),
  });
  return { load, core, flush, coreInsert };
}

function insertSql(rows: number, placeholder: (n: number) => string, returning: boolean): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const base = r * 4;
    tuples.push(`(${placeholder(base + 1)}, ${placeholder(base + 2)}, ${placeholder(base + 3)}, ${placeholder(base + 4)})`);
  }
  return `insert into ${FLUSH_TABLE} (name, email, created_at, score) values ${tuples.join(", ")}${returning ? " returning id" : ""}`;
}

function chunkParams(data: readonly Source[], from: number, to: number): unknown[] {
  const params: unknown[] = [];
  for (let i = from; i < to; i++) {
    const row = data[i] as Source;
    params.push(row.name, row.email, row.created_at, row.score);
  }
  return params;
}

// ---- PostgreSQL -----------------------------------------------------------------------

async function benchPg(): Promise<void> {
  const engine = createEngine(PG_URL.replace(/^postgresql(\+\w+)?:/, "postgresql+pg:"), { poolSize: 1 });
  let m: ReturnType<typeof models>;
  try {
    m = await seed(engine, "pg");
  } catch (error) {
    console.log(`pg: skipped (${(error as Error).message.split("\n")[0]})`);
    await engine.dispose();
    return;
  }
  const pool = new pg.Pool({ connectionString: PG_URL.replace(/^postgresql\+\w+:/, "postgresql:"), max: 1 });
  const data = sourceRows("pg");
  const orm = ormContenders(engine, m, data);
  const query = `select id, name, email, created_at, score from ${LOAD_TABLE}`;

  report(
    `pg: load ${ROWS.toLocaleString("en")} rows`,
    await measure(
      [
        { name: "raw pg pool.query (objects)", run: async () => touch((await pool.query(query)).rows as AuthorLike[]) },
        { name: "raw pg rowMode: 'array'", run: async () => touchArrays((await pool.query({ text: query, rowMode: "array" })).rows as unknown[][]) },
        orm.core,
        orm.load,
      ],
      ROWS * 5,
    ),
    "raw pg pool.query (objects)",
    "athanor ORM session.scalars",
    2,
  );

  const clean = async () => {
    await pool.query(`truncate ${FLUSH_TABLE} restart identity`);
  };
  const sql = insertSql(CHUNK, (n) => `$${n}`, true);
  const sqlNoReturning = insertSql(CHUNK, (n) => `$${n}`, false);
  const rawInsert = (returning: boolean) => async () => {
    const client = await pool.connect();
    try {
      await client.query("begin");
      let ids = 0;
      for (let i = 0; i < ROWS; i += CHUNK) {
        const result = await client.query(returning ? sql : sqlNoReturning, chunkParams(data, i, i + CHUNK));
        ids += returning ? result.rows.length : (result.rowCount ?? 0);
      }
      await client.query("commit");
      return ids;
    } finally {
      client.release();
    }
  };
  const counted = (c: Contender): Contender => ({
    ...c,
    run: async () => {
      const did = await c.run();
      const rows = Number((await pool.query(`select count(*) from ${FLUSH_TABLE}`)).rows[0].count);
      if (rows !== ROWS) throw new Error(`${c.name}: ${rows} rows in the table`);
      return did;
    },
  });
  report(
    `pg: flush ${ROWS.toLocaleString("en")} new objects`,
    await measure(
      [
        counted({ name: "raw pg INSERT ... RETURNING id", before: clean, run: rawInsert(true) }),
        counted({ name: "raw pg INSERT (no RETURNING)", before: clean, run: rawInsert(false) }),
        counted(orm.coreInsert(clean)),
        counted(orm.flush(clean)),
      ],
      ROWS,
    ),
    "raw pg INSERT ... RETURNING id",
    "athanor ORM addAll+commit",
    2,
  );
  await pool.end();
  await m.Base.metadata.dropAll(engine);
  await engine.dispose();
}

// ---- SQLite ---------------------------------------------------------------------------

async function benchSqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "athanor-bench-orm-"));
  const file = join(dir, "bench.db");
  const engine = createEngine(`sqlite:///${file}`, { poolSize: 1 });
  const m = await seed(engine, "sqlite");
  const db = new Database(file);
  const data = sourceRows("sqlite");
  const orm = ormContenders(engine, m, data);
  const query = `select id, name, email, created_at, score from ${LOAD_TABLE}`;
  const stmt = db.prepare(query);
  const arrays = db.prepare(query).raw(true);

  report(
    `better-sqlite3: load ${ROWS.toLocaleString("en")} rows`,
    await measure(
      [
        { name: "raw better-sqlite3 stmt.all()", run: async () => touch(stmt.all() as AuthorLike[]) },
        { name: "raw better-sqlite3 .raw(true)", run: async () => touchArrays(arrays.all() as unknown[][]) },
        orm.core,
        orm.load,
      ],
      ROWS * 5,
    ),
    "raw better-sqlite3 stmt.all()",
    "athanor ORM session.scalars",
    2,
  );

  const clean = async () => {
    db.exec(`delete from ${FLUSH_TABLE}`);
  };
  const sql = insertSql(CHUNK, () => "?", true);
  const sqlNoReturning = insertSql(CHUNK, () => "?", false);
  const insertReturning = db.prepare(sql);
  const insertPlain = db.prepare(sqlNoReturning);
  const rawInsert = (returning: boolean) => async () => {
    let ids = 0;
    db.exec("begin");
    try {
      for (let i = 0; i < ROWS; i += CHUNK) {
        const params = chunkParams(data, i, i + CHUNK);
        ids += returning ? insertReturning.all(params).length : insertPlain.run(params).changes;
      }
      db.exec("commit");
    } catch (error) {
      db.exec("rollback");
      throw error;
    }
    return ids;
  };
  const countRows = db.prepare(`select count(*) from ${FLUSH_TABLE}`).pluck();
  const counted = (c: Contender): Contender => ({
    ...c,
    run: async () => {
      const did = await c.run();
      const rows = Number(countRows.get());
      if (rows !== ROWS) throw new Error(`${c.name}: ${rows} rows in the table`);
      return did;
    },
  });
  report(
    `better-sqlite3: flush ${ROWS.toLocaleString("en")} new objects`,
    await measure(
      [
        counted({ name: "raw sqlite INSERT ... RETURNING id", before: clean, run: rawInsert(true) }),
        counted({ name: "raw sqlite INSERT (no RETURNING)", before: clean, run: rawInsert(false) }),
        counted(orm.coreInsert(clean)),
        counted(orm.flush(clean)),
      ],
      ROWS,
    ),
    "raw sqlite INSERT ... RETURNING id",
    "athanor ORM addAll+commit",
    2,
  );
  db.close();
  await engine.dispose();
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `ORM benchmark: ${ROWS.toLocaleString("en")} rows, median of ${RUNS} interleaved runs after ${WARMUP} warm-up rounds (Node ${process.version})`,
);
if (ONLY === undefined || ONLY === "pg") await benchPg();
if (ONLY === undefined || ONLY === "sqlite") await benchSqlite();
console.log("\nsummary");
for (const v of verdicts) console.log(`  ${v.label.padEnd(42)} ratio ${v.ratio.toFixed(2)}  ${v.pass ? "PASS" : "FAIL"}`);
