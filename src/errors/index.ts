/**
 * The one error tree of Athanor.
 *
 * Every error the library raises is an {@link AthanorError} with a stable `code`
 * (documented in `docs/errors.md`). Errors coming from a database driver are
 * wrapped in a {@link DBAPIError} subclass chosen by the dialect from the
 * driver's SQLSTATE or errno, keeping the original error, the SQL and the
 * parameters. No error message ever contains a password from a URL.
 *
 * @module
 */

/** Options shared by every Athanor error. */
export interface AthanorErrorOptions {
  /** The error that caused this one, kept as the standard `cause`. */
  cause?: unknown;
  /** A stable code; the default comes from the error class. */
  code?: string;
}

/** Base class of every error raised by Athanor. */
export class AthanorError extends Error {
  /** A stable, documented identifier for this kind of error (for example `"pool-timeout"`). */
  readonly code: string;

  constructor(message: string, options: AthanorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? defaultCode(new.target.name);
  }
}

function defaultCode(className: string): string {
  return className
    .replace(/Error$/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase();
}

/** A function or constructor was called with a bad argument (a malformed URL, an unknown option). */
export class ArgumentError extends AthanorError {}

/** The request cannot be carried out in the current state (a closed connection, a disposed engine). */
export class InvalidRequestError extends AthanorError {}

/** The object has been closed and cannot be used again. */
export class ResourceClosedError extends InvalidRequestError {}

/** `Result.one()` found no row. */
export class NoResultFound extends InvalidRequestError {
  constructor(message = "No row was found when one was required.", options?: AthanorErrorOptions) {
    super(message, options);
  }
}

/** `Result.one()` or `oneOrNone()` found more than one row. */
export class MultipleResultsFound extends InvalidRequestError {
  constructor(message = "Multiple rows were found when exactly one was required.", options?: AthanorErrorOptions) {
    super(message, options);
  }
}

/** A transaction was left in a failed state and must be rolled back before further use. */
export class PendingRollbackError extends InvalidRequestError {}

/** Reflection asked for a table (or view) that the database does not have. */
export class NoSuchTableError extends InvalidRequestError {}

/** Reflection asked for a schema that the database does not have. */
export class NoSuchSchemaError extends InvalidRequestError {}

/** The statement cannot be compiled for this dialect (a construct it does not have). */
export class CompileError extends AthanorError {}

/** The dialect or driver named in a URL is unknown, or its npm package is not installed. */
export class NoSuchModuleError extends ArgumentError {}

/**
 * The pool had no connection to give within `poolTimeout`.
 * The message states the pool size, the overflow and the timeout.
 */
export class TimeoutError extends AthanorError {
  constructor(message: string, options?: AthanorErrorOptions) {
    super(message, { code: "pool-timeout", ...options });
  }
}

/** A flush or a versioned UPDATE/DELETE matched a different number of rows than expected. */
export class StaleDataError extends AthanorError {}

/** An operation needed a Session but the object is not attached to one. */
export class DetachedInstanceError extends InvalidRequestError {}

/** Details of a failed statement, attached to every {@link DBAPIError}. */
export interface StatementErrorDetails {
  /** The SQL text sent to the driver (it never contains a URL password). */
  sql?: string | undefined;
  /** The bound parameters, positional as sent to the driver. */
  params?: readonly unknown[] | undefined;
  /** The driver's error, untouched. */
  orig?: unknown;
  /** The five-character SQLSTATE, when the driver reports one. */
  sqlstate?: string | undefined;
  /** The driver or server error number (MySQL errno, SQLite result code name). */
  errno?: number | string | undefined;
  /** True when the connection is known to be unusable after this error. */
  isDisconnect?: boolean;
  /** True when re-running the whole transaction may succeed (serialization failure, deadlock). */
  isRetryable?: boolean;
  /** True when the error is a statement or lock timeout. */
  isTimeout?: boolean;
  /** The name of the violated constraint, when the driver reports it. */
  constraint?: string | undefined;
}

const MAX_PARAMS_IN_MESSAGE = 10;
const MAX_PARAM_LENGTH = 60;

/** Renders parameters for an error message, cut short so a 10 MB value cannot flood a log. */
export function describeParams(params: readonly unknown[] | undefined): string {
  if (params === undefined || params.length === 0) return "";
  const shown = params.slice(0, MAX_PARAMS_IN_MESSAGE).map(describeValue);
  const more = params.length > MAX_PARAMS_IN_MESSAGE ? `, ... ${params.length - MAX_PARAMS_IN_MESSAGE} more` : "";
  return `[${shown.join(", ")}${more}]`;
}

function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "bigint") text = `${value}n`;
  else if (value instanceof Uint8Array) text = `<${value.byteLength} bytes>`;
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  else if (value !== null && typeof value === "object") {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  } else text = String(value);
  return text.length > MAX_PARAM_LENGTH ? `${text.slice(0, MAX_PARAM_LENGTH)}...` : text;
}

/**
 * A statement failed. Carries the SQL and its parameters; the message shows both
 * (parameters cut short) after the driver's own message.
 */
export class StatementError extends AthanorError {
  readonly sql: string | undefined;
  readonly params: readonly unknown[] | undefined;
  readonly orig: unknown;

  constructor(message: string, details: StatementErrorDetails = {}, options: AthanorErrorOptions = {}) {
    super(composeMessage(message, details), { cause: details.orig, ...options });
    this.sql = details.sql;
    this.params = details.params;
    this.orig = details.orig;
  }
}

function composeMessage(message: string, details: StatementErrorDetails): string {
  let text = message;
  if (details.sql !== undefined) text += `\n[SQL: ${details.sql}]`;
  const params = describeParams(details.params);
  if (params !== "") text += `\n[parameters: ${params}]`;
  return text;
}

/**
 * Base of the errors raised by a database driver, named after Python's DB-API
 * (PEP 249) as in SQLAlchemy. The dialect picks the subclass from the SQLSTATE
 * or errno. `isDisconnect` tells whether the connection was invalidated.
 */
export class DBAPIError extends StatementError {
  readonly sqlstate: string | undefined;
  readonly errno: number | string | undefined;
  readonly isDisconnect: boolean;
  readonly isRetryable: boolean;
  readonly isTimeout: boolean;
  readonly constraint: string | undefined;

  constructor(message: string, details: StatementErrorDetails = {}, options: AthanorErrorOptions = {}) {
    super(message, details, options);
    this.sqlstate = details.sqlstate;
    this.errno = details.errno;
    this.isDisconnect = details.isDisconnect ?? false;
    this.isRetryable = details.isRetryable ?? false;
    this.isTimeout = details.isTimeout ?? false;
    this.constraint = details.constraint;
  }
}

/** The driver's interface was misused (not the database's fault). */
export class InterfaceError extends DBAPIError {}
/** An error reported by the database. */
export class DatabaseError extends DBAPIError {}
/** A bad value: out of range, wrong format, invalid encoding, division by zero. */
export class DataError extends DatabaseError {}
/**
 * The database's operation failed for reasons outside the statement: a lost
 * connection, a timeout, a deadlock, a serialization failure, a locked file.
 */
export class OperationalError extends DatabaseError {}
/**
 * SQLite: another connection held the lock for longer than the busy timeout
 * (`SQLITE_BUSY`, "database is locked") or a table is locked
 * (`SQLITE_LOCKED`). Retryable: run the transaction again, or raise the
 * busy timeout (`?timeout=` seconds in the URL).
 */
export class DatabaseLockedError extends OperationalError {}
/** A constraint was violated: unique, foreign key, not-null or check. */
export class IntegrityError extends DatabaseError {}
/** The database reported an internal inconsistency. */
export class InternalError extends DatabaseError {}
/** Bad SQL: a syntax error, an unknown table or column, a wrong number of parameters. */
export class ProgrammingError extends DatabaseError {}
/** The database does not support the requested operation. */
export class NotSupportedError extends DatabaseError {}

/** The classes a dialect may choose for a driver error. */
export type DBAPIErrorClass =
  | typeof InterfaceError
  | typeof DatabaseError
  | typeof DataError
  | typeof OperationalError
  | typeof DatabaseLockedError
  | typeof IntegrityError
  | typeof InternalError
  | typeof ProgrammingError
  | typeof NotSupportedError;
