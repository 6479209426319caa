/** Shared setup of the SQLite adapter tests. */
import { sqliteDialect } from "../../../src/dialects/sqlite/index.js";
import type { DriverAdapter, DriverConnection, TranslatedError } from "../../../src/engine/interfaces.js";
import { URL } from "../../../src/engine/url.js";
import { sqliteFilePath } from "../../support/backends.js";

let adapterPromise: Promise<DriverAdapter> | undefined;

/** The better-sqlite3 adapter, loaded once. */
export function sqliteAdapter(): Promise<DriverAdapter> {
  adapterPromise ??= sqliteDialect.drivers["better-sqlite3"]!();
  return adapterPromise;
}

/** Opens a connection at the DriverConnection level. */
export async function connectSqlite(url: string, driverOptions: Record<string, unknown> = {}): Promise<DriverConnection> {
  const adapter = await sqliteAdapter();
  return adapter.connect(URL.parse(url), { connectTimeout: 10_000, driverOptions });
}

/** The two SQLite backends every test runs on: memory and a fresh temporary file. */
export function sqliteTargets(): { id: string; url: () => string }[] {
  return [
    { id: "memory", url: () => "sqlite+better-sqlite3://" },
    { id: "file", url: () => `sqlite+better-sqlite3:///${sqliteFilePath("adapter")}` },
  ];
}

/** Runs a promise that must fail and returns the error with its translation. */
export async function translatedFailure(promise: Promise<unknown>): Promise<{ error: unknown; translated: TranslatedError }> {
  const adapter = await sqliteAdapter();
  try {
    await promise;
  } catch (error) {
    return { error, translated: adapter.translateError(error) };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
