/**
 * Deferred BEGIN (engine option `deferBegin`): at READ COMMITTED a
 * transaction's reads run before its BEGIN, which is sent just before the
 * first statement that may write. Everything else keeps BEGIN first.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  Integer,
  OperationalError,
  ProgrammingError,
  createEngine,
  func,
  insert,
  literalColumn,
  select,
  table,
  text,
  update,
  type Connection,
  type Engine,
  type EngineOptions,
} from "../../src/index.js";
import { Session, declarativeBase, mapped } from "../../src/orm/index.js";
import { uniqueName } from "../support/backends.js";
import { compilers } from "../support/compile.js";
import { describeEachBackend, type BackendContext } from "../support/suite.js";

const CONTROL = /^(BEGIN|START TRANSACTION|SET TRANSACTION|COMMIT|ROLLBACK)\b/;

/**
 * An engine whose echoed statements are collected (without their parameter
 * suffix), with the test table created and filled: in-memory databases are
 * one per engine. The log starts empty.
 */
async function loggedEngine(ctx: BackendContext, name: string, options: EngineOptions = {}): Promise<{ engine: Engine; log: string[] }> {
  const log: string[] = [];
  const keep = (line: string): void => {
    log.push(line.replace(/ \[.*$/, ""));
  };
  const engine = ctx.newEngine({ ...options, echo: true, logger: { info: keep, debug: keep, warn: () => undefined } });
  await fill(engine, name);
  log.length = 0;
  return { engine, log };
}

/** Creates the table when missing and gives it rows (1, 10) and (2, 20). */
async function fill(engine: Engine, name: string): Promise<void> {
  await engine.begin(async (conn) => {
    await conn.execute(text(`create table if not exists ${name} (id integer primary key, x integer)`));
    await conn.execute(text(`delete from ${name}`));
    await conn.execute(text(`insert into ${name} (id, x) values (1, 10), (2, 20)`));
  });
}

/** The statements of the log, with the one-time default-level query left out. */
function statements(log: readonly string[]): string[] {
  return log.filter((line) => !/default_transaction_isolation|@@tx_isolation|@@transaction_isolation/.test(line));
}

describe("which statements count as read-only (compiled flag)", () => {
  const t = table("t", { id: new Integer(), x: new Integer() });
  const readOnly = (statement: Parameters<ReturnType<typeof compilers.postgresql>["compile"]>[0]): boolean | undefined =>
    compilers.postgresql().compile(statement).readOnly;

  it("plain selects, known functions, unions and subqueries are read-only", () => {
    expect(readOnly(select(t.c.id).where(t.c.x.gt(1)))).toBe(true);
    expect(readOnly(select(func.count(t.c.id), func.max(t.c.x), func.coalesce(t.c.x, 0)))).toBe(true);
    expect(readOnly(select(t.c.id).union(select(t.c.x)))).toBe(true);
    expect(readOnly(select(t.c.id).where(t.c.id.in(select(t.c.x).where(t.c.x.eq(2)))))).toBe(true);
  });

  it("locking reads, DML, literal SQL and unknown functions may write", () => {
    expect(readOnly(select(t.c.id).forUpdate())).toBe(false);
    expect(readOnly(select(t.c.id).forUpdate({ read: true }))).toBe(false);
    expect(readOnly(select(func.call("nextval", ["seq"], new Integer())))).toBe(false);
    expect(readOnly(select(func.call("pg_advisory_xact_lock", [1], new Integer())))).toBe(false);
    expect(readOnly(select(literalColumn("1")))).toBe(false);
    expect(readOnly(select(t.c.id).where(t.c.x.in(select(func.call("my_counter", [], new Integer())))))).toBe(false);
    expect(readOnly(text("select 1"))).toBe(false);
    expect(readOnly(insert(t).values({ id: 1, x: 1 }))).toBe(false);
    expect(readOnly(update(t).values({ x: 2 }))).toBe(false);
  });

  it("MariaDB's LOCK IN SHARE MODE counts as a locking read too", () => {
    expect(compilers.mariadb().compile(select(t.c.id).forUpdate({ read: true })).readOnly).toBe(false);
  });
});

describeEachBackend("deferred BEGIN", (ctx) => {
  const name = uniqueName("defer");
  const t = table(name, { id: new Integer(), x: new Integer() });
  const isPostgres = (): boolean => ctx.backend.dialect === "postgresql";
  /** What each backend sends before the first read at its default level. */
  const beginsFirstByDefault = (): boolean => !isPostgres();
  const beginWord = (): string => (ctx.backend.dialect === "mysql" ? "START TRANSACTION" : "BEGIN");

  beforeEach(async () => {
    await fill(ctx.engine, name);
  });
  afterAll(async () => {
    await ctx.engine.begin((conn) => conn.execute(text(`drop table ${name}`)));
  });

  it("a read-only unit of work sends no BEGIN, COMMIT or ROLLBACK where the default level is READ COMMITTED", async () => {
    const { engine, log } = await loggedEngine(ctx, name);
    let resets = 0;
    await engine.initialize();
    engine.pool.events.on("reset", () => {
      resets += 1;
    });
    for (let i = 0; i < 2; i++) {
      await engine.connect(async (conn) => {
        expect((await conn.execute(select(t.c.x).where(t.c.id.eq(1)))).scalarOne()).toBe(10);
        expect(conn.inTransaction()).toBe(true);
        await conn.commit();
      });
    }
    const sent = statements(log);
    if (beginsFirstByDefault()) {
      expect(sent.filter((s) => CONTROL.test(s))).toEqual([beginWord(), "COMMIT", beginWord(), "COMMIT"]);
    } else {
      expect(sent).toEqual([`SELECT ${name}.x FROM ${name} WHERE ${name}.id = $1`, `SELECT ${name}.x FROM ${name} WHERE ${name}.id = $1`]);
      expect(resets).toBe(0);
    }
  });

  it("the first write sends BEGIN before it, and the reads and writes after it form one transaction", async () => {
    const { engine, log } = await loggedEngine(ctx, name);
    await engine.connect(async (conn) => {
      await conn.execute(select(t.c.x).where(t.c.id.eq(1)));
      await conn.execute(update(t).where(t.c.id.eq(1)).values({ x: 11 }));
      expect((await conn.execute(select(t.c.x).where(t.c.id.eq(1)))).scalarOne()).toBe(11);
      await conn.rollback();
      expect((await conn.execute(select(t.c.x).where(t.c.id.eq(1)))).scalarOne()).toBe(10);
    });
    const sent = statements(log).map((s) => s.split(" ")[0]);
    if (beginsFirstByDefault()) {
      expect(sent.slice(0, 2)).toEqual([beginWord().split(" ")[0], "SELECT"]);
    } else {
      expect(sent).toEqual(["SELECT", "BEGIN", "UPDATE", "SELECT", "ROLLBACK", "SELECT"]);
    }
  });

  it("a locking read, literal SQL, a savepoint and a stream begin the transaction first", async () => {
    const { engine, log } = await loggedEngine(ctx, name);
    const firstTwo = async (work: (conn: Connection) => Promise<unknown>): Promise<string[]> => {
      log.length = 0;
      await engine.connect(async (conn) => {
        await work(conn);
      });
      return statements(log).slice(0, 2).map((s) => s.split(" ")[0] as string);
    };
    const begin = beginWord().split(" ")[0];
    expect(await firstTwo((conn) => conn.execute(select(t.c.x).where(t.c.id.eq(1)).forUpdate()))).toEqual([begin, "SELECT"]);
    expect(await firstTwo((conn) => conn.execute(text(`select x from ${name}`)))).toEqual([begin, "select"]);
    expect(await firstTwo((conn) => conn.execDriverSql(`select x from ${name}`))).toEqual([begin, "select"]);
    if (ctx.backend.dialect !== "sqlite") {
      const streamed = await firstTwo(async (conn) => {
        const result = await conn.stream(select(t.c.x));
        for await (const _ of result) void _;
      });
      expect(streamed).toEqual([begin, "SELECT"]);
    }
    const nested = await firstTwo((conn) => conn.beginNested(async () => undefined));
    expect(nested).toEqual([begin, "SAVEPOINT"]);
  });

  it("deferBegin: false always sends BEGIN first", async () => {
    const { engine, log } = await loggedEngine(ctx, name, { deferBegin: false });
    await engine.connect((conn) => conn.execute(select(t.c.x).where(t.c.id.eq(1))));
    expect(statements(log)[0]).toBe(beginWord());
    expect(log.some((line) => /default_transaction_isolation|@@tx_isolation|@@transaction_isolation/.test(line))).toBe(false);
  });

  it("an explicit READ COMMITTED level defers on every server database; REPEATABLE READ never does", async () => {
    if (ctx.backend.dialect === "sqlite") return; // SQLite has no READ COMMITTED (its levels are checked elsewhere)
    const committed = await loggedEngine(ctx, name, { isolationLevel: "READ COMMITTED" });
    await committed.engine.connect((conn) => conn.execute(select(t.c.x).where(t.c.id.eq(1))));
    expect(statements(committed.log).filter((s) => CONTROL.test(s))).toEqual([]);
    const repeatable = await loggedEngine(ctx, name, { isolationLevel: "REPEATABLE READ" });
    await repeatable.engine.connect((conn) => conn.execute(select(t.c.x).where(t.c.id.eq(1))));
    expect(statements(repeatable.log).some((s) => CONTROL.test(s))).toBe(true);
  });

  it("after a failed read the transaction goes on where reads ran before BEGIN", async () => {
    const missing = table(uniqueName("missing"), { id: new Integer() });
    await ctx.engine.connect(async (conn) => {
      const error = await conn.execute(select(missing.c.id)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProgrammingError);
      if (beginsFirstByDefault()) {
        await conn.rollback();
      }
      await conn.execute(update(t).where(t.c.id.eq(2)).values({ x: 21 }));
      await conn.commit();
    });
    await ctx.engine.connect(async (conn) => {
      expect((await conn.execute(select(t.c.x).where(t.c.id.eq(2)))).scalarOne()).toBe(21);
    });
  });

  it("a Session that only reads costs one statement per lookup", async () => {
    const Base = declarativeBase();
    class Row extends Base.model(name, { id: mapped(Integer, { primaryKey: true }), x: mapped(Integer) }) {}
    const { engine, log } = await loggedEngine(ctx, name);
    for (const id of [1, 2]) {
      const session = new Session(engine);
      const row = await session.get(Row, id);
      expect(row?.x).toBe(id * 10);
      await session.close();
    }
    const sent = statements(log);
    expect(sent).toHaveLength(beginsFirstByDefault() ? 6 : 2); // BEGIN, SELECT, ROLLBACK per lookup where BEGIN comes first
    expect(sent.every((s) => s.startsWith("SELECT") || CONTROL.test(s))).toBe(true);
  });
});

describeEachBackend(
  "deferred BEGIN follows the server's default level",
  (ctx) => {
    it("a database whose default is SERIALIZABLE gets BEGIN first", async () => {
      const url = `${ctx.backend.url as string}${(ctx.backend.url as string).includes("?") ? "&" : "?"}options=-c%20default_transaction_isolation%3Dserializable`;
      const log: string[] = [];
      const engine = createEngine(url, { echo: true, logger: { info: (m) => log.push(m), debug: () => undefined, warn: () => undefined } });
      try {
        await engine.connect((conn) => conn.execute(select(func.count())));
        expect(log[0]).toMatch(/^SHOW default_transaction_isolation/);
        expect(log[1]).toMatch(/^BEGIN/);
        expect(await engine.connect((conn) => conn.getIsolationLevel())).toBe("SERIALIZABLE");
      } finally {
        await engine.dispose();
      }
    });

    it("a connection lost between reads is replaced without a PendingRollbackError: nothing was begun", async () => {
      const engine = ctx.newEngine();
      await engine.connect(async (conn) => {
        const pid = (await conn.execute(select(func.call("pg_backend_pid", [], new Integer())))).scalarOne();
        await conn.commit();
        expect(conn.inTransaction()).toBe(false);
        expect((await conn.execute(select(func.count()).selectFrom(table("pg_class", {})))).scalarOne()).toBeGreaterThan(0);
        await ctx.engine.connect((other) => other.execute(select(func.call("pg_terminate_backend", [pid], new Integer()))));
        const error = await conn.execute(select(func.count()).selectFrom(table("pg_class", {}))).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OperationalError);
        expect((await conn.execute(select(func.count()).selectFrom(table("pg_class", {})))).scalarOne()).toBeGreaterThan(0);
      });
    });
  },
  { only: ["pg", "postgres"] },
);
