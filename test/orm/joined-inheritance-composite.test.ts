/**
 * Joined-table inheritance whose key has two columns: the subclass table's
 * key is a composite foreign key to the base table's. Writes go to both
 * tables with both key columns, `get` takes the tuple, queries of the base
 * return subclass objects with their own columns, and a relationship to the
 * subclass joins on both columns.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { ForeignKeyConstraint, Integer, String, text } from "athanor";
import { declarativeBase, mapped, relationship, select, selectinload, sessionmaker } from "athanor/orm";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend("joined-table inheritance with a composite key", (ctx) => {
  const prefix = uniqueName("jck").slice(0, 14);
  const Base = declarativeBase();
  class Account extends Base.model(`${prefix}_accounts`, {
    region: mapped(new String(8), { primaryKey: true }),
    number: mapped(Integer, { primaryKey: true, autoincrement: false }),
    kind: mapped(new String(20), { nullable: false, init: false }),
    owner: mapped(new String(50), { nullable: false }),
  }) {
    static {
      this.polymorphic({ on: "kind", identity: "account" });
    }
  }
  class Savings extends Account.joined(
    `${prefix}_savings`,
    {
      region: mapped(new String(8), { primaryKey: true }),
      number: mapped(Integer, { primaryKey: true, autoincrement: false }),
      rate: mapped(Integer, { nullable: false }),
    },
    new ForeignKeyConstraint(["region", "number"], [`${prefix}_accounts.region`, `${prefix}_accounts.number`]),
  ) {
    declare cards: Card[];
    declare transfers: Transfer[];
    static {
      this.inherit({ identity: "savings", polymorphicLoad: "selectin" });
      this.relate({
        cards: relationship(() => Card, { backPopulates: "account", orderBy: () => Card.c.id }),
        transfers: relationship(() => Transfer, { backPopulates: "savings", orderBy: () => Transfer.c.id }),
      });
    }
  }
  class Card extends Base.model(
    `${prefix}_cards`,
    {
      id: mapped(Integer, { primaryKey: true }),
      region: mapped(new String(8), { nullable: false, init: false }),
      number: mapped(Integer, { nullable: false, init: false }),
    },
    new ForeignKeyConstraint(["region", "number"], [`${prefix}_savings.region`, `${prefix}_savings.number`]),
  ) {
    declare account: Savings | null;
    static {
      this.relate({ account: relationship(() => Savings, { backPopulates: "cards" }) });
    }
  }

  /** Refers to the base table while its relationship targets the subclass: the join condition comes from the base table's key. */
  class Transfer extends Base.model(
    `${prefix}_transfers`,
    {
      id: mapped(Integer, { primaryKey: true }),
      region: mapped(new String(8), { nullable: false, init: false }),
      number: mapped(Integer, { nullable: false, init: false }),
    },
    new ForeignKeyConstraint(["region", "number"], [`${prefix}_accounts.region`, `${prefix}_accounts.number`]),
  ) {
    declare savings: Savings | null;
    static {
      this.relate({ savings: relationship(() => Savings, { backPopulates: "transfers" }) });
    }
  }

  const rows = async (sql: string) => (await ctx.engine.connect((c) => c.execute(text(sql)))).mappings().map((r) => ({ ...r, number: Number(r.number), ...("rate" in r ? { rate: Number(r.rate) } : {}), ...("id" in r ? { id: Number(r.id) } : {}) }));

  beforeAll(() => Base.metadata.createAll(ctx.engine));
  afterAll(() => Base.metadata.dropAll(ctx.engine));
  beforeEach(() =>
    ctx.engine.begin(async (c) => {
      for (const t of ["transfers", "cards", "savings", "accounts"]) await c.execute(text(`DELETE FROM ${prefix}_${t}`));
    }),
  );

  it("writes both tables with both key columns, and get() finds the subclass by the tuple", async () => {
    await sessionmaker(ctx.engine).begin(async (session) => {
      session.addAll([new Account({ region: "eu", number: 1, owner: "ann" }), new Savings({ region: "eu", number: 2, owner: "bob", rate: 3 })]);
    });
    expect(await rows(`SELECT region, number, kind, owner FROM ${prefix}_accounts ORDER BY number`)).toEqual([
      { region: "eu", number: 1, kind: "account", owner: "ann" },
      { region: "eu", number: 2, kind: "savings", owner: "bob" },
    ]);
    expect(await rows(`SELECT region, number, rate FROM ${prefix}_savings`)).toEqual([{ region: "eu", number: 2, rate: 3 }]);

    await using session = sessionmaker(ctx.engine)();
    const found = await session.get(Account, ["eu", 2]);
    expect(found).toBeInstanceOf(Savings);
    expect((found as Savings).rate).toBe(3);
    expect(await session.get(Savings, { region: "eu", number: 2 })).toBe(found);
    expect(await session.get(Savings, ["eu", 1])).toBeNull(); // a base row without a savings row
  });

  it("a base query returns each row as its class; updates and deletes touch the right rows of both tables", async () => {
    await sessionmaker(ctx.engine).begin(async (session) => {
      session.addAll([
        new Savings({ region: "eu", number: 1, owner: "ann", rate: 1 }),
        new Savings({ region: "us", number: 1, owner: "cy", rate: 2 }),
        new Account({ region: "us", number: 2, owner: "dee" }),
      ]);
    });
    await sessionmaker(ctx.engine).begin(async (session) => {
      const all = (await session.scalars(select(Account).orderBy(Account.c.region, Account.c.number))).all();
      expect(all.map((a) => [a.constructor.name, a.region, a.number])).toEqual([
        ["Savings", "eu", 1],
        ["Savings", "us", 1],
        ["Account", "us", 2],
      ]);
      const us = all[1] as Savings;
      expect(us.rate).toBe(2); // loaded by the selectin polymorphic load
      us.rate = 7;
      us.owner = "cyd";
      await session.delete(all[0] as Savings);
    });
    expect(await rows(`SELECT a.region, a.number, a.owner, s.rate FROM ${prefix}_accounts a JOIN ${prefix}_savings s ON s.region = a.region AND s.number = a.number`)).toEqual([
      { region: "us", number: 1, owner: "cyd", rate: 7 },
    ]);
    expect(await rows(`SELECT region, number FROM ${prefix}_accounts ORDER BY number`)).toEqual([
      { region: "us", number: 1 },
      { region: "us", number: 2 },
    ]);
  });

  it("a relationship to the subclass joins on both key columns, both ways", async () => {
    await sessionmaker(ctx.engine).begin(async (session) => {
      const eu = new Savings({ region: "eu", number: 5, owner: "ann", rate: 1 });
      const us = new Savings({ region: "us", number: 5, owner: "bo", rate: 1 }); // same number, other region
      eu.cards.push(new Card({ id: 1 }), new Card({ id: 2 }));
      us.cards.push(new Card({ id: 3 }));
      session.addAll([eu, us]);
    });
    expect(await rows(`SELECT id, region, number FROM ${prefix}_cards ORDER BY id`)).toEqual([
      { id: 1, region: "eu", number: 5 },
      { id: 2, region: "eu", number: 5 },
      { id: 3, region: "us", number: 5 },
    ]);
    await using session = sessionmaker(ctx.engine)();
    const accounts = (await session.scalars(select(Savings).options(selectinload(Savings, "cards")).orderBy(Savings.c.region))).all();
    expect(accounts.map((a) => [a.region, a.cards.map((c) => c.id)])).toEqual([
      ["eu", [1, 2]],
      ["us", [3]],
    ]);
    const card = (await session.get(Card, 3)) as Card;
    expect(card.account).toBe(accounts[1]); // the many-to-one side from the identity map
  });

  it("a relationship to the subclass through a foreign key to the base table", async () => {
    await sessionmaker(ctx.engine).begin(async (session) => {
      const t = new Transfer({ id: 1 });
      t.savings = new Savings({ region: "eu", number: 9, owner: "ann", rate: 4 });
      session.add(t);
    });
    expect(await rows(`SELECT id, region, number FROM ${prefix}_transfers`)).toEqual([{ id: 1, region: "eu", number: 9 }]);
    await using session = sessionmaker(ctx.engine)();
    const [t] = (await session.scalars(select(Transfer).options(selectinload(Transfer, "savings")))).all();
    expect(t?.savings?.rate).toBe(4);
    // The other way, a one-to-many from the subclass: its base table's key finds the transfers.
    const account = t?.savings as Savings;
    expect((await session.load(account, "transfers")).map((x) => x.id)).toEqual([1]);
    account.transfers.push(new Transfer({ id: 2 }));
    await session.commit();
    expect(await rows(`SELECT id, region, number FROM ${prefix}_transfers ORDER BY id`)).toEqual([
      { id: 1, region: "eu", number: 9 },
      { id: 2, region: "eu", number: 9 },
    ]);
    await using other = sessionmaker(ctx.engine)();
    const [loaded] = (await other.scalars(select(Savings).options(selectinload(Savings, "transfers")))).all();
    expect(loaded?.transfers.map((x) => x.id)).toEqual([1, 2]);
  });
});
