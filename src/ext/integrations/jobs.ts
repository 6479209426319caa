/**
 * Job handlers with a scoped session: each job its own scope, removed after
 * the job whatever its outcome (what a Celery task base class does in its
 * `after_return`).
 *
 * @module
 */
import type { ScopedSession } from "../scoping.js";

/**
 * Wraps a job handler so that each call runs in a fresh scope of `scoped`:
 * the handler and everything it awaits share the job's own Session, which is
 * removed (closed, rolling back whatever was not committed) before the
 * returned promise settles, on success and on failure, so the queue sees the
 * job finish only after its connection is back in the pool. Nothing is
 * committed for you. Works with any queue that calls an async function per
 * job: BullMQ's `Worker`, pg-boss, a plain `setInterval`.
 *
 * @example
 * ```ts
 * new Worker("reviews", scopedJob(Scoped, async (job: Job<{ bookId: number }>) => {
 *   const book = await Scoped.getOne(Book, job.data.bookId);
 *   book.rating = await averageRating(book.id);
 *   await Scoped.commit();
 * }), { connection });
 * ```
 */
export function scopedJob<Args extends unknown[], R>(scoped: ScopedSession, handler: (...args: Args) => Promise<R>): (...args: Args) => Promise<R> {
  return (...args: Args) => scoped.run(() => handler(...args));
}
