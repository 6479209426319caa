/**
 * Benchmark of ORM eager loading (issue 6), on PostgreSQL through `pg` and on
 * SQLite through `better-sqlite3`: 200 parents with 10 children each, loaded
 * through a Session with `selectinload` (2 statements) and with `joinedload`
 * (1 statement, rows made unique), against the raw driver doing what a
 * careful hand-written loader does: the parents, then the children
 * `WHERE parent_id IN (...)` (one placeholder per parent), stitched onto the
 * parents through a Map. Athanor Core doing the same two queries, and the raw
 * driver running one LEFT OUTER JOIN (what joinedload sends), are shown as
 * references. Target: ORM <= 2x raw (two queries).
 *
 * Every contender reads every column of every parent and child, and each run
 * checks that every parent came back with exactly 10 children that refer to
 * it, so no contender does less. A fresh Session per ORM run, closed (timed).
 * Method as bench/orm.ts (interleaved samples, the first contender rotating,
 * after a warm-up; median and minimum reported), except that one sample is 20
 * loads in a row (ATHANOR_BENCH_REPS), reported per load, and no forced
 * collection between samples unless ATHANOR_BENCH_GC=1 (see `collect`).
 *
 *   npm run bench:orm-eager
 *   ATHANOR_BENCH_RUNS=51 ATHANOR_BENCH_ONLY=sqlite npm run bench:orm-eager
 */
import Database from "better-sqlite3";
import pg from "pg";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Float, Integer, String as Str, createEngine, insert, select as coreSelect, type Engine } from "athanor";
import { Session, declarativeBase, joinedload, mapped, relationship, select, selectinload } from "athanor/orm";

const PARENTS = 200;
const CHILDREN = 10; // per parent
const WARMUP = Number(process.env.ATHANOR_BENCH_WARMUP ?? 5);
const RUNS = Number(process.env.ATHANOR_BENCH_RUNS ?? 21);
const REPS = Number(process.env.ATHANOR_BENCH_REPS ?? 20); // loads per timed sample
const PG_URL = process.env.ATHANOR_BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const ONLY = process.env.ATHANOR_BENCH_ONLY; // "pg" or "sqlite"
const PARENT_TABLE = "athanor_bench_parent";
const CHILD_TABLE = "athanor_bench_child";

function models() {
  const Base = declarativeBase();
  class Parent extends Base.model(PARENT_TABLE, {
    id: mapped(Integer, { primaryKey: true }),
    name: mapped(new Str(100), { nullable: false }),
  }) {
    declare children: Child[];
    static {
      this.relate({ children: relationship(() => Child, { backPopulates: "parent" }) });
    }
  }
  class Child extends Base.model(CHILD_TABLE, {
    id: mapped(Integer, { primaryKey: true }),
    parent_id: mapped(Integer, { nullable: false, foreignKey: `${PARENT_TABLE}.id` }),
    name: mapped(new Str(100), { nullable: false }),
    score: mapped(Float, { nullable: false }),
  }) {
    declare parent: Parent | null;
    static {
      this.relate({ parent: relationship(() => Parent, { backPopulates: "children" }) });
    }
  }
  return { Base, Parent, Child };
}
type Models = ReturnType<typeof models>;

// ---- what every contender returns ------------------------------------------------------

interface ChildLike {
  id: unknown;
  parent_id: unknown;
  name: unknown;
  score: unknown;
}
interface ParentLike {
  id: unknown;
  name: unknown;
  children: readonly ChildLike[];
}

/**
 * Reads every value and checks the shape: PARENTS parents, each with exactly
 * CHILDREN children whose parent_id is the parent's id. Returns the number of
 * children seen (PARENTS * CHILDREN when everything is right).
 */
function check(parents: readonly ParentLike[]): number {
  if (parents.length !== PARENTS) throw new Error(`${parents.length} parents`);
  let seen = 0;
  for (const p of parents) {
    if (p.id == null || p.name == null) throw new Error("parent without values");
    const children = p.children;
    if (children.length !== CHILDREN) throw new Error(`parent ${String(p.id)} has ${children.length} children`);
    for (const c of children) {
      if (c.parent_id !== p.id || c.id == null || c.name == null || c.score == null) throw new Error(`bad child of ${String(p.id)}`);
      seen += 1;
    }
  }
  return seen;
}

/** The hand-written stitching: children grouped by parent_id in a Map, set on plain parent objects. */
function stitch(parentRows: readonly { id: number; name: string }[], childRows: readonly ChildLike[]): ParentLike[] {
  const byParent = new Map<unknown, ChildLike[]>();
  for (const c of childRows) {
    const list = byParent.get(c.parent_id);
    if (list === undefined) byParent.set(c.parent_id, [c]);
    else list.push(c);
  }
  return parentRows.map((p) => ({ id: p.id, name: p.name, children: byParent.get(p.id) ?? [] }));
}

/** The raw LEFT OUTER JOIN: one row per child, parents made unique through a Map (rows as arrays). */
function stitchJoined(rows: readonly (readonly unknown[])[]): ParentLike[] {
  const parents = new Map<unknown, { id: unknown; name: unknown; children: ChildLike[] }>();
  for (const r of rows) {
    let p = parents.get(r[0]);
    if (p === undefined) parents.set(r[0], (p = { id: r[0], name: r[1], children: [] }));
    if (r[2] != null) p.children.push({ id: r[2], parent_id: r[3], name: r[4], score: r[5] });
  }
  return [...parents.values()];
}

// ---- measuring (as bench/orm.ts) ---------------------------------------------------------

interface Contender {
  readonly name: string;
  readonly run: () => Promise<number>;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * A full collection before each sample only with ATHANOR_BENCH_GC=1 (and node --expose-gc). Measured here: with
 * gc() before each sample the ORM contenders ran 2-3x slower than without it, the raw driver hardly changed, so
 * for loads of a few ms it distorts the ratio it is meant to clean up.
 */
const collect = process.env.ATHANOR_BENCH_GC === "1" ? (globalThis as { gc?: () => void }).gc : undefined;

/** One sample: REPS loads in a row (a load takes a few ms); returns ms per load. */
async function timeOnce(c: Contender, expect: number): Promise<number> {
  if (collect !== undefined) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const start = process.hrtime.bigint();
  for (let i = 0; i < REPS; i++) {
    const did = await c.run();
    if (did !== expect) throw new Error(`${c.name}: expected ${expect}, got ${did}`);
  }
  return Number(process.hrtime.bigint() - start) / 1e6 / REPS;
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
    for (let k = 0; k < contenders.length; k++) {
      const index = (i + k) % contenders.length;
      (times[index] as number[]).push(await timeOnce(contenders[index] as Contender, expect));
    }
  }
  return contenders.map((c, i) => ({ name: c.name, median: median(times[i] as number[]), min: Math.min(...(times[i] as number[])) }));
}

const verdicts: { label: string; ratio: number; pass: boolean }[] = [];

function report(title: string, results: readonly Measured[], base: string, targets: readonly string[], limit: number): void {
  const baseline = results.find((r) => r.name === base)?.median as number;
  console.log(`\n${title}`);
  console.log(`  ${"contender".padEnd(40)} ${"median ms".padStart(10)} ${"min ms".padStart(9)} ${"x raw".padStart(7)}`);
  for (const r of results) {
    console.log(`  ${r.name.padEnd(40)} ${r.median.toFixed(2).padStart(10)} ${r.min.toFixed(2).padStart(9)} ${(r.median / baseline).toFixed(2).padStart(7)}`);
  }
  for (const target of targets) {
    const ratio = (results.find((r) => r.name === target)?.median as number) / baseline;
    const pass = ratio <= limit;
    verdicts.push({ label: `${title.split(":")[0]}: ${target}`, ratio, pass });
    console.log(`  => ${target} / ${base} = ${ratio.toFixed(2)} (target <= ${limit}): ${pass ? "PASS" : "FAIL"}`);
  }
}

// ---- setup and contenders ---------------------------------------------------------------

async function seed(engine: Engine): Promise<Models> {
  const m = models();
  await m.Base.metadata.dropAll(engine, { checkFirst: true });
  await m.Base.metadata.createAll(engine);
  await engine.begin(async (conn) => {
    await conn.execute(insert(m.Parent.table).values(Array.from({ length: PARENTS }, (_, i) => ({ id: i + 1, name: `parent ${i + 1}` }))));
    const children = Array.from({ length: PARENTS * CHILDREN }, (_, i) => ({
      id: i + 1,
      // Interleaved, so a parent's children are not adjacent in the table.
      parent_id: (i % PARENTS) + 1,
      name: `child ${i + 1}`,
      score: i * 0.5,
    }));
    for (let i = 0; i < children.length; i += 500) await conn.execute(insert(m.Child.table).values(children.slice(i, i + 500)));
  });
  return m;
}

const EXPECT = PARENTS * CHILDREN;
const PARENTS_SQL = `select id, name from ${PARENT_TABLE}`;
const childrenSql = (placeholder: (n: number) => string) =>
  `select id, parent_id, name, score from ${CHILD_TABLE} where parent_id in (${Array.from({ length: PARENTS }, (_, i) => placeholder(i + 1)).join(", ")})`;
const JOINED_SQL =
  `select p.id, p.name, c.id, c.parent_id, c.name, c.score from ${PARENT_TABLE} p ` + `left outer join ${CHILD_TABLE} c on p.id = c.parent_id`;

function ormContenders(engine: Engine, m: Models): Contender[] {
  const { Parent, Child } = m;
  const orm = (name: string, option: () => ReturnType<typeof selectinload<typeof Parent, "children">>): Contender => ({
    name,
    run: async () => {
      const session = new Session(engine);
      try {
        return check((await session.scalars(select(Parent).options(option()))).all());
      } finally {
        await session.close();
      }
    },
  });
  return [
    {
      name: "athanor Core, two selects + Map",
      run: () =>
        engine.connect(async (conn) => {
          const parents = (await conn.execute(coreSelect(Parent.table))).all();
          const ids = parents.map((p) => p.id);
          const children = (await conn.execute(coreSelect(Child.table).where(Child.table.c.parent_id.in(ids)))).all();
          return check(stitch(parents, children));
        }),
    },
    orm("athanor ORM selectinload", () => selectinload(Parent, "children")),
    orm("athanor ORM joinedload", () => joinedload(Parent, "children")),
  ];
}

const TITLE = `${PARENTS} parents x ${CHILDREN} children`;

async function benchPg(): Promise<void> {
  const engine = createEngine(PG_URL.replace(/^postgresql(\+\w+)?:/, "postgresql+pg:"), { poolSize: 1 });
  let m: Models;
  try {
    m = await seed(engine);
  } catch (error) {
    console.log(`pg: skipped (${(error as Error).message.split("\n")[0]})`);
    await engine.dispose();
    return;
  }
  const pool = new pg.Pool({ connectionString: PG_URL.replace(/^postgresql\+\w+:/, "postgresql:"), max: 1 });
  const childSql = childrenSql((n) => `$${n}`);
  const raw: Contender = {
    name: "raw pg, two queries + Map",
    run: async () => {
      const client = await pool.connect();
      try {
        const parents = (await client.query(PARENTS_SQL)).rows as { id: number; name: string }[];
        const children = (await client.query(childSql, parents.map((p) => p.id))).rows as ChildLike[];
        return check(stitch(parents, children));
      } finally {
        client.release();
      }
    },
  };
  const rawJoined: Contender = {
    name: "raw pg, LEFT JOIN + Map",
    run: async () => check(stitchJoined((await pool.query({ text: JOINED_SQL, rowMode: "array" })).rows as unknown[][])),
  };
  report(`pg: ${TITLE}`, await measure([raw, rawJoined, ...ormContenders(engine, m)], EXPECT), raw.name, ["athanor ORM selectinload", "athanor ORM joinedload"], 2);
  await pool.end();
  await m.Base.metadata.dropAll(engine);
  await engine.dispose();
}

async function benchSqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "athanor-bench-eager-"));
  const file = join(dir, "bench.db");
  const engine = createEngine(`sqlite:///${file}`, { poolSize: 1 });
  const m = await seed(engine);
  const db = new Database(file);
  const parentsStmt = db.prepare(PARENTS_SQL);
  const childrenStmt = db.prepare(childrenSql(() => "?"));
  const joinedStmt = db.prepare(JOINED_SQL).raw(true);
  const raw: Contender = {
    name: "raw better-sqlite3, two queries + Map",
    run: async () => {
      const parents = parentsStmt.all() as { id: number; name: string }[];
      const children = childrenStmt.all(parents.map((p) => p.id)) as ChildLike[];
      return check(stitch(parents, children));
    },
  };
  const rawJoined: Contender = {
    name: "raw better-sqlite3, LEFT JOIN + Map",
    run: async () => check(stitchJoined(joinedStmt.all() as unknown[][])),
  };
  report(`better-sqlite3: ${TITLE}`, await measure([raw, rawJoined, ...ormContenders(engine, m)], EXPECT), raw.name, ["athanor ORM selectinload", "athanor ORM joinedload"], 2);
  db.close();
  await engine.dispose();
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `ORM eager-loading benchmark: ${TITLE}, ms per load, median of ${RUNS} interleaved samples of ${REPS} loads after ${WARMUP} warm-up rounds (Node ${process.version})`,
);
if (ONLY === undefined || ONLY === "pg") await benchPg();
if (ONLY === undefined || ONLY === "sqlite") await benchSqlite();
console.log("\nsummary");
for (const v of verdicts) console.log(`  ${v.label.padEnd(52)} ratio ${v.ratio.toFixed(2)}  ${v.pass ? "PASS" : "FAIL"}`);
