/**
 * The backends every dialect test runs on. Embedded ones (PGlite, SQLite)
 * always run; server ones run when their URL is in the environment:
 *
 * - `ATHANOR_TEST_POSTGRES_URL`, e.g. `postgresql://postgres@127.0.0.1:5432/test`
 *   (used with both the `pg` and the `postgres` driver)
 * - `ATHANOR_TEST_MARIADB_URL`, e.g. `mariadb://root@127.0.0.1:3306/test`
 * - `ATHANOR_TEST_REDIS_URL`, e.g. `redis://127.0.0.1:6379` (the job-queue
 *   suites only; see {@link redisBackend})
 *
 * With `CI=true` a missing server URL is an error, not a skip.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type BackendId = "pglite" | "pg" | "postgres" | "sqlite-memory" | "sqlite-file" | "mariadb";

export interface Backend {
  /** A short name used in test titles. */
  readonly id: BackendId;
  /** The dialect family, for expected-SQL tables and capability checks. */
  readonly dialect: "postgresql" | "sqlite" | "mysql";
  /** The URL to connect with, or undefined when the backend is skipped. */
  readonly url: string | undefined;
  /** Why the backend is skipped. */
  readonly skipReason: string | undefined;
  /** True for a database server (as opposed to an embedded one). */
  readonly server: boolean;
}

export const POSTGRES_ENV = "ATHANOR_TEST_POSTGRES_URL";
export const MARIADB_ENV = "ATHANOR_TEST_MARIADB_URL";
export const REDIS_ENV = "ATHANOR_TEST_REDIS_URL";

/**
 * The Redis server of the job-queue suites (BullMQ): its URL, or why those
 * suites are skipped. With `CI=true` a missing URL throws, so the suite fails
 * instead of being skipped.
 */
export function redisBackend(): { readonly url: string | undefined; readonly skipReason: string | undefined } {
  const url = process.env[REDIS_ENV];
  if (url !== undefined && url !== "") return { url, skipReason: undefined };
  const skipReason = `set ${REDIS_ENV}=redis://127.0.0.1:6379 to run it`;
  if (process.env.CI === "true") throw new Error(`CI=true but the Redis suites would be skipped: ${skipReason}`);
  return { url: undefined, skipReason };
}

function withDriver(url: string, dialect: string, driver: string): string {
  return url.replace(/^[A-Za-z0-9_]+(\+[A-Za-z0-9_.-]+)?:\/\//, `${dialect}+${driver}://`);
}

let sqliteDir: string | undefined;

/** A fresh SQLite file path in a temporary folder of this test process. */
export function sqliteFilePath(name = "test"): string {
  sqliteDir ??= mkdtempSync(join(tmpdir(), "athanor-sqlite-"));
  return join(sqliteDir, `${name}-${Math.random().toString(36).slice(2)}.db`);
}

/** All backends, with the skipped ones carrying their reason. */
export function allBackends(): Backend[] {
  const pgUrl = process.env[POSTGRES_ENV];
  const mariaUrl = process.env[MARIADB_ENV];
  const pgSkip = pgUrl ? undefined : `set ${POSTGRES_ENV}=postgresql://postgres@127.0.0.1:5432/test to run it`;
  const mariaSkip = mariaUrl ? undefined : `set ${MARIADB_ENV}=mariadb://root@127.0.0.1:3306/test to run it`;
  return [
    { id: "pglite", dialect: "postgresql", url: "postgresql+pglite://", skipReason: undefined, server: false },
    { id: "sqlite-memory", dialect: "sqlite", url: "sqlite+better-sqlite3://", skipReason: undefined, server: false },
    {
      id: "sqlite-file",
      dialect: "sqlite",
      url: `sqlite+better-sqlite3:///${sqliteFilePath()}`,
      skipReason: undefined,
      server: false,
    },
    {
      id: "pg",
      dialect: "postgresql",
      url: pgUrl ? withDriver(pgUrl, "postgresql", "pg") : undefined,
      skipReason: pgSkip,
      server: true,
    },
    {
      id: "postgres",
      dialect: "postgresql",
      url: pgUrl ? withDriver(pgUrl, "postgresql", "postgres") : undefined,
      skipReason: pgSkip,
      server: true,
    },
    {
      id: "mariadb",
      dialect: "mysql",
      url: mariaUrl ? withDriver(mariaUrl, "mariadb", "mysql2") : undefined,
      skipReason: mariaSkip,
      server: true,
    },
  ];
}

/** A table name unique to this test run, so parallel test files never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid.toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
