import { describe, expect, it } from "vitest";
import { Integer, String as Str, bindparam, func, literal, select, statementKey, table } from "../../../src/index.js";
import { compilers, paramsOf } from "../../support/compile.js";

const users = table("users", { id: new Integer(), name: new Str(50) });
const posts = table("posts", { id: new Integer(), user_id: new Integer() });

function build(name: string, minId: number, limit: number) {
  return select(users.c.id, users.c.name, func.count(posts.c.id).label("n"))
    .outerjoin(posts, posts.c.user_id.eq(users.c.id))
    .where(users.c.name.eq(name), users.c.id.gt(minId))
    .groupBy(users.c.id, users.c.name)
    .orderBy(users.c.id)
    .limit(limit);
}

describe("statement cache keys", () => {
  it("the same shape with other values has the same key, and the values in key order", () => {
    const a = statementKey(build("ada", 1, 10));
    const b = statementKey(build("bob", 7, 3));
    expect(a?.key).toBe(b?.key);
    expect(a?.binds.map((x) => x.value)).toEqual(["ada", 1, 10]);
    expect(b?.binds.map((x) => x.value)).toEqual(["bob", 7, 3]);
  });

  it("a different shape has a different key", () => {
    const base = statementKey(build("ada", 1, 10))?.key;
    expect(statementKey(build("ada", 1, 10).offset(5))?.key).not.toBe(base);
    expect(statementKey(select(users.c.id).where(users.c.id.in([1, 2])))?.key).not.toBe(statementKey(select(users.c.id).where(users.c.id.in([1, 2, 3])))?.key);
    expect(statementKey(select(users.c.id).where(users.c.id.gt(1)))?.key).not.toBe(statementKey(select(users.c.id).where(users.c.id.lt(1)))?.key);
    const other = table("users", { id: new Integer(), name: new Str(60) });
    expect(statementKey(select(users))?.key).not.toBe(statementKey(select(other))?.key);
  });

  it("named bind parameters are part of the shape, not of the values", () => {
    const k = statementKey(select(users.c.id).where(users.c.id.eq(bindparam("wanted", Integer))));
    expect(k?.binds).toEqual([]);
    expect(k?.key).toContain(":wanted:");
  });

  it("a compiled statement names each value by its key position, so another statement's values fit it", () => {
    for (const make of Object.values(compilers)) {
      const first = make().compile(build("ada", 1, 10));
      const second = make().compile(build("bob", 7, 3));
      expect(first.sql).toBe(second.sql);
      expect(first.bindNames).toEqual(second.bindNames);
      expect(paramsOf(second)).toEqual(["bob", 7, 3]);
    }
  });

  it("anonymous subqueries are not cached (their generated names depend on the statement)", () => {
    expect(statementKey(select(select(users.c.id).subquery().c.id))).toBeUndefined();
    expect(statementKey(select(select(users.c.id).subquery("s").c.id))).toBeDefined();
    expect(statementKey(select(literal(1, new Integer()).label("x")))?.binds).toHaveLength(1);
  });
});
