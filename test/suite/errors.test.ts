import { afterAll, beforeAll, expect, it } from "vitest";
import {
  DBAPIError,
  DataError,
  IntegrityError,
  OperationalError,
  ProgrammingError,
  URL,
  createEngine,
  text,
} from "../../src/index.js";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

async function failure(promise: Promise<unknown>): Promise<DBAPIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DBAPIError);
  return error as DBAPIError;
}

describeEachBackend("driver errors", (ctx) => {
  const parent = uniqueName("parent");
  const child = uniqueName("child");

  beforeAll(async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text(`create table ${parent} (id integer primary key, code varchar(5) not null unique, qty integer check (qty >= 0))`));
      await conn.execute(text(`create table ${child} (id integer primary key, parent_id integer not null references ${parent} (id))`));
      await conn.execute(text(`insert into ${parent} (id, code, qty) values (1, 'a', 1)`));
    });
  });
  afterAll(async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text(`drop table ${child}`));
      await conn.execute(text(`drop table ${parent}`));
    });
  });

  const insertParent = (id: number, code: string | null, qty: number) =>
    ctx.engine.begin((conn) => conn.execute(text(`insert into ${parent} (id, code, qty) values (:id, :code, :qty)`), { id, code, qty }));

  it("unique violation is an IntegrityError carrying the SQL, the parameters and the code", async () => {
    const error = await failure(insertParent(2, "a", 1));
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error.sql).toContain(`insert into ${parent}`);
    expect(error.params).toEqual([2, "a", 1]);
    expect(error.message).toContain("[SQL: insert into");
    expect(error.message).toContain('[parameters: [2, "a", 1]]');
    expect(error.orig).toBeDefined();
    if (ctx.backend.dialect === "postgresql") expect(error.sqlstate).toBe("23505");
    if (ctx.backend.dialect === "mysql") expect(error.errno).toBe(1062);
  });

  it("not-null, check and foreign key violations are IntegrityErrors", async () => {
    expect(await failure(insertParent(3, null, 1))).toBeInstanceOf(IntegrityError);
    expect(await failure(insertParent(4, "d", -1))).toBeInstanceOf(IntegrityError);
    const fk = await failure(ctx.engine.begin((conn) => conn.execute(text(`insert into ${child} (id, parent_id) values (1, 999)`))));
    expect(fk).toBeInstanceOf(IntegrityError);
  });

  it("bad SQL is a ProgrammingError", async () => {
    const error = await failure(ctx.engine.connect((conn) => conn.execute(text("selec 1"))));
    expect(error).toBeInstanceOf(ProgrammingError);
    const missing = await failure(ctx.engine.connect((conn) => conn.execute(text("select * from no_such_table_xyz"))));
    expect(missing).toBeInstanceOf(ProgrammingError);
  });

  it("a value the column cannot hold is a DataError", async () => {
    if (ctx.backend.dialect === "sqlite") {
      // SQLite stores what it is given; a NaN would become NULL, so the driver refuses it before sending.
      const error = await ctx.engine.connect((conn) => conn.execute(text(`select :x`), { x: Number.NaN })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      return;
    }
    const error = await failure(insertParent(5, "toolongvalue", 1));
    expect(error).toBeInstanceOf(DataError);
  });

  it("a failed connection is an OperationalError that never shows the password", async () => {
    if (ctx.backend.id === "pglite") return; // in-process: there is no connection to fail
    if (ctx.backend.dialect === "sqlite") {
      const bad = createEngine("sqlite:////nonexistent-dir-xyz/sub/app.db");
      const error = await bad.connect().catch((e: unknown) => e);
      await bad.dispose();
      expect(error).toBeInstanceOf(OperationalError);
      return;
    }
    const url = URL.parse(ctx.backend.url as string).set({ password: "s3cr@t-pass", port: 1 });
    const bad = createEngine(url, { connectTimeout: 2000 });
    const error = await bad.connect().catch((e: unknown) => e);
    await bad.dispose();
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as OperationalError).isDisconnect).toBe(true);
    expect(String((error as Error).message)).not.toContain("s3cr@t");
    expect(String((error as Error).message)).toContain("***");
    expect(String((error as Error).stack)).not.toContain("s3cr@t");
  });

  it("a wrong password is refused without echoing it", async () => {
    if (!ctx.backend.server) return;
    const url = URL.parse(ctx.backend.url as string).set({ username: "athanor_no_such_user", password: "w0ng-s3cret" });
    const bad = createEngine(url, { connectTimeout: 5000 });
    const error = await bad.connect().catch((e: unknown) => e);
    await bad.dispose();
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).not.toContain("w0ng-s3cret");
  });

  it("handleError listeners see the error and may replace it", async () => {
    const engine = ctx.newEngine();
    const seen: string[] = [];
    engine.events.on("handleError", (context) => {
      seen.push(context.sql ?? "");
      context.error = new Error(`wrapped: ${context.error.name}`);
    });
    await expect(engine.connect((conn) => conn.execute(text("selec 2")))).rejects.toThrow("wrapped: ProgrammingError");
    expect(seen).toEqual(["selec 2"]);
  });
});
