/**
 * runWithRetry (RELIABILITY scenario 17): a SERIALIZABLE write skew on
 * PostgreSQL raises a retryable error (SQLSTATE 40001), and re-running whole
 * transactions with the helper keeps the invariant under concurrency.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { ArgumentError, IntegrityError, OperationalError, runWithRetry, text, type Connection } from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

describe("runWithRetry without a database", () => {
  const retryable = () => new OperationalError("could not serialize access", { sqlstate: "40001", isRetryable: true });

  it("runs again after a retryable error, up to `retries` times, then raises the last error", async () => {
    const attempts: number[] = [];
    const retried: number[] = [];
    await expect(
      runWithRetry(
        async (attempt) => {
          attempts.push(attempt);
          throw retryable();
        },
        { retries: 2, backoff: () => 0, onRetry: (_e, n) => retried.push(n) },
      ),
    ).rejects.toThrow("could not serialize access");
    expect(attempts).toEqual([0, 1, 2]);
    expect(retried).toEqual([1, 2]);
    let calls = 0;
    const result = runWithRetry(async () => (++calls < 3 ? Promise.reject(retryable()) : "done"), { backoff: () => 0 });
    expectTypeOf(result).toEqualTypeOf<Promise<string>>();
    await expect(result).resolves.toBe("done");
  });

  it("does not retry other errors, and checks its options", async () => {
    let calls = 0;
    await expect(
      runWithRetry(async () => {
        calls += 1;
        throw new IntegrityError("duplicate key", { sqlstate: "23505" });
      }),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect(calls).toBe(1);
    await expect(runWithRetry(async () => 1, { retries: -1 })).rejects.toThrow(ArgumentError);
  });
});

describeEachBackend(
  "runWithRetry on a SERIALIZABLE write skew",
  (ctx) => {
    const accounts = uniqueName("acct");
    const serializable = () => ctx.newEngine({ isolationLevel: "SERIALIZABLE", poolSize: 8 });

    beforeAll(async () => {
      await ctx.engine.begin((c) => c.execute(text(`CREATE TABLE ${accounts} (id integer PRIMARY KEY, balance integer NOT NULL)`)));
    });
    afterAll(() => ctx.engine.begin((c) => c.execute(text(`DROP TABLE ${accounts}`))));

    const reset = () =>
      ctx.engine.begin(async (c) => {
        await c.execute(text(`DELETE FROM ${accounts}`));
        await c.execute(text(`INSERT INTO ${accounts} (id, balance) VALUES (1, 50), (2, 50)`));
      });
    const total = async (c: Connection) => Number((await c.execute(text(`SELECT sum(balance) AS s FROM ${accounts}`))).one().s);

    it("raises a typed, retryable error (SQLSTATE 40001) when two transactions skew", async () => {
      await reset();
      const engine = serializable();
      const a = await engine.connect();
      const b = await engine.connect();
      try {
        expect(await total(a)).toBe(100);
        expect(await total(b)).toBe(100);
        await a.execute(text(`UPDATE ${accounts} SET balance = balance - 80 WHERE id = 1`));
        await a.commit();
        const error = await b
          .execute(text(`UPDATE ${accounts} SET balance = balance - 80 WHERE id = 2`))
          .then(() => b.commit())
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(error).toBeInstanceOf(OperationalError);
        expect((error as OperationalError).sqlstate).toBe("40001");
        expect((error as OperationalError).isRetryable).toBe(true);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it("keeps the invariant when 20 concurrent withdrawals are re-run whole on conflict", async () => {
      await reset();
      const engine = serializable();
      let retries = 0;
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          runWithRetry(
            () =>
              engine.begin(async (c) => {
                // Withdraw 10 from one account if the two together still hold 10: write skew without SERIALIZABLE.
                if ((await total(c)) < 10) return false;
                await c.execute(text(`UPDATE ${accounts} SET balance = balance - 10 WHERE id = :id`), { id: (i % 2) + 1 });
                return true;
              }),
            { retries: 50, backoff: (n) => Math.min(50, 2 * n) + Math.random() * 5, onRetry: () => void (retries += 1) },
          ),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(10);
      expect(await ctx.engine.connect((c) => total(c))).toBe(0);
      expect(retries).toBeGreaterThan(0);
    });
  },
  { only: ["pg", "postgres"] },
);
