/**
 * `athanor inspect`: the summary of a real database, and clear errors for bad input.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { createEngine, text } from "../../src/index.js";
import { POSTGRES_ENV, sqliteFilePath } from "../support/backends.js";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, (t) => (out += `${t}\n`), (t) => (err += `${t}\n`));
  return { code, out, err };
}

describe("athanor inspect", () => {
  const file = sqliteFilePath("inspect");
  const url = `sqlite:///${file}`;

  beforeAll(async () => {
    const engine = createEngine(url);
    await engine.begin(async (conn) => {
      await conn.execute(text("create table author (id integer primary key, name varchar(50) not null unique, born date)"));
      await conn.execute(
        text("create table book (id integer primary key, author_id integer not null references author (id) on delete cascade, title text not null default 'untitled')"),
      );
      await conn.execute(text("create index ix_book_title on book (title)"));
      await conn.execute(text("insert into author (id, name) values (1, 'ada'), (2, 'bob')"));
      await conn.execute(text("insert into book (id, author_id) values (1, 1)"));
    });
    await engine.dispose();
  });

  it("prints tables, columns with types, keys, indexes and row counts", async () => {
    const { code, out } = await run(["inspect", "--url", url]);
    expect(code).toBe(0);
    expect(out).toContain(": 2 tables");
    expect(out).toContain("author (2 rows)");
    expect(out).toContain("book (1 rows)");
    expect(out).toMatch(/ {2}id +Integer \(INTEGER\) +PK, NOT NULL, autoincrement/);
    expect(out).toMatch(/ {2}name +String\(50\) \(varchar\(50\)\) +NOT NULL/);
    expect(out).toMatch(/ {2}title +Text \(TEXT\) +NOT NULL, default 'untitled'/);
    expect(out).toContain("FK (author_id) -> author (id) on delete CASCADE");
    expect(out).toContain("UNIQUE");
    expect(out).toContain("INDEX ix_book_title (title)");
  });

  it("runs as a command through tsx", async () => {
    const { stdout } = await promisify(execFile)("npx", ["tsx", "src/cli/main.ts", "inspect", "--url", url], { timeout: 60_000 });
    expect(stdout).toContain("author (2 rows)");
  }, 90_000);

  it("gives clear errors for bad input, never the password", async () => {
    expect((await run([])).code).toBe(2);
    const unknown = await run(["explode"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command "explode"');
    const noUrl = await run(["inspect"]);
    expect(noUrl.err).toContain("inspect needs a database URL");
    const bad = await run(["inspect", "--url", "not a url"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("Could not parse a database URL");
    const refused = await run(["inspect", "--url", "postgresql://app:s3cret-pw@127.0.0.1:1/shop"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("OperationalError");
    expect(refused.err).not.toContain("s3cret-pw");
  });

  it.runIf(process.env[POSTGRES_ENV] !== undefined)("summarises a PostgreSQL schema with row estimates", async () => {
    const pgUrl = process.env[POSTGRES_ENV] as string;
    const engine = createEngine(pgUrl);
    const schema = `inspect_${process.pid}`;
    await engine.begin(async (conn) => {
      await conn.execute(text(`create schema ${schema}`));
      await conn.execute(text(`create table ${schema}.item (id serial primary key, label text not null)`));
    });
    try {
      const { code, out } = await run(["inspect", "--url", pgUrl, "--schema", schema]);
      expect(code).toBe(0);
      expect(out).toContain("1 table in schema");
      expect(out).toMatch(/item \(~-?\d+|item \(~\?/);
      expect(out).toMatch(/ {2}id +Integer \(integer\) +PK, NOT NULL, autoincrement/);
    } finally {
      await engine.begin((conn) => conn.execute(text(`drop schema ${schema} cascade`)));
      await engine.dispose();
    }
  });

  afterAll(() => undefined);
});
