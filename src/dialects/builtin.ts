/**
 * Registers the dialects that ship with Athanor. Each loads, with its driver
 * package, only when an engine first connects with it.
 */
import { registerDialect } from "../engine/index.js";
import { registerDDLCompiler } from "../schema/index.js";
import { registerCompiler } from "../sql/index.js";
import { MariaDBCompiler, MySQLCompiler } from "./mysql/compiler.js";
import { MariaDBDDLCompiler, MySQLDDLCompiler } from "./mysql/ddl-compiler.js";
import { PostgresCompiler } from "./postgresql/compiler.js";
import { PostgresDDLCompiler } from "./postgresql/ddl-compiler.js";
import { SQLiteCompiler } from "./sqlite/compiler.js";
import { SQLiteDDLCompiler } from "./sqlite/ddl-compiler.js";

// Compilers are small and import no driver: registered at once, so statements compile without an engine.
registerCompiler("postgresql", () => new PostgresCompiler());
registerCompiler("sqlite", () => new SQLiteCompiler());
registerCompiler("mysql", () => new MySQLCompiler());
registerCompiler("mariadb", () => new MariaDBCompiler());
registerDDLCompiler("postgresql", () => new PostgresDDLCompiler());
registerDDLCompiler("sqlite", () => new SQLiteDDLCompiler());
registerDDLCompiler("mysql", () => new MySQLDDLCompiler());
registerDDLCompiler("mariadb", () => new MariaDBDDLCompiler());

registerDialect("postgresql", {
  drivers: ["pg", "postgres", "pglite"],
  defaultDriver: "pg",
  load: () => import("./postgresql/index.js").then((m) => m.postgresqlDialect),
});
registerDialect("sqlite", {
  drivers: ["better-sqlite3"],
  defaultDriver: "better-sqlite3",
  load: () => import("./sqlite/index.js").then((m) => m.sqliteDialect),
});
registerDialect("mysql", {
  drivers: ["mysql2"],
  defaultDriver: "mysql2",
  load: () => import("./mysql/index.js").then((m) => m.mysqlDialect),
});
registerDialect("mariadb", {
  drivers: ["mysql2"],
  defaultDriver: "mysql2",
  load: () => import("./mysql/index.js").then((m) => m.mariadbDialect),
});
