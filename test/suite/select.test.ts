/**
 * SELECT constructs executed on every backend, checking the rows that come
 * back (the SQL itself is checked in test/unit/sql/select.test.ts).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Integer, String as Str, and, case_, cast, exists, func, literal, or, select, table, text, true_ } from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend("select", (ctx) => {
  const usersName = uniqueName("users");
  const postsName = uniqueName("posts");
  const users = table(usersName, { id: new Integer(), name: new Str(50), age: new Integer() });
  const posts = table(postsName, { id: new Integer(), user_id: new Integer(), title: new Str(200) });
  const run = <S extends Parameters<typeof ctx.engine.compile>[0]>(stmt: S) =>
    ctx.engine.connect(async (conn) => (await conn.execute(stmt as never)).all().map((r) => (r as { _asObject(): Record<string, unknown> })._asObject()));

  beforeAll(async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text(`create table ${usersName} (id integer primary key, name varchar(50), age integer)`));
      await conn.execute(text(`create table ${postsName} (id integer primary key, user_id integer not null, title varchar(200) not null)`));
      await conn.execute(text(`insert into ${usersName} (id, name, age) values (:id, :name, :age)`), [
        { id: 1, name: "ada", age: 36 },
        { id: 2, name: "bob", age: 25 },
        { id: 3, name: "Cyd", age: null },
        { id: 4, name: null, age: 60 },
      ]);
      await conn.execute(text(`insert into ${postsName} (id, user_id, title) values (:id, :user_id, :title)`), [
        { id: 1, user_id: 1, title: "Notes on the engine" },
        { id: 2, user_id: 1, title: "50% off_sale/today" },
        { id: 3, user_id: 2, title: "Hello" },
      ]);
    });
  });
  afterAll(async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text(`drop table ${postsName}`));
      await conn.execute(text(`drop table ${usersName}`));
    });
  });

  it("where, order, limit and offset", async () => {
    const rows = await run(select(users.c.id, users.c.name).where(users.c.age.gt(20)).orderBy(users.c.id.desc()).limit(2).offset(1));
    expect(rows).toEqual([{ id: 2, name: "bob" }, { id: 1, name: "ada" }]);
    expect(await run(select(users.c.id).orderBy(users.c.id).offset(3))).toEqual([{ id: 4 }]);
  });

  it("IN, BETWEEN, NULL tests, OR/AND grouping, ILIKE and escaped contains", async () => {
    expect(await run(select(users.c.id).where(users.c.id.in([1, 3, 9])).orderBy(users.c.id))).toEqual([{ id: 1 }, { id: 3 }]);
    expect(await run(select(users.c.id).where(users.c.id.in([])))).toEqual([]);
    expect(await run(select(users.c.id).where(users.c.age.between(20, 40)).orderBy(users.c.id))).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await run(select(users.c.id).where(or(users.c.age.isNull(), and(users.c.name.isNull(), users.c.age.gt(50)))).orderBy(users.c.id))).toEqual([{ id: 3 }, { id: 4 }]);
    expect(await run(select(users.c.id).where(users.c.name.ilike("c%")))).toEqual([{ id: 3 }]);
    expect(await run(select(posts.c.id).where(posts.c.title.contains("% off_")))).toEqual([{ id: 2 }]);
    expect(await run(select(posts.c.id).where(posts.c.title.contains("%x")))).toEqual([]);
    expect(await run(select(posts.c.id).where(posts.c.title.startsWith("50%")))).toEqual([{ id: 2 }]);
  });

  it("IN and NOT IN lists: NULL in the list, text with quotes and commas, other lengths and values through the statement cache", async () => {
    // PostgreSQL sends each list as one array parameter (= ANY / <> ALL): the answers must be IN's, NULLs included.
    const ids = async (where: Parameters<ReturnType<typeof select>["where"]>[0]) => (await run(select(users.c.id).where(where).orderBy(users.c.id))).map((r) => r.id);
    expect(await ids(users.c.id.in([1, null]))).toEqual([1]);
    expect(await ids(users.c.id.notIn([1, null]))).toEqual([]);
    expect(await ids(users.c.id.notIn([1, 2]))).toEqual([3, 4]);
    expect(await ids(users.c.age.notIn([36]))).toEqual([2, 4]);
    expect(await ids(users.c.name.in(['a"b', "x,y", "{z}", "ada", "it's"]))).toEqual([1]);
    for (const list of [[2], [2, 3], [4, 1, 3], [9]]) {
      expect(await ids(users.c.id.in(list))).toEqual(list.filter((id) => id <= 4).sort());
    }
  });

  it("joins: inner, outer (nulls on the outer side), alias", async () => {
    const inner = await run(select(users.c.name, posts.c.title).join(posts, posts.c.user_id.eq(users.c.id)).orderBy(posts.c.id));
    expect(inner.map((r) => r.name)).toEqual(["ada", "ada", "bob"]);
    const outer = await run(select(users.c.id, posts.c.title).outerjoin(posts, posts.c.user_id.eq(users.c.id)).where(users.c.id.gt(2)).orderBy(users.c.id));
    expect(outer).toEqual([{ id: 3, title: null }, { id: 4, title: null }]);
    const right = await run(select(users.c.name, posts.c.id).rightJoin(posts, and(posts.c.user_id.eq(users.c.id), users.c.id.eq(2))).orderBy(posts.c.id));
    expect(right).toEqual([{ name: null, id: 1 }, { name: null, id: 2 }, { name: "bob", id: 3 }]);
    const u2 = users.alias("u2");
    const pairs = await run(select(users.c.id, u2.c.id.label("other")).join(u2, u2.c.id.eq(users.c.id.add(1))).orderBy(users.c.id));
    expect(pairs).toEqual([{ id: 1, other: 2 }, { id: 2, other: 3 }, { id: 3, other: 4 }]);
  });

  it("group by, having, aggregates and labels, ordering by a label", async () => {
    const rows = await run(select(posts.c.user_id, func.count().label("n")).groupBy(posts.c.user_id).having(func.count().gt(1)));
    expect(rows).toEqual([{ user_id: 1, n: 2 }]);
    const stats = await run(select(func.max(users.c.age).label("oldest"), func.min(users.c.age).label("youngest"), func.sum(users.c.age).label("total")));
    expect(stats).toEqual([{ oldest: 60, youngest: 25, total: 121 }]);
    const ordered = await run(select(users.c.name, users.c.age.mul(2).label("double")).where(users.c.age.isNotNull()).orderBy("double"));
    expect(ordered.map((r) => r.double)).toEqual([50, 72, 120]);
  });

  it("subqueries: in FROM, scalar correlated, EXISTS, IN (SELECT)", async () => {
    const counts = select(posts.c.user_id, func.count().label("n")).groupBy(posts.c.user_id).subquery("counts");
    const joined = await run(select(users.c.name, counts.c.n).join(counts, counts.c.user_id.eq(users.c.id)).orderBy(users.c.id));
    expect(joined).toEqual([{ name: "ada", n: 2 }, { name: "bob", n: 1 }]);
    const perUser = select(func.count()).selectFrom(posts).where(posts.c.user_id.eq(users.c.id)).scalarSubquery().label("posts");
    const scalar = await run(select(users.c.id, perUser).orderBy(users.c.id));
    expect(scalar.map((r) => Number(r.posts))).toEqual([2, 1, 0, 0]);
    const withPosts = await run(select(users.c.id).where(exists(select(posts.c.id).where(posts.c.user_id.eq(users.c.id)))).orderBy(users.c.id));
    expect(withPosts).toEqual([{ id: 1 }, { id: 2 }]);
    const inSub = await run(select(users.c.name).where(users.c.id.in(select(posts.c.user_id).where(posts.c.title.eq("Hello")))));
    expect(inSub).toEqual([{ name: "bob" }]);
  });

  it("CTEs, and a recursive CTE counting to 5", async () => {
    const adults = select(users.c.id, users.c.name).where(users.c.age.ge(30)).cte("adults");
    expect(await run(select(adults.c.name).where(adults.c.id.lt(100)).orderBy(adults.c.id))).toEqual([{ name: "ada" }, { name: null }]);
    const base = select(literal(1, new Integer()).label("n")).cte("series", { recursive: true });
    const series = base.unionAll(select(base.c.n.add(1).label("n")).where(base.c.n.lt(5)));
    const rows = await run(select(series.c.n).orderBy(series.c.n));
    expect(rows.map((r) => Number(r.n))).toEqual([1, 2, 3, 4, 5]);
  });

  it("window functions", async () => {
    const rn = func.rowNumber().over({ orderBy: users.c.id.desc() }).label("rn");
    const rows = await run(select(users.c.id, rn).orderBy(users.c.id));
    expect(rows.map((r) => Number(r.rn))).toEqual([4, 3, 2, 1]);
    const running = func.sum(posts.c.id).over({ partitionBy: posts.c.user_id, orderBy: posts.c.id, rows: [null, 0] }).label("running");
    const sums = await run(select(posts.c.id, cast(running, Integer).label("running")).orderBy(posts.c.id));
    expect(sums.map((r) => Number(r.running))).toEqual([1, 3, 3]);
  });

  it("UNION, UNION ALL, INTERSECT, EXCEPT", async () => {
    const young = select(users.c.id).where(users.c.age.lt(30));
    const old = select(users.c.id).where(users.c.age.gt(50));
    expect((await run(young.union(old).orderBy("id"))).map((r) => r.id)).toEqual([2, 4]);
    expect((await run(young.unionAll(young).orderBy("id"))).map((r) => r.id)).toEqual([2, 2]);
    const known = select(users.c.id).where(users.c.age.isNotNull());
    expect((await run(known.intersect(old))).map((r) => r.id)).toEqual([4]);
    expect((await run(known.except(old).orderBy("id"))).map((r) => r.id)).toEqual([1, 2]);
  });

  it("CASE, CAST and DISTINCT", async () => {
    const kind = case_([[users.c.age.lt(30), "young"]], { else: "other" }).label("kind");
    expect((await run(select(users.c.id, kind).orderBy(users.c.id))).map((r) => r.kind)).toEqual(["other", "young", "other", "other"]);
    expect(await run(select(cast(users.c.age, Str).label("s")).where(users.c.id.eq(1)))).toEqual([{ s: "36" }]);
    expect((await run(select(posts.c.user_id).distinct().orderBy(posts.c.user_id))).map((r) => r.user_id)).toEqual([1, 2]);
  });

  it("FOR UPDATE runs inside a transaction where the database has row locks", async () => {
    if (ctx.backend.dialect === "sqlite") return;
    await ctx.engine.begin(async (conn) => {
      const rows = (await conn.execute(select(users.c.id).where(users.c.id.eq(1)).forUpdate({ nowait: true }))).all();
      expect(rows).toHaveLength(1);
    });
  });

  it("PostgreSQL only: DISTINCT ON and LATERAL", async () => {
    if (ctx.backend.dialect !== "postgresql") return;
    const firstPost = await run(select(posts.c.user_id, posts.c.title).distinct(posts.c.user_id).orderBy(posts.c.user_id, posts.c.id));
    expect(firstPost).toEqual([{ user_id: 1, title: "Notes on the engine" }, { user_id: 2, title: "Hello" }]);
    const latest = select(posts.c.title).where(posts.c.user_id.eq(users.c.id)).orderBy(posts.c.id.desc()).limit(1).lateral("latest");
    const rows = await run(select(users.c.id, latest.c.title).join(latest, true_()).orderBy(users.c.id));
    expect(rows).toEqual([{ id: 1, title: "50% off_sale/today" }, { id: 2, title: "Hello" }]);
  });

  it("the statement cache tells apart same-named aliases and subqueries over different tables or conditions", async () => {
    // The FROM list comes from the columns here: a key naming only "x" or "s" gave the second query the first one's SQL.
    const u = users.alias("x");
    const p = posts.alias("x");
    expect(await run(select(u.c.id).orderBy(u.c.id))).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    expect(await run(select(p.c.id).where(p.c.user_id.eq(2)))).toEqual([{ id: 3 }]);
    const everyone = select(users.c.id).subquery("s");
    const over30 = select(users.c.id).where(users.c.age.gt(30)).subquery("s");
    const over50 = select(users.c.id).where(users.c.age.gt(50)).subquery("s");
    expect(await run(select(everyone.c.id).orderBy(everyone.c.id))).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    expect(await run(select(over30.c.id).orderBy(over30.c.id))).toEqual([{ id: 1 }, { id: 4 }]);
    expect(await run(select(over50.c.id).orderBy(over50.c.id))).toEqual([{ id: 4 }]);
    expect(await run(select(over30.c.id).orderBy(over30.c.id))).toEqual([{ id: 1 }, { id: 4 }]);
  });

  it("the statement cache reuses a compiled select with the new statement's values", async () => {
    const logs: string[] = [];
    const engine = ctx.newEngine({ echo: true, logger: { info: (m) => logs.push(m), debug: () => undefined } });
    const find = (min: number, limit: number) => select(users.c.id).where(users.c.id.gt(min)).orderBy(users.c.id).limit(limit);
    const results = await engine.connect(async (conn) => {
      if (ctx.backend.dialect === "sqlite" && !ctx.backend.url?.includes(".db")) return null; // a fresh in-memory database has no tables
      if (ctx.backend.id === "pglite") return null;
      const a = (await conn.execute(find(0, 2))).scalars().all();
      const b = (await conn.execute(find(2, 1))).scalars().all();
      const c = (await conn.execute(find(1, 10))).scalars().all();
      return [a, b, c];
    });
    if (results === null) return;
    expect(results).toEqual([[1, 2], [3], [2, 3, 4]]);
    // The engine's one-time question about the default isolation level is not a statement of the test.
    const selects = logs.filter((l) => l.startsWith("SELECT") && !l.startsWith("SELECT @@"));
    expect(selects.map((l) => /\[(compiled|cached)\]/.exec(l)?.[1])).toEqual(["compiled", "cached", "cached"]);
  });
});
