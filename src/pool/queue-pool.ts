import { ArgumentError, InvalidRequestError, TimeoutError } from "../errors/index.js";
import type { ConnectionRecord } from "./connection-record.js";
import { Pool, type PoolOptions, type PoolStats, type Slot } from "./pool.js";
import type { PoolDialect } from "./pool-dialect.js";

/** Options of {@link QueuePool}. */
export interface QueuePoolOptions extends PoolOptions {
  /** Connections kept open when idle. Default 5. */
  size?: number;
  /** Connections allowed beyond `size` under load, closed when returned. `-1` for no limit. Default 10. */
  maxOverflow?: number;
  /** Reuse the most recently returned connection first (lets surplus connections go idle). Default `false` (FIFO). */
  useLifo?: boolean;
}

interface Waiter<C> {
  resolve(slot: Slot<C>): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

/**
 * A pool of at most `size + maxOverflow` connections, keeping up to `size`
 * open when idle. When all are checked out, callers wait in arrival order;
 * after `timeout` ms a waiter gets a {@link TimeoutError} naming the limits.
 */
export class QueuePool<C> extends Pool<C> {
  readonly size: number;
  readonly maxOverflow: number;
  readonly useLifo: boolean;
  protected readonly idle: ConnectionRecord<C>[] = [];
  protected readonly waiters: Waiter<C>[] = [];
  /** Slots handed out or holding an idle connection. */
  protected allocated = 0;

  constructor(dialect: PoolDialect<C>, options: QueuePoolOptions = {}) {
    super(dialect, options);
    this.size = options.size ?? 5;
    this.maxOverflow = options.maxOverflow ?? 10;
    this.useLifo = options.useLifo ?? false;
    if (!Number.isInteger(this.size) || this.size < 0) throw new ArgumentError(`poolSize must be an integer >= 0, got ${this.size}.`);
    if (!Number.isInteger(this.maxOverflow) || this.maxOverflow < -1) {
      throw new ArgumentError(`maxOverflow must be an integer >= -1, got ${this.maxOverflow}.`);
    }
    if (!(this.timeout >= 0)) throw new ArgumentError(`poolTimeout must be a number of milliseconds >= 0, got ${this.timeout}.`);
    if (this.size === 0 && this.maxOverflow === 0) throw new ArgumentError("A pool with poolSize 0 and maxOverflow 0 can never connect.");
  }

  private get capacity(): number {
    return this.maxOverflow < 0 ? Infinity : this.size + this.maxOverflow;
  }

  protected acquireSlot(): Promise<Slot<C>> {
    const record = this.useLifo ? this.idle.pop() : this.idle.shift();
    if (record !== undefined) return Promise.resolve({ record });
    if (this.allocated < this.capacity) {
      this.allocated += 1;
      return Promise.resolve({ record: undefined });
    }
    return new Promise<Slot<C>>((resolve, reject) => {
      const waiter: Waiter<C> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(this.timeoutError());
        }, this.timeout),
      };
      this.waiters.push(waiter);
    });
  }

  protected releaseSlot(slot: Slot<C>): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      waiter.resolve({ record: slot.record });
      return;
    }
    const record = slot.record;
    if (record !== undefined && !this.disposed && this.idle.length < this.size) {
      this.idle.push(record);
      return;
    }
    this.allocated -= 1;
    if (record !== undefined) void this.closeRecord(record);
  }

  protected drain(): ConnectionRecord<C>[] {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new InvalidRequestError("The pool was disposed while waiting for a connection.", { code: "pool-disposed" }));
    }
    const idle = this.idle.splice(0);
    this.allocated -= idle.length;
    return idle;
  }

  stats(): PoolStats {
    return {
      kind: this.constructor.name,
      size: this.size,
      maxOverflow: this.maxOverflow,
      overflow: Math.max(0, this.allocated - this.size),
      checkedOut: this.allocated - this.idle.length,
      idle: this.idle.length,
      waiting: this.waiters.length,
      timeout: this.timeout,
    };
  }

  protected timeoutError(): TimeoutError {
    return new TimeoutError(
      `${this.constructor.name} limit of size ${this.size} overflow ${this.maxOverflow} reached, ` +
        `connection timed out, timeout ${this.timeout} ms. Connections are probably not being returned ` +
        `(close every Connection, or use "await using"), or the pool is too small for the load.`,
    );
  }
}
