/**
 * Run-to-run stability: the ratios (median / raw driver median) of every adapter and workload in several
 * result files, side by side. Writes results/stability.md, which RESULTS.md includes.
 *
 *   node --import tsx src/stability.ts results/run-b.json results/latest.json
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { WORKLOADS } from "./common.js";
import { ADAPTERS } from "./registry.js";
import type { Results } from "./report.js";

const files = process.argv.slice(2);
const runs = files.map((f) => JSON.parse(readFileSync(f, "utf8")) as Results);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
function ratio(r: Results, id: string, w: string, base: string): string {
  const x = r.samples.find((s) => s.adapter === id && s.workload === w);
  const b = r.samples.find((s) => s.adapter === base && s.workload === w);
  if (x === undefined || b === undefined || x.na || x.error !== undefined || x.times.length === 0 || b.times.length === 0) return "–";
  return (median(x.times) / median(b.times)).toFixed(2);
}
const md = [
  "## Run-to-run stability (ratios to the raw driver in each full run)",
  "",
  `Runs: ${runs.map((r, i) => `${basename(files[i] as string)} (${r.started}, load ${r.loadBefore.map((x) => x.toFixed(1)).join("/")})`).join("; ")}. The runs measured the code named with them on the same machine, which other jobs share (load averages above); a ratio that moves between runs by less than the largest movement here is noise.`,
  "",
  `| adapter | ${WORKLOADS.join(" | ")} |`,
  `| --- | ${WORKLOADS.map(() => "---").join(" | ")} |`,
];
for (const e of ADAPTERS) {
  if (e.baseline || !runs.every((r) => r.adapters.includes(e.id))) continue;
  const base = e.backend === "pg" ? "raw-pg" : "raw-sqlite";
  md.push(`| ${e.label} | ${WORKLOADS.map((w) => runs.map((r) => ratio(r, e.id, w, base)).join(" / ")).join(" | ")} |`);
}
md.push("");
writeFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "results", "stability.md"), md.join("\n"));
console.log(md.join("\n"));
