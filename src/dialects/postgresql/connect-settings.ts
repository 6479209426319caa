/**
 * What a PostgreSQL URL asks for, independent of the driver: each adapter maps
 * these settings to its own client options.
 *
 * @module
 */
import { ArgumentError } from "../../errors/index.js";
import type { ConnectOptions } from "../../engine/interfaces.js";
import type { URL } from "../../engine/url.js";

/** libpq's `sslmode` values. */
export type SslMode = "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";

const SSL_MODES = new Set<string>(["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]);

/** Server settings a URL may set for the session (sent in the startup message). */
const SESSION_SETTINGS = ["statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout"] as const;

/** Query keys read here; every other key is passed to the driver as an option. */
const KNOWN_KEYS = new Set<string>([
  "sslmode",
  "ssl",
  "application_name",
  "connect_timeout",
  "options",
  "host",
  "port",
  "user",
  "password",
  "dbname",
  ...SESSION_SETTINGS,
]);

/** The connection settings of a PostgreSQL URL. */
export interface PostgresConnectSettings {
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly database: string | undefined;
  readonly sslmode: SslMode | undefined;
  readonly applicationName: string | undefined;
  /** Milliseconds; `connect_timeout` (seconds, as in libpq) in the URL wins over the engine option. */
  readonly connectTimeout: number;
  /** libpq `options`, e.g. `-c search_path=app`. */
  readonly options: string | undefined;
  /** `statement_timeout` and friends, in the server's own syntax (`500`, `2s`). */
  readonly sessionSettings: Readonly<Record<string, string>>;
  /** Unknown query keys, values read as booleans or numbers where they look like one. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** Reads `"true"`, `"false"` and numbers as such; anything else stays a string. */
export function coerceOptionValue(value: string): unknown {
  if (value === "true") return true;
  if (value === "false") return false;
  if (value.trim() !== "" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/** Reads the settings of a URL for a server connection (`pg` or postgres.js). */
export function readConnectSettings(url: URL, options: ConnectOptions): PostgresConnectSettings {
  const q = (key: string): string | undefined => url.queryValue(key);
  const sslmode = q("sslmode") ?? (q("ssl") === "true" ? "require" : q("ssl") === "false" ? "disable" : undefined);
  if (sslmode !== undefined && !SSL_MODES.has(sslmode)) {
    throw new ArgumentError(
      `Invalid sslmode ${JSON.stringify(sslmode)} in the database URL: expected one of ${[...SSL_MODES].join(", ")}.`,
    );
  }
  let connectTimeout = options.connectTimeout;
  const connectTimeoutText = q("connect_timeout");
  if (connectTimeoutText !== undefined) {
    const seconds = Number(connectTimeoutText);
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new ArgumentError(`Invalid connect_timeout ${JSON.stringify(connectTimeoutText)} in the database URL: expected seconds.`);
    }
    connectTimeout = seconds * 1000;
  }
  const portText = q("port");
  const sessionSettings: Record<string, string> = {};
  for (const key of SESSION_SETTINGS) {
    const value = q(key);
    if (value !== undefined) sessionSettings[key] = value;
  }
  const extra: Record<string, unknown> = {};
  for (const key of Object.keys(url.query)) {
    const value = q(key);
    if (!KNOWN_KEYS.has(key) && value !== undefined) extra[key] = coerceOptionValue(value);
  }
  return {
    host: url.host ?? q("host"),
    port: url.port ?? (portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : undefined),
    user: url.username ?? q("user"),
    password: url.password ?? q("password"),
    database: url.database ?? q("dbname"),
    sslmode: sslmode as SslMode | undefined,
    applicationName: q("application_name"),
    connectTimeout,
    options: q("options"),
    sessionSettings,
    extra,
  };
}

/** Drops the keys an adapter must control itself from user-supplied driver options. */
export function withoutKeys(
  source: Readonly<Record<string, unknown>>,
  reserved: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) if (!reserved.has(key)) out[key] = value;
  return out;
}
