/**
 * The analytics query from the seed notes (shared/seeds/004): an aliased
 * table, AVG(...) OVER (PARTITION BY ...) cast to integer and labelled, a join,
 * a subquery, a CTE over it, ordered by a computed difference, descending.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Integer, String as Str, cast, func, select, table, text } from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

const WORKERS = [
  { id: 1, username: "ann" },
  { id: 2, username: "ben" },
  { id: 3, username: "cat" },
  { id: 4, username: "dan" },
  { id: 5, username: "eve" },
];
// Averages are whole numbers, so CAST(... AS INTEGER) cannot differ between rounding and truncation.
const RESUMES = [
  { id: 1, title: "dev", compensation: 100, workload: "fulltime", worker_id: 1 },
  { id: 2, title: "ops", compensation: 200, workload: "fulltime", worker_id: 2 },
  { id: 3, title: "qa", compensation: 50, workload: "parttime", worker_id: 3 },
  { id: 4, title: "pm", compensation: 70, workload: "parttime", worker_id: 4 },
  { id: 5, title: "ux", compensation: 90, workload: "parttime", worker_id: 5 },
];

describeEachBackend("the seed notes' analytics query", (ctx) => {
  const workersName = uniqueName("workers");
  const resumesName = uniqueName("resumes");
  const workers = table(workersName, { id: new Integer(), username: new Str(50) });
  const resumes = table(resumesName, { id: new Integer(), title: new Str(50), compensation: new Integer(), workload: new Str(20), worker_id: new Integer() });

  beforeAll(async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text(`create table ${workersName} (id integer primary key, username varchar(50) not null)`));
      await conn.execute(
        text(`create table ${resumesName} (id integer primary key, title varchar(50) not null, compensation integer, workload varchar(20) not null, worker_id integer not null references ${workersName} (id))`),
      );
      await conn.execute(text(`insert into ${workersName} (id, username) values (:id, :username)`), WORKERS);
      await conn.execute(text(`insert into ${resumesName} (id, title, compensation, workload, worker_id) values (:id, :title, :compensation, :workload, :worker_id)`), RESUMES);
    });
  });
  afterAll(async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text(`drop table ${resumesName}`));
      await conn.execute(text(`drop table ${workersName}`));
    });
  });

  it("returns each worker's distance from the average pay of their workload, largest first", async () => {
    const w = workers;
    const r = resumes.alias("r");
    const subQuery = select(
      w.c.id,
      w.c.username,
      r.c.compensation,
      cast(func.avg(r.c.compensation).over({ partitionBy: r.c.workload }), Integer).label("avg_workload_compensation"),
    )
      .selectFrom(r)
      .join(w, r.c.worker_id.eq(w.c.id))
      .subquery("helper1");
    const cte = select(
      subQuery.c.id,
      subQuery.c.username,
      subQuery.c.compensation,
      subQuery.c.compensation.sub(subQuery.c.avg_workload_compensation).label("compensation_diff"),
    ).cte("helper2");
    const query = select(cte).orderBy(cte.c.compensation_diff.desc(), cte.c.id);

    const rows = await ctx.engine.connect(async (conn) => (await conn.execute(query)).all().map((row) => row._asObject()));

    const averages = new Map<string, number>();
    for (const workload of ["fulltime", "parttime"]) {
      const pay = RESUMES.filter((x) => x.workload === workload).map((x) => x.compensation);
      averages.set(workload, pay.reduce((a, b) => a + b, 0) / pay.length);
    }
    const expected = RESUMES.map((x) => ({
      id: x.worker_id,
      username: WORKERS.find((wk) => wk.id === x.worker_id)?.username,
      compensation: x.compensation,
      compensation_diff: x.compensation - (averages.get(x.workload) as number),
    })).sort((a, b) => b.compensation_diff - a.compensation_diff || a.id - b.id);
    expect(rows.map((row) => ({ ...row, compensation_diff: Number(row.compensation_diff) }))).toEqual(expected);
    expect(expected.map((x) => x.compensation_diff)).toEqual([50, 20, 0, -20, -50]);
  });
});
