/**
 * Benchmark: compiling a three-table join with WHERE, ORDER BY and LIMIT,
 * in statements per second, for each dialect:
 *
 * - compile: one built statement compiled from scratch, again and again
 *   (the compiler alone, no cache);
 * - cached, same statement: the engine's path for a statement object executed
 *   again (its key is remembered on it; one cache lookup);
 * - build+compile vs build+cache hit: a new statement of the same shape built
 *   each time (what an application does per request), compiled from scratch or
 *   keyed and found in the cache.
 *
 * Targets (issue 3): uncached >= 50,000/s; cached at least 20x faster than uncached.
 *
 *   npx tsx bench/compile.ts
 */
import { Integer, String as Str, func, select, statementKey, table, type CompiledSQL, type SQLCompiler } from "athanor";
import { LRUCache } from "../src/util/index.js";
import { MariaDBCompiler, MySQLCompiler } from "../src/dialects/mysql/compiler.js";
import { PostgresCompiler } from "../src/dialects/postgresql/compiler.js";
import { SQLiteCompiler } from "../src/dialects/sqlite/compiler.js";

const users = table("users", { id: new Integer(), name: new Str(50), email: new Str(100), created_at: new Integer() });
const posts = table("posts", { id: new Integer(), user_id: new Integer(), title: new Str(200), score: new Integer() });
const comments = table("comments", { id: new Integer(), post_id: new Integer(), body: new Str(), likes: new Integer() });

function build(i: number) {
  return select(users.c.id, users.c.name, posts.c.title, func.count(comments.c.id).label("comments"))
    .join(posts, posts.c.user_id.eq(users.c.id))
    .outerjoin(comments, comments.c.post_id.eq(posts.c.id))
    .where(users.c.name.like(`a${i}%`), posts.c.score.gt(i % 100), comments.c.likes.ge(1))
    .groupBy(users.c.id, users.c.name, posts.c.title)
    .orderBy(users.c.id.desc(), posts.c.title)
    .limit(20)
    .offset(i % 50);
}

function rate(seconds: number, fn: (i: number) => void): number {
  for (let i = 0; i < 2000; i++) fn(i); // warm-up
  let count = 0;
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() < end) {
    for (let k = 0; k < 100; k++) fn(count++);
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return count / elapsed;
}

const compilers: Record<string, () => SQLCompiler> = {
  postgresql: () => new PostgresCompiler(),
  sqlite: () => new SQLiteCompiler(),
  mysql: () => new MySQLCompiler(),
  mariadb: () => new MariaDBCompiler(),
};

const seconds = Number(process.env.ATHANOR_BENCH_SECONDS ?? 2);
console.log(`three-table join with where/group/order/limit, ${seconds} s per measure (Node ${process.version})`);
for (const [name, make] of Object.entries(compilers)) {
  let sink = 0;
  const uncached = rate(seconds, (i) => {
    sink += make().compile(build(i)).sql.length;
  });
  // The engine's path on a cache hit: key the new statement, find the compiled form, attach the values.
  const cache = new LRUCache<string, CompiledSQL>(500);
  const cachedRebuilt = rate(seconds, (i) => {
    const stmt = build(i);
    const shape = statementKey(stmt);
    if (shape === undefined) throw new Error("not cacheable");
    let compiled = cache.get(shape.key);
    if (compiled === undefined) {
      compiled = make().compile(stmt, shape);
      cache.set(shape.key, compiled);
    }
    sink += compiled.sql.length + shape.binds.length;
  });
  const buildOnly = rate(seconds, (i) => {
    sink += build(i).state.where.length;
  });
  const prebuilt = build(1);
  const compileOnly = rate(seconds, () => {
    sink += make().compile(prebuilt).sql.length;
  });
  const same = build(1);
  const cachedSame = rate(seconds, () => {
    const shape = statementKey(same);
    const compiled = cache.get(shape?.key ?? "");
    sink += (compiled?.sql.length ?? 0) + (shape?.binds.length ?? 0);
  });
  const fmt = (n: number) => Math.round(n).toLocaleString("en").padStart(11);
  console.log(
    `${name.padEnd(11)} compile ${fmt(compileOnly)}/s | cached, same statement ${fmt(cachedSame)}/s = ${(cachedSame / compileOnly).toFixed(0)}x` +
      ` | build+compile ${fmt(uncached)}/s vs build+cache hit ${fmt(cachedRebuilt)}/s = ${(cachedRebuilt / uncached).toFixed(1)}x` +
      ` | build alone ${fmt(buildOnly)}/s` +
      (sink < 0 ? "" : ""),
  );
}
