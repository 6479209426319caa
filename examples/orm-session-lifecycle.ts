/**
 * The Session's lifecycle (user story 2): one Session used for several
 * transactions; what commit and rollback do to loaded objects (with the
 * default `expireOnCommit: false` and with `true`); a failed flush and the
 * rollback it needs; expunge / expungeAll to hand out plain objects; refresh,
 * expire and merge.
 *
 *   npx tsx examples/orm-session-lifecycle.ts                      # PGlite in memory
 *   npx tsx examples/orm-session-lifecycle.ts sqlite:///session.db # or any URL (also DATABASE_URL)
 */
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { Integer, IntegrityError, PendingRollbackError, String, createEngine, update as coreUpdate, type Engine } from "athanor";
import { UnloadedAttributeError, declarativeBase, inspect, mapped, select, sessionmaker, type SessionFactory } from "athanor/orm";

const Base = declarativeBase();

class Account extends Base.model("accounts", {
  id: mapped(Integer, { primaryKey: true }),
  owner: mapped(new String(100), { nullable: false, unique: true }),
  balance: mapped(Integer, { nullable: false, default: 0 }),
}) {}

/** Changes a row behind the session's back, as another process would. */
async function elsewhere(engine: Engine, owner: string, balance: number): Promise<void> {
  await engine.begin((conn) => conn.execute(coreUpdate(Account.table).where(Account.c.owner.eq(owner)).values({ balance })));
}

/** A service function: loads accounts and returns them detached, as plain results the caller cannot flush by accident. */
async function listAccounts(Session: SessionFactory): Promise<Account[]> {
  await using session = Session();
  const accounts = (await session.scalars(select(Account).orderBy(Account.c.owner))).all();
  session.expungeAll();
  return accounts;
}

/** Runs the example on a database URL, or on an engine you pass (left open for you). */
export async function main(target: string | Engine): Promise<void> {
  const engine = typeof target === "string" ? createEngine(target) : target;
  await Base.metadata.dropAll(engine, { checkFirst: true }); // a server database may keep them from an earlier run
  await Base.metadata.createAll(engine);
  try {
    const Session = sessionmaker(engine); // expireOnCommit: false, autoflush: true, autobegin: true

    // ---- one Session, several transactions: each commit ends one; the next statement begins another.
    {
      await using session = Session();
      const ada = new Account({ owner: "ada", balance: 100 });
      session.add(ada);
      await session.commit(); // transaction 1
      assert.equal(session.inTransaction, false);
      ada.balance -= 30;
      await session.commit(); // transaction 2 (the flush began it)
      const again = await session.scalar(select(Account).where(Account.c.owner.eq("ada"))); // transaction 3 (autobegin)
      assert.equal(again, ada); // one object per row: the identity map outlives transactions
      assert.equal(session.inTransaction, true);
      await session.commit();
      console.log(`one session, three transactions: ${ada}, in transaction: ${session.inTransaction}`);

      // expireOnCommit: false (the default): objects stay readable after commit, with the values this session knows.
      await elsewhere(engine, "ada", 500);
      assert.equal(ada.balance, 70);
      console.log(`after another transaction set the balance to 500, ada.balance still reads ${ada.balance} (stale until refreshed)`);
      await session.refresh(ada);
      assert.equal(ada.balance, 500);
      console.log(`refresh(ada) -> ${ada.balance}`);

      // expire(): the next read needs a refresh; Athanor never loads on attribute access (no hidden await).
      session.expire(ada, ["balance"]);
      assert.throws(() => ada.balance, UnloadedAttributeError);
      console.log(`expire(ada, ["balance"]); reading it: ${errorText(() => ada.balance)}`);
      await session.refresh(ada);
      assert.equal(ada.balance, 500);

      // rollback(): unflushed changes are discarded, every loaded object is expired, objects added in the transaction are expunged.
      ada.balance = 0;
      const bob = new Account({ owner: "bob" });
      session.add(bob);
      await session.flush();
      assert.equal(typeof bob.id, "number");
      await session.rollback();
      assert.equal(inspect(bob).transient, true); // its row was rolled back: new again, values kept
      assert.equal(bob.owner, "bob");
      assert.throws(() => ada.balance, UnloadedAttributeError);
      await session.refresh(ada);
      assert.equal(ada.balance, 500);
      console.log(`after rollback: bob is ${inspect(bob).status} (owner kept: ${bob.owner}), ada.balance reloads as ${ada.balance}`);
      session.add(bob); // add it again in the next transaction
      await session.commit();
      assert.equal(inspect(bob).persistent, true);
      await session.commit();
    }

    // ---- expireOnCommit: true (SQLAlchemy's default): every object is expired at commit; refresh before reading.
    {
      await using session = Session({ expireOnCommit: true });
      const cy = new Account({ owner: "cy", balance: 10 });
      session.add(cy);
      await session.commit();
      assert.throws(() => cy.balance, /await session\.refresh\(obj\)/);
      console.log(`expireOnCommit: true; after commit, cy.balance raises: ${errorText(() => cy.balance)}`);
      await session.refresh(cy);
      assert.equal(cy.balance, 10);
      await session.commit();
    }

    // ---- a failed flush: the transaction is rolled back; the session refuses work until rollback(); then fix and retry.
    {
      await using session = Session();
      const dup = new Account({ owner: "ada" }); // owner is unique
      const dan = new Account({ owner: "dan" });
      session.addAll([dan, dup]);
      const failure = await session.flush().catch((error: unknown) => error);
      assert.ok(failure instanceof IntegrityError);
      await assert.rejects(session.scalars(select(Account)), PendingRollbackError);
      console.log(`flush failed with ${failure.name}; the next query raises PendingRollbackError until rollback()`);
      await session.rollback();
      assert.equal(inspect(dup).transient, true);
      dup.owner = "eve"; // the objects kept their values: fix them and add them again
      session.addAll([dan, dup]);
      await session.commit();
      assert.equal(inspect(dup).persistent, true);
      console.log(`after rollback, fixed and added again: ${dan}, ${dup}`);
    }

    // ---- expunge / expungeAll: detached objects are plain results.
    const accounts = await listAccounts(Session);
    assert.deepEqual(
      accounts.map((a) => a.owner),
      ["ada", "bob", "cy", "dan", "eve"],
    );
    assert.ok(accounts.every((a) => inspect(a).detached));
    console.log(`listAccounts() returned ${accounts.length} detached objects: ${accounts.map((a) => a.owner).join(", ")}`);
    const ada = accounts[0] as Account;
    ada.balance = 1; // changes no row: no session holds it
    assert.equal(ada.balance, 1);

    // ---- merge: copy a detached object's state onto the session's object for that row (loaded if needed), then commit.
    {
      await using session = Session();
      const balanceBefore = (await session.scalar(select(Account.c.balance).where(Account.c.owner.eq("ada")))) as number;
      assert.equal(balanceBefore, 500);
      const merged = await session.merge(ada);
      assert.notEqual(merged, ada); // the session's own object; `ada` stays detached
      assert.equal(merged.balance, 1);
      assert.equal(session.isModified(merged), true);
      await session.commit();
      console.log(`merge(detached ada with balance 1): the session's ${merged} is committed`);

      const alone = accounts[1] as Account;
      session.add(alone); // a detached object can also be added back, if the session has no other object for its row
      alone.balance = 7;
      await session.commit();
      assert.equal(inspect(alone).persistent, true);
      session.expunge(alone);
      assert.equal(inspect(alone).detached, true);
      const balances = (await session.execute(select(Account.c.owner, Account.c.balance).orderBy(Account.c.owner))).all();
      await session.commit();
      assert.deepEqual(balances, [
        ["ada", 1],
        ["bob", 7],
        ["cy", 10],
        ["dan", 0],
        ["eve", 0],
      ]);
      console.log(`balances: ${balances.map(([owner, balance]) => `${owner}=${balance}`).join(", ")}`);
    }
  } finally {
    await Base.metadata.dropAll(engine);
    if (engine !== target) await engine.dispose();
  }
}

function errorText(fn: () => unknown): string {
  try {
    fn();
    return "(no error)";
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main(process.argv[2] || process.env.DATABASE_URL || "postgresql+pglite://");
}
