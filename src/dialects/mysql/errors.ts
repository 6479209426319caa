/**
 * MySQL/MariaDB server error numbers, SQLSTATEs and mysql2's client error
 * codes mapped to Athanor's error classes and flags.
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
  type DBAPIErrorClass,
} from "../../errors/index.js";
import type { TranslatedError } from "../../engine/interfaces.js";

const INTEGRITY = new Set([
  1022, // duplicate key on write or update
  1048, // column cannot be null
  1062, // duplicate entry
  1169, // unique constraint violated
  1216, // (old) child row: foreign key fails
  1217, // (old) parent row: foreign key fails
  1364, // field has no default value
  1451, // cannot delete or update a parent row: foreign key
  1452, // cannot add or update a child row: foreign key
  1557, // foreign key would lead to a duplicate entry
  1586, // duplicate entry for key
  1761, // foreign duplicate key (with child info)
  1762, // foreign duplicate key
  3819, // MySQL: check constraint violated
  4025, // MariaDB: CONSTRAINT ... failed
]);

const DATA = new Set([
  1264, // out of range value
  1265, // data truncated
  1292, // incorrect date/time/number value
  1300, // invalid string for the character set
  1365, // division by zero
  1366, // incorrect string/integer value (e.g. an emoji in a utf8mb3 column)
  1367, // illegal value
  1406, // data too long for column
  1411, // incorrect value for function
  1416, // cannot get geometry object
  1690, // value out of range (BIGINT arithmetic)
  3140, // MySQL: invalid JSON text
  3141, // MySQL: invalid JSON path
  3156, // MySQL: invalid JSON value for CAST
  4038, // MariaDB: syntax error in JSON text
  4078, // MariaDB: illegal parameter data types for operation
]);

const PROGRAMMING = new Set([
  1046, // no database selected
  1049, // unknown database
  1050, // table already exists
  1051, // unknown table
  1052, // ambiguous column
  1054, // unknown column
  1060, // duplicate column name
  1061, // duplicate key name
  1064, // syntax error
  1065, // query was empty
  1068, // multiple primary keys
  1072, // key column does not exist
  1075, // incorrect table definition
  1091, // cannot drop: does not exist
  1109, // unknown table in multi-table statement
  1110, // column specified twice
  1111, // invalid use of group function
  1146, // table does not exist
  1149, // syntax error
  1210, // incorrect arguments to execute
  1248, // derived table needs an alias
  1305, // function or procedure does not exist
  1582, // incorrect parameter count to native function
  1583, // incorrect parameters to native function
  1630, // function does not exist (did you mean...)
]);

const NOT_SUPPORTED = new Set([
  1178, // storage engine does not support it
  1235, // this version does not yet support it
  1295, // not supported in the prepared statement protocol
]);

/** The server has gone or dropped this session. */
const DISCONNECT_ERRNO = new Set([
  1053, // server shutdown in progress
  1077, // normal shutdown
  1078, // got signal, aborting
  1079, // shutdown complete
  1152, // aborted connection
  1153, // packet bigger than max_allowed_packet: the server closes the connection
  1154, // read error from connection pipe
  1158, // got an error reading communication packets
  1159, // timeout reading communication packets
  1160, // error writing communication packets
  1161, // timeout writing communication packets
  1927, // MariaDB: connection was killed
  2006, // client: server has gone away
  2013, // client: lost connection during query
  4031, // MySQL: disconnected by the server because of inactivity
]);

/** The rest that are about the session or the server rather than the statement. */
const OPERATIONAL = new Set([
  1021, // disk full
  1030, // got error from storage engine
  1037, // out of memory
  1038, // out of sort memory
  1040, // too many connections
  1044, // access denied to database
  1041, // out of memory
  1042, // cannot get host name
  1043, // bad handshake
  1045, // access denied for user
  1129, // host blocked
  1130, // host not allowed
  1180, // error during commit
  1181, // error during rollback
  1203, // user has too many connections
  1205, // lock wait timeout exceeded
  1206, // lock table full
  1213, // deadlock found
  1226, // user resource exceeded
  1290, // server running with --read-only
  1317, // query execution was interrupted (KILL QUERY)
  1792, // read-only transaction
  1969, // MariaDB: max_statement_time exceeded
  3024, // MySQL: max_execution_time exceeded
  3572, // MySQL: NOWAIT lock could not be acquired
  ...DISCONNECT_ERRNO,
]);

const TIMEOUT_ERRNO = new Set([1205, 1969, 3024, 1159, 1161, 3572]);
const RETRYABLE_ERRNO = new Set([1205, 1213]);

/** mysql2's client-side codes for a dead or unreachable connection. */
const DISCONNECT_CODES = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "PROTOCOL_PACKETS_OUT_OF_ORDER",
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENOENT", // unix socket path missing
  "HANDSHAKE_SSL_ERROR",
  "HANDSHAKE_NO_SSL_SUPPORT",
  "ER_CON_COUNT_ERROR",
]);

const TIMEOUT_CODES = new Set(["ETIMEDOUT", "PROTOCOL_SEQUENCE_TIMEOUT"]);

interface MySQLErrorShape {
  message?: unknown;
  errno?: unknown;
  code?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  fatal?: unknown;
}

function classForErrno(errno: number, sqlstate: string | undefined): DBAPIErrorClass {
  if (INTEGRITY.has(errno)) return IntegrityError;
  if (DATA.has(errno)) return DataError;
  if (PROGRAMMING.has(errno)) return ProgrammingError;
  if (NOT_SUPPORTED.has(errno)) return NotSupportedError;
  if (OPERATIONAL.has(errno)) return OperationalError;
  switch (sqlstate?.slice(0, 2)) {
    case "23":
      return IntegrityError;
    case "22":
      return DataError;
    case "42":
      return ProgrammingError;
    case "0A":
      return NotSupportedError;
    case "08":
    case "40":
    case "HY":
      return errno >= 2000 && errno < 3000 ? OperationalError : DatabaseError;
    case "XA":
      return InternalError;
    default:
      return DatabaseError;
  }
}

function unquoteBackticks(name: string): string {
  return name.replace(/``/g, "`");
}

/**
 * The constraint named in a server message: the key of a duplicate entry,
 * the CONSTRAINT of a foreign key or check failure.
 */
export function constraintFromMessage(errno: number, message: string): string | undefined {
  if (errno === 1062 || errno === 1586 || errno === 1022) {
    const match = /for key '((?:[^']|'')*)'/.exec(message);
    return match?.[1]?.replace(/''/g, "'");
  }
  const match = /CONSTRAINT `((?:[^`]|``)+)`/.exec(message);
  return match?.[1] === undefined ? undefined : unquoteBackticks(match[1]);
}

/** Re-describes an Athanor error the adapter raised itself (a rejected parameter). */
function translateOwnError(error: DBAPIError): TranslatedError {
  return {
    errorClass: error.constructor as DBAPIErrorClass,
    message: error.message.split("\n[SQL: ")[0] ?? error.message,
    errno: error.errno,
    sqlstate: error.sqlstate,
    isDisconnect: error.isDisconnect,
    isRetryable: error.isRetryable,
    isTimeout: error.isTimeout,
    constraint: error.constraint,
  };
}

/** True when the error leaves the connection unusable. */
export function isDisconnectError(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const e = error as MySQLErrorShape;
  if (e.fatal === true) return true;
  if (typeof e.errno === "number" && DISCONNECT_ERRNO.has(e.errno)) return true;
  if (typeof e.code === "string" && DISCONNECT_CODES.has(e.code)) return true;
  return typeof e.message === "string" && /closed state|connection is closed|Connection lost/i.test(e.message);
}

/** Classifies an error raised by mysql2. */
export function translateMySQLError(error: unknown): TranslatedError {
  if (error instanceof DBAPIError) return translateOwnError(error);
  const e = (error !== null && typeof error === "object" ? error : {}) as MySQLErrorShape;
  const message = typeof e.message === "string" ? e.message : String(error);
  const code = typeof e.code === "string" ? e.code : undefined;
  const sqlstate = typeof e.sqlState === "string" ? e.sqlState : undefined;
  // mysql2 puts the server's number in errno (a negative OS number for socket errors).
  const serverErrno = typeof e.errno === "number" && e.errno > 0 ? e.errno : undefined;
  const isDisconnect = isDisconnectError(error);

  if (serverErrno !== undefined && sqlstate !== undefined) {
    const errorClass = isDisconnect ? OperationalError : classForErrno(serverErrno, sqlstate);
    return {
      errorClass,
      message,
      sqlstate,
      errno: serverErrno,
      isDisconnect,
      isRetryable: RETRYABLE_ERRNO.has(serverErrno) || sqlstate === "40001",
      isTimeout: TIMEOUT_ERRNO.has(serverErrno) || sqlstate === "70100",
      constraint: errorClass === IntegrityError ? constraintFromMessage(serverErrno, message) : undefined,
    };
  }
  // Client side: network failures, a closed connection, or misuse of the driver.
  const network = isDisconnect || (code !== undefined && /^E[A-Z]+$/.test(code));
  return {
    errorClass: network ? OperationalError : InterfaceError,
    message,
    sqlstate,
    errno: code ?? serverErrno,
    isDisconnect: network,
    isRetryable: false,
    isTimeout: (code !== undefined && TIMEOUT_CODES.has(code)) || /timeout/i.test(message),
    constraint: undefined,
  };
}
