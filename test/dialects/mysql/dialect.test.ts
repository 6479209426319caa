/** The MySQL and MariaDB dialects: capabilities, transaction statements, isolation query, compiler hooks, URL options. */
import { describe, expect, it } from "vitest";
import {
  MariaDBDialect,
  MySQLCompiler,
  MySQLDialect,
  mariadbDialect,
  mysqlDialect,
} from "../../../src/dialects/mysql/index.js";
import { connectionOptions } from "../../../src/dialects/mysql/drivers/mysql2.js";
import { URL } from "../../../src/engine/url.js";
import { ArgumentError } from "../../../src/errors/index.js";
import { text } from "../../../src/sql/index.js";
import { MARIADB_URL, SKIP_REASON, connectMaria, mysqlAdapter, scalar } from "./helpers.js";

describe("MySQL and MariaDB dialect modules", () => {
  it("name their driver and build the right dialect class", async () => {
    const adapter = await mysqlAdapter();
    expect(adapter.name).toBe("mysql2");
    expect(adapter.packageName).toBe("mysql2");
    expect(adapter.defaultPool(URL.parse("mysql://localhost/db"))).toBe("queue");
    expect(mysqlDialect.name).toBe("mysql");
    expect(mysqlDialect.defaultDriver).toBe("mysql2");
    expect(mariadbDialect.name).toBe("mariadb");
    expect(mariadbDialect.defaultDriver).toBe("mysql2");
    const mysql = mysqlDialect.createDialect(adapter, URL.parse("mysql://h/db"));
    const maria = mariadbDialect.createDialect(adapter, URL.parse("mariadb://h/db"));
    expect(mysql).toBeInstanceOf(MySQLDialect);
    expect(mysql).not.toBeInstanceOf(MariaDBDialect);
    expect(maria).toBeInstanceOf(MariaDBDialect);
    expect(mysql.name).toBe("mysql");
    expect(maria.name).toBe("mariadb");
    expect(mysql.isolationLevelQuery).toBe("SELECT @@transaction_isolation");
    expect(maria.isolationLevelQuery).toBe("SELECT @@tx_isolation");
  });

  it("declare their capabilities (no generic RETURNING, no transactional DDL)", async () => {
    const maria = mariadbDialect.createDialect(await mysqlAdapter(), URL.parse("mariadb://h/db"));
    expect(maria.capabilities).toEqual({
      returning: false,
      savepoints: true,
      transactionalDdl: false,
      serverSideCursors: true,
      insertManyValues: true,
      isolationLevels: ["SERIALIZABLE", "REPEATABLE READ", "READ COMMITTED", "READ UNCOMMITTED", "AUTOCOMMIT"],
    });
  });

  it("begin with START TRANSACTION, preceded by SET TRANSACTION for a level", async () => {
    const dialect = mysqlDialect.createDialect(await mysqlAdapter(), URL.parse("mysql://h/db"));
    expect(dialect.beginStatements()).toEqual(["START TRANSACTION"]);
    expect(dialect.beginStatements("READ COMMITTED")).toEqual(["SET TRANSACTION ISOLATION LEVEL READ COMMITTED", "START TRANSACTION"]);
    expect(dialect.beginStatements("SERIALIZABLE")).toEqual(["SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "START TRANSACTION"]);
    expect(dialect.beginStatements("AUTOCOMMIT")).toEqual([]);
    expect(dialect.commitStatement).toBe("COMMIT");
    expect(dialect.rollbackStatement).toBe("ROLLBACK");
  });

  it("quote identifiers with backticks, doubling embedded ones, and use ? placeholders", async () => {
    const dialect = mariadbDialect.createDialect(await mysqlAdapter(), URL.parse("mariadb://h/db"));
    expect(dialect.quoteIdentifier("a`b; drop table x; --")).toBe("`a``b; drop table x; --`");
    expect(dialect.quoteIdentifier('say "hi"')).toBe('`say "hi"`');
    expect(dialect.savepointStatement("sp")).toBe("SAVEPOINT `sp`");
    expect(dialect.rollbackToSavepointStatement("sp")).toBe("ROLLBACK TO SAVEPOINT `sp`");
    const compiled = new MySQLCompiler().compile(text("select :x, :y, :x"));
    expect(compiled.sql).toBe("select ?, ?, ?");
  });
});

describe("mysql2 connection options from the URL", () => {
  const options = { connectTimeout: 1234, driverOptions: {} };

  it("maps host, port, user, password, database and the representation options", () => {
    const config = connectionOptions(URL.parse("mariadb+mysql2://app:p%40ss@db.example:3307/shop"), options);
    expect(config).toMatchObject({
      host: "db.example",
      port: 3307,
      user: "app",
      password: "p@ss",
      database: "shop",
      charset: "utf8mb4",
      connectTimeout: 1234,
      rowsAsArray: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: ["DATE"],
      timezone: "Z",
      maxPreparedStatements: 256,
    });
  });

  it("passes charset, ssl, socket and connect_timeout from the query string", () => {
    const config = connectionOptions(
      URL.parse("mysql://h/db?charset=utf8mb4_bin&ssl=skip-verify&socket=/run/mysqld.sock&connect_timeout=2.5"),
      options,
    );
    expect(config.charset).toBe("utf8mb4_bin");
    expect(config.ssl).toEqual({ rejectUnauthorized: false });
    expect(config.socketPath).toBe("/run/mysqld.sock");
    expect(config.connectTimeout).toBe(2500);
    expect(connectionOptions(URL.parse("mysql://h/db?ssl=true"), options).ssl).toEqual({});
    expect(connectionOptions(URL.parse("mysql://h/db?ssl=false"), options).ssl).toBeUndefined();
    expect(() => connectionOptions(URL.parse("mysql://h/db?connect_timeout=x"), options)).toThrow(ArgumentError);
  });

  it("lets driverOptions override connection settings but never the value representation", () => {
    const config = connectionOptions(URL.parse("mysql://h/db"), {
      connectTimeout: 1000,
      driverOptions: { maxPreparedStatements: 16, rowsAsArray: false, timezone: "local", charset: "latin1" },
    });
    expect(config.maxPreparedStatements).toBe(16);
    expect(config.charset).toBe("latin1");
    expect(config.rowsAsArray).toBe(true);
    expect(config.timezone).toBe("Z");
  });
});

describe.skipIf(MARIADB_URL === undefined)(`MariaDB dialect on the server${MARIADB_URL === undefined ? ` (${SKIP_REASON})` : ""}`, () => {
  it("runs the isolation query and every begin statement", async () => {
    const dialect = mariadbDialect.createDialect(await mysqlAdapter(), URL.parse(MARIADB_URL!));
    const conn = await connectMaria();
    try {
      expect(await scalar(conn, dialect.isolationLevelQuery)).toBe("REPEATABLE-READ");
      for (const level of ["SERIALIZABLE", "READ COMMITTED", "READ UNCOMMITTED", "REPEATABLE READ"] as const) {
        for (const sql of dialect.beginStatements(level)) await conn.execute(sql, []);
        // SET TRANSACTION applies to this transaction only; the session keeps its own level.
        expect(await scalar(conn, "select @@in_transaction")).toBe(1n);
        await conn.execute(dialect.savepointStatement("s1"), []);
        await conn.execute(dialect.rollbackToSavepointStatement("s1"), []);
        await conn.execute(dialect.releaseSavepointStatement("s1"), []);
        await conn.execute(dialect.rollbackStatement, []);
      }
      expect(await scalar(conn, "select @@in_transaction")).toBe(0n);
    } finally {
      await conn.close();
    }
  });
});
