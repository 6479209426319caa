import { InvalidRequestError } from "../errors/index.js";
import { Events } from "../events/index.js";
import { ConnectionRecord } from "./connection-record.js";
import type { PoolEventMap } from "./events.js";
import type { PoolDialect } from "./pool-dialect.js";

/** Options shared by every pool. Durations are in milliseconds. */
export interface PoolOptions {
  /**
   * Replace a connection older than this many milliseconds when it is next
   * checked out (for servers that drop idle connections, such as MySQL's
   * `wait_timeout`). `-1`, the default, never recycles.
   */
  recycle?: number;
  /** Ping each connection as it is checked out and replace it silently if dead. Default `false`. */
  prePing?: boolean;
  /** How long to wait for a free connection before raising `TimeoutError`. Default 30,000 ms. */
  timeout?: number;
}

/** Counters describing a pool at one moment. */
export interface PoolStats {
  /** The class of the pool. */
  readonly kind: string;
  /** Connections kept open when idle (`poolSize`). */
  readonly size: number;
  /** Connections allowed beyond `size` (`maxOverflow`); `-1` for no limit. */
  readonly maxOverflow: number;
  /** Connections open beyond `size` right now. */
  readonly overflow: number;
  readonly checkedOut: number;
  readonly idle: number;
  /** Callers waiting for a connection. */
  readonly waiting: number;
  readonly timeout: number;
}

/** A place for one connection in a pool: empty until a connection is opened into it. */
export interface Slot<C> {
  record: ConnectionRecord<C> | undefined;
}

/**
 * The base of every pool. It hands out {@link PooledConnection}s, checks a
 * reused connection before handing it out (broken, older than `recycle`, older
 * than the last disconnect, or failing pre-ping: replaced silently), resets it
 * on the way back and discards any connection whose reset fails. Subclasses
 * decide only how many connections may exist and who waits.
 */
export abstract class Pool<C> {
  /** Pool events: `connect`, `checkout`, `checkin`, `reset`, `invalidate`, `close`. */
  readonly events = new Events<PoolEventMap<C>>();
  readonly recycle: number;
  readonly prePing: boolean;
  readonly timeout: number;
  /** Connections opened in an earlier generation are replaced at their next checkout (bumped after a disconnect). */
  protected generation = 0;
  protected disposed = false;

  constructor(
    protected readonly dialect: PoolDialect<C>,
    options: PoolOptions = {},
  ) {
    this.recycle = options.recycle ?? -1;
    this.prePing = options.prePing ?? false;
    this.timeout = options.timeout ?? 30_000;
  }

  /** Waits for a slot: an idle connection or room to open one. */
  protected abstract acquireSlot(): Promise<Slot<C>>;
  /** Takes a slot back, with its connection to keep or empty when the connection was discarded. */
  protected abstract releaseSlot(slot: Slot<C>): void;
  /** Closes the idle connections and refuses waiters, for {@link dispose}. */
  protected abstract drain(): ConnectionRecord<C>[];
  /** The counters of this pool. */
  abstract stats(): PoolStats;

  /** Hands out a connection, waiting up to `timeout` ms for one to be free. */
  async checkout(): Promise<PooledConnection<C>> {
    this.assertOpen();
    const slot = await this.acquireSlot();
    try {
      if (slot.record !== undefined && !(this.isFresh(slot.record) && (!this.prePing || (await this.answersPing(slot.record))))) {
        await this.closeRecord(slot.record);
        slot.record = undefined;
      }
      if (slot.record === undefined) slot.record = await this.open();
      const record = slot.record;
      record.lastCheckout = Date.now();
      try {
        this.events.emit("checkout", record.connection, record);
      } catch (error) {
        await this.closeRecord(record, error);
        slot.record = undefined;
        throw error;
      }
      return new PooledConnection(this, slot);
    } catch (error) {
      this.releaseSlot(slot);
      throw error;
    }
  }

  /** A one-line summary a person can read. */
  status(): string {
    const s = this.stats();
    const overflow = s.maxOverflow < 0 ? `${s.overflow} (no limit)` : `${s.overflow} of ${s.maxOverflow}`;
    return `${s.kind}: size ${s.size}, overflow ${overflow}, ${s.checkedOut} checked out, ${s.idle} idle, ${s.waiting} waiting (timeout ${s.timeout} ms)`;
  }

  /**
   * Marks every connection opened until now as stale: each is replaced at its
   * next checkout. Called after a disconnect, since one dead connection usually
   * means the server restarted and the others are dead too.
   */
  invalidateAll(): void {
    this.generation += 1;
  }

  /** Closes the idle connections and refuses further checkouts; checked-out ones close when returned. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(this.drain().map((record) => this.closeRecord(record)));
  }

  /** True once {@link dispose} was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** @internal Called by {@link PooledConnection.release}. */
  async checkin(slot: Slot<C>, resetNeeded: boolean): Promise<void> {
    const record = slot.record;
    if (record === undefined) return this.releaseSlot(slot);
    if (this.dialect.isBroken(record.connection)) {
      return this.discard(slot, new InvalidRequestError("The driver reported the connection as broken."));
    }
    if (resetNeeded) {
      try {
        await this.dialect.reset(record.connection);
        this.events.emit("reset", record.connection, record);
      } catch (error) {
        // A connection whose reset failed may still be inside a transaction: never reuse it.
        return this.discard(slot, error);
      }
    }
    if (this.disposed) {
      await this.closeRecord(record);
      slot.record = undefined;
      return this.releaseSlot(slot);
    }
    this.events.emit("checkin", record.connection, record);
    this.releaseSlot(slot);
  }

  /** @internal Closes the slot's connection and frees the slot. */
  async discard(slot: Slot<C>, error: unknown): Promise<void> {
    const record = slot.record;
    slot.record = undefined;
    try {
      if (record !== undefined) await this.closeRecord(record, error);
    } finally {
      this.releaseSlot(slot);
    }
  }

  protected assertOpen(): void {
    if (this.disposed) {
      throw new InvalidRequestError("This pool has been disposed; create a new engine to connect again.", {
        code: "pool-disposed",
      });
    }
  }

  /** Not broken, not stale, not due for recycling: checked without I/O (a checkout without pre-ping waits for nothing). */
  private isFresh(record: ConnectionRecord<C>): boolean {
    if (this.dialect.isBroken(record.connection)) return false;
    if (record.generation < this.generation) return false;
    return !(this.recycle >= 0 && Date.now() - record.createdAt > this.recycle);
  }

  /** Pre-ping: whether the connection still answers. */
  private async answersPing(record: ConnectionRecord<C>): Promise<boolean> {
    try {
      await this.dialect.ping(record.connection);
      return true;
    } catch {
      // The server probably restarted: the other idle connections are as dead as this one.
      if (record.generation === this.generation) this.invalidateAll();
      return false;
    }
  }

  private async open(): Promise<ConnectionRecord<C>> {
    const generation = this.generation;
    const record = new ConnectionRecord(await this.dialect.connect(), generation);
    try {
      this.events.emit("connect", record.connection, record);
    } catch (error) {
      await this.closeRecord(record, error);
      throw error;
    }
    return record;
  }

  /** Closes a connection; with an error, reports it as invalidated. Never throws. */
  protected async closeRecord(record: ConnectionRecord<C>, error?: unknown): Promise<void> {
    if (record.closed) return;
    record.closed = true;
    try {
      if (error !== undefined) this.events.emit("invalidate", record.connection, record, error);
    } finally {
      try {
        await this.dialect.close(record.connection);
      } catch {
        // Closing a dead connection may fail; it is gone either way.
      }
      this.events.emit("close", record.connection, record);
    }
  }
}

/**
 * A connection checked out of a pool. Give it back with {@link release}
 * (reset and reused) or {@link invalidate} (closed and discarded); both are
 * idempotent, and nothing may use the connection afterwards.
 */
export class PooledConnection<C> {
  /** Set by the engine while a transaction is open, so the pool rolls it back on return. */
  resetNeeded = false;
  #done = false;

  constructor(
    private readonly pool: Pool<C>,
    private readonly slot: Slot<C>,
  ) {}

  /** The driver connection. */
  get connection(): C {
    const record = this.slot.record;
    if (this.#done || record === undefined) {
      throw new InvalidRequestError("This connection was returned to its pool and cannot be used.", { code: "connection-closed" });
    }
    return record.connection;
  }

  /** The pool's record for this connection (`info` holds per-connection data). */
  get record(): ConnectionRecord<C> | undefined {
    return this.slot.record;
  }

  /** True once released or invalidated. */
  get isReleased(): boolean {
    return this.#done;
  }

  /** Returns the connection to the pool, rolled back when {@link resetNeeded}. */
  async release(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.pool.checkin(this.slot, this.resetNeeded);
  }

  /**
   * Closes and discards the connection. With `allStale`, every other connection
   * opened before now is replaced at its next checkout (use it for disconnects).
   */
  async invalidate(error: unknown = new InvalidRequestError("invalidated on request"), allStale = false): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    if (allStale) this.pool.invalidateAll();
    await this.pool.discard(this.slot, error);
  }
}
