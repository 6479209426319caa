/** Shared setup of the mysql2 adapter tests. */
import { mariadbDialect } from "../../../src/dialects/mysql/index.js";
import type { DriverAdapter, DriverConnection, TranslatedError } from "../../../src/engine/interfaces.js";
import { URL } from "../../../src/engine/url.js";
import { MARIADB_ENV } from "../../support/backends.js";

/** The MariaDB server URL (driver mysql2), or undefined when the tests are skipped. */
export const MARIADB_URL: string | undefined = process.env[MARIADB_ENV]?.replace(
  /^[A-Za-z0-9_]+(\+[A-Za-z0-9_.-]+)?:\/\//,
  "mariadb+mysql2://",
);

/** The title suffix of a skipped server suite. */
export const SKIP_REASON = `skipped: set ${MARIADB_ENV}=mariadb://root@127.0.0.1:3306/test to run it`;

let adapterPromise: Promise<DriverAdapter> | undefined;

/** The mysql2 adapter, loaded once. */
export function mysqlAdapter(): Promise<DriverAdapter> {
  adapterPromise ??= mariadbDialect.drivers.mysql2!();
  return adapterPromise;
}

/** Opens a connection to the test server at the DriverConnection level. */
export async function connectMaria(driverOptions: Record<string, unknown> = {}, url = MARIADB_URL): Promise<DriverConnection> {
  if (url === undefined) throw new Error(`${MARIADB_ENV} is not set`);
  const adapter = await mysqlAdapter();
  return adapter.connect(URL.parse(url), { connectTimeout: 10_000, driverOptions });
}

/** Runs a promise that must fail and returns the error with its translation. */
export async function translatedFailure(promise: Promise<unknown>): Promise<{ error: unknown; translated: TranslatedError }> {
  const adapter = await mysqlAdapter();
  try {
    await promise;
  } catch (error) {
    return { error, translated: adapter.translateError(error) };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** The first column of the first row. */
export async function scalar(conn: DriverConnection, sql: string, params: readonly unknown[] = []): Promise<unknown> {
  return (await conn.execute(sql, params)).rows[0]?.[0];
}
