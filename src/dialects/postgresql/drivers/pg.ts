/**
 * The `pg` (node-postgres) adapter. Streaming uses the `pg-cursor` package,
 * loaded the first time a cursor is opened.
 *
 * Values: each Client gets its own `types` table (Athanor's parsers); pg's
 * global type registry is never touched, so other code using pg in the same
 * process keeps pg's defaults.
 *
 * @module
 */
import type { Client as PgClient, ClientConfig, CustomTypesConfig, FieldDef, QueryArrayResult } from "pg";
import type PgCursor from "pg-cursor";
import type { ConnectionOptions } from "node:tls";
import { ArgumentError } from "../../../errors/index.js";
import { LRUCache } from "../../../util/index.js";
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
import type { PostgresConnectSettings, SslMode } from "../connect-settings.js";
import { markConnectError, translatePostgresError } from "../errors.js";
import { prepareParams } from "../params.js";
import { parserFor, typeName, valueKindOf } from "../values.js";
import { brokenError, sessionOptions } from "./shared.js";

const pg = await importDriver("pg", () => import("pg"));

type CursorClass = typeof PgCursor;
let cursorClass: Promise<CursorClass> | undefined;

function loadCursor(): Promise<CursorClass> {
  cursorClass ??= importDriver("pg-cursor", () => import("pg-cursor")).then((module) => module.default);
  // A failed import is not cached, so installing the package later works without a restart.
  cursorClass.catch(() => (cursorClass = undefined));
  return cursorClass;
}

/** The per-Client type table. pg calls getTypeParser unbound, so it must not use `this`. */
const TYPES = { getTypeParser: (oid: number) => parserFor(oid) } as unknown as CustomTypesConfig;

/** Options the adapter controls or reads itself: never passed to the Client (a user-supplied value would break the value table or the row shape). */
const RESERVED = new Set(["types", "rowMode", "connectionString", "statementCacheSize"]);

/** Named prepared statements per connection, by default (`connectArgs.statementCacheSize`). */
const DEFAULT_STATEMENT_CACHE_SIZE = 100;

/** SQL texts remembered as run once, waiting for a second run to be prepared; forgotten in bulk when full. */
const SEEN_ONCE_LIMIT = 1000;

/** How long `close()` waits for a polite goodbye before destroying the socket. */
const CLOSE_GRACE_MS = 2000;

function sslOption(mode: SslMode | undefined): boolean | ConnectionOptions | undefined {
  switch (mode) {
    case undefined:
      return undefined;
    // pg cannot fall back from TLS to plain text: "allow" and "prefer" connect without TLS.
    case "disable":
    case "allow":
    case "prefer":
      return false;
    case "require":
      return { rejectUnauthorized: false };
    case "verify-ca":
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case "verify-full":
      return { rejectUnauthorized: true };
  }
}

function clientConfig(settings: PostgresConnectSettings, options: ConnectOptions): ClientConfig {
  const config: Record<string, unknown> = {
    ...settings.extra,
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    connectionTimeoutMillis: settings.connectTimeout,
    ...withoutKeys(options.driverOptions, RESERVED),
    types: TYPES,
  };
  const ssl = sslOption(settings.sslmode);
  if (ssl !== undefined) config.ssl = ssl;
  if (settings.applicationName !== undefined) config.application_name = settings.applicationName;
  const startupOptions = sessionOptions(settings);
  if (startupOptions !== undefined) config.options = startupOptions;
  return config as ClientConfig;
}

function columnsOf(fields: readonly FieldDef[]): DriverColumn[] {
  return fields.map((field) => ({ name: field.name, type: typeName(field.dataTypeID), valueKind: valueKindOf(field.dataTypeID) }));
}

/** Row-returning statements whose column list a connection remembers. */
const KNOWN_COLUMNS_SIZE = 100;

/** A statement's column list, with the fields it was described from. */
interface KnownColumns {
  readonly names: readonly string[];
  readonly oids: readonly number[];
  readonly columns: readonly DriverColumn[];
}

function sameFields(known: KnownColumns, fields: readonly FieldDef[]): boolean {
  if (known.oids.length !== fields.length) return false;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as FieldDef;
    if (known.oids[i] !== field.dataTypeID || known.names[i] !== field.name) return false;
  }
  return true;
}

/**
 * One pg Client. Parameterised statements run a second time become named
 * prepared statements (parsed and planned once per connection, as postgres.js
 * and asyncpg do): up to `statementCacheSize` of them, first come first kept,
 * since pg has no way to forget one. `statementCacheSize: 0` turns this off
 * (for PgBouncer in transaction mode before 1.21). Parameterless strings
 * always use the simple protocol, so a string of several statements works.
 */
class PgConnection implements DriverConnection {
  brokenReason: unknown = undefined;
  #closing = false;
  /** Settles when the socket has ended, so nothing waits forever on a dead connection. */
  readonly #ended: Promise<void>;
  readonly #statementNames = new Map<string, string>();
  /**
   * pg describes the fields afresh for every result: the column list of a
   * statement is kept (frozen, see DriverResult.columns) and handed back while
   * the fields match, so the conversions derived from it are reused.
   */
  readonly #knownColumns = new LRUCache<string, KnownColumns>(KNOWN_COLUMNS_SIZE);
  readonly #seenOnce = new Set<string>();
  #statementCounter = 0;

  constructor(
    readonly raw: PgClient,
    readonly statementCacheSize: number = DEFAULT_STATEMENT_CACHE_SIZE,
  ) {
    let markEnded!: () => void;
    this.#ended = new Promise((resolve) => (markEnded = resolve));
    // An 'error' event without a listener would crash the process (an idle backend killed, a reset socket).
    raw.on("error", (error: Error) => {
      this.brokenReason ??= error;
    });
    raw.on("end", () => {
      if (!this.#closing) this.brokenReason ??= new Error("Connection terminated: the server closed the connection");
      markEnded();
    });
  }

  #checkUsable(): void {
    if (this.brokenReason !== undefined) throw brokenError(this.brokenReason);
  }

  /** The prepared statement name to run `sql` under, or `undefined` to send it unnamed. */
  #statementName(sql: string, parameterCount: number): string | undefined {
    if (parameterCount === 0) return undefined;
    const name = this.#statementNames.get(sql);
    if (name !== undefined || this.#statementNames.size >= this.statementCacheSize) return name;
    // A statement run only once would cost the server memory for nothing: prepare it at its second run.
    if (!this.#seenOnce.has(sql)) {
      if (this.#seenOnce.size >= SEEN_ONCE_LIMIT) this.#seenOnce.clear();
      this.#seenOnce.add(sql);
      return undefined;
    }
    this.#seenOnce.delete(sql);
    const fresh = `athanor_${++this.#statementCounter}`;
    this.#statementNames.set(sql, fresh);
    return fresh;
  }

  async #query(sql: string, params: readonly unknown[]): Promise<QueryArrayResult> {
    const values = prepareParams(sql, params);
    const name = this.#statementName(sql, values.length);
    if (name === undefined) return this.raw.query<unknown[]>({ text: sql, values, rowMode: "array" });
    try {
      return await this.raw.query<unknown[]>({ name, text: sql, values, rowMode: "array" });
    } catch (error) {
      // The next run parses afresh under a new name ("cached plan must not change result type" after
      // a column changed type, or a statement whose parse failed).
      this.#statementNames.delete(sql);
      throw error;
    }
  }

  async execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    this.#checkUsable();
    return this.#toResult(sql, await this.#query(sql, params));
  }

  #toResult(sql: string, result: QueryArrayResult | QueryArrayResult[]): DriverResult {
    // A parameterless string with several statements yields one result each: report the last.
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    if (last === undefined) return { columns: NO_COLUMNS, rows: [], rowcount: -1 };
    return { columns: this.#columnsOf(sql, last.fields ?? []), rows: last.rows, rowcount: last.rowCount ?? -1 };
  }

  #columnsOf(sql: string, fields: readonly FieldDef[]): readonly DriverColumn[] {
    if (fields.length === 0) return NO_COLUMNS;
    const known = this.#knownColumns.get(sql);
    if (known !== undefined && sameFields(known, fields)) return known.columns;
    const columns = Object.freeze(columnsOf(fields));
    this.#knownColumns.set(sql, { names: fields.map((f) => f.name), oids: fields.map((f) => f.dataTypeID), columns });
    return columns;
  }

  async executeMany(sql: string, paramSets: readonly (readonly unknown[])[]): Promise<DriverResult> {
    this.#checkUsable();
    // pg sends one statement at a time; a failure stops the batch, as it would in a loop.
    let rowcount = 0;
    let columns: readonly DriverColumn[] = NO_COLUMNS;
    const rows: unknown[][] = [];
    for (const params of paramSets) {
      const result = this.#toResult(sql, await this.#query(sql, params));
      if (result.rowcount > 0) rowcount += result.rowcount;
      if (result.columns.length > 0) {
        columns = result.columns;
        for (const row of result.rows) rows.push(row);
      }
    }
    return { columns, rows, rowcount };
  }

  async openCursor(sql: string, params: readonly unknown[], batchSize: number): Promise<DriverCursor> {
    this.#checkUsable();
    const Cursor = await loadCursor();
    const values = prepareParams(sql, params);
    const cursor = this.raw.query(new Cursor<unknown[]>(sql, values, { rowMode: "array", types: TYPES }));
    const read = (): Promise<{ rows: unknown[][]; fields: FieldDef[] }> =>
      new Promise((resolve, reject) => {
        cursor.read(batchSize, (error, rows, result) => {
          if (error) reject(error);
          else resolve({ rows, fields: result?.fields ?? [] });
        });
      });
    // The first batch is read now: errors in the statement surface here, and the columns are known.
    // After an error pg-cursor syncs and ends the portal itself: there is nothing to close.
    const first = await read();
    let pending: unknown[][] | undefined = first.rows;
    let closed = false;
    return {
      columns: columnsOf(first.fields),
      next: async () => {
        if (closed) return null;
        let rows = pending;
        pending = undefined;
        if (rows === undefined) {
          try {
            this.#checkUsable();
            rows = (await read()).rows;
          } catch (error) {
            closed = true;
            throw error;
          }
        }
        if (rows.length === 0) {
          closed = true;
          await this.#closeCursor(cursor);
          return null;
        }
        return rows;
      },
      close: async () => {
        if (closed) return;
        closed = true;
        await this.#closeCursor(cursor);
      },
    };
  }

  /** Closes the portal so the connection takes the next query; gives up if the socket is gone. */
  async #closeCursor(cursor: PgCursor<unknown[]>): Promise<void> {
    if (this.brokenReason !== undefined) return;
    try {
      await Promise.race([cursor.close(), this.#ended]);
    } catch {
      // The cursor failed earlier and already reported it; closing is best effort.
    }
  }

  async ping(): Promise<void> {
    this.#checkUsable();
    await this.raw.query("SELECT 1");
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.raw.end(),
        this.#ended,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, CLOSE_GRACE_MS);
        }),
      ]);
    } catch {
      // Closing a dead connection must not throw.
    } finally {
      clearTimeout(timer);
      destroySocket(this.raw);
    }
  }
}

/** Makes sure the socket is gone even when the goodbye could not be sent. */
function destroySocket(client: PgClient): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream;
  try {
    stream?.destroy?.();
  } catch {
    // Already destroyed.
  }
}

async function connect(url: URL, options: ConnectOptions): Promise<DriverConnection> {
  const settings = readConnectSettings(url, options);
  const cacheSize = options.driverOptions.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE;
  if (typeof cacheSize !== "number" || !(cacheSize >= 0)) {
    throw new ArgumentError(`connectArgs.statementCacheSize must be a number >= 0, got ${String(cacheSize)}.`);
  }
  const client = new pg.Client(clientConfig(settings, options));
  const connection = new PgConnection(client, cacheSize);
  try {
    await client.connect();
  } catch (error) {
    await connection.close();
    throw markConnectError(error);
  }
  return connection;
}

/** The `pg` driver adapter (`postgresql+pg://`). */
export const pgDriver: DriverAdapter = {
  name: "pg",
  packageName: "pg",
  connect,
  translateError(error: unknown): TranslatedError {
    return translatePostgresError(error);
  },
  defaultPool(): "queue" {
    return "queue";
  },
};
