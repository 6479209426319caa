/**
 * The PostgreSQL dialect, with three drivers: `pg` (the default), `postgres`
 * (postgres.js) and `pglite` (PostgreSQL in WebAssembly, in this process).
 * Each driver module imports its npm package only when it is first used.
 *
 * @module
 */
import type { DialectModule, DriverAdapter } from "../../engine/interfaces.js";
import type { URL } from "../../engine/url.js";
import { PostgresDialect } from "./dialect.js";

export { PostgresDialect } from "./dialect.js";
export { PostgresCompiler } from "./compiler.js";
export { PostgresDDLCompiler } from "./ddl-compiler.js";
export { PostgresTypeCompiler } from "./type-compiler.js";
export { translatePostgresError } from "./errors.js";
export { PostgresReflection } from "./reflection.js";

/** The `postgresql` dialect module: `postgresql+pg://`, `postgresql+postgres://`, `postgresql+pglite://`. */
export const postgresqlDialect: DialectModule = {
  name: "postgresql",
  defaultDriver: "pg",
  drivers: {
    pg: () => import("./drivers/pg.js").then((m) => m.pgDriver),
    postgres: () => import("./drivers/postgres.js").then((m) => m.postgresDriver),
    pglite: () => import("./drivers/pglite.js").then((m) => m.pgliteDriver),
  },
  createDialect(driver: DriverAdapter, _url: URL): PostgresDialect {
    return new PostgresDialect(driver);
  },
};
export { jsonGet, jsonGetText, jsonPath, jsonPathText, jsonContains, jsonHasKey, type JSONExpression } from "./json.js";
