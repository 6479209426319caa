/**
 * What a pool needs to know about its connections: how to open, check, reset
 * and close one. The engine builds it from the driver adapter, so the pool never
 * depends on the engine (as SQLAlchemy's `_ConnDialect`).
 */
export interface PoolDialect<C> {
  /** Opens a new connection. */
  connect(): Promise<C>;
  /** A cheap round trip used by pre-ping; rejects when the connection is dead. */
  ping(connection: C): Promise<void>;
  /** Ends any transaction left open (a ROLLBACK). */
  reset(connection: C): Promise<void>;
  /** Closes the connection; must not throw for a dead one. */
  close(connection: C): Promise<void>;
  /** True when the driver has reported the connection dead since it was opened. */
  isBroken(connection: C): boolean;
}
