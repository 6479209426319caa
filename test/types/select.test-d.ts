import { describe, expectTypeOf, it } from "vitest";
import { Integer, String as Str, cast, func, select, table, type ColumnElement, type Connection } from "athanor";

declare const conn: Connection;
const users = table("users", { id: new Integer(), name: new Str(50) });
const posts = table("posts", { id: new Integer(), user_id: new Integer(), title: new Str() });

describe("select result types", () => {
  it("columns give a typed row", async () => {
    const rows = (await conn.execute(select(users.c.id, users.c.name))).all();
    expectTypeOf(rows[0]!._asObject()).toEqualTypeOf<{ id: number; name: string }>();
  });

  it("a whole table gives every column", async () => {
    const row = (await conn.execute(select(users))).one();
    expectTypeOf(row.id).toEqualTypeOf<number>();
    expectTypeOf(row.name).toEqualTypeOf<string>();
  });

  it("labels and functions are typed; anonymous expressions add no key", () => {
    const stmt = select(users.c.id, func.count().label("n"), func.max(users.c.name).label("top"), cast(users.c.name, Integer).label("asInt"), func.lower(users.c.name));
    expectTypeOf(stmt._row).toEqualTypeOf<{ id: number; n: number; top: string | null; asInt: number }>();
  });

  it("the outer-joined side becomes nullable", () => {
    const stmt = select(users.c.name, posts.c.title).outerjoin(posts, posts.c.user_id.eq(users.c.id));
    expectTypeOf(stmt._row).toEqualTypeOf<{ name: string; title: string | null }>();
    const right = select(users.c.name, posts.c.title).rightJoin(posts, posts.c.user_id.eq(users.c.id));
    expectTypeOf(right._row).toEqualTypeOf<{ name: string | null; title: string | null }>();
    const inner = select(users.c.name, posts.c.title).join(posts, posts.c.user_id.eq(users.c.id));
    expectTypeOf(inner._row).toEqualTypeOf<{ name: string; title: string }>();
  });

  it("subquery and CTE columns are typed", () => {
    const sub = select(posts.c.user_id, func.count().label("n")).groupBy(posts.c.user_id).subquery("counts");
    expectTypeOf(sub.c.n._type).toEqualTypeOf<number>();
    const cte = select(users.c.id, users.c.name.label("who")).cte("people");
    const stmt = select(cte.c.who, sub.c.n).join(sub, sub.c.user_id.eq(cte.c.id));
    expectTypeOf(stmt._row).toEqualTypeOf<{ who: string; n: number }>();
  });

  it("scalar subqueries are typed by their column", () => {
    const latest = select(func.max(posts.c.id)).where(posts.c.user_id.eq(users.c.id)).scalarSubquery();
    expectTypeOf(latest._type).toEqualTypeOf<number | null>();
    expectTypeOf(select(users.c.id, latest.label("latest"))._row).toEqualTypeOf<{ id: number; latest: number | null }>();
  });

  it("comparisons only take values of the column's type", () => {
    select(users.c.id).where(users.c.id.eq(5), users.c.name.like("a%"));
    // @ts-expect-error: a string is not an integer
    select(users.c.id).where(users.c.id.eq("5"));
    // @ts-expect-error: no such column
    void users.c.nope;
  });
});

describe("scalar results", () => {
  it("scalar() is typed by the first column, even an anonymous one", async () => {
    expectTypeOf((await conn.execute(select(func.count()).selectFrom(users))).scalar()).toEqualTypeOf<number | null>();
    expectTypeOf((await conn.execute(select(users.c.name, users.c.id))).scalarOne()).toEqualTypeOf<string>();
    expectTypeOf((await conn.execute(select(users.c.name))).scalars().all()).toEqualTypeOf<string[]>();
    expectTypeOf((await conn.execute(select(users.c.name, users.c.id))).scalars("id").all()).toEqualTypeOf<number[]>();
    expectTypeOf((await conn.execute(select(1))).scalar()).toEqualTypeOf<number | null>();
  });
});

describe("string functions keep nullability", () => {
  it("lower/upper/length of a nullable column may be null", () => {
    const nullable = func.lower(users.c.name as unknown as ColumnElement<string | null, "name">);
    expectTypeOf(nullable._type).toEqualTypeOf<string | null>();
    expectTypeOf(func.upper(users.c.name)._type).toEqualTypeOf<string>();
    expectTypeOf(func.length(users.c.name)._type).toEqualTypeOf<number>();
  });
});
