/**
 * The PGlite adapter (npm package `@electric-sql/pglite`): PostgreSQL compiled
 * to WebAssembly, running inside this process.
 *
 * - `postgresql+pglite://` is a fresh in-memory database per connection;
 *   `postgresql+pglite:///relative/dir` or `postgresql+pglite:////abs/dir` keeps
 *   the data in that directory (the path is the URL's database part, as for SQLite).
 * - PGlite is a single connection, so the default pool is always `static`: every
 *   checkout shares the one instance, and the engine's pool serialises them.
 * - Query options other than the path are passed to PGlite as options
 *   (`?relaxedDurability=true`, `?debug=1`, ...), values read as booleans or numbers.
 * - `connectTimeout` does not apply: there is no network, only the start-up of
 *   the WebAssembly module.
 *
 * @module
 */
import { resolve } from "node:path";
import type { PGlite as PGliteInstance, Results } from "@electric-sql/pglite";
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
import type { URL } from "../../../engine/url.js";
import { coerceOptionValue, withoutKeys } from "../connect-settings.js";
import { markConnectError, translatePostgresError } from "../errors.js";
import { prepareParams } from "../params.js";
import { PARSERS, PgOid, typeName, valueKindOf } from "../values.js";

const { PGlite } = await importDriver("@electric-sql/pglite", () => import("@electric-sql/pglite"));

const passString = (value: unknown): string => (typeof value === "string" ? value : String(value));

/** PGlite's bytea serializer refuses text (a `\x..` literal) and is slow on large values. */
const SERIALIZERS: Readonly<Record<number, (value: unknown) => string>> = {
  [PgOid.bytea]: (value) =>
    value instanceof Uint8Array
      ? `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`
      : passString(value),
};

/** Options the adapter controls: the parsers make the value table hold. */
const RESERVED = new Set(["parsers", "serializers", "dataDir"]);

const QUERY_OPTIONS = { rowMode: "array" } as const;

function columnsOf(fields: Results["fields"]): DriverColumn[] {
  return fields.map((field) => ({ name: field.name, type: typeName(field.dataTypeID), valueKind: valueKindOf(field.dataTypeID) }));
}

function toResult(result: Results<unknown[]> | undefined): DriverResult {
  if (result === undefined) return { columns: [], rows: [], rowcount: -1 };
  return { columns: columnsOf(result.fields), rows: result.rows, rowcount: result.rowCount ?? -1 };
}

class PGliteConnection implements DriverConnection {
  #closing = false;
  #fatal: unknown = undefined;

  constructor(readonly raw: PGliteInstance) {}

  /** PGlite emits no events: it is broken when it was closed behind our back or trapped in WebAssembly. */
  get brokenReason(): unknown {
    if (this.#fatal !== undefined) return this.#fatal;
    if (this.raw.closed && !this.#closing) return new Error("PGlite is closed");
    return undefined;
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    const broken = this.brokenReason;
    if (broken !== undefined) throw broken;
    try {
      return await work();
    } catch (error) {
      if (translatePostgresError(error).isDisconnect) this.#fatal ??= error;
      throw error;
    }
  }

  execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    return this.#run(async () => {
      if (params.length === 0) {
        // The simple protocol, as with `pg`: a string may hold several statements; the last one is reported.
        const results = await this.raw.exec(sql, QUERY_OPTIONS);
        return toResult(results[results.length - 1] as Results<unknown[]> | undefined);
      }
      return toResult(await this.raw.query<unknown[]>(sql, prepareParams(sql, params), QUERY_OPTIONS));
    });
  }

  executeMany(sql: string, paramSets: readonly (readonly unknown[])[]): Promise<DriverResult> {
    return this.#run(async () => {
      let rowcount = 0;
      let columns: DriverColumn[] = [];
      const rows: unknown[][] = [];
      for (const params of paramSets) {
        const result = await this.raw.query<unknown[]>(sql, prepareParams(sql, params), QUERY_OPTIONS);
        if (result.rowCount !== undefined && result.rowCount > 0) rowcount += result.rowCount;
        if (result.rows.length > 0) {
          columns = columnsOf(result.fields);
          for (const row of result.rows) rows.push(row);
        }
      }
      return { columns, rows, rowcount };
    });
  }

  /**
   * PGlite has no way to stream a result out of its single in-process session:
   * the whole result is read, then handed out in batches. Memory use is that of
   * the full result (the dialect reports `serverSideCursors: false`).
   */
  async openCursor(sql: string, params: readonly unknown[], batchSize: number): Promise<DriverCursor> {
    const result = await this.execute(sql, params);
    let rows: unknown[][] | undefined = result.rows;
    let offset = 0;
    return {
      columns: result.columns,
      next: async () => {
        if (rows === undefined || offset >= rows.length) {
          rows = undefined;
          return null;
        }
        const batch = rows.slice(offset, offset + batchSize);
        offset += batch.length;
        return batch;
      },
      close: async () => {
        rows = undefined;
      },
    };
  }

  async ping(): Promise<void> {
    await this.#run(() => this.raw.query("SELECT 1"));
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    try {
      if (!this.raw.closed) await this.raw.close();
    } catch {
      // Closing a dead instance must not throw.
    }
  }
}

/** The data directory of a URL, or undefined for an in-memory database. */
function dataDirOf(url: URL): string | undefined {
  const path = url.database;
  if (path === undefined || path === "" || path === ":memory:") return undefined;
  if (path.startsWith("memory://") || path.startsWith("idb://")) return path;
  return resolve(path);
}

async function connect(url: URL, options: ConnectOptions): Promise<DriverConnection> {
  const extra: Record<string, unknown> = {};
  for (const key of Object.keys(url.query)) {
    const value = url.queryValue(key);
    if (value !== undefined) extra[key] = coerceOptionValue(value);
  }
  const pgliteOptions: Record<string, unknown> = {
    ...extra,
    ...withoutKeys(options.driverOptions, RESERVED),
  };
  if (url.username !== undefined) pgliteOptions.username ??= url.username;
  const dataDir = dataDirOf(url);
  if (dataDir !== undefined) pgliteOptions.dataDir = dataDir;
  let db: PGliteInstance;
  try {
    db = await PGlite.create(pgliteOptions);
  } catch (error) {
    throw markConnectError(error);
  }
  // Installed after start-up: PGlite rebuilds its array parsers during start-up and
  // would replace ours. The tables belong to this instance only.
  for (const [oid, parse] of PARSERS) db.parsers[oid] = parse;
  // PGlite reads a date as a local-time Date; the documented value is the text.
  db.parsers[PgOid.date] = (text: string) => text;
  Object.assign(db.serializers, SERIALIZERS);
  return new PGliteConnection(db);
}

/** The PGlite driver adapter (`postgresql+pglite://`). */
export const pgliteDriver: DriverAdapter = {
  name: "pglite",
  packageName: "@electric-sql/pglite",
  inProcess: true,
  connect,
  translateError(error: unknown): TranslatedError {
    return translatePostgresError(error);
  },
  defaultPool(): "static" {
    return "static";
  },
};
