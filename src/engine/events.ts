import type { DBAPIError } from "../errors/index.js";
import type { Connection } from "./connection.js";

/** The context passed to `handleError` listeners; they may change it. */
export interface ErrorContext {
  /** The Athanor error about to be raised. Replace it to raise something else. */
  error: Error;
  /** The driver's original error. */
  readonly original: unknown;
  readonly sql: string | undefined;
  readonly params: readonly unknown[] | undefined;
  readonly connection: Connection | undefined;
  /**
   * Whether the connection is treated as dead (invalidated, and the pool's other
   * connections replaced at their next checkout). Set it to reclassify an error,
   * as SQLAlchemy's `handle_error` allows.
   */
  isDisconnect: boolean;
}

/** Information on one statement execution, for `beforeExecute`/`afterExecute`. */
export interface ExecuteContext {
  readonly connection: Connection;
  readonly sql: string;
  /** Positional parameters; for an executemany, the list of parameter lists. */
  readonly params: readonly unknown[] | readonly (readonly unknown[])[];
  /** True when the statement runs once per parameter set. */
  readonly executemany: boolean;
}

/** The events an engine fires. */
export type EngineEventMap = {
  /** Before a statement is sent to the driver. A listener that throws cancels the execution. */
  beforeExecute: [context: ExecuteContext];
  /** After a statement succeeded; `rowcount` as the driver reported it. */
  afterExecute: [context: ExecuteContext, rowcount: number];
  /** A statement or a connect failed; listeners may reclassify or replace the error. */
  handleError: [context: ErrorContext];
  /** A transaction began, committed or rolled back on a connection. */
  begin: [connection: Connection];
  commit: [connection: Connection];
  rollback: [connection: Connection];
};

/** @internal The error type produced by the engine for driver errors. */
export type WrappedError = DBAPIError;
