import { createEngine, select } from "athanor";
import { Session } from "athanor/orm";
import { models } from "./adapters/athanor.js";
const driver = process.argv[2] ?? "postgres";
const engine = createEngine(`postgresql+${driver}://postgres@127.0.0.1:5432/athanor_bench`, { poolSize: 1 });
const { Author } = models("pg");
const counts: Record<string, number> = {};
for (const e of ["beforeExecute", "begin", "commit", "rollback"]) engine.events.on(e as never, (() => { counts[e] = (counts[e] ?? 0) + 1; }) as never);
async function t(name: string, f: (i: number) => Promise<unknown>) {
  for (let r = 0; r < 4; r++) {
    for (const k in counts) counts[k] = 0;
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) await f((i % 1000) + 1);
    if (r >= 2) console.log(name.padEnd(10), (((performance.now() - t0) / 2000) * 1000).toFixed(1), "µs", JSON.stringify(counts));
  }
}
const author = Author.table;
await t("core", (i) => engine.connect(async (c) => (await c.execute(select(author).where(author.c.id.eq(i)))).first()));
await t("orm get", async (i) => { const s = new Session(engine); try { return await s.get(Author, i); } finally { await s.close(); } });
await t("core", (i) => engine.connect(async (c) => (await c.execute(select(author).where(author.c.id.eq(i)))).first()));
await t("orm get", async (i) => { const s = new Session(engine); try { return await s.get(Author, i); } finally { await s.close(); } });
await engine.dispose();
