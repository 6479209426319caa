/**
 * The engine's statementTimeout (RELIABILITY scenario 15): the server cancels
 * a statement running longer than the limit; the error is a typed timeout and
 * the connection stays usable after a rollback.
 */
import { describe, expect, it } from "vitest";
import { ArgumentError, OperationalError, createEngine, text } from "../../src/index.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend(
  "statementTimeout",
  (ctx) => {
    const sleep = () => (ctx.backend.dialect === "postgresql" ? text("SELECT pg_sleep(2)") : text("SELECT SLEEP(2)"));

    it("cancels a statement over the limit with a typed timeout, and the connection goes on after a rollback", async () => {
      const engine = ctx.newEngine({ statementTimeout: 150, poolSize: 1 });
      await engine.connect(async (conn) => {
        const started = Date.now();
        const error = await conn.execute(sleep()).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(Date.now() - started).toBeLessThan(1500);
        expect(error).toBeInstanceOf(OperationalError);
        expect((error as OperationalError).isTimeout).toBe(true);
        expect((error as OperationalError).isDisconnect).toBe(false);
        if (ctx.backend.dialect === "postgresql") expect((error as OperationalError).sqlstate).toBe("57014");
        else expect((error as OperationalError).errno).toBe(1969);
        await conn.rollback();
        expect(conn.invalidated).toBe(false);
        expect((await conn.execute(text("SELECT 1 AS one"))).scalar()).toBe(1);
      });
      // Fast statements are untouched, on every pooled connection.
      expect(await engine.connect(async (c) => (await c.execute(text("SELECT 2 AS two"))).scalar())).toBe(2);
    });
  },
  { only: ["pg", "postgres", "mariadb"] },
);

describe("statementTimeout where the database has none", () => {
  it("is refused on SQLite at the first connect, and checked as a duration", async () => {
    await using engine = createEngine("sqlite+better-sqlite3://", { statementTimeout: 100 });
    await expect(engine.connect(async () => 1)).rejects.toThrow(/sqlite dialect has no statement timeout/);
    expect(() => createEngine("sqlite+better-sqlite3://", { statementTimeout: -1 })).toThrow(ArgumentError);
  });
});
