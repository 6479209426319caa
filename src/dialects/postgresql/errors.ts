/**
 * Classifying PostgreSQL driver errors. The three drivers report a server
 * error the same way (a five-character SQLSTATE in `code`, with `severity`);
 * their client-side failures differ and are recognised by code or message.
 *
 * @module
 */
import {
  DataError,
  DatabaseError,
  DBAPIError,
  IntegrityError,
  InterfaceError,
  InternalError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
} from "../../errors/index.js";
import type { DBAPIErrorClass } from "../../errors/index.js";
import type { TranslatedError } from "../../engine/interfaces.js";

/** The error class for each SQLSTATE class (the first two characters). */
const CLASS_BY_SQLSTATE_CLASS: Readonly<Record<string, DBAPIErrorClass>> = {
  "08": OperationalError, // connection exception
  "0A": NotSupportedError, // feature not supported
  "20": ProgrammingError, // case not found
  "21": ProgrammingError, // cardinality violation
  "22": DataError, // data exception
  "23": IntegrityError, // integrity constraint violation
  "24": InternalError, // invalid cursor state
  "25": InternalError, // invalid transaction state
  "26": ProgrammingError, // invalid SQL statement name
  "27": OperationalError, // triggered data change violation
  "28": OperationalError, // invalid authorization specification
  "2B": InternalError,
  "2D": InternalError,
  "2F": InternalError,
  "34": ProgrammingError, // invalid cursor name
  "38": InternalError,
  "39": InternalError,
  "3B": InternalError,
  "3D": ProgrammingError, // invalid catalog name
  "3F": ProgrammingError, // invalid schema name
  "40": OperationalError, // transaction rollback (serialization failure, deadlock)
  "42": ProgrammingError, // syntax error or access rule violation
  "44": ProgrammingError, // WITH CHECK OPTION violation
  "53": OperationalError, // insufficient resources
  "54": OperationalError, // program limit exceeded
  "55": OperationalError, // object not in prerequisite state (lock not available)
  "57": OperationalError, // operator intervention (cancel, shutdown)
  "58": OperationalError, // system error
  F0: InternalError,
  HV: OperationalError,
  P0: InternalError,
  XX: InternalError,
};

/** SQLSTATEs after which the session is gone. */
const DISCONNECT_SQLSTATES = new Set([
  "57P01", // admin_shutdown (pg_terminate_backend)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "57P04", // database_dropped
  "57P05", // idle_session_timeout
  "25P03", // idle_in_transaction_session_timeout
]);

const RETRYABLE_SQLSTATES = new Set(["40001", "40P01"]);

const TIMEOUT_SQLSTATES = new Set(["57014", "55P03", "57P05", "25P03"]);

/** Client-side codes of a dead or unreachable connection (Node socket errors and postgres.js codes). */
const DISCONNECT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENOENT", // a Unix socket path that does not exist
  "ERR_SOCKET_CLOSED",
  "ERR_STREAM_DESTROYED",
  "ERR_STREAM_WRITE_AFTER_END",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
]);

const TIMEOUT_CODES = new Set(["ETIMEDOUT", "CONNECT_TIMEOUT"]);

/** Driver messages meaning the connection is dead (pg, postgres.js, PGlite). */
const DISCONNECT_MESSAGES: readonly RegExp[] = [
  /Connection terminated/i, // pg: "Connection terminated unexpectedly", "... due to connection timeout"
  /not queryable/i, // pg: "Client has encountered a connection error and is not queryable"
  /Client was closed/i, // pg
  /connection is closed/i,
  /timeout expired/i, // pg connect timeout
  /Query read timeout/i, // pg query_timeout: the reply may still arrive, so the session is unusable
  /PGlite is closed/i,
  /server closed the connection unexpectedly/i,
  /SSL connection has been closed unexpectedly/i,
];

const TIMEOUT_MESSAGES: readonly RegExp[] = [/timeout expired/i, /Query read timeout/i, /connection timeout/i];

const SQLSTATE_PATTERN = /^[0-9A-Z]{5}$/;

/** Errors raised while a connection was being opened: all of them mean "no connection". */
const connectErrors = new WeakSet<object>();

/** Marks an error thrown by `connect()` so that it is classified as a disconnect. */
export function markConnectError(error: unknown): unknown {
  if (typeof error === "object" && error !== null) connectErrors.add(error);
  return error;
}

type ErrorFields = {
  message?: unknown;
  code?: unknown;
  severity?: unknown;
  constraint?: unknown;
  constraint_name?: unknown;
  errno?: unknown;
};

function fieldsOf(error: unknown): ErrorFields {
  return typeof error === "object" && error !== null ? (error as ErrorFields) : {};
}

/**
 * The SQLSTATE of a server error. Node's socket codes are never mistaken for
 * one: no SQLSTATE class starts with "E".
 */
function sqlstateOf(fields: ErrorFields): string | undefined {
  const code = fields.code;
  if (typeof code !== "string" || !SQLSTATE_PATTERN.test(code) || code.startsWith("E")) return undefined;
  return code;
}

function classFor(sqlstate: string, message: string): DBAPIErrorClass {
  // "bind message supplies 1 parameters, but prepared statement requires 2": a protocol
  // violation by SQLSTATE, but the statement's fault, and the session survives it.
  if (sqlstate === "08P01" && /bind message supplies/i.test(message)) return ProgrammingError;
  return CLASS_BY_SQLSTATE_CLASS[sqlstate.slice(0, 2)] ?? DatabaseError;
}

/**
 * Classifies any error thrown by the `pg`, postgres.js or PGlite adapters.
 * Athanor's own driver-level errors (a refused parameter) keep their class.
 */
export function translatePostgresError(error: unknown): TranslatedError {
  const fields = fieldsOf(error);
  const message =
    typeof fields.message === "string" && fields.message !== "" ? fields.message : String(error ?? "unknown error");

  if (error instanceof DBAPIError) {
    return {
      errorClass: error.constructor as DBAPIErrorClass,
      message,
      sqlstate: error.sqlstate,
      errno: error.errno,
      isDisconnect: error.isDisconnect,
      isRetryable: error.isRetryable,
      isTimeout: error.isTimeout,
      constraint: error.constraint,
    };
  }

  const duringConnect = typeof error === "object" && error !== null && connectErrors.has(error);
  const sqlstate = sqlstateOf(fields);
  if (sqlstate !== undefined) {
    const isDisconnect =
      duringConnect ||
      DISCONNECT_SQLSTATES.has(sqlstate) ||
      (sqlstate.startsWith("08") && classFor(sqlstate, message) === OperationalError);
    const constraint =
      typeof fields.constraint === "string"
        ? fields.constraint
        : typeof fields.constraint_name === "string"
          ? fields.constraint_name
          : undefined;
    return {
      errorClass: classFor(sqlstate, message),
      message,
      sqlstate,
      isDisconnect,
      isRetryable: RETRYABLE_SQLSTATES.has(sqlstate),
      isTimeout: TIMEOUT_SQLSTATES.has(sqlstate),
      constraint,
    };
  }

  const code = typeof fields.code === "string" ? fields.code : undefined;
  const isDisconnect =
    duringConnect ||
    (code !== undefined && DISCONNECT_CODES.has(code)) ||
    DISCONNECT_MESSAGES.some((pattern) => pattern.test(message)) ||
    // A WebAssembly trap inside PGlite leaves its in-process server unusable.
    (error instanceof Error && error.name === "RuntimeError");
  const isTimeout =
    (code !== undefined && TIMEOUT_CODES.has(code)) || TIMEOUT_MESSAGES.some((pattern) => pattern.test(message));
  // Anything else the driver raised by itself (a bad argument, too many parameters) is misuse.
  const errorClass: DBAPIErrorClass = isDisconnect || isTimeout ? OperationalError : InterfaceError;
  return {
    errorClass,
    message,
    errno: code ?? (typeof fields.errno === "number" ? fields.errno : undefined),
    isDisconnect,
    isRetryable: false,
    isTimeout,
  };
}
