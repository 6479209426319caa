/**
 * One adapter in its own process. The harness sends { type: "run", workload, reps, call } and gets back the
 * time per call (ms, the library call only: inputs are built before, checks run after, both untimed) and the RSS.
 * Every call is checked against the database (the verifier is a separate raw connection), so no adapter can
 * win by doing less.
 */
import pg from "pg";
import Database from "better-sqlite3";
import {
  AUTHORS,
  BOOKS,
  PG_URL,
  RssProbe,
  W2_IDS,
  W5_AUTHORS,
  W6_AUTHOR,
  W6_BOOKS,
  flattenEager,
  sameSums,
  sumAuthors,
  sumBooks,
  w3Books,
  w4Authors,
  w6Cents,
  w7Sql,
  type Adapter,
  type AuthorSums,
  type Backend,
  type BookSums,
  type Workload,
} from "./common.js";

const [id, backend] = process.argv.slice(2) as [string, Backend];

// ---- the verifier: a raw connection of its own ---------------------------------------------

interface Verifier {
  query(sql: string): Promise<Record<string, unknown>[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

async function verifier(): Promise<Verifier> {
  if (backend === "pg") {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    return {
      query: async (sql) => (await client.query(sql)).rows,
      exec: async (sql) => void (await client.query(sql)),
      close: () => client.end(),
    };
  }
  const db = new Database(process.env.ATHANOR_BENCH_SQLITE_FILE as string);
  return {
    query: async (sql) => db.prepare(sql).all() as Record<string, unknown>[],
    exec: async (sql) => void db.exec(sql),
    close: async () => void db.close(),
  };
}

const tagsSql = backend === "pg" ? "cardinality(tags)" : "length(tags) - length(replace(tags, ',', '')) + 1";
const bookSumsSql = (where: string) =>
  `SELECT count(*) AS n, sum(id) AS ids, sum(author_id) AS "authorIds", sum(pages) AS pages, sum(round(price * 100)) AS cents,
          sum(length(title)) AS "titleChars", sum(${tagsSql}) AS tags FROM book WHERE ${where}`;
const numbers = <T extends object>(row: Record<string, unknown> | undefined): T =>
  Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v ?? 0)])) as T;

let v: Verifier | undefined;
const expected = new Map<string, unknown>();
async function expect<T>(key: string, compute: (v: Verifier) => Promise<T>): Promise<T> {
  v ??= await verifier();
  if (!expected.has(key)) expected.set(key, await compute(v));
  return expected.get(key) as T;
}

// ---- the workloads ---------------------------------------------------------------------------

const now = () => process.hrtime.bigint();
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

async function once(a: Adapter, w: Workload, call: number, w7Rows: number): Promise<{ ms: number; peakRss?: number }> {
  switch (w) {
    case "W1": {
      const want = await expect("W1", async (v) => numbers<BookSums>((await v.query(bookSumsSql("true")))[0]));
      const t = now();
      const books = await a.w1();
      const took = ms(t);
      sameSums("W1", sumBooks(books), want);
      return { ms: took };
    }
    case "W2": {
      const want = await expect("W2", async (v) => {
        const byId = new Map((await v.query("SELECT id, name, email, created_at, score FROM author")).map((r) => [Number(r.id), r]));
        return sumAuthors(W2_IDS.map((i) => byId.get(i)));
      });
      const found: unknown[] = [];
      const t = now();
      for (const i of W2_IDS) found.push(await a.w2(i));
      const took = ms(t);
      sameSums("W2", sumAuthors(found), want);
      return { ms: took };
    }
    case "W3": {
      const books = w3Books(backend);
      const want = sumBooks(books.map((b, i) => ({ ...b, id: BOOKS + 1 + i })));
      const t = now();
      await a.w3(books);
      const took = ms(t);
      const got = numbers<BookSums>((await (v ??= await verifier()).query(bookSumsSql(`id > ${BOOKS}`)))[0]);
      await v.exec(`DELETE FROM book WHERE id > ${BOOKS}`);
      // ids come from the sequence, which keeps counting across calls: compare everything but them
      sameSums("W3", { ...got, ids: 0 }, { ...want, ids: 0 });
      return { ms: took };
    }
    case "W4": {
      const authors = w4Authors(backend);
      const t = now();
      await a.w4(authors);
      const took = ms(t);
      v ??= await verifier();
      const [row] = await v.query(
        `SELECT (SELECT count(*) FROM author WHERE id > ${AUTHORS}) AS authors,
                (SELECT count(*) FROM book WHERE id > ${BOOKS}) AS books,
                (SELECT count(*) FROM book b JOIN author a ON a.id = b.author_id
                  WHERE a.id > ${AUTHORS} AND b.pages = a.score AND b.title LIKE 'w4 ' || (a.score - 5000) || '-%') AS linked`,
      );
      await v.exec(`DELETE FROM book WHERE id > ${BOOKS}`);
      await v.exec(`DELETE FROM author WHERE id > ${AUTHORS}`);
      sameSums("W4", numbers(row), { authors: 200, books: 2000, linked: 2000 });
      return { ms: took };
    }
    case "W5": {
      const wantBooks = await expect("W5b", async (v) => numbers<BookSums>((await v.query(bookSumsSql(`author_id <= ${W5_AUTHORS}`)))[0]));
      const wantAuthors = await expect("W5a", async (v) =>
        sumAuthors(await v.query(`SELECT id, name, email, created_at, score FROM author WHERE id <= ${W5_AUTHORS}`)),
      );
      const t = now();
      const authors = await a.w5();
      const took = ms(t);
      sameSums("W5 authors", sumAuthors(authors) as AuthorSums, wantAuthors);
      sameSums("W5 books", sumBooks(flattenEager(authors, (x) => a.booksOf(x))), wantBooks);
      return { ms: took };
    }
    case "W6": {
      const ids = await expect("W6", async (v) => (await v.query(`SELECT id FROM book WHERE author_id <= ${W6_AUTHOR}`)).map((r) => Number(r.id)));
      const cents = (i: number) => w6Cents(i, call);
      const t = now();
      const n = await a.w6(cents);
      const took = ms(t);
      if (n !== W6_BOOKS) throw new Error(`W6: loaded ${n} books`);
      const [row] = await (v as Verifier).query(`SELECT sum(round(price * 100)) AS cents FROM book WHERE author_id <= ${W6_AUTHOR}`);
      sameSums("W6", { cents: Number(row?.cents) }, { cents: ids.reduce((s, i) => s + cents(i), 0) });
      return { ms: took };
    }
    case "W7": {
      if (a.w7 === undefined) throw new Error("no W7");
      const probe = new RssProbe();
      const t = now();
      const r = await a.w7(w7Sql(w7Rows, backend), probe, w7Rows);
      const took = ms(t);
      sameSums("W7", r, { rows: w7Rows, sum: (w7Rows * (w7Rows + 1)) / 2 });
      return { ms: took, peakRss: probe.peak };
    }
  }
}

// ---- the protocol ----------------------------------------------------------------------------

const send = (m: object) => new Promise<void>((resolve) => process.send?.(m, () => resolve()));
let adapter: Adapter | undefined;

process.on("message", async (m: { type: string; workload: Workload; reps: number; call: number; rows: number }) => {
  try {
    if (m.type === "init") {
      const mod = (await import(`./adapters/${id}.ts`)) as { create: () => Promise<Adapter> };
      adapter = await mod.create();
      await send({ type: "ready", w7: adapter.w7 !== undefined, notes: adapter.notes ?? {} });
    } else if (m.type === "run") {
      let total = 0;
      let peakRss = 0;
      for (let r = 0; r < m.reps; r++) {
        const result = await once(adapter as Adapter, m.workload, m.call * m.reps + r, m.rows);
        total += result.ms;
        peakRss = Math.max(peakRss, result.peakRss ?? 0);
      }
      await send({ type: "result", ms: total / m.reps, rss: process.memoryUsage.rss(), peakRss, maxRss: process.resourceUsage().maxRSS * 1024 });
    } else if (m.type === "exit") {
      await adapter?.close();
      await v?.close();
      await send({ type: "bye" });
      process.exit(0);
    }
  } catch (error) {
    await send({ type: "error", message: error instanceof Error ? `${error.message}\n${error.stack ?? ""}`.slice(0, 2000) : String(error) });
  }
});
