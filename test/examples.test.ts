/**
 * The examples run as a user would run them (through tsx, importing "athanor"),
 * and print what the README says they print.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEngine, type Engine } from "athanor";
import { MARIADB_ENV, POSTGRES_ENV, sqliteFilePath } from "./support/backends.js";

const run = promisify(execFile);

async function quickstart(url?: string): Promise<string> {
  const args = ["tsx", "examples/quickstart.ts", ...(url === undefined ? [] : [url])];
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const { stdout } = await run("npx", args, { timeout: 60_000, env });
  return stdout;
}

describe("examples/quickstart.ts", () => {
  it("runs on PGlite by default and prints what it did", async () => {
    const out = await quickstart();
    expect(out).toContain("Engine: Engine(postgresql+pglite://)");
    expect(out).toContain("row 2: [fr] Bonjour");
    expect(out).toContain("duplicate insert inside a savepoint failed with IntegrityError");
    expect(out).toContain("4 greetings: Hello, Bonjour, Hallo, Hola");
    expect(out).toMatch(/\[athanor\] insert into greeting \(id, lang, message\) values \(\$1, \$2, \$3\) \[compiled\] \[3 parameter sets/);
    expect(out).toContain("Done: the engine is disposed.");
  }, 90_000);

  it("runs on a SQLite file given as a URL", async () => {
    const out = await quickstart(`sqlite:///${sqliteFilePath("quickstart")}`);
    expect(out).toContain("4 greetings: Hello, Bonjour, Hallo, Hola");
    expect(out).toMatch(/values \(\?, \?, \?\)/);
  }, 90_000);
});

/** The ORM examples: each exports `main(urlOrEngine)`, prints what it shows, and asserts its own outcomes. */
type ExampleModule = { main: (target: string | Engine) => Promise<void> };
const ormExamples: { file: string; load: () => Promise<ExampleModule>; shows: string[] }[] = [
  {
    file: "orm-session-lifecycle.ts",
    load: () => import("../examples/orm-session-lifecycle.js"),
    shows: ["one session, three transactions", "expireOnCommit: true; after commit, cy.balance raises: UnloadedAttributeError", "balances: ada=1, bob=7, cy=10, dan=0, eve=0"],
  },
  {
    file: "orm-models.ts",
    load: () => import("../examples/orm-models.js"),
    shows: ["sortedTables: projects -> tasks -> task_notes", "toString: Project(name='Athanor')", "dropAll: DROP TABLE task_notes, tasks, projects"],
  },
  {
    file: "orm-crud.ts",
    load: () => import("../examples/orm-crud.js"),
    shows: ["return the same object, with 0 statements", "commit sent 2 UPDATE statements", "members left: Ada Lovelace"],
  },
  {
    file: "orm-presets.ts",
    load: () => import("../examples/orm-presets.js"),
    shows: ['No preset "str265" in this base\'s type map', "joined: Grace Hopper scored 5"],
  },
  {
    file: "orm-imperative.ts",
    load: () => import("../examples/orm-imperative.js"),
    shows: ["Mapper<Post: blog_posts>", "published(): Hello, Imperative World (2024-01-02); Second thoughts (2024-02-03)"],
  },
  {
    file: "orm-relationships.ts",
    load: () => import("../examples/orm-relationships.js"),
    shows: [
      "N+1: the authors, then session.load(author, \"articles\") for each: 5 SELECTs",
      "selectinload(Author, \"articles\"): 4 authors and 12 articles in 2 SELECTs",
      "joinedload(Author, \"articles\"): 4 unique authors from 12 joined rows in 1 SELECT",
      "category tree in 3 SELECTs: Science > Computing (Databases, Languages)",
      "left: 3 authors, 8 articles, 16 comments, 16 article_tags rows",
    ],
  },
];

/** Runs an example's `main()` in this process and returns what it printed. */
async function runInProcess(example: (typeof ormExamples)[number], engine: Engine): Promise<string> {
  const { main } = await example.load();
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  try {
    await main(engine);
  } finally {
    spy.mockRestore();
  }
  return lines.join("\n");
}

describe("ORM examples as scripts", () => {
  it("run through tsx with a database URL argument", async () => {
    // One through tsx, as a user runs it (they all share the same entry lines); every example runs
    // in-process below, on one engine per backend: starting PGlite once per example is too slow for CI.
    const { stdout } = await run("npx", ["tsx", "examples/orm-crud.ts", "sqlite://"], { timeout: 60_000 });
    for (const text of (ormExamples[2] as (typeof ormExamples)[number]).shows) expect(stdout).toContain(text);
  }, 90_000);
});

const exampleBackends = [
  { name: "PGlite", url: "postgresql+pglite://" },
  { name: "SQLite in memory", url: "sqlite://" },
  { name: "PostgreSQL", url: process.env[POSTGRES_ENV] },
  { name: "MariaDB", url: process.env[MARIADB_ENV] },
];

for (const backend of exampleBackends) {
  describe.skipIf(backend.url === undefined)(`ORM examples on ${backend.name}`, () => {
    let engine: Engine;
    beforeAll(() => {
      engine = createEngine(backend.url as string);
    });
    afterAll(async () => {
      await engine.dispose();
    });
    for (const example of ormExamples) {
      it(example.file, async () => {
        const out = await runInProcess(example, engine);
        for (const text of example.shows) expect(out).toContain(text);
      }, 60_000);
    }
  });
}
