/** mysql2 / MariaDB errors translated to Athanor's classes, flags, errno and constraint names. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { constraintFromMessage, translateMySQLError } from "../../../src/dialects/mysql/errors.js";
import type { DriverConnection } from "../../../src/engine/interfaces.js";
import {
  DataError,
  DatabaseError,
  IntegrityError,
  InterfaceError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
} from "../../../src/errors/index.js";
import { uniqueName } from "../../support/backends.js";
import { MARIADB_URL, SKIP_REASON, connectMaria, scalar, translatedFailure } from "./helpers.js";

describe("MySQL error classification (driver error shapes)", () => {
  const server = (errno: number, sqlState: string, message = "m") => ({ errno, sqlState, message, sqlMessage: message });

  it("maps server errnos to classes and flags", () => {
    expect(translateMySQLError(server(1062, "23000")).errorClass).toBe(IntegrityError);
    expect(translateMySQLError(server(1406, "22001")).errorClass).toBe(DataError);
    expect(translateMySQLError(server(1064, "42000")).errorClass).toBe(ProgrammingError);
    expect(translateMySQLError(server(1295, "HY000")).errorClass).toBe(NotSupportedError);
    const deadlock = translateMySQLError(server(1213, "40001"));
    expect(deadlock).toMatchObject({ errorClass: OperationalError, isRetryable: true, isTimeout: false, isDisconnect: false });
    const lockWait = translateMySQLError(server(1205, "HY000"));
    expect(lockWait).toMatchObject({ errorClass: OperationalError, isRetryable: true, isTimeout: true });
    expect(translateMySQLError(server(3024, "HY000"))).toMatchObject({ errorClass: OperationalError, isTimeout: true });
    expect(translateMySQLError(server(1927, "70100"))).toMatchObject({ errorClass: OperationalError, isDisconnect: true });
    expect(translateMySQLError(server(1045, "28000"))).toMatchObject({ errorClass: OperationalError });
    expect(translateMySQLError(server(9999, "HY000")).errorClass).toBe(DatabaseError);
    expect(translateMySQLError(server(9998, "23000")).errorClass).toBe(IntegrityError);
  });

  it("classifies client-side failures as disconnects", () => {
    for (const error of [
      { code: "PROTOCOL_CONNECTION_LOST", fatal: true, message: "Connection lost: The server closed the connection." },
      { fatal: true, message: "Can't add new command when connection is in closed state" },
      { code: "ECONNREFUSED", errno: -111, fatal: true, message: "connect ECONNREFUSED 127.0.0.1:1" },
      { code: "ECONNRESET", message: "read ECONNRESET" },
    ]) {
      expect(translateMySQLError(error), error.message).toMatchObject({ errorClass: OperationalError, isDisconnect: true });
    }
    expect(translateMySQLError({ code: "ETIMEDOUT", fatal: true, message: "connect ETIMEDOUT" })).toMatchObject({
      isDisconnect: true,
      isTimeout: true,
    });
    expect(translateMySQLError(new TypeError("Bind parameters must be array")).errorClass).toBe(InterfaceError);
  });

  it("finds constraint names in server messages", () => {
    expect(constraintFromMessage(1062, "Duplicate entry 'x' for key 'uq_name'")).toBe("uq_name");
    expect(constraintFromMessage(1062, "Duplicate entry 'x' for key 'item.uq_name'")).toBe("item.uq_name");
    expect(
      constraintFromMessage(
        1452,
        "Cannot add or update a child row: a foreign key constraint fails (`test`.`c`, CONSTRAINT `fk``odd` FOREIGN KEY (`p`) REFERENCES `p` (`id`))",
      ),
    ).toBe("fk`odd");
    expect(constraintFromMessage(4025, "CONSTRAINT `qty_positive` failed for `test`.`t`")).toBe("qty_positive");
    expect(constraintFromMessage(1048, "Column 'name' cannot be null")).toBeUndefined();
  });
});

describe.skipIf(MARIADB_URL === undefined)(`MySQL error translation [mariadb]${MARIADB_URL === undefined ? ` (${SKIP_REASON})` : ""}`, () => {
  let conn: DriverConnection;
  const parent = uniqueName("parent");
  const child = uniqueName("child");

  beforeAll(async () => {
    conn = await connectMaria();
    await conn.execute(
      `create table ${parent} (id int primary key, name varchar(5) not null, qty int, ` +
        `constraint ${parent}_uq_name unique (name), constraint ${parent}_qty_positive check (qty > 0)) engine=InnoDB`,
      [],
    );
    await conn.execute(
      `create table ${child} (id int primary key, parent_id int, ` +
        `constraint ${child}_fk foreign key (parent_id) references ${parent} (id)) engine=InnoDB`,
      [],
    );
    await conn.execute(`insert into ${parent} (id, name, qty) values (1, 'a', 1)`, []);
  });
  afterAll(async () => {
    await conn.execute(`drop table if exists ${child}`, []);
    await conn.execute(`drop table if exists ${parent}`, []);
    await conn?.close();
  });

  it("duplicate key -> IntegrityError with the key name and errno 1062", async () => {
    const { translated } = await translatedFailure(conn.execute(`insert into ${parent} (id, name, qty) values (?, ?, ?)`, [2, "a", 1]));
    expect(translated.errorClass).toBe(IntegrityError);
    expect(translated.errno).toBe(1062);
    expect(translated.sqlstate).toBe("23000");
    expect(translated.constraint).toBe(`${parent}_uq_name`);
    expect(translated.message).toMatch(/Duplicate entry 'a'/);
    const primary = await translatedFailure(conn.execute(`insert into ${parent} (id, name, qty) values (1, 'b', 1)`, []));
    expect(primary.translated.constraint).toBe("PRIMARY");
  });

  it("foreign key violations -> IntegrityError with the constraint name (1452 and 1451)", async () => {
    const insert = await translatedFailure(conn.execute(`insert into ${child} (id, parent_id) values (1, ?)`, [999]));
    expect(insert.translated.errorClass).toBe(IntegrityError);
    expect(insert.translated.errno).toBe(1452);
    expect(insert.translated.constraint).toBe(`${child}_fk`);
    await conn.execute(`insert into ${child} (id, parent_id) values (2, 1)`, []);
    const remove = await translatedFailure(conn.execute(`delete from ${parent} where id = 1`, []));
    expect(remove.translated.errorClass).toBe(IntegrityError);
    expect(remove.translated.errno).toBe(1451);
    expect(remove.translated.constraint).toBe(`${child}_fk`);
    await conn.execute(`delete from ${child}`, []);
  });

  it("NOT NULL -> IntegrityError (1048)", async () => {
    const { translated } = await translatedFailure(conn.execute(`insert into ${parent} (id, name) values (3, ?)`, [null]));
    expect(translated.errorClass).toBe(IntegrityError);
    expect(translated.errno).toBe(1048);
  });

  it("CHECK -> IntegrityError with the constraint name (4025)", async () => {
    const { translated } = await translatedFailure(conn.execute(`insert into ${parent} (id, name, qty) values (4, 'c', ?)`, [-1]));
    expect(translated.errorClass).toBe(IntegrityError);
    expect(translated.errno).toBe(4025);
    expect(translated.constraint).toBe(`${parent}_qty_positive`);
  });

  it("syntax errors and unknown tables/columns -> ProgrammingError", async () => {
    for (const [sql, errno] of [
      ["selec 1", 1064],
      ["select * from no_such_table_xyz", 1146],
      [`select nope from ${parent}`, 1054],
    ] as const) {
      const { translated } = await translatedFailure(conn.execute(sql, []));
      expect(translated.errorClass, sql).toBe(ProgrammingError);
      expect(translated.errno, sql).toBe(errno);
    }
    const params = await translatedFailure(conn.execute("select ?, ?", [1]));
    expect(params.translated.errorClass).toBe(ProgrammingError);
  });

  it("a too long string in strict mode -> DataError (1406); an out-of-range number -> DataError (1264)", async () => {
    expect(String(await scalar(conn, "select @@sql_mode"))).toMatch(/STRICT_TRANS_TABLES/);
    const long = await translatedFailure(conn.execute(`insert into ${parent} (id, name, qty) values (5, ?, 1)`, ["toolong"]));
    expect(long.translated.errorClass).toBe(DataError);
    expect(long.translated.errno).toBe(1406);
    expect(long.translated.sqlstate).toBe("22001");
    const range = await translatedFailure(conn.execute(`insert into ${parent} (id, name, qty) values (6, 'r', ?)`, [2n ** 40n]));
    expect(range.translated.errorClass).toBe(DataError);
    expect(range.translated.errno).toBe(1264);
  });

  it("the connection stays usable after every one of these", async () => {
    expect(conn.brokenReason).toBeUndefined();
    expect(await scalar(conn, "select 1")).toBe(1);
  });
});
