/**
 * Shared helpers of the PostgreSQL adapter tests: the three drivers as
 * backends, connected at the DriverConnection level (no engine, no pool).
 */
import { describe, it } from "vitest";
import { postgresqlDialect } from "../../../src/dialects/postgresql/index.js";
import type { DriverAdapter, DriverConnection } from "../../../src/engine/interfaces.js";
import { URL } from "../../../src/engine/url.js";
import { allBackends, type Backend } from "../../support/backends.js";

export type PgDriverName = "pg" | "postgres" | "pglite";

export interface PgBackend extends Backend {
  readonly driver: PgDriverName;
}

/** pg, postgres (skipped without ATHANOR_TEST_POSTGRES_URL) and pglite. */
export function postgresBackends(): PgBackend[] {
  return allBackends()
    .filter((b) => b.dialect === "postgresql")
    .map((b) => ({ ...b, driver: b.id as PgDriverName }));
}

export async function loadAdapter(driver: PgDriverName): Promise<DriverAdapter> {
  const load = postgresqlDialect.drivers[driver];
  if (load === undefined) throw new Error(`no driver ${driver}`);
  return load();
}

export async function connect(
  backend: PgBackend,
  options: { connectTimeout?: number; driverOptions?: Record<string, unknown>; url?: string } = {},
): Promise<{ adapter: DriverAdapter; conn: DriverConnection }> {
  const adapter = await loadAdapter(backend.driver);
  const conn = await adapter.connect(URL.parse(options.url ?? (backend.url as string)), {
    connectTimeout: options.connectTimeout ?? 10_000,
    driverOptions: options.driverOptions ?? {},
  });
  return { adapter, conn };
}

/**
 * Declares a suite per PostgreSQL driver; a skipped backend shows as a
 * skipped suite whose title gives the reason.
 */
export function describeEachDriver(
  title: string,
  body: (backend: PgBackend) => void,
  filter: (backend: PgBackend) => boolean = () => true,
): void {
  for (const backend of postgresBackends()) {
    if (!filter(backend)) continue;
    if (backend.skipReason !== undefined || backend.url === undefined) {
      const reason = backend.skipReason ?? "no URL";
      describe.skip(`${title} [${backend.id}]`, () => {
        it(`skipped: ${reason}`, () => undefined);
      });
      continue;
    }
    describe(`${title} [${backend.id}]`, () => body(backend));
  }
}

/** The rejection of a promise, failing the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

/** Polls until `check` is true, at most `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
