/** User story 1 through the ORM: a class mapped onto a reflected table, then inserts through the Session; ORM bulk INSERT. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Table, text, type AnyColumn, type AnyTable } from "athanor";
import { Registry, declarativeBase, insert, select, sessionmaker } from "athanor/orm";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

/** The reflected `label` column (reflected tables are typed loosely: any column name may be absent). */
function label(table: AnyTable): AnyColumn {
  const col = table.c.label;
  if (col === undefined) throw new Error("no label column");
  return col;
}

describeEachBackend("ORM on reflected tables", (ctx) => {
  const name = uniqueName("refl_orm").slice(0, 20);
  beforeAll(async () => {
    const id = ctx.backend.dialect === "postgresql" ? "id SERIAL PRIMARY KEY" : ctx.backend.dialect === "mysql" ? "id INTEGER AUTO_INCREMENT PRIMARY KEY" : "id INTEGER PRIMARY KEY";
    await ctx.engine.begin((conn) => conn.execute(text(`CREATE TABLE ${name} (${id}, label VARCHAR(50) NOT NULL, qty INTEGER DEFAULT 3)`)));
  });
  afterAll(async () => {
    await ctx.engine.begin((conn) => conn.execute(text(`DROP TABLE ${name}`)));
  });

  it("maps a declarative class onto an autoloaded table and inserts through the session", async () => {
    const Base = declarativeBase();
    const table = await Table.autoload(name, Base.metadata, ctx.engine);
    class Item extends Base.mapTable(table) {
      get shout(): string {
        return String(this.label).toUpperCase();
      }
    }
    const Session = sessionmaker(ctx.engine);
    await using session = Session();
    const item = new Item({ label: "pen" });
    session.add(item);
    await session.commit();
    expect(typeof item.id).toBe("number");
    expect(Number(item.qty)).toBe(3); // the server default came back
    expect(item.shout).toBe("PEN");
    const loaded = (await session.scalars(select(Item).where(label(table).eq("pen")))).one();
    expect(loaded).toBe(item);
  });

  it("maps a plain class imperatively onto a reflected table, and bulk-inserts without objects", async () => {
    const registry = new Registry();
    const table = await Table.autoload(name, registry.metadata, ctx.engine);
    class Thing {
      declare id: number;
      declare label: string;
      declare qty: number | null;
    }
    registry.mapImperatively(Thing, table);
    const Session = sessionmaker(ctx.engine);
    await using session = Session();
    const result = await session.execute(insert(Thing).values([{ label: "a" }, { label: "b" }]));
    expect(result.rowcount).toBe(2);
    const things = (await session.scalars(select(Thing).where(label(table).in(["a", "b"])).orderBy(label(table)))).all();
    expect(things.map((t) => [t.label, Number(t.qty)])).toEqual([
      ["a", 3],
      ["b", 3],
    ]);
    expect(things[0]).toBeInstanceOf(Thing);
    await session.commit();
  });
});
