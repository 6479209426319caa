/**
 * The MySQL and MariaDB dialects, with the mysql2 driver.
 *
 * @example
 * ```ts
 * import { mysqlDialect, mariadbDialect } from "athanor/dialects/mysql";
 * // "mysql+mysql2://app:secret@db.example/shop", "mariadb://root@127.0.0.1:3306/test?charset=utf8mb4"
 * ```
 *
 * @module
 */
import type { DialectModule, DriverAdapter } from "../../engine/interfaces.js";
import { MariaDBDialect, MySQLDialect } from "./dialect.js";

export { MySQLDialect, MariaDBDialect } from "./dialect.js";
export { MySQLCompiler } from "./compiler.js";
export { MySQLDDLCompiler, MariaDBDDLCompiler } from "./ddl-compiler.js";
export { MySQLTypeCompiler, MariaDBTypeCompiler } from "./type-compiler.js";
export { translateMySQLError } from "./errors.js";
export { MySQLReflection, mysqlTypeFromColumn, parseMySQLEnumLabels, type MySQLReflectionOptions } from "./reflection.js";

const drivers: DialectModule["drivers"] = {
  mysql2: async (): Promise<DriverAdapter> => (await import("./drivers/mysql2.js")).loadMysql2Adapter(),
};

/** The MySQL dialect module: `mysql://...` URLs, driver `mysql2`. */
export const mysqlDialect: DialectModule = {
  name: "mysql",
  defaultDriver: "mysql2",
  drivers,
  createDialect: (driver: DriverAdapter): MySQLDialect => new MySQLDialect(driver),
};

/** The MariaDB dialect module: `mariadb://...` URLs, driver `mysql2`. */
export const mariadbDialect: DialectModule = {
  name: "mariadb",
  defaultDriver: "mysql2",
  drivers,
  createDialect: (driver: DriverAdapter): MariaDBDialect => new MariaDBDialect(driver),
};
