/**
 * The examples run as a user would run them (through tsx, importing "athanor"),
 * and print what the README says they print.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { sqliteFilePath } from "./support/backends.js";

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
