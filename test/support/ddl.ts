/**
 * Compile-only DDL assertions: the exact DDL an element gives on each
 * dialect, without a database.
 */
import { expect } from "vitest";
import { MariaDBDDLCompiler, MySQLDDLCompiler } from "../../src/dialects/mysql/ddl-compiler.js";
import { PostgresDDLCompiler } from "../../src/dialects/postgresql/ddl-compiler.js";
import { SQLiteDDLCompiler } from "../../src/dialects/sqlite/ddl-compiler.js";
import type { DDLCompiler, DDLElement } from "../../src/schema/index.js";

export type DDLDialect = "postgresql" | "sqlite" | "mysql" | "mariadb";

export const ddlCompilers: Record<DDLDialect, () => DDLCompiler> = {
  postgresql: () => new PostgresDDLCompiler(),
  sqlite: () => new SQLiteDDLCompiler(),
  mysql: () => new MySQLDDLCompiler(),
  mariadb: () => new MariaDBDDLCompiler(),
};

/** The DDL of an element on one dialect. */
export function ddlOf(element: DDLElement, dialect: DDLDialect): string {
  return ddlCompilers[dialect]().compile(element).sql;
}

/**
 * Asserts the DDL per dialect: a string is the exact SQL, a RegExp the error
 * compiling must raise. `mysql` also covers MariaDB unless `mariadb` is given.
 */
export function assertDDL(element: DDLElement, expected: Partial<Record<DDLDialect, string | RegExp>>): void {
  const cases = { ...expected, mariadb: expected.mariadb ?? expected.mysql };
  for (const [dialect, want] of Object.entries(cases)) {
    if (want === undefined) continue;
    if (want instanceof RegExp) expect(() => ddlOf(element, dialect as DDLDialect), `${dialect} error`).toThrow(want);
    else expect(ddlOf(element, dialect as DDLDialect), `${dialect} DDL`).toBe(want);
  }
}
