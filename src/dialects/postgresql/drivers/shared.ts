/**
 * Helpers the server drivers share; nothing here imports a driver package.
 *
 * @module
 */
import type { PostgresConnectSettings } from "../connect-settings.js";
import { translatePostgresError } from "../errors.js";

/**
 * The error thrown when a connection already known to be dead is used again.
 * Its message says "Connection terminated", so it is classified as a
 * disconnect; it keeps the original SQLSTATE or socket code when that code
 * means a disconnect too (57P01 for a terminated backend).
 */
export function brokenError(reason: unknown): Error {
  const cause = reason instanceof Error ? reason.message : String(reason);
  const error = new Error(`Connection terminated: the connection is no longer usable (${cause})`, { cause: reason });
  const code = (reason as { code?: unknown } | null)?.code;
  if (typeof code === "string" && translatePostgresError(reason).isDisconnect) Object.assign(error, { code });
  return error;
}

/** Escapes a value for libpq's `options` string, where spaces separate arguments. */
function escapeOption(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/ /g, "\\ ");
}

/**
 * The libpq `options` startup string: the URL's own `options` followed by
 * `-c name=value` for each session setting (statement_timeout, ...).
 */
export function sessionOptions(settings: PostgresConnectSettings): string | undefined {
  const parts: string[] = [];
  if (settings.options !== undefined && settings.options !== "") parts.push(settings.options);
  for (const [name, value] of Object.entries(settings.sessionSettings)) parts.push(`-c ${name}=${escapeOption(value)}`);
  return parts.length === 0 ? undefined : parts.join(" ");
}
