/**
 * Where a workload allocates: samples every allocation (including objects the collector already
 * freed, which `--heap-prof` leaves out) over N warm calls, and prints the top functions by bytes.
 *
 *   node --import tsx src/allocations.ts athanor-orm-pg W5 50
 *
 * PostgreSQL adapters, W1, W2 (200 lookups per call), W5 and W6.
 */
import { Session } from "node:inspector/promises";
import { W2_IDS, w6Cents, type Adapter, type Workload } from "./common.js";

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const [id, w, n = "50"] = process.argv.slice(2) as [string, Workload, string?];
const adapter = await ((await import(`./adapters/${id}.ts`)) as { create: () => Promise<Adapter> }).create();
async function run(call: number): Promise<void> {
  if (w === "W1") await adapter.w1();
  else if (w === "W2") for (const i of W2_IDS.slice(0, 200)) await adapter.w2(i);
  else if (w === "W5") await adapter.w5();
  else if (w === "W6") await adapter.w6((i) => w6Cents(i, 200_000 + call));
  else throw new Error(`allocations.ts runs W1, W2, W5 and W6, not ${w}`);
}
for (let i = 0; i < 20; i++) await run(i);

const session = new Session();
session.connect();
await session.post("HeapProfiler.enable");
await session.post("HeapProfiler.startSampling", { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
for (let i = 0; i < Number(n); i++) await run(100 + i);
const { profile } = (await session.post("HeapProfiler.stopSampling")) as { profile: { head: ProfileNode } };
await adapter.close();

const bytes = new Map<string, number>();
let total = 0;
const walk = (node: ProfileNode): void => {
  const f = node.callFrame;
  const name = `${f.functionName || "(anonymous)"} ${f.url.replace(/.*\/(node_modules|dist|src)\//, "$1/")}:${f.lineNumber + 1}`;
  bytes.set(name, (bytes.get(name) ?? 0) + node.selfSize);
  total += node.selfSize;
  node.children.forEach(walk);
};
walk(profile.head);
console.log(`${id} ${w}: ${(total / Number(n) / 1e6).toFixed(2)} MB allocated per call (sampled)`);
for (const [name, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`${((100 * size) / total).toFixed(1).padStart(5)}% ${(size / Number(n) / 1e3).toFixed(0).padStart(7)} kB/call  ${name}`);
}
