#!/usr/bin/env node
// Type-check benchmark: generates a schema of 150 tables and 300 typed queries
// (selects with joins, labels, aggregates, subqueries, outer joins) against
// Athanor's sources, then type-checks them with `tsc --extendedDiagnostics`
// and prints the check time and the instantiation count. Every query's result
// type is inferred (no annotation) and asserted by assignment, so a query that
// needed an annotation or hit TS2589 fails the run.
//
//   node bench/types/run.mjs
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "generated");
const TABLES = Number(process.env.TABLES ?? 150);
const QUERIES = Number(process.env.QUERIES ?? 300);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const types = ["Integer", "Str", "Integer", "Bool", "Num", "Str"];
const tsTypes = { Integer: "number", Str: "string", Bool: "boolean", Num: "string" };
let schema = `import { Boolean as Bool, Integer, Numeric as Num, String as Str, table } from "../../../src/index.js";\n\n`;
const columns = [];
for (let t = 0; t < TABLES; t++) {
  const cols = [["id", "Integer"], ["parent_id", "Integer"]];
  for (let c = 0; c < 8; c++) cols.push([`c${c}_t${t}`, types[(t + c) % types.length]]);
  columns.push(cols);
  schema += `export const t${t} = table("t${t}", { ${cols.map(([n, ty]) => `${n}: new ${ty}()`).join(", ")} });\n`;
}
writeFileSync(join(out, "schema.ts"), schema);

let queries = `import { func, select } from "../../../src/index.js";\nimport * as s from "./schema.js";\n\n`;
for (let q = 0; q < QUERIES; q++) {
  const a = q % TABLES;
  const b = (q * 7 + 3) % TABLES;
  const ca = columns[a];
  const cb = columns[b];
  const [na, ta] = ca[2 + (q % 8)];
  const [nb, tb] = cb[2 + ((q + 3) % 8)];
  const kind = q % 4;
  let stmt;
  let row;
  if (kind === 0) {
    stmt = `select(s.t${a}.c.id, s.t${a}.c.${na}, s.t${b}.c.${nb}).join(s.t${b}, s.t${b}.c.parent_id.eq(s.t${a}.c.id)).where(s.t${a}.c.id.gt(${q}))`;
    row = `{ id: number; ${na}: ${tsTypes[ta]}; ${nb}: ${tsTypes[tb]} }`;
  } else if (kind === 1) {
    stmt = `select(s.t${a}.c.${na}, s.t${b}.c.${nb}).outerjoin(s.t${b}, s.t${b}.c.parent_id.eq(s.t${a}.c.id))`;
    row = `{ ${na}: ${tsTypes[ta]}; ${nb}: ${tsTypes[tb]} | null }`;
  } else if (kind === 2) {
    stmt = `select(s.t${a}.c.parent_id, func.count().label("n${q}"), func.max(s.t${a}.c.id).label("top")).groupBy(s.t${a}.c.parent_id)`;
    row = `{ parent_id: number; n${q}: number; top: number | null }`;
  } else {
    stmt = `select(s.t${a}.c.id, select(func.count()).selectFrom(s.t${b}).where(s.t${b}.c.parent_id.eq(s.t${a}.c.id)).scalarSubquery().label("k${q}"))`;
    row = `{ id: number; k${q}: number }`;
  }
  queries += `export const q${q} = ${stmt};\nexport const r${q}: ${row} = null as unknown as (typeof q${q})["_row"];\nexport const r${q}b: (typeof q${q})["_row"] = null as unknown as ${row};\n`;
}
writeFileSync(join(out, "queries.ts"), queries);
writeFileSync(
  join(out, "tsconfig.json"),
  JSON.stringify(
    {
      extends: "../../../tsconfig.json",
      compilerOptions: { noEmit: true, incremental: false, paths: {} },
      include: ["./*.ts"],
      exclude: [],
    },
    null,
    2,
  ),
);

const tsc = join(here, "..", "..", "node_modules", ".bin", "tsc");
let output;
try {
  output = execFileSync(tsc, ["-p", join(out, "tsconfig.json"), "--extendedDiagnostics"], { encoding: "utf8" });
} catch (error) {
  console.error(String(error.stdout ?? error));
  console.error("Type-check benchmark FAILED: a generated query did not type-check as expected.");
  process.exit(1);
}
const pick = (label) => output.match(new RegExp(`^${label}:\\s+(.+)$`, "m"))?.[1]?.trim();
console.log(`${TABLES} tables, ${QUERIES} queries, every result type inferred and checked`);
for (const label of ["Files", "Lines of TypeScript", "Instantiations", "Types", "Memory used", "Check time", "Total time"]) {
  console.log(`${label.padEnd(22)} ${pick(label) ?? "?"}`);
}
