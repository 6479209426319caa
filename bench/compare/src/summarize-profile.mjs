#!/usr/bin/env node
// Summarises a .cpuprofile: top functions by self time and by inclusive time (ms and % of samples).
//   node src/summarize-profile.mjs file.cpuprofile [top=25]
import { readFileSync } from "node:fs";

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const prof = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const counts = new Map();
for (const s of prof.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
const total = prof.samples.length;
const dt = (prof.endTime - prof.startTime) / 1000 / total; // ms per sample
const name = (n) => {
  const f = n.callFrame;
  const url = f.url.replace(/^file:\/\//, "").replace(/.*\/(dist|src|node_modules)\//, "$1/");
  return `${f.functionName || "(anonymous)"} ${url}:${f.lineNumber + 1}`;
};
const self = new Map();
const incl = new Map();
for (const [id, c] of counts) {
  const n = byId.get(id);
  self.set(name(n), (self.get(name(n)) ?? 0) + c);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = name(byId.get(cur));
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + c);
  }
}
const show = (title, m) => {
  console.log(`\n${title} (${total} samples, ${(total * dt).toFixed(0)} ms)`);
  for (const [k, c] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * c) / total).toFixed(1).padStart(5)}% ${(c * dt).toFixed(0).padStart(6)} ms  ${k}`);
  }
};
show("self", self);
show("inclusive", incl);
