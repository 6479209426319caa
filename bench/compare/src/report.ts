/**
 * RESULTS.md and the chart, from a results JSON (the harness calls it; `npm run report` redoes it from
 * results/latest.json without running anything).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { WORKLOADS, WORKLOAD_TITLES, type Workload } from "./common.js";
import { ADAPTERS, type Entry } from "./registry.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

export interface Sample {
  times: number[];
  rss: number;
  peakRss?: number;
  maxRss?: number;
  smallPeakRss?: number;
  smallMaxRss?: number;
  error?: string;
  na?: boolean;
  note?: string;
}
export interface Results {
  started: string;
  quick: boolean;
  warmup: number;
  timed: number;
  reps: Record<Workload, number>;
  w7Rows: number;
  w7Small: number;
  node: string;
  cpus: string;
  memory: string;
  loadBefore: number[];
  loadAfter: number[];
  adapters: string[];
  samples: ({ adapter: string; workload: Workload } & Sample)[];
  seconds: number;
  uptime?: string;
  athanorBuild?: string;
}

const quantile = (sorted: readonly number[], q: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
};
const fmt = (x: number): string => (Number.isNaN(x) ? "–" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mb = (bytes: number | undefined): string => (bytes === undefined || bytes === 0 ? "–" : `${(bytes / 2 ** 20).toFixed(0)}`);

interface Stat {
  median: number;
  p25: number;
  p75: number;
  s: Sample;
}

function stats(r: Results): Map<string, Stat> {
  const out = new Map<string, Stat>();
  for (const s of r.samples) {
    const sorted = [...s.times].sort((a, b) => a - b);
    out.set(`${s.adapter}/${s.workload}`, { median: quantile(sorted, 0.5), p25: quantile(sorted, 0.25), p75: quantile(sorted, 0.75), s });
  }
  return out;
}

export function athanorBuild(): string {
  const commitFile = join(root, "node_modules", "athanor", "COMMIT");
  if (existsSync(commitFile)) return `athanor built from a clean export of commit ${readFileSync(commitFile, "utf8").trim()}`;
  return "athanor from the repository's dist/ (file:../..)";
}

function versions(): string[] {
  const require = createRequire(join(root, "package.json"));
  const names = new Set(ADAPTERS.flatMap((a) => a.packages));
  names.add("better-sqlite3");
  names.add("pg");
  names.add("postgres");
  const out: string[] = [];
  for (const name of [...names].sort()) {
    try {
      const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string };
      out.push(`${name} ${pkg.version}`);
    } catch {
      try {
        const pkg = JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string };
        out.push(`${name} ${pkg.version}`);
      } catch {
        out.push(`${name} ?`);
      }
    }
  }
  return out;
}

const label = (id: string): string => ADAPTERS.find((a) => a.id === id)?.label ?? id;

function ratioTable(r: Results, st: Map<string, Stat>, entries: readonly Entry[], base: string): string[] {
  const lines = [
    `| adapter | ${WORKLOADS.map((w) => w).join(" | ")} |`,
    `| --- | ${WORKLOADS.map(() => "---:").join(" | ")} |`,
  ];
  for (const e of entries) {
    const cells = WORKLOADS.map((w) => {
      const x = st.get(`${e.id}/${w}`);
      if (x === undefined) return "";
      if (x.s.na) return "n/a";
      if (x.s.error !== undefined) return "error";
      const b = st.get(`${base}/${w}`);
      const ratio = b === undefined ? Number.NaN : x.median / b.median;
      return `${fmt(x.median)} ms<br>**${Number.isNaN(ratio) ? "–" : ratio.toFixed(2)}x**`;
    });
    lines.push(`| ${label(e.id)} | ${cells.join(" | ")} |`);
  }
  return lines;
}

function detailTable(st: Map<string, Stat>, entries: readonly Entry[], base: string, w: Workload, r: Results): string[] {
  const lines =
    w === "W7"
      ? [
          `| adapter | median ms | p25–p75 ms | x ${label(base)} | peak RSS ${r.w7Small.toLocaleString("en")} rows (MB) | peak RSS ${r.w7Rows.toLocaleString("en")} rows (MB) | process max RSS (MB) |`,
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
      : ["| adapter | median ms | p25–p75 ms | x " + label(base) + " | RSS after calls (MB) |", "| --- | ---: | ---: | ---: | ---: |"];
  const b = st.get(`${base}/${w}`);
  for (const e of entries) {
    const x = st.get(`${e.id}/${w}`);
    if (x === undefined) continue;
    if (x.s.na || x.s.error !== undefined) {
      lines.push(`| ${label(e.id)} | ${x.s.na ? "n/a" : "error"} | | | ${x.s.note ?? x.s.error ?? ""} |${w === "W7" ? " | |" : ""}`);
      continue;
    }
    const ratio = b === undefined ? Number.NaN : x.median / b.median;
    const cells = [fmt(x.median), `${fmt(x.p25)}–${fmt(x.p75)}`, Number.isNaN(ratio) ? "–" : ratio.toFixed(2)];
    if (w === "W7") cells.push(mb(x.s.smallPeakRss), mb(x.s.peakRss), mb(x.s.maxRss));
    else cells.push(mb(x.s.rss));
    lines.push(`| ${label(e.id)} | ${cells.join(" | ")} |`);
  }
  return lines;
}

interface Verdict {
  what: string;
  ratio: string;
  target: string;
  pass: boolean;
}

function targets(st: Map<string, Stat>, r: Results): Verdict[] {
  const out: Verdict[] = [];
  for (const e of ADAPTERS) {
    if (e.athanor === undefined || !r.adapters.includes(e.id)) continue;
    for (const w of WORKLOADS) {
      const x = st.get(`${e.id}/${w}`);
      if (x === undefined || x.s.error !== undefined) {
        if (x?.s.error !== undefined) out.push({ what: `${label(e.id)} ${w}`, ratio: "error", target: "", pass: false });
        continue;
      }
      if (x.s.na) continue;
      if (e.athanor.kind === "core") {
        const d = st.get(`${e.athanor.driver}/${w}`);
        if (d === undefined || d.s.na) continue;
        const ratio = x.median / d.median;
        out.push({ what: `${label(e.id)} ${w} vs ${label(e.athanor.driver)}`, ratio: ratio.toFixed(2), target: "≤ 1.05", pass: ratio <= 1.05 });
      } else {
        const baseId = e.backend === "pg" ? "raw-pg" : "raw-sqlite";
        const d = st.get(`${baseId}/${w}`);
        if (d === undefined) continue;
        const ratio = x.median / d.median;
        out.push({ what: `${label(e.id)} ${w} vs ${label(baseId)}`, ratio: ratio.toFixed(2), target: "≤ 1.25", pass: ratio <= 1.25 });
        if (e.id === "athanor-orm-postgres" && (w === "W2" || w === "W5")) {
          out.push({ what: `${label(e.id)} ${w} vs raw pg (prepared statements)`, ratio: ratio.toFixed(2), target: "≤ 1.00", pass: ratio <= 1.0 });
        }
      }
    }
    const w7 = st.get(`${e.id}/W7`);
    if (w7 !== undefined && !w7.s.na && w7.s.error === undefined && w7.s.peakRss !== undefined && w7.s.smallPeakRss !== undefined) {
      const grow = (w7.s.peakRss - w7.s.smallPeakRss) / 2 ** 20;
      const raw = st.get(`${e.backend === "pg" ? "raw-pg" : "raw-sqlite"}/W7`)?.s;
      const rawGrow = raw?.peakRss !== undefined && raw.smallPeakRss !== undefined ? (raw.peakRss - raw.smallPeakRss) / 2 ** 20 : Number.NaN;
      out.push({
        what: `${label(e.id)} W7 peak RSS, ${r.w7Rows.toLocaleString("en")} vs ${r.w7Small.toLocaleString("en")} rows (raw driver: ${rawGrow >= 0 ? "+" : ""}${rawGrow.toFixed(0)} MB)`,
        ratio: `${grow >= 0 ? "+" : ""}${grow.toFixed(0)} MB`,
        target: "constant (≤ +32 MB)",
        pass: grow <= 32,
      });
    }
  }
  return out;
}

/** The chart: one panel per backend, a group of bars per workload, one bar per adapter (ratio to the baseline, log scale). */
function chart(st: Map<string, Stat>, r: Results): string {
  const colors = ["#555", "#999", "#d9480f", "#f08c00", "#c2255c", "#e64980", "#1971c2", "#2f9e44", "#6741d9", "#0c8599", "#868e96", "#5c940d"];
  const panels = (["pg", "sqlite"] as const)
    .map((backend) => ({ backend, entries: ADAPTERS.filter((a) => a.backend === backend && r.adapters.includes(a.id)) }))
    .filter((p) => p.entries.length > 0);
  const W = 1100;
  const panelH = 300;
  const top = 40;
  const left = 60;
  const legendW = 230;
  const plotW = W - left - legendW - 20;
  const lo = 0.25;
  const hi = 32;
  const y = (ratio: number) => top + panelH * (1 - (Math.log2(Math.min(Math.max(ratio, lo), hi)) - Math.log2(lo)) / (Math.log2(hi) - Math.log2(lo)));
  let svg = "";
  let oy = 0;
  for (const p of panels) {
    const base = p.backend === "pg" ? "raw-pg" : "raw-sqlite";
    svg += `<g transform="translate(0,${oy})">`;
    svg += `<text x="${left}" y="${top - 14}" font-size="15" font-weight="bold">${p.backend === "pg" ? "PostgreSQL" : "SQLite"}: median time / ${label(base)} (log scale; lower is faster)</text>`;
    for (const t of [0.25, 0.5, 1, 2, 4, 8, 16, 32]) {
      svg += `<line x1="${left}" x2="${left + plotW}" y1="${y(t)}" y2="${y(t)}" stroke="${t === 1 ? "#000" : "#ddd"}" stroke-width="${t === 1 ? 1.2 : 1}"/>`;
      svg += `<text x="${left - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end">${t}x</text>`;
    }
    const groupW = plotW / WORKLOADS.length;
    const barW = Math.max(3, (groupW - 12) / p.entries.length);
    WORKLOADS.forEach((w, wi) => {
      const gx = left + wi * groupW + 6;
      svg += `<text x="${gx + (groupW - 12) / 2}" y="${top + panelH + 16}" font-size="12" text-anchor="middle">${w}</text>`;
      const b = st.get(`${base}/${w}`);
      p.entries.forEach((e, ei) => {
        const x = st.get(`${e.id}/${w}`);
        if (x === undefined || b === undefined || x.s.na || x.s.error !== undefined || b.s.na) return;
        const ratio = x.median / b.median;
        const yy = y(ratio);
        const y1 = y(1);
        svg += `<rect x="${(gx + ei * barW).toFixed(1)}" y="${Math.min(yy, y1).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${Math.max(1, Math.abs(y1 - yy)).toFixed(1)}" fill="${colors[ei % colors.length]}"><title>${label(e.id)} ${w}: ${ratio.toFixed(2)}x</title></rect>`;
      });
    });
    p.entries.forEach((e, ei) => {
      const ly = top + 4 + ei * 18;
      svg += `<rect x="${left + plotW + 20}" y="${ly}" width="12" height="12" fill="${colors[ei % colors.length]}"/>`;
      svg += `<text x="${left + plotW + 38}" y="${ly + 10}" font-size="12">${label(e.id)}</text>`;
    });
    svg += "</g>";
    oy += panelH + top + 40;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${oy}" viewBox="0 0 ${W} ${oy}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/>${svg}</svg>\n`;
}

export async function writeReport(r: Results): Promise<void> {
  const st = stats(r);
  const md: string[] = [];
  const mdFile = r.quick ? join(root, "results", "quick.md") : join(root, "..", "RESULTS.md");
  const svgFile = r.quick ? join(root, "results", "quick.svg") : join(root, "..", "RESULTS.svg");
  md.push("# Benchmark results: Athanor, the raw drivers and the TypeScript ORMs (issue 8)", "");
  md.push(
    `Generated by \`cd bench/compare && npm ci && npm run all\` (bench/compare/src/harness.ts) on ${r.started}${r.quick ? " (--quick: NOT a full run)" : ""}; the run took ${(r.seconds / 60).toFixed(1)} min.`,
    "",
  );
  md.push(`- Machine: ${r.cpus}, ${r.memory} RAM; PostgreSQL 15 on the same machine (127.0.0.1), SQLite in a temp file.`);
  md.push(`- Load average (1/5/15 min) before: ${r.loadBefore.map((x) => x.toFixed(2)).join(" / ")}, after: ${r.loadAfter.map((x) => x.toFixed(2)).join(" / ")} — the machine is shared with other jobs, so absolute times are noisy; ratios of interleaved samples less so.`);
  md.push(`- Node ${r.node}; ${versions().join(", ")}; ${r.athanorBuild ?? athanorBuild()}.`);
  if (r.uptime !== undefined) md.push(`- \`uptime\` before the run: \`${r.uptime.trim()}\``);
  md.push(
    `- Method: each adapter in its own process, all in one run; per workload ${r.warmup} warm-up round(s) then ${r.timed} timed rounds, each round one sample of every adapter, the starting adapter rotating; a sample is one call (W5: ${r.reps.W5} calls in a row, reported per call). Only the library call is timed: inputs are built before it, and the result is checked against the database after it (untimed). Medians, p25–p75 of the samples, ratios of medians.`,
    "",
  );
  for (const backend of ["pg", "sqlite"] as const) {
    const entries = ADAPTERS.filter((a) => a.backend === backend && r.adapters.includes(a.id));
    if (entries.length === 0) continue;
    const base = backend === "pg" ? "raw-pg" : "raw-sqlite";
    md.push(`## ${backend === "pg" ? "PostgreSQL" : "SQLite"}: median ms per call and ratio to ${label(base)}`, "");
    md.push(...ratioTable(r, st, entries, base), "");
  }
  md.push(`![ratios](${r.quick ? "quick.svg" : "RESULTS.svg"})`, "");
  md.push("## Athanor targets", "", "| what | ratio | target | met |", "| --- | ---: | --- | --- |");
  for (const v of targets(st, r)) md.push(`| ${v.what} | ${v.ratio} | ${v.target} | ${v.pass ? "yes" : "**no**"} |`);
  md.push("");
  const typesFile = join(root, "results", "types.md");
  if (existsSync(typesFile)) md.push(readFileSync(typesFile, "utf8"), "");
  const stabilityFile = join(root, "results", "stability.md");
  if (!r.quick && existsSync(stabilityFile)) md.push(readFileSync(stabilityFile, "utf8"), "");
  const findingsFile = join(root, "FINDINGS.md");
  if (existsSync(findingsFile)) md.push(readFileSync(findingsFile, "utf8"), "");
  const notesFile = join(root, "NOTES.md");
  if (existsSync(notesFile)) md.push(readFileSync(notesFile, "utf8"), "");
  md.push("## Every workload in detail", "");
  for (const w of WORKLOADS) {
    md.push(`### ${w}: ${WORKLOAD_TITLES[w]}`, "");
    for (const backend of ["pg", "sqlite"] as const) {
      const entries = ADAPTERS.filter((a) => a.backend === backend && r.adapters.includes(a.id));
      if (entries.length === 0) continue;
      md.push(...detailTable(st, entries, backend === "pg" ? "raw-pg" : "raw-sqlite", w, r), "");
    }
  }
  writeFileSync(mdFile, md.join("\n"));
  writeFileSync(svgFile, chart(st, r));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? join(root, "results", "latest.json");
  await writeReport(JSON.parse(readFileSync(file, "utf8")) as Results);
}
