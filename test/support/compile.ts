/**
 * Compile-only assertions: the exact SQL and parameters a statement gives on
 * each dialect, without a database.
 */
import { expect } from "vitest";
import { MariaDBCompiler, MySQLCompiler } from "../../src/dialects/mysql/compiler.js";
import { PostgresCompiler } from "../../src/dialects/postgresql/compiler.js";
import { SQLiteCompiler } from "../../src/dialects/sqlite/compiler.js";
import { boundParams } from "../../src/sql/compiler/compiler.js";
import type { ClauseElement, CompiledSQL, Executable, SQLCompiler } from "../../src/index.js";

export const compilers: Record<"postgresql" | "sqlite" | "mysql" | "mariadb", () => SQLCompiler> = {
  postgresql: () => new PostgresCompiler(),
  sqlite: () => new SQLiteCompiler(),
  mysql: () => new MySQLCompiler(),
  mariadb: () => new MariaDBCompiler(),
};

export type Expected = string | readonly [sql: string, params: readonly unknown[]];

/** The positional parameters a compiled statement sends (bound values in placeholder order). */
export function paramsOf(compiled: CompiledSQL): unknown[] {
  return boundParams(compiled);
}

/**
 * Asserts the SQL (and, when given, the parameters) per dialect. `mysql` also
 * covers MariaDB unless `mariadb` is given.
 */
export function assertCompile(
  statement: Executable | ClauseElement,
  expected: { postgresql?: Expected; sqlite?: Expected; mysql?: Expected; mariadb?: Expected },
): void {
  const cases = { ...expected, mariadb: expected.mariadb ?? expected.mysql };
  for (const [dialect, want] of Object.entries(cases)) {
    if (want === undefined) continue;
    const compiled = compilers[dialect as keyof typeof compilers]().compile(statement);
    const [sql, params] = typeof want === "string" ? [want, undefined] : want;
    expect(compiled.sql, `${dialect} SQL`).toBe(sql);
    if (params !== undefined) expect(paramsOf(compiled), `${dialect} parameters`).toEqual(params);
  }
}
