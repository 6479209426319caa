import { describe, expectTypeOf, it } from "vitest";
import {
  Boolean as Bool,
  ColumnClause,
  type ColumnElement,
  Integer,
  Numeric,
  String as Str,
  TableClause,
  delete_,
  func,
  insert,
  column,
  select,
  table,
  update,
  values,
  type Connection,
  type Insert,
  type InsertValues,
  type NoRows,
  type UpdateValues,
} from "athanor";

declare const conn: Connection;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyExpression = ColumnElement<any, string>;
const users = table("users", { id: new Integer(), name: new Str(50), active: new Bool() });

describe("insert values parameter", () => {
  it("accepts each column's value type or any SQL expression, every key optional for table()", () => {
    insert(users).values({ name: "ada" });
    insert(users).values({ id: 1, name: func.upper("ada"), active: true });
    insert(users).values([{ name: "a" }, { name: "b" }]);
    expectTypeOf<InsertValues<typeof users.c>>().toHaveProperty("name");
  });

  it("a wrong key or a wrong value type is a type error", () => {
    // @ts-expect-error -- no such column
    insert(users).values({ nope: 1 });
    // @ts-expect-error -- name is a string
    insert(users).values({ name: 5 });
    // @ts-expect-error -- active is a boolean
    insert(users).values([{ active: "yes" }]);
    // @ts-expect-error -- not a column of users
    insert(users).fromSelect(["nope"], undefined as never);
  });

  it("a column marked required (schema's phantom) makes its key required", () => {
    class Required<T, N extends string> extends ColumnClause<T, N, "people"> {
      declare readonly _insert: "required";
    }
    const people = new TableClause<{ readonly id: ColumnClause<number, "id", "people">; readonly name: Required<string, "name"> }, "people">(
      "people",
      (t) => ({ id: new ColumnClause("id", new Integer(), t), name: new Required("name", new Str(), t) }),
    );
    insert(people).values({ name: "x" });
    // @ts-expect-error -- name is required
    insert(people).values({ id: 1 });
    type V = InsertValues<typeof people.c>;
    expectTypeOf<V>().toMatchTypeOf<{ name: unknown }>();
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    expectTypeOf<{} extends Pick<V, "id"> ? "optional" : "required">().toEqualTypeOf<"optional">();
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    expectTypeOf<{} extends Pick<V, "name"> ? "optional" : "required">().toEqualTypeOf<"required">();
    expectTypeOf<V["name"]>().toEqualTypeOf<string | AnyExpression>();
    // UPDATE never requires anything.
    update(people).values({ id: 2 });
    expectTypeOf<UpdateValues<typeof people.c>>().toMatchTypeOf<{ name?: unknown; id?: unknown }>();
  });

  it("update values and filterBy are typed the same way", () => {
    update(users).values({ active: false }).filterBy({ id: 1 });
    // @ts-expect-error -- wrong value type
    update(users).values({ active: 1 });
    // @ts-expect-error -- no such column
    delete_(users).filterBy({ nope: 1 });
  });

  it("upsert sets are typed, excluded columns carry the column types", () => {
    const stmt = insert(users).values({ id: 1, name: "a" });
    expectTypeOf(stmt.excluded.c.name._type).toEqualTypeOf<string>();
    stmt.onConflictDoUpdate({ target: "id", set: { name: stmt.excluded.c.name } });
    // @ts-expect-error -- not a column of users
    stmt.onConflictDoNothing({ target: "nope" });
    // @ts-expect-error -- wrong value type
    stmt.onDuplicateKeyUpdate({ set: { active: "no" } });
  });
});

describe("returning row types", () => {
  it("without RETURNING a statement yields no rows", () => {
    expectTypeOf(insert(users).values({ name: "a" })).toEqualTypeOf<Insert<typeof users, NoRows>>();
  });

  it("columns, labels and whole tables, like a select", async () => {
    const result = await conn.execute(insert(users).values({ name: "a" }).returning(users.c.id, users.c.name.label("who")));
    expectTypeOf(result.one()._asObject()).toEqualTypeOf<{ id: number; who: string }>();
    const all = (await conn.execute(update(users).values({ active: true }).returning(users))).one();
    expectTypeOf(all.id).toEqualTypeOf<number>();
    expectTypeOf(all.name).toEqualTypeOf<string>();
    expectTypeOf(all.active).toEqualTypeOf<boolean>();
    const deleted = await conn.execute(delete_(users).filterBy({ id: 1 }).returning(users.c.active));
    expectTypeOf(deleted.one().active).toEqualTypeOf<boolean>();
  });
});

describe("values()", () => {
  const priced = values(column("id", new Integer()), column("price", new Numeric(10, 2)));

  it("its alias's columns carry the column types, and a select of them is typed", () => {
    const v = priced.data([[1, "9.99"], [2, null]]).alias("v");
    expectTypeOf(v.c.id._type).toEqualTypeOf<number>();
    expectTypeOf(v.c.price._type).toEqualTypeOf<string>();
    expectTypeOf(select(v.c.id, v.c.price).selectFrom(v)._row).toEqualTypeOf<{ id: number; price: string }>();
    update(users).values({ id: v.c.id }).where(users.c.id.eq(v.c.id));
  });

  it("rows are typed per column, in column order", () => {
    // @ts-expect-error -- id is a number
    priced.data([["1", "9.99"]]);
    // @ts-expect-error -- no such column
    expectTypeOf(priced.alias("v").c.nope).toBeUnknown();
  });
});
