/** Column loading: deferred columns, and the defer / undefer / loadOnly query options, on every backend. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Integer, String, Text } from "athanor";
import { UnloadedAttributeError, declarativeBase, defer, loadOnly, mapped, select, sessionmaker, undefer } from "athanor/orm";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend("column loading options", (ctx) => {
  const Base = declarativeBase();
  class Doc extends Base.model(uniqueName("docs").slice(0, 20), {
    id: mapped(Integer, { primaryKey: true }),
    title: mapped(new String(50), { nullable: false }),
    summary: mapped(Text),
    body: mapped(Text, { deferred: true }),
  }) {}
  let statements: string[] = [];
  beforeAll(async () => {
    await Base.metadata.createAll(ctx.engine);
    ctx.engine.events.on("beforeExecute", (c) => void statements.push(c.sql));
    await sessionmaker(ctx.engine).begin(async (s) => s.addAll([new Doc({ title: "a", summary: "s", body: "long text" })]));
  });
  afterAll(() => Base.metadata.dropAll(ctx.engine));

  it("leaves a deferred column out until undefer, refresh or loadOnly asks for it", async () => {
    await using session = sessionmaker(ctx.engine)();
    statements = [];
    const doc = (await session.scalars(select(Doc))).one();
    expect(statements.at(-1)).not.toContain("body");
    expect(doc.title).toBe("a");
    expect(() => doc.body).toThrow(UnloadedAttributeError);
    expect(() => doc.body).toThrow('await session.refresh(obj, ["body"])');
    await session.refresh(doc, ["body"]);
    expect(doc.body).toBe("long text");
    session.expungeAll();
    const full = (await session.scalars(select(Doc).options(undefer(Doc, "body")))).one();
    expect(full.body).toBe("long text");
    session.expungeAll();
    statements = [];
    const slim = (await session.scalars(select(Doc).options(loadOnly(Doc, "title")))).one();
    expect(statements.at(-1)).not.toContain("summary");
    expect(slim.id).toBeTypeOf("number"); // the key always comes
    expect(slim.title).toBe("a");
    expect(() => slim.summary).toThrow(UnloadedAttributeError);
    session.expungeAll();
    const rows = (await session.execute(select(Doc, Doc.c.title).options(defer(Doc, "summary")))).all();
    expect(rows[0]?.[1]).toBe("a");
    expect(() => rows[0]?.[0].summary).toThrow(UnloadedAttributeError);
  });

  it("loads the missing columns onto an object already in the session", async () => {
    await using session = sessionmaker(ctx.engine)({ autoflush: false }); // keep the in-memory change out of the database
    const slim = (await session.scalars(select(Doc).options(loadOnly(Doc, "title")))).one();
    expect(() => slim.summary).toThrow(UnloadedAttributeError);
    slim.title = "changed in memory";
    const again = (await session.scalars(select(Doc))).one();
    expect(again).toBe(slim);
    expect(slim.summary).toBe("s"); // filled in
    expect(slim.title).toBe("changed in memory"); // kept
    await session.scalars(select(Doc).populateExisting());
    expect(slim.title).toBe("a"); // overwritten
  });
});
