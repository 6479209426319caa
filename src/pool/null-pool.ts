import type { ConnectionRecord } from "./connection-record.js";
import { Pool, type PoolStats, type Slot } from "./pool.js";

/**
 * No pooling: every checkout opens a new connection and every return closes
 * it. Useful for scripts, tests that create their own workers, and servers
 * with an external pooler (PgBouncer).
 */
export class NullPool<C> extends Pool<C> {
  #checkedOut = 0;

  protected acquireSlot(): Promise<Slot<C>> {
    this.#checkedOut += 1;
    return Promise.resolve({ record: undefined });
  }

  protected releaseSlot(slot: Slot<C>): void {
    this.#checkedOut -= 1;
    if (slot.record !== undefined) void this.closeRecord(slot.record);
  }

  protected drain(): ConnectionRecord<C>[] {
    return [];
  }

  stats(): PoolStats {
    return {
      kind: "NullPool",
      size: 0,
      maxOverflow: -1,
      overflow: this.#checkedOut,
      checkedOut: this.#checkedOut,
      idle: 0,
      waiting: 0,
      timeout: this.timeout,
    };
  }
}
