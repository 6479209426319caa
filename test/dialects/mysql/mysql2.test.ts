/**
 * The mysql2 adapter at the DriverConnection level against a real MariaDB:
 * execute, rowcount, lastInsertId, columns, executeMany, cursors, ping, close.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DriverConnection } from "../../../src/engine/interfaces.js";
import { InterfaceError, ProgrammingError } from "../../../src/errors/index.js";
import { uniqueName } from "../../support/backends.js";
import { MARIADB_URL, SKIP_REASON, connectMaria, scalar, translatedFailure } from "./helpers.js";

describe.skipIf(MARIADB_URL === undefined)(`mysql2 adapter [mariadb]${MARIADB_URL === undefined ? ` (${SKIP_REASON})` : ""}`, () => {
  let conn: DriverConnection;
  let table: string;

  beforeAll(async () => {
    conn = await connectMaria();
  });
  afterAll(async () => {
    await conn?.close();
  });
  beforeEach(async () => {
    table = uniqueName("item");
    await conn.execute(
      `create table ${table} (id bigint auto_increment primary key, name varchar(50) not null unique, qty int, ok tinyint(1), price decimal(10,2))`,
      [],
    );
  });
  afterEach(async () => {
    await conn.execute(`drop table if exists ${table}`, []);
  });

  it("executes DML with rowcount and lastInsertId", async () => {
    const first = await conn.execute(`insert into ${table} (name, qty) values (?, ?)`, ["apple", 3]);
    expect(first).toEqual({ columns: [], rows: [], rowcount: 1, lastInsertId: 1 });
    const two = await conn.execute(`insert into ${table} (name, qty) values (?, ?), (?, ?)`, ["pear", 1, "plum", 0]);
    expect(two.rowcount).toBe(2);
    // MySQL reports the first id of a multi-row insert.
    expect(two.lastInsertId).toBe(2);
    const update = await conn.execute(`update ${table} set qty = qty + 1 where qty < ?`, [2]);
    expect(update.rowcount).toBe(2);
    expect(update.lastInsertId).toBeUndefined();
    const nothing = await conn.execute(`delete from ${table} where name = ?`, ["none"]);
    expect(nothing.rowcount).toBe(0);
  });

  it("an UPDATE that matches rows but changes nothing reports the matched count (FOUND_ROWS)", async () => {
    await conn.execute(`insert into ${table} (name, qty) values ('a', 1), ('b', 1)`, []);
    expect((await conn.execute(`update ${table} set qty = 1`, [])).rowcount).toBe(2);
    expect((await conn.execute(`update ${table} set qty = ? where name = ?`, [1, "a"])).rowcount).toBe(1);
  });

  it("returns rows as arrays with column names and types, rowcount = rows for SELECT, in both protocols", async () => {
    // (SELECT/WITH or parameters: prepared statement, binary protocol.)
    await conn.execute(`insert into ${table} (name, qty, ok, price) values ('a', 1, true, 1.50), ('b', 2, false, null)`, []);
    // A statement that does not start with SELECT/WITH and has no parameters goes through the text protocol.
    const text = await conn.execute(`/* text protocol */ select id, name, qty * 2 as double_qty, ok, price from ${table} order by id`, []);
    const binary = await conn.execute(`select id, name, qty * 2 as double_qty, ok, price from ${table} where id > ? order by id`, [0]);
    for (const result of [text, binary]) {
      expect(result.columns.map((c) => c.name)).toEqual(["id", "name", "double_qty", "ok", "price"]);
      expect(result.columns.map((c) => c.type)).toEqual(["bigint", "varchar", "bigint", "tinyint(1)", "decimal"]);
      expect(result.rows).toEqual([
        [1n, "a", 2n, true, "1.50"],
        [2n, "b", 4n, false, null],
      ]);
      expect(result.rowcount).toBe(2);
    }
    const empty = await conn.execute(`select * from ${table} where id < ?`, [0]);
    expect(empty.rows).toEqual([]);
    expect(empty.rowcount).toBe(0);
    expect(empty.columns.length).toBe(5);
  });

  it("runs parameters and SELECTs as prepared statements, other statements as plain queries", async () => {
    const executed = async (): Promise<number> =>
      Number((await conn.execute("show session status like 'Com_stmt_execute'", [])).rows[0]?.[1]);
    const before = await executed();
    await conn.execute("select 1", []);
    await conn.execute(`update ${table} set qty = ?`, [1]);
    const afterPrepared = await executed();
    await conn.execute("do 1", []);
    await conn.execute("/* plain */ select 1", []);
    expect(afterPrepared - before).toBe(2);
    expect((await executed()) - afterPrepared).toBe(0);
  });

  it("a question mark inside a literal of a statement without parameters is left alone", async () => {
    expect((await conn.execute("select 'what?' as q, ? as p", ["x"])).rows).toEqual([["what?", "x"]]);
    expect((await conn.execute("select 'what?' as q", [])).rows).toEqual([["what?"]]);
  });

  it("executeMany runs 1000 parameter sets and sums the rowcount", async () => {
    const sets = Array.from({ length: 1000 }, (_, i) => [`n${i}`, i]);
    await conn.execute("START TRANSACTION", []);
    const result = await conn.executeMany(`insert into ${table} (name, qty) values (?, ?)`, sets);
    await conn.execute("COMMIT", []);
    expect(result.rowcount).toBe(1000);
    expect(result.lastInsertId).toBe(1000);
    expect((await conn.execute(`select count(*), sum(qty) from ${table}`, [])).rows).toEqual([[1000n, "499500"]]);
    const updated = await conn.executeMany(`update ${table} set qty = qty + 1 where id <= ?`, [[10], [20]]);
    expect(updated.rowcount).toBe(30);
  });

  it("executeMany stops at the first failing set", async () => {
    const { translated } = await translatedFailure(
      conn.executeMany(`insert into ${table} (name) values (?)`, [["x"], ["x"], ["y"]]),
    );
    expect(translated.errno).toBe(1062);
    expect((await conn.execute(`select name from ${table} order by name`, [])).rows).toEqual([["x"]]);
  });

  it("streams 100,000 rows of the sequence engine in batches", async () => {
    const cursor = await conn.openCursor("select seq, concat('row ', seq) from seq_1_to_100000", [], 1000);
    expect(cursor.columns.map((c) => c.name)).toEqual(["seq", "concat('row ', seq)"]);
    let count = 0;
    let sum = 0n;
    let batches = 0;
    for (let batch = await cursor.next(); batch !== null; batch = await cursor.next()) {
      expect(batch.length).toBeLessThanOrEqual(1000);
      batches += 1;
      count += batch.length;
      for (const row of batch) sum += row[0] as bigint;
    }
    expect(count).toBe(100_000);
    expect(batches).toBe(100);
    expect(sum).toBe(5_000_050_000n);
    expect(await cursor.next()).toBeNull();
    await cursor.close();
    await cursor.close();
    expect(await scalar(conn, "select 1")).toBe(1);
  });

  it("streams with parameters through the binary protocol, with the same conversions", async () => {
    const cursor = await conn.openCursor("select seq, seq % 2 = 0, cast(seq as decimal(10,1)) from seq_1_to_100000 where seq <= ?", [2500], 1000);
    const sizes: number[] = [];
    let first: unknown[] | undefined;
    for (let batch = await cursor.next(); batch !== null; batch = await cursor.next()) {
      first ??= batch[0];
      sizes.push(batch.length);
    }
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(first).toEqual([1n, 0, "1.0"]);
  });

  it("closes a cursor early; the connection drains the rest and answers the next query", async () => {
    const cursor = await conn.openCursor("select seq from seq_1_to_100000", [], 500);
    expect((await cursor.next())?.[0]).toEqual([1n]);
    expect((await cursor.next())?.[0]).toEqual([501n]);
    const started = Date.now();
    await cursor.close();
    expect(await cursor.next()).toBeNull();
    await cursor.close();
    expect(await scalar(conn, "select 42")).toBe(42);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(conn.brokenReason).toBeUndefined();
  });

  it("closes a cursor whose last rows are already buffered (the command has finished)", async () => {
    const cursor = await conn.openCursor("select seq from seq_1_to_1500", [], 1000);
    expect((await cursor.next())?.length).toBe(1000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await cursor.close();
    expect(await scalar(conn, "select 7")).toBe(7);
  });

  it("refuses another statement while a cursor is open instead of hanging", async () => {
    const cursor = await conn.openCursor("select seq from seq_1_to_100000", [], 100);
    await cursor.next();
    const { error } = await translatedFailure(conn.execute("select 1", []));
    expect(error).toBeInstanceOf(InterfaceError);
    await expect(conn.openCursor("select 1", [], 10)).rejects.toThrow(InterfaceError);
    await cursor.close();
    expect(await scalar(conn, "select 2")).toBe(2);
  });

  it("a cursor over a statement without rows runs it and yields nothing", async () => {
    const cursor = await conn.openCursor(`insert into ${table} (name) values (?)`, ["c"], 10);
    expect(cursor.columns).toEqual([]);
    expect(await cursor.next()).toBeNull();
    await cursor.close();
    expect((await conn.execute(`select name from ${table}`, [])).rows).toEqual([["c"]]);
  });

  it("a cursor over bad SQL rejects at open and leaves the connection usable", async () => {
    const { translated } = await translatedFailure(conn.openCursor("select * from no_such_table_xyz", [], 10));
    expect(translated.errorClass).toBe(ProgrammingError);
    expect(translated.errno).toBe(1146);
    expect(await scalar(conn, "select 3")).toBe(3);
  });

  it("ping answers; close is safe twice", async () => {
    await conn.ping();
    const other = await connectMaria();
    await other.ping();
    await other.close();
    await other.close();
    expect(conn.raw).toBeDefined();
  });
});
