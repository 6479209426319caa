/**
 * Re-running a unit of work that the database refused for a reason that may
 * not happen again: a serialization failure (SQLSTATE 40001) under
 * REPEATABLE READ or SERIALIZABLE, a deadlock (40P01, MySQL 1213), a lock wait
 * timeout (MySQL 1205). The database rolled the transaction back as a whole,
 * so the only correct retry is of the whole transaction: `fn` must begin its
 * own (a fresh `engine.begin`, a fresh Session) and must not keep state from
 * a failed attempt. SQLAlchemy leaves this to the application; this is the
 * few lines every application then writes.
 *
 * @module
 */
import { ArgumentError, DBAPIError } from "../errors/index.js";

/** The options of {@link runWithRetry}. */
export interface RetryOptions {
  /** How many times `fn` may run again after a retryable failure (default 3; 0 runs it once). */
  readonly retries?: number;
  /**
   * Milliseconds to wait before retry `n` (1-based). Default: 10 ms doubled
   * each time, with up to 50 % random jitter so that the transactions that
   * collided do not collide again in step.
   */
  readonly backoff?: (retry: number) => number;
  /** Which errors to retry. Default: a {@link DBAPIError} with `isRetryable` (serialization failure, deadlock, lock wait timeout). */
  readonly retryIf?: (error: unknown) => boolean;
  /** Called before each retry with the error and the retry number (for logging and metrics). */
  readonly onRetry?: (error: unknown, retry: number) => void;
}

function defaultBackoff(retry: number): number {
  const base = 10 * 2 ** (retry - 1);
  return base + Math.random() * base * 0.5;
}

function isRetryable(error: unknown): boolean {
  return error instanceof DBAPIError && error.isRetryable;
}

/**
 * Runs `fn` (a whole transaction) and runs it again while it fails with a
 * retryable error, up to `retries` times; the last error is raised as it
 * is. `fn` gets the attempt number (0 for the first run).
 *
 * @example
 * ```ts
 * await runWithRetry(() =>
 *   engine.begin(async (conn) => {
 *     await conn.execute(text("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"));
 *     // read, decide, write: rolled back and run again if another transaction interfered
 *   }),
 * );
 * await runWithRetry(() => Session.begin(async (session) => { ... }), { retries: 5 });
 * ```
 */
export async function runWithRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 3;
  if (!Number.isInteger(retries) || retries < 0) throw new ArgumentError(`runWithRetry(): retries must be a whole number >= 0, got ${String(retries)}.`);
  const retryIf = options.retryIf ?? isRetryable;
  const backoff = options.backoff ?? defaultBackoff;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= retries || !retryIf(error)) throw error;
      options.onRetry?.(error, attempt + 1);
      const wait = backoff(attempt + 1);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
