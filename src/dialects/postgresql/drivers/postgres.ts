/**
 * The postgres.js adapter (npm package `postgres`).
 *
 * Each Athanor connection is its own `postgres({ max: 1 })` instance, so every
 * statement of a transaction runs on the same server session. postgres.js
 * reconnects by itself when its socket closes; that would silently start a new
 * session in the middle of a transaction, so the adapter marks the connection
 * broken on the first close and refuses to use it again (the pool replaces it).
 *
 * Parameterised statements are prepared (postgres.js caches them per
 * connection); parameterless strings use the simple protocol, so a string with
 * several statements works as it does with `pg`.
 *
 * @module
 */
import { importDriver } from "../../../engine/registry.js";
import type {
  ConnectOptions,
  DriverAdapter,
  DriverColumn,
  DriverConnection,
  DriverCursor,
  DriverResult,
  TranslatedError,
} from "../../../engine/interfaces.js";
import { NO_COLUMNS } from "../../../engine/interfaces.js";
import type { URL } from "../../../engine/url.js";
import { readConnectSettings, withoutKeys } from "../connect-settings.js";
import type { SslMode } from "../connect-settings.js";
import { markConnectError, translatePostgresError } from "../errors.js";
import { dateToText, prepareParams } from "../params.js";
import { ARRAY_OIDS, PARSERS, PgOid, typeName, valueKindOf } from "../values.js";
import { brokenError } from "./shared.js";

/** The part of a postgres.js result the adapter reads: an array of rows with the command tag's count. */
interface PgjsResult extends Array<unknown[]> {
  readonly count: number | null;
  readonly command: string | null;
}

interface PgjsColumn {
  readonly name: string;
  readonly type: number;
}

/** The part of a postgres.js pending query the adapter uses. */
interface PgjsQuery extends Promise<PgjsResult | PgjsResult[]> {
  values(): PgjsQuery;
  simple(): PgjsQuery;
  cursor(rows: number): AsyncIterable<unknown[][]>;
  /** Set once the query is built; holds the columns of the row description. */
  readonly statement?: { readonly columns?: readonly PgjsColumn[] | null } | null;
}

/** The part of a postgres.js `sql` instance the adapter uses. */
interface PgjsSql {
  unsafe(query: string, parameters?: unknown[], options?: { prepare?: boolean }): PgjsQuery;
  end(options?: { timeout?: number | null }): Promise<void>;
}

interface PgjsType {
  to: number;
  from: number[];
  parse: (text: string) => unknown;
  serialize: (value: unknown) => string;
}

type PostgresFactory = (options: Record<string, unknown>) => PgjsSql;

const postgres = (await importDriver("postgres", () => import("postgres"))).default as unknown as PostgresFactory;

const passString = (value: unknown): string => (typeof value === "string" ? value : String(value));

/** postgres.js's own serializers would re-encode text the adapter already prepared: strings pass through. */
const SERIALIZERS: ReadonlyMap<number, (value: unknown) => string> = new Map<number, (value: unknown) => string>([
  [PgOid.bool, (value) => (typeof value === "boolean" ? (value ? "t" : "f") : passString(value))],
  [
    PgOid.bytea,
    (value) =>
      value instanceof Uint8Array
        ? `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`
        : passString(value),
  ],
  [PgOid.json, (value) => (typeof value === "string" ? value : JSON.stringify(value))],
  [PgOid.jsonb, (value) => (typeof value === "string" ? value : JSON.stringify(value))],
  [PgOid.date, (value) => (value instanceof Date ? dateToText(value) : passString(value))],
  [PgOid.timestamp, (value) => (value instanceof Date ? dateToText(value) : passString(value))],
  [PgOid.timestamptz, (value) => (value instanceof Date ? dateToText(value) : passString(value))],
  ...ARRAY_OIDS.map((oid): [number, (value: unknown) => string] => [oid, passString]),
]);

/**
 * The `types` option of every instance: Athanor's parser for each known OID
 * (replacing postgres.js's Date parsing of date/timestamp), with the
 * serializers above. The table is built once; postgres.js copies it per instance.
 */
const TYPES: Readonly<Record<string, PgjsType>> = (() => {
  const types: Record<string, PgjsType> = {};
  const oids = new Set<number>([...PARSERS.keys(), ...SERIALIZERS.keys()]);
  for (const oid of oids) {
    types[`athanor_${oid}`] = {
      to: oid,
      from: [oid],
      parse: PARSERS.get(oid) ?? ((text) => text),
      serialize: SERIALIZERS.get(oid) ?? passString,
    };
  }
  return types;
})();

/** Options the adapter controls: one session per instance, its own parsers, no renaming, no silent reconnect. */
const RESERVED = new Set(["max", "types", "transform", "onclose", "max_lifetime", "idle_timeout", "fetch_types"]);

function sslOption(mode: SslMode | undefined): unknown {
  switch (mode) {
    case undefined:
      return undefined;
    case "disable":
      return false;
    case "verify-ca":
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    default:
      return mode;
  }
}

// postgres.js keeps one column list per prepared statement: describing it once gives the result
// the same (frozen) array on every run, and with it the conversions and row class derived from it.
const described = new WeakMap<readonly PgjsColumn[], readonly DriverColumn[]>();

function columnsOf(columns: readonly PgjsColumn[] | null | undefined): readonly DriverColumn[] {
  if (columns === null || columns === undefined || columns.length === 0) return NO_COLUMNS;
  let found = described.get(columns);
  if (found === undefined) {
    found = Object.freeze(columns.map((column) => ({ name: column.name, type: typeName(column.type), valueKind: valueKindOf(column.type) })));
    described.set(columns, found);
  }
  return found;
}

/** postgres.js resolves with one result, or an array of them for several statements in a simple query. */
function lastResult(value: PgjsResult | PgjsResult[]): PgjsResult | undefined {
  if ("count" in value) return value;
  return value[value.length - 1];
}

/**
 * Booleans are sent as text, as `pg` does, so an untyped `$1` reads back the
 * same on every driver (postgres.js would otherwise declare the parameter boolean).
 */
function forPostgresJs(sql: string, params: readonly unknown[]): unknown[] {
  const values = prepareParams(sql, params);
  let out: unknown[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === "boolean") {
      out ??= values === params ? values.slice() : values;
      out[i] = value ? "true" : "false";
    }
  }
  return out ?? values;
}

class PostgresJsConnection implements DriverConnection {
  brokenReason: unknown = undefined;
  #closing = false;

  constructor(readonly raw: PgjsSql) {}

  /** Called by postgres.js when the socket closes. */
  markClosed(): void {
    if (!this.#closing) this.brokenReason ??= new Error("Connection terminated: the server closed the connection");
  }

  #checkUsable(): void {
    if (this.brokenReason !== undefined) throw brokenError(this.brokenReason);
    if (this.#closing) throw new Error("Connection terminated: the connection was closed by the application");
  }

  #query(sql: string, params: readonly unknown[]): PgjsQuery {
    if (params.length === 0) return this.raw.unsafe(sql).simple().values();
    return this.raw.unsafe(sql, forPostgresJs(sql, params), { prepare: true }).values();
  }

  async execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    this.#checkUsable();
    const query = this.#query(sql, params);
    const result = lastResult(await query);
    if (result === undefined) return { columns: [], rows: [], rowcount: -1 };
    return {
      columns: columnsOf(query.statement?.columns),
      rows: result,
      rowcount: result.count ?? -1,
    };
  }

  async executeMany(sql: string, paramSets: readonly (readonly unknown[])[]): Promise<DriverResult> {
    this.#checkUsable();
    // One at a time: a failure stops the batch, as a loop would. The statement is
    // prepared once and reused from postgres.js's per-connection cache.
    let rowcount = 0;
    let columns: readonly DriverColumn[] = NO_COLUMNS;
    const rows: unknown[][] = [];
    for (const params of paramSets) {
      const query = this.raw.unsafe(sql, forPostgresJs(sql, params), { prepare: true }).values();
      const result = lastResult(await query);
      if (result === undefined) continue;
      if (result.count !== null && result.count > 0) rowcount += result.count;
      if (result.length > 0) {
        columns = columnsOf(query.statement?.columns);
        for (const row of result) rows.push(row);
      }
    }
    return { columns, rows, rowcount };
  }

  async openCursor(sql: string, params: readonly unknown[], batchSize: number): Promise<DriverCursor> {
    this.#checkUsable();
    const query = this.raw.unsafe(sql, forPostgresJs(sql, params), { prepare: true }).values();
    const iterator = query.cursor(batchSize)[Symbol.asyncIterator]();
    // The first batch is read now: errors surface here and the columns are known.
    const first = await iterator.next();
    let pending: unknown[][] | undefined = first.done === true ? undefined : first.value;
    let done = first.done === true;
    return {
      columns: columnsOf(query.statement?.columns),
      next: async () => {
        if (pending !== undefined) {
          const rows = pending;
          pending = undefined;
          return rows;
        }
        if (done) return null;
        try {
          this.#checkUsable();
          const step = await iterator.next();
          if (step.done === true) {
            done = true;
            return null;
          }
          return step.value;
        } catch (error) {
          done = true;
          throw error;
        }
      },
      close: async () => {
        pending = undefined;
        if (done) return;
        done = true;
        // Closes the portal; postgres.js runs the next query once the server has confirmed.
        await iterator.return?.();
      },
    };
  }

  async ping(): Promise<void> {
    this.#checkUsable();
    await this.raw.unsafe("SELECT 1").simple();
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    try {
      // Waits up to two seconds for running queries, then destroys the socket. A dead
      // connection may still hold the query that failed with it: nothing to wait for.
      await this.raw.end({ timeout: this.brokenReason === undefined ? 2 : 0 });
    } catch {
      // Closing a dead connection must not throw.
    }
  }
}

async function connect(url: URL, options: ConnectOptions): Promise<DriverConnection> {
  const settings = readConnectSettings(url, options);
  const startup: Record<string, string> = { ...settings.sessionSettings };
  if (settings.applicationName !== undefined) startup.application_name = settings.applicationName;
  if (settings.options !== undefined) startup.options = settings.options;
  // postgres.js needs its onclose callback before the connection object exists.
  const holder: { connection?: PostgresJsConnection } = {};
  const config: Record<string, unknown> = {
    ...settings.extra,
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    connect_timeout: settings.connectTimeout / 1000,
    prepare: true,
    // Notices ("table does not exist, skipping") are not errors; postgres.js would print them.
    onnotice: () => undefined,
    ...withoutKeys(options.driverOptions, RESERVED),
    connection: { ...startup, ...((options.driverOptions.connection as Record<string, unknown> | undefined) ?? {}) },
    max: 1,
    max_lifetime: null,
    idle_timeout: null,
    // Array types of the built-in types are in TYPES; skipping the lookup saves a round trip per connection.
    fetch_types: false,
    types: TYPES,
    transform: { undefined: undefined },
    onclose: () => holder.connection?.markClosed(),
  };
  const ssl = sslOption(settings.sslmode);
  if (ssl !== undefined && !("ssl" in options.driverOptions)) config.ssl = ssl;
  for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
  const sql = postgres(config);
  const connection = new PostgresJsConnection(sql);
  holder.connection = connection;
  try {
    // postgres.js connects lazily: one round trip opens the session now.
    await sql.unsafe("SELECT 1").simple();
  } catch (error) {
    await connection.close();
    throw markConnectError(error);
  }
  return connection;
}

/** The postgres.js driver adapter (`postgresql+postgres://`). */
export const postgresDriver: DriverAdapter = {
  name: "postgres",
  packageName: "postgres",
  connect,
  translateError(error: unknown): TranslatedError {
    return translatePostgresError(error);
  },
  defaultPool(): "queue" {
    return "queue";
  },
};
