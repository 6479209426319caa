/**
 * A second writer on a file database waits for the busy timeout instead of
 * failing at once (RELIABILITY.md scenario 22). The lock holder runs in a
 * worker thread: better-sqlite3 waits synchronously, so a holder on the main
 * thread could never release its lock while the waiter blocks.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { DatabaseLockedError, OperationalError } from "../../../src/errors/index.js";
import { createEngine, text } from "../../../src/index.js";
import { sqliteFilePath } from "../../support/backends.js";
import { connectSqlite, translatedFailure } from "./helpers.js";

const driverPath = createRequire(import.meta.url).resolve("better-sqlite3");

const HOLDER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driverPath);
const db = new Database(workerData.file);
db.exec("BEGIN IMMEDIATE");
db.prepare("insert into log (who) values ('holder')").run();
parentPort.postMessage("locked");
setTimeout(() => {
  db.exec("COMMIT");
  db.close();
  parentPort.postMessage("released");
}, workerData.holdMs);
`;

/** Starts a worker that holds the write lock of `file` for `holdMs`; resolves once it holds it. */
async function holdWriteLock(file: string, holdMs: number): Promise<{ released: Promise<void> }> {
  const worker = new Worker(HOLDER, { eval: true, workerData: { driverPath, file, holdMs } });
  let onReleased: () => void = () => {};
  const released = new Promise<void>((resolve) => (onReleased = resolve));
  await new Promise<void>((resolve, reject) => {
    worker.on("message", (message) => {
      if (message === "locked") resolve();
      if (message === "released") onReleased();
    });
    worker.once("error", reject);
  });
  return { released: released.then(() => worker.terminate()).then(() => undefined) };
}

describe("SQLite busy timeout", () => {
  it("a second writer waits for the lock held by another connection, then succeeds", async () => {
    const file = sqliteFilePath("busy");
    const conn = await connectSqlite(`sqlite:///${file}`);
    try {
      await conn.execute("create table log (id integer primary key, who text)", []);
      const { released } = await holdWriteLock(file, 300);
      const started = Date.now();
      const result = await conn.execute("insert into log (who) values ('waiter')", []);
      const waited = Date.now() - started;
      expect(result.rowcount).toBe(1);
      expect(waited).toBeGreaterThanOrEqual(150);
      expect(waited).toBeLessThan(5000);
      await released;
      expect((await conn.execute("select who from log order by id", [])).rows).toEqual([["holder"], ["waiter"]]);
      expect((await conn.execute("pragma integrity_check", [])).rows).toEqual([["ok"]]);
    } finally {
      await conn.close();
    }
  });

  it("beyond the busy timeout (URL timeout in seconds) the writer gets a retryable, timeout-classified OperationalError", async () => {
    const file = sqliteFilePath("busy");
    const conn = await connectSqlite(`sqlite:///${file}?timeout=0.05`);
    try {
      await conn.execute("create table log (id integer primary key, who text)", []);
      const { released } = await holdWriteLock(file, 600);
      const started = Date.now();
      const { translated } = await translatedFailure(conn.execute("insert into log (who) values ('waiter')", []));
      const waited = Date.now() - started;
      expect(translated.errorClass).toBe(DatabaseLockedError);
      expect(translated.errno).toBe("SQLITE_BUSY");
      expect(translated.isTimeout).toBe(true);
      expect(translated.isRetryable).toBe(true);
      expect(translated.isDisconnect).toBe(false);
      expect(translated.message).toMatch(/database is locked/);
      expect(waited).toBeGreaterThanOrEqual(40);
      expect(waited).toBeLessThan(500);
      await released;
      // The connection is still usable once the lock is gone.
      expect((await conn.execute("insert into log (who) values ('later')", [])).rowcount).toBe(1);
    } finally {
      await conn.close();
    }
  });

  it("driverOptions.timeout (ms) overrides the URL", async () => {
    const file = sqliteFilePath("busy");
    const conn = await connectSqlite(`sqlite:///${file}?timeout=30`, { timeout: 20 });
    try {
      await conn.execute("create table log (id integer primary key, who text)", []);
      const { released } = await holdWriteLock(file, 400);
      const started = Date.now();
      await expect(conn.execute("insert into log (who) values ('waiter')", [])).rejects.toThrow(/database is locked/);
      expect(Date.now() - started).toBeLessThan(300);
      await released;
    } finally {
      await conn.close();
    }
  });

  it("through an engine: past the busy timeout a typed, retryable DatabaseLockedError; within it the writer waits and succeeds", async () => {
    const file = sqliteFilePath("busy");
    await using impatient = createEngine(`sqlite+better-sqlite3:///${file}?timeout=0.05`);
    await using patient = createEngine(`sqlite+better-sqlite3:///${file}`); // default busy timeout: 5 s
    await impatient.begin((c) => c.execute(text("create table log (id integer primary key, who text)")));
    const first = await holdWriteLock(file, 400);
    const error = await impatient.begin((c) => c.execute(text("insert into log (who) values ('impatient')"))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseLockedError);
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as DatabaseLockedError).isRetryable).toBe(true);
    expect((error as DatabaseLockedError).message).toMatch(/database is locked/);
    await first.released;
    const second = await holdWriteLock(file, 300);
    await patient.begin((c) => c.execute(text("insert into log (who) values ('patient')")));
    await second.released;
    const rows = await patient.connect(async (c) => (await c.execute(text("select who from log order by id"))).scalars().all());
    expect(rows).toEqual(["holder", "holder", "patient"]);
    expect(await patient.connect(async (c) => (await c.execute(text("pragma integrity_check"))).scalar())).toBe("ok");
  });
});
