#!/usr/bin/env node
// Checks the layer rules of DESIGN.md: each folder under src/ imports only the
// layers below it, a dialect never imports another dialect (but its declared
// base), and no runtime import cycle exists between files. Exits 1 on a breach.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve("src");
const CORE = ["util", "errors", "events"];
const ALLOWED = {
  util: [],
  errors: ["util"],
  events: ["util", "errors"],
  sql: [...CORE],
  schema: ["sql", ...CORE],
  pool: [...CORE],
  engine: ["pool", "schema", "sql", ...CORE],
  dialects: ["engine", "schema", "sql", ...CORE],
  orm: ["engine", "schema", "sql", "pool", ...CORE],
  ext: ["orm", "engine", "schema", "sql", "pool", ...CORE],
  migrate: ["orm", "engine", "schema", "sql", "dialects", ...CORE],
  testing: ["orm", "ext", "migrate", "engine", "schema", "sql", "pool", "dialects", ...CORE],
  cli: ["orm", "ext", "migrate", "engine", "schema", "sql", "pool", "dialects", ...CORE],
};
// A dialect may build on one base dialect.
const DIALECT_BASES = { mariadb: ["mysql"] };

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm;
const DYNAMIC = /import\(\s*["']([^"']+)["']\s*\)/g;

const problems = [];
const graph = new Map();
const all = files(SRC);
for (const file of all) {
  const text = readFileSync(file, "utf8");
  const rel = relative(SRC, file);
  const parts = rel.split("/");
  const layer = parts.length > 1 ? parts[0] : "entry";
  const edges = [];
  const specs = [];
  for (const m of text.matchAll(IMPORT)) specs.push({ spec: m[3], typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(DYNAMIC)) specs.push({ spec: m[1], typeOnly: true }); // lazy: no load-time cycle
  for (const { spec, typeOnly } of specs) {
    if (!spec.startsWith(".")) continue;
    const target = resolve(dirname(file), spec).replace(/\.js$/, ".ts");
    const targetRel = relative(SRC, target);
    const targetParts = targetRel.split("/");
    const targetLayer = targetParts.length > 1 ? targetParts[0] : "entry";
    if (layer !== "entry" && targetLayer !== layer) {
      const allowed = ALLOWED[layer];
      if (allowed === undefined) problems.push(`${rel}: unknown layer "${layer}" (add it to scripts/check-layers.mjs)`);
      else if (!allowed.includes(targetLayer)) problems.push(`${rel}: layer "${layer}" may not import "${targetLayer}" (${spec})`);
    }
    if (layer === "dialects" && targetLayer === "dialects" && parts.length > 2 && targetParts.length > 2) {
      const from = parts[1];
      const to = targetParts[1];
      if (from !== to && !(DIALECT_BASES[from] ?? []).includes(to)) problems.push(`${rel}: dialect "${from}" may not import dialect "${to}"`);
    }
    if (layer !== "entry" && targetLayer === "entry") problems.push(`${rel}: only the package entry may import ${spec}`);
    if (!typeOnly) edges.push(target);
  }
  graph.set(file, edges);
}

// Runtime import cycles (type-only imports vanish at run time and are not counted).
const state = new Map();
const stack = [];
function visit(file) {
  state.set(file, "active");
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (!graph.has(next)) continue;
    if (state.get(next) === "active") {
      const cycle = stack.slice(stack.indexOf(next)).concat(next).map((f) => relative(SRC, f));
      problems.push(`import cycle: ${cycle.join(" -> ")}`);
    } else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(file, "done");
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length > 0) {
  console.error(`Layer check failed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(`Layer check passed: ${all.length} files, no forbidden import and no import cycle.`);
