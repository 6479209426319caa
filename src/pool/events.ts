import type { ConnectionRecord } from "./connection-record.js";

/** The events a pool fires, with their listener arguments. */
export type PoolEventMap<C> = {
  /** A new connection was opened. */
  connect: [connection: C, record: ConnectionRecord<C>];
  /** A connection was handed out. A listener that throws refuses it: it is invalidated and the error propagates. */
  checkout: [connection: C, record: ConnectionRecord<C>];
  /** A connection came back to the pool (after its reset). */
  checkin: [connection: C, record: ConnectionRecord<C>];
  /** A connection was reset (rolled back) on its way back. */
  reset: [connection: C, record: ConnectionRecord<C>];
  /** A connection was invalidated: closed and discarded because of `error` (or on request). */
  invalidate: [connection: C, record: ConnectionRecord<C>, error: unknown];
  /** A connection was closed (recycled, overflow returned, pool disposed or invalidated). */
  close: [connection: C, record: ConnectionRecord<C>];
};
