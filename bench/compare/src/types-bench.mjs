#!/usr/bin/env node
// Type-check benchmark beside the runtime one: Athanor's own (the root's `npm run bench:types`, bench/types/run.mjs:
// 150 tables, 300 typed queries, every result type inferred and asserted) and the same schema and queries written
// with Drizzle (pg-core), generated here into generated/drizzle-types and checked the same way: `tsc --noEmit
// --extendedDiagnostics` (this package's TypeScript, the same version as the root's), the result type of every
// query inferred and asserted by assignment in both directions. Each is run RUNS times (default 3); the median is
// reported. Writes results/types.md (included in RESULTS.md) and results/types.json.
//
//   node src/types-bench.mjs
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "..");
const repo = join(pkg, "..", "..");
const TABLES = 150;
const QUERIES = 300;
const RUNS = Number(process.env.ATHANOR_BENCH_TYPES_RUNS ?? 3);

// ---- the Drizzle twin of bench/types/run.mjs's schema and queries -----------------------------
const out = join(pkg, "generated", "drizzle-types");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const types = ["Integer", "Str", "Integer", "Bool", "Num", "Str"];
const tsTypes = { Integer: "number", Str: "string", Bool: "boolean", Num: "string" };
const drizzleCol = { Integer: "integer", Str: "text", Bool: "boolean", Num: "numeric" };
let schema = `import { boolean, integer, numeric, pgTable, text } from "drizzle-orm/pg-core";\n\n`;
const columns = [];
for (let t = 0; t < TABLES; t++) {
  const cols = [["id", "Integer"], ["parent_id", "Integer"]];
  for (let c = 0; c < 8; c++) cols.push([`c${c}_t${t}`, types[(t + c) % types.length]]);
  columns.push(cols);
  schema += `export const t${t} = pgTable("t${t}", { ${cols.map(([n, ty]) => `${n}: ${drizzleCol[ty]}("${n}").notNull()`).join(", ")} });\n`;
}
writeFileSync(join(out, "schema.ts"), schema);
let queries =
  `import { count, eq, gt, max, sql } from "drizzle-orm";\nimport type { NodePgDatabase } from "drizzle-orm/node-postgres";\nimport * as s from "./schema.js";\n\n` +
  `declare const db: NodePgDatabase;\n\n`;
for (let q = 0; q < QUERIES; q++) {
  const a = q % TABLES;
  const b = (q * 7 + 3) % TABLES;
  const [na, ta] = columns[a][2 + (q % 8)];
  const [nb, tb] = columns[b][2 + ((q + 3) % 8)];
  const kind = q % 4;
  let stmt;
  let row;
  if (kind === 0) {
    stmt = `db.select({ id: s.t${a}.id, ${na}: s.t${a}.${na}, ${nb}: s.t${b}.${nb} }).from(s.t${a}).innerJoin(s.t${b}, eq(s.t${b}.parent_id, s.t${a}.id)).where(gt(s.t${a}.id, ${q}))`;
    row = `{ id: number; ${na}: ${tsTypes[ta]}; ${nb}: ${tsTypes[tb]} }`;
  } else if (kind === 1) {
    stmt = `db.select({ ${na}: s.t${a}.${na}, ${nb}: s.t${b}.${nb} }).from(s.t${a}).leftJoin(s.t${b}, eq(s.t${b}.parent_id, s.t${a}.id))`;
    row = `{ ${na}: ${tsTypes[ta]}; ${nb}: ${tsTypes[tb]} | null }`;
  } else if (kind === 2) {
    stmt = `db.select({ parent_id: s.t${a}.parent_id, n${q}: count(), top: max(s.t${a}.id) }).from(s.t${a}).groupBy(s.t${a}.parent_id)`;
    row = `{ parent_id: number; n${q}: number; top: number | null }`;
  } else {
    // Drizzle has no typed scalar subquery: the documented way is a sql<T> template around the subquery (an annotation).
    stmt = `db.select({ id: s.t${a}.id, k${q}: sql<number>\`(\${db.select({ n: count() }).from(s.t${b}).where(eq(s.t${b}.parent_id, s.t${a}.id))})\`.mapWith(Number) }).from(s.t${a})`;
    row = `{ id: number; k${q}: number }`;
  }
  queries += `export const q${q} = ${stmt};\nexport const r${q}: ${row} = null as unknown as Awaited<typeof q${q}>[number];\nexport const r${q}b: Awaited<typeof q${q}>[number] = null as unknown as ${row};\n`;
}
writeFileSync(join(out, "queries.ts"), queries);
writeFileSync(
  join(out, "tsconfig.json"),
  JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022", lib: ["ES2023"], module: "NodeNext", moduleResolution: "NodeNext", strict: true,
        noUncheckedIndexedAccess: true, skipLibCheck: true, noEmit: true, incremental: false, types: [],
      },
      include: ["./*.ts"],
    },
    null,
    2,
  ),
);

const pick = (output, label) => output.match(new RegExp(`^${label}:?\\s+(.+)$`, "m"))?.[1]?.trim();
const seconds = (v) => Number(String(v).replace("s", ""));
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

function drizzleRun() {
  const tsc = join(pkg, "node_modules", ".bin", "tsc");
  try {
    return execFileSync(tsc, ["-p", join(out, "tsconfig.json"), "--extendedDiagnostics"], { encoding: "utf8" });
  } catch (error) {
    console.error(String(error.stdout ?? error).slice(0, 4000));
    throw new Error("Drizzle type-check benchmark failed: a generated query did not type-check as expected");
  }
}
function athanorRun() {
  // the root's own benchmark, unchanged (it prints the tsc diagnostics it picked)
  return execFileSync(process.execPath, [join(repo, "bench", "types", "run.mjs")], { encoding: "utf8", cwd: repo });
}

const results = {};
for (const [name, run] of [["Athanor", athanorRun], ["Drizzle", drizzleRun]]) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const o = run();
    const m = (l) => pick(o, l);
    runs.push({ check: seconds(m("Check time")), total: seconds(m("Total time")), instantiations: Number(m("Instantiations")), types: Number(m("Types")), memory: m("Memory used"), files: m("Files"), lines: m("Lines of TypeScript") ?? m("Lines") });
    process.stdout.write(`${name} run ${i + 1}: check ${runs.at(-1).check}s, total ${runs.at(-1).total}s\n`);
  }
  results[name] = { ...runs[runs.length - 1], check: median(runs.map((r) => r.check)), total: median(runs.map((r) => r.total)), runs: runs.map((r) => r.check) };
}
mkdirSync(join(pkg, "results"), { recursive: true });
writeFileSync(join(pkg, "results", "types.json"), JSON.stringify(results, null, 1));
const md = [
  "## Type-check benchmark (150 tables, 300 typed queries)",
  "",
  "The root's `npm run bench:types` (bench/types/run.mjs: Athanor's typed expression language) and the same schema and queries written with Drizzle (`node src/types-bench.mjs`, generated into bench/compare/generated/drizzle-types): 150 tables of 10 columns, 300 queries (inner join with a filter, outer join, group by with count/max, correlated scalar subquery), every result type inferred and asserted by assignment both ways; `tsc --noEmit --extendedDiagnostics`, TypeScript 5.9.3, median of " + RUNS + " runs. Differences: Drizzle's scalar subquery is a `sql<number>` template (Drizzle has no typed scalar subquery, so that quarter of the queries carries an annotation); the Athanor run type-checks Athanor's sources (src/), the Drizzle run Drizzle's published .d.ts (skipLibCheck). Check times move with the machine's load; the instantiation and type counts are deterministic.",
  "",
  "| library | check time (s) | total time (s) | instantiations | types | memory | check times of the runs (s) |",
  "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ...Object.entries(results).map(([n, r]) => `| ${n} | ${r.check} | ${r.total} | ${r.instantiations.toLocaleString("en")} | ${r.types.toLocaleString("en")} | ${r.memory} | ${r.runs.join(", ")} |`),
  "",
];
writeFileSync(join(pkg, "results", "types.md"), md.join("\n"));
console.log(md.join("\n"));
