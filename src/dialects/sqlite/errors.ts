/**
 * SQLite result codes (as better-sqlite3 reports them in `error.code`) mapped
 * to Athanor's error classes and flags.
 *
 * @module
 */
import {
  DataError,
  DatabaseError,
  DatabaseLockedError,
  DBAPIError,
  IntegrityError,
  InterfaceError,
  InternalError,
  OperationalError,
  ProgrammingError,
  type DBAPIErrorClass,
} from "../../errors/index.js";
import type { TranslatedError } from "../../engine/interfaces.js";

/** SQLITE_ERROR messages that mean the statement itself is wrong. */
const PROGRAMMING_MESSAGES =
  /syntax error|no such (table|column|function|index|view|trigger|collation|module|savepoint)|has no column|already exists|ambiguous column|incomplete input|wrong number of arguments|misuse of|cannot (start|commit|rollback)|no transaction is active|unrecognized token|near "|parameter|not authorized|circular reference|may not be used|not supported|cannot use|too many (columns|terms|arguments)/i;

/** SQLITE_ERROR messages that mean a value was wrong. */
const DATA_MESSAGES = /malformed JSON|JSON cannot hold BLOB|datatype mismatch|integer overflow|string or blob too big|out of range/i;

function classFor(code: string, message: string): DBAPIErrorClass {
  const primary = code.replace(/^(SQLITE_[A-Z]+)(_.*)?$/, "$1");
  switch (primary) {
    case "SQLITE_CONSTRAINT":
      return IntegrityError;
    case "SQLITE_MISMATCH":
    case "SQLITE_TOOBIG":
    case "SQLITE_RANGE":
      return DataError;
    case "SQLITE_BUSY":
    case "SQLITE_LOCKED":
      return DatabaseLockedError;
    case "SQLITE_CANTOPEN":
    case "SQLITE_IOERR":
    case "SQLITE_FULL":
    case "SQLITE_NOMEM":
    case "SQLITE_READONLY":
    case "SQLITE_INTERRUPT":
    case "SQLITE_ABORT":
    case "SQLITE_PROTOCOL":
    case "SQLITE_PERM":
    case "SQLITE_AUTH":
    case "SQLITE_SCHEMA":
    case "SQLITE_NOLFS":
      return OperationalError;
    case "SQLITE_CORRUPT":
    case "SQLITE_NOTADB":
    case "SQLITE_INTERNAL":
      return InternalError;
    case "SQLITE_MISUSE":
      return InterfaceError;
    case "SQLITE_ERROR":
      if (DATA_MESSAGES.test(message)) return DataError;
      if (PROGRAMMING_MESSAGES.test(message)) return ProgrammingError;
      return DatabaseError;
    default:
      return DatabaseError;
  }
}

/**
 * The constraint part of a SQLite constraint message: `t.a` for
 * "UNIQUE constraint failed: t.a", the name (or expression) for CHECK.
 * A foreign key failure names nothing.
 */
function constraintOf(message: string): string | undefined {
  const match = /constraint failed: (.+)$/.exec(message);
  return match?.[1];
}

/** Errors better-sqlite3 throws itself (TypeError/RangeError), by message. */
function classifyDriverMisuse(error: Error): TranslatedError {
  const message = error.message;
  if (/database connection is not open|Cannot open database|directory does not exist/i.test(message)) {
    return flags(OperationalError, message, undefined, { isDisconnect: true });
  }
  if (/too big/i.test(message)) return flags(DataError, message, undefined, {});
  if (/parameter|more than one statement|no statements|named parameters|bind/i.test(message)) {
    return flags(ProgrammingError, message, undefined, {});
  }
  return flags(InterfaceError, message, undefined, {});
}

function flags(
  errorClass: DBAPIErrorClass,
  message: string,
  errno: string | undefined,
  extra: Partial<Pick<TranslatedError, "isDisconnect" | "isRetryable" | "isTimeout" | "constraint">>,
): TranslatedError {
  return {
    errorClass,
    message,
    errno,
    sqlstate: undefined,
    isDisconnect: extra.isDisconnect ?? false,
    isRetryable: extra.isRetryable ?? false,
    isTimeout: extra.isTimeout ?? false,
    constraint: extra.constraint,
  };
}

/** Re-describes an Athanor error the adapter raised itself (a rejected parameter). */
export function translateOwnError(error: DBAPIError): TranslatedError {
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

/** Classifies an error thrown by better-sqlite3. */
export function translateSQLiteError(error: unknown): TranslatedError {
  if (error instanceof DBAPIError) return translateOwnError(error);
  if (!(error instanceof Error)) return flags(DatabaseError, String(error), undefined, {});
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return classifyDriverMisuse(error);
  const message = error.message;
  const errorClass = classFor(code, message);
  const busy = code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED");
  return flags(errorClass, message, code, {
    // A busy database is SQLite's lock wait timeout: the busy handler already waited.
    isTimeout: busy,
    // As with MySQL's lock wait timeout, running the transaction again may succeed.
    isRetryable: busy,
    isDisconnect: code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_NOTADB",
    constraint: errorClass === IntegrityError ? constraintOf(message) : undefined,
  });
}
